// Error codes of the storage module (the partition log). Each converts to std::error_code; the Kafka
// layer maps them to Kafka error codes (corrupt_batch/crc_mismatch -> CORRUPT_MESSAGE, ...).
#pragma once

#include <system_error>

namespace eddy::storage {

enum class errc : int {
    corrupt_batch = 1,     // a record batch is malformed (bad length, lying counts, bad record framing)
    crc_mismatch,          // a record batch's CRC-32C does not match its bytes
    unsupported_magic,     // a record batch is not RecordBatch v2
    message_too_large,     // a batch exceeds max_message_bytes
    offset_out_of_range,   // an offset below the log start or past the log end
    corrupt_log,           // stored data is damaged somewhere other than a torn tail; never served
    missing_key,           // a record without a key on a compacted log
    log_failed,            // an earlier I/O failure left the log unusable until it is reopened
    invalid_config,        // a log_config value is out of range
};

const std::error_category& error_category();
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), error_category()}; }

}  // namespace eddy::storage

template <>
struct std::is_error_code_enum<eddy::storage::errc> : std::true_type {};
