// Kafka RecordBatch v2: parse and validate the 61-byte header and the records of a batch, patch its base
// offset, and build batches (tests, CLI, compaction). Batches are stored verbatim; only baseOffset (outside
// the CRC range) is rewritten on append. Layout (big-endian), see docs/formats/segment.md:
//   0 baseOffset i64 | 8 batchLength i32 | 12 partitionLeaderEpoch i32 | 16 magic i8 (=2) | 17 crc u32
//   21 attributes i16 | 23 lastOffsetDelta i32 | 27 baseTimestamp i64 | 35 maxTimestamp i64
//   43 producerId i64 | 51 producerEpoch i16 | 53 baseSequence i32 | 57 recordsCount i32 | 61 records...
// batchLength counts the bytes after the batchLength field; the CRC-32C covers attributes..end.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "bytes/bytes.h"

namespace eddy::storage {

inline constexpr size_t batch_header_size = 61;
inline constexpr size_t batch_log_overhead = 12;  // baseOffset + batchLength: bytes not counted by batchLength
inline constexpr size_t batch_crc_pos = 17;
inline constexpr size_t batch_crc_range_pos = 21;  // first byte covered by the CRC (attributes)
inline constexpr int8_t batch_magic_v2 = 2;

struct batch_header {
    int64_t base_offset = 0;
    int32_t batch_length = 0;
    int32_t partition_leader_epoch = -1;
    int8_t magic = batch_magic_v2;
    uint32_t crc = 0;
    int16_t attributes = 0;
    int32_t last_offset_delta = 0;
    int64_t base_timestamp = 0;
    int64_t max_timestamp = 0;
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;
    int32_t base_sequence = -1;
    int32_t records_count = 0;

    // Whole batch on disk: header plus records.
    [[nodiscard]] size_t size_bytes() const { return batch_log_overhead + static_cast<size_t>(batch_length); }
    [[nodiscard]] int compression() const { return attributes & 0x7; }
    [[nodiscard]] bool is_compressed() const { return compression() != 0; }
    [[nodiscard]] bool is_log_append_time() const { return (attributes & 0x8) != 0; }
    [[nodiscard]] bool is_transactional() const { return (attributes & 0x10) != 0; }
    [[nodiscard]] bool is_control() const { return (attributes & 0x20) != 0; }
    [[nodiscard]] offset base() const { return offset{base_offset}; }
    [[nodiscard]] offset last() const { return offset{base_offset + last_offset_delta}; }
};

// Reads the header fields without checking the CRC or the records. Errors: corrupt_batch when data is
// shorter than the header or batchLength is impossible (< 49); unsupported_magic when magic != 2.
[[nodiscard]] result<batch_header> parse_header(bytes_view data);

enum class validation {
    // From a producer: recordsCount >= 1, offset deltas exactly 0..n-1, lastOffsetDelta == n-1.
    producer,
    // From our own disk: compaction may have removed records, so deltas only increase within
    // [0, lastOffsetDelta] and recordsCount <= lastOffsetDelta + 1.
    stored,
};

// The most a producer's compressed records section may expand to (a "decompression bomb" fails instead).
inline constexpr size_t max_decompressed_records = 64 * 1024 * 1024;

// Fully validates the batch at the start of data (more bytes may follow it): header, length bounds
// (size_bytes() <= max_batch_bytes and <= data.size()), CRC, counts and the framing of every record. In
// producer mode a compressed batch's records are decompressed (at most max_decompressed_records) and
// checked too; in stored mode compressed batches are checked up to the CRC and counts only.
[[nodiscard]] result<batch_header> validate_batch(bytes_view data, validation mode,
                                                 size_t max_batch_bytes = SIZE_MAX);

// One record of an uncompressed batch; views point into the batch bytes.
struct record_view {
    int64_t timestamp_delta = 0;
    int32_t offset_delta = 0;
    std::optional<bytes_view> key;    // nullopt = null key
    std::optional<bytes_view> value;  // nullopt = null value (a tombstone)
    int32_t header_count = 0;
    bytes_view raw;  // the whole encoded record, its length prefix included
};

// Parses the records of an uncompressed batch (the whole batch, header included).
// REQUIRES: batch passed validate_batch and is not compressed.
[[nodiscard]] result<std::vector<record_view>> parse_records(bytes_view batch);

// Rewrites baseOffset (outside the CRC range, so the CRC stays valid). REQUIRES: batch.size() >= 8.
void set_base_offset(mutable_bytes_view batch, offset base);

// Recomputes and stores the CRC of a complete batch. REQUIRES: batch.size() >= batch_header_size.
void update_crc(mutable_bytes_view batch);

struct record_input {
    std::optional<std::string> key;
    std::optional<std::string> value;
    timestamp_ms timestamp{0};
    std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

struct batch_options {
    int64_t base_offset = 0;
    int64_t producer_id = -1;
    int16_t producer_epoch = -1;
    int32_t base_sequence = -1;
    int16_t attributes = 0;  // REQUIRES: no compression bits (the builder writes plain records)
};

// Builds a valid uncompressed batch with offset deltas 0..n-1. REQUIRES: !records.empty().
[[nodiscard]] bytes build_batch(std::span<const record_input> records, const batch_options& opts = {});

// Builds a batch from already-encoded records (record_view::raw), keeping the given header's base offset,
// lastOffsetDelta, timestamps and producer fields; recomputes length, count and CRC. Used by compaction.
// REQUIRES: every raw record came from a batch with the same base offset and base timestamp.
[[nodiscard]] bytes rebuild_batch(const batch_header& tmpl, std::span<const bytes_view> raw_records);

}  // namespace eddy::storage
