// Storage for metric cells, laid out so that no two shards ever write to the same cache line.
//
// Each slot (one per shard, plus one shared slot for threads without a shard) owns its own chunks of
// cells. A series allocates a range of cells at the same index in every slot, so the cells of one shard
// for many series sit together (written by one thread only), and cells of different shards never share a
// line because each chunk is a separate 64-byte aligned allocation.
//
// Invariants:
// - chunks are never moved or freed while the arena lives, so a cell pointer stays valid until the
//   range holding it is released;
// - a range never straddles two chunks;
// - a range handed out by allocate() is zero in every slot.
// Thread-safety: allocate/release lock; reading and writing cells through pointers does not.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace eddy::observability::detail {

// One metric cell: an integer count, or a double stored as its bit pattern.
using cell = std::atomic<uint64_t>;

class cell_arena {
public:
    static constexpr uint32_t chunk_cells = 8192;
    // The largest range one series may take (a histogram's buckets + sum).
    static constexpr uint32_t max_range = 256;

    explicit cell_arena(uint32_t slots);
    cell_arena(const cell_arena&) = delete;
    cell_arena& operator=(const cell_arena&) = delete;

    [[nodiscard]] uint32_t slots() const { return slots_; }

    // Reserves `n` consecutive zeroed cells in every slot and returns the index of the first.
    // REQUIRES: 0 < n <= max_range.
    [[nodiscard]] uint32_t allocate(uint32_t n);
    // Returns a range to the arena. REQUIRES: nobody reads or writes its cells any more.
    void release(uint32_t index, uint32_t n);
    // Address of cell `index` of `slot`. REQUIRES: index is inside an allocated range.
    [[nodiscard]] cell* at(uint32_t slot, uint32_t index);

    // Cells handed out and not released (for tests and memory accounting).
    [[nodiscard]] uint64_t cells_in_use() const;

private:
    struct alignas(64) chunk {
        cell cells[chunk_cells];
    };

    const uint32_t slots_;
    mutable std::mutex mu_;
    std::vector<std::vector<std::unique_ptr<chunk>>> chunks_;  // [slot][chunk]
    uint32_t next_ = 0;                                       // next never-used cell index
    std::map<uint32_t, std::vector<uint32_t>> free_;          // range size -> released range starts
    uint64_t in_use_ = 0;
};

}  // namespace eddy::observability::detail
