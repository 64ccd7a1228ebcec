// Per-partition log settings (Kafka topic configs of the same names), with validation.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace eddy::storage {

enum class cleanup_policy { delete_records, compact, compact_and_delete };

// When appended data is fsynced:
// - always: before an append is acknowledged (through group_commit: one fsync covers every batch
//   appended meanwhile). The default: nothing acknowledged is lost on kill -9 or power loss.
// - interval: at most `interval` after the append (the runtime polls log::flush_due()).
// - never: only when a segment rolls or the log closes (the page cache decides otherwise).
struct flush_policy {
    enum class kind { always, interval, never };
    kind mode = kind::always;
    std::chrono::milliseconds interval{0};

    // "always" | "never" | "interval:<ms>"
    [[nodiscard]] static result<flush_policy> parse(std::string_view s);
    [[nodiscard]] std::string to_string() const;
    bool operator==(const flush_policy&) const = default;
};

struct log_config {
    uint64_t segment_bytes = 1ull << 30;                  // roll when the active segment would exceed this
    int64_t segment_ms = 7LL * 24 * 3600 * 1000;          // roll when the active segment's first append is older
    int64_t retention_bytes = -1;                         // -1 = unbounded
    int64_t retention_ms = 7LL * 24 * 3600 * 1000;        // -1 = forever
    cleanup_policy cleanup = cleanup_policy::delete_records;
    int64_t delete_retention_ms = 24LL * 3600 * 1000;     // how long compaction keeps tombstones
    uint64_t max_message_bytes = 1048588;                 // largest batch accepted (Kafka's default)
    uint64_t index_interval_bytes = 4096;                 // bytes between sparse offset index entries
    flush_policy flush;
    // Check each batch's CRC before this process first serves it (appended batches were checked on append,
    // recovery checks the active segment), so disk corruption is not served; checked bytes are then sent
    // from the file without reading them (log::read_slice). false: never re-check.
    bool verify_crc_on_read = true;

    // Errors with errc::invalid_config naming the first bad field.
    [[nodiscard]] result<void> validate() const;
    [[nodiscard]] bool compacted() const { return cleanup != cleanup_policy::delete_records; }
    [[nodiscard]] bool deletes() const { return cleanup != cleanup_policy::compact; }
};

}  // namespace eddy::storage
