// Translation of eddy errors (coord::errc, storage::errc, protocol errors) to Kafka error codes. The only
// place where that mapping lives.
#pragma once

#include <cstdint>

#include "base/result.h"

namespace eddy::kafka::server {

// Kafka error codes used by the handlers.
namespace kerr {
inline constexpr int16_t none = 0;
inline constexpr int16_t unknown_server_error = -1;
inline constexpr int16_t offset_out_of_range = 1;
inline constexpr int16_t corrupt_message = 2;
inline constexpr int16_t unknown_topic_or_partition = 3;
inline constexpr int16_t message_too_large = 10;
inline constexpr int16_t invalid_topic = 17;
inline constexpr int16_t unsupported_version = 35;
inline constexpr int16_t invalid_request = 42;
inline constexpr int16_t kafka_storage_error = 56;
inline constexpr int16_t unsupported_for_message_format = 43;
inline constexpr int16_t invalid_config = 40;
inline constexpr int16_t invalid_replication_factor = 38;
inline constexpr int16_t invalid_record = 87;
inline constexpr int16_t policy_violation = 44;
inline constexpr int16_t unknown_topic_id = 100;
}  // namespace kerr

[[nodiscard]] int16_t to_kafka_error(const error& e);

}  // namespace eddy::kafka::server
