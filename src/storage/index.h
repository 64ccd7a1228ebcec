// The two per-segment indexes, as in-memory vectors mirrored to files (layouts: docs/formats/index.md).
// - offset index (.index): sparse; an entry every index_interval_bytes of log, mapping a batch's base offset
//   (relative to the segment base) to the batch's byte position in the .log file. 8 bytes per entry.
// - time index (.timeindex): dense; one entry per batch: the batch's maxTimestamp, its base offset
//   (relative), and the broker's append time (wall clock when the batch was appended; -1 when unknown,
//   e.g. after an index rebuild). 20 bytes per entry.
// Invariants (checked by the decoders, so a damaged file is detected and rebuilt): relative offsets strictly
// increase; offset-index positions strictly increase; the first offset-index entry, if any, is position 0.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"
#include "bytes/bytes.h"

namespace eddy::storage {

struct offset_index_entry {
    uint32_t relative_offset = 0;
    uint32_t position = 0;
    bool operator==(const offset_index_entry&) const = default;
};

struct time_index_entry {
    int64_t max_timestamp = 0;
    uint32_t relative_offset = 0;
    int64_t append_time = -1;
    bool operator==(const time_index_entry&) const = default;
};

inline constexpr size_t offset_index_entry_size = 8;
inline constexpr size_t time_index_entry_size = 20;

void encode(bytes& out, const offset_index_entry& e);
void encode(bytes& out, const time_index_entry& e);

// Decode a whole index file. nullopt when the size is not a whole number of entries or an invariant
// above does not hold (the caller rebuilds the index from the log).
[[nodiscard]] std::optional<std::vector<offset_index_entry>> decode_offset_index(bytes_view data);
[[nodiscard]] std::optional<std::vector<time_index_entry>> decode_time_index(bytes_view data);

// Position to start scanning from for relative offset rel: the position of the last entry whose
// relative offset is <= rel, or 0 when there is none.
[[nodiscard]] uint32_t lookup_position(std::span<const offset_index_entry> index, uint32_t rel);

// The first i with prefix_max[i] >= t, or nullopt. prefix_max must be monotonic (a running maximum of
// maxTimestamp, per batch or per block of batches), so this is a binary search.
[[nodiscard]] std::optional<size_t> first_batch_at_or_after(std::span<const int64_t> prefix_max, int64_t t);

// Index (into the time index) of the batch that holds relative offset rel: the last entry whose relative
// offset is <= rel, or nullopt when rel precedes every entry.
[[nodiscard]] std::optional<size_t> batch_holding(std::span<const time_index_entry> index, uint32_t rel);

}  // namespace eddy::storage
