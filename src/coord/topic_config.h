// Per-topic configuration overrides, validated the way Kafka validates topic configs. Only keys a user
// set are stored (as normalized strings, which is also what DescribeConfigs shows and what is
// persisted); anything not overridden falls back to the broker default, which lives outside coord.
//
// Known keys (anything else is INVALID_CONFIG):
//   retention.ms            long >= -1        (-1 = keep forever)
//   retention.bytes         long >= -1        (-1 = no size limit)
//   cleanup.policy          list of delete|compact, normalized to "delete", "compact" or "compact,delete"
//   segment.bytes           int  >= 1024  (Kafka allows 14; our log needs room for one maximal batch
//                                          header and indexes whose positions are 32-bit)
//   segment.ms              long >= 1
//   max.message.bytes       int  >= 0     (applied clamped to [61, 1 GiB], what the log can hold)
//   message.timestamp.type  CreateTime | LogAppendTime
//   compression.type        uncompressed|zstd|lz4|snappy|gzip|producer  (stored, not enforced yet)
//   min.insync.replicas     int  >= 1        (accepted for client compatibility; single node)
//   delete.retention.ms     long >= 0
//   min.compaction.lag.ms   long >= 0
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace eddy::coord {

enum class cleanup_policy : uint8_t { delete_records, compact, compact_and_delete };
enum class timestamp_type : uint8_t { create_time, log_append_time };

using config_entries = std::vector<std::pair<std::string, std::string>>;

class topic_config {
public:
    // All entries validated; the first bad one fails the whole set with errc::invalid_config.
    [[nodiscard]] static result<topic_config> from_entries(const config_entries& entries);

    // Validates and stores one override (replacing an earlier value of the key).
    [[nodiscard]] result<void> set(std::string_view key, std::string_view value);
    // Removes an override; unknown keys are INVALID_CONFIG, removing an unset known key is a no-op.
    [[nodiscard]] result<void> unset(std::string_view key);

    [[nodiscard]] static bool is_known_key(std::string_view key);

    // Normalized overrides, sorted by key.
    [[nodiscard]] const std::map<std::string, std::string, std::less<>>& overrides() const { return values_; }

    [[nodiscard]] std::optional<int64_t> retention_ms() const { return as_long("retention.ms"); }
    [[nodiscard]] std::optional<int64_t> retention_bytes() const { return as_long("retention.bytes"); }
    [[nodiscard]] std::optional<int64_t> segment_bytes() const { return as_long("segment.bytes"); }
    [[nodiscard]] std::optional<int64_t> segment_ms() const { return as_long("segment.ms"); }
    [[nodiscard]] std::optional<int64_t> max_message_bytes() const { return as_long("max.message.bytes"); }
    [[nodiscard]] std::optional<cleanup_policy> cleanup() const;
    [[nodiscard]] std::optional<timestamp_type> message_timestamp_type() const;

    bool operator==(const topic_config&) const = default;

private:
    [[nodiscard]] std::optional<int64_t> as_long(std::string_view key) const;

    std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace eddy::coord
