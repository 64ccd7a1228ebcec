// Storage for the metric cells of one family, laid out so that no two shards ever write to the same
// cache line and a scrape reads each shard's cells of the family sequentially.
//
// Each slot (one per shard, plus one shared slot for threads without a shard) owns its own chunks of
// cells. A series allocates a range of cells at the same index in every slot, so the cells one shard
// writes for many series sit together (written by that thread only), and cells of different shards never
// share a line because each chunk is a separate 64-byte aligned allocation. Chunks start small and
// double up to max_chunk_cells, so a family with few series costs little memory.
//
// Invariants:
// - chunks are never moved or freed while the arena lives, so a cell pointer stays valid until the
//   range holding it is released;
// - a range never straddles two chunks;
// - a range handed out by allocate() is zero in every slot.
// Thread-safety: allocate/release/at lock; reading and writing cells through pointers does not.
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
    static constexpr uint32_t first_chunk_cells = 256;
    static constexpr uint32_t max_chunk_cells = 8192;
    // The largest range one series may take (a histogram's buckets + sum).
    static constexpr uint32_t max_range = first_chunk_cells;

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
    // A 64-byte aligned array of zeroed cells.
    struct cell_block {
        struct deleter {
            void operator()(cell* p) const { ::operator delete[](p, std::align_val_t{64}); }
        };
        std::unique_ptr<cell, deleter> cells;
        explicit cell_block(uint32_t n);
    };
    struct chunk {
        uint32_t start;
        uint32_t size;
        std::vector<cell_block> per_slot;
    };

    [[nodiscard]] cell* locked_at(uint32_t slot, uint32_t index);

    const uint32_t slots_;
    mutable std::mutex mu_;
    std::vector<chunk> chunks_;                       // by start index
    uint32_t next_ = 0;                               // next never-used cell index
    std::map<uint32_t, std::vector<uint32_t>> free_;  // range size -> released range starts
    uint64_t in_use_ = 0;
};

}  // namespace eddy::observability::detail
