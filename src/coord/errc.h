// Error codes of the coordination logic (catalog, consumer groups, committed offsets, producer state).
//
// Each enumerator's numeric value IS the Kafka protocol error code with the same meaning, so kafka/server
// translates with static_cast<int16_t>(e) for every value below 1000:
//
//   errc                          Kafka code  Kafka name
//   none                              0       NONE (success; used in per-item results)
//   unknown_topic_or_partition        3       UNKNOWN_TOPIC_OR_PARTITION
//   offset_metadata_too_large        12       OFFSET_METADATA_TOO_LARGE
//   coordinator_not_available        15       COORDINATOR_NOT_AVAILABLE
//   invalid_topic                    17       INVALID_TOPIC_EXCEPTION
//   illegal_generation               22       ILLEGAL_GENERATION
//   inconsistent_group_protocol      23       INCONSISTENT_GROUP_PROTOCOL
//   invalid_group_id                 24       INVALID_GROUP_ID
//   unknown_member_id                25       UNKNOWN_MEMBER_ID
//   invalid_session_timeout          26       INVALID_SESSION_TIMEOUT
//   rebalance_in_progress            27       REBALANCE_IN_PROGRESS
//   topic_already_exists             36       TOPIC_ALREADY_EXISTS
//   invalid_partitions               37       INVALID_PARTITIONS
//   invalid_replication_factor       38       INVALID_REPLICATION_FACTOR
//   invalid_config                   40       INVALID_CONFIG
//   invalid_request                  42       INVALID_REQUEST
//   out_of_order_sequence_number     45       OUT_OF_ORDER_SEQUENCE_NUMBER
//   duplicate_sequence_number        46       DUPLICATE_SEQUENCE_NUMBER (never returned: duplicates succeed)
//   invalid_producer_epoch           47       INVALID_PRODUCER_EPOCH
//   unknown_producer_id              59       UNKNOWN_PRODUCER_ID
//   non_empty_group                  68       NON_EMPTY_GROUP
//   group_id_not_found               69       GROUP_ID_NOT_FOUND
//   member_id_required               79       MEMBER_ID_REQUIRED
//   group_max_size_reached           81       GROUP_MAX_SIZE_REACHED
//   fenced_instance_id               82       FENCED_INSTANCE_ID
//   group_subscribed_to_topic        86       GROUP_SUBSCRIBED_TO_TOPIC
//   invalid_record                   87       INVALID_RECORD
//
// Values >= 1000 are eddy-internal (e.g. a corrupt persisted record) and have no Kafka equivalent;
// kafka/server maps them to UNKNOWN_SERVER_ERROR (-1).
#pragma once

#include <cstdint>
#include <system_error>

namespace eddy::coord {

enum class errc : int {
    none = 0,
    unknown_topic_or_partition = 3,
    offset_metadata_too_large = 12,
    coordinator_not_available = 15,
    invalid_topic = 17,
    illegal_generation = 22,
    inconsistent_group_protocol = 23,
    invalid_group_id = 24,
    unknown_member_id = 25,
    invalid_session_timeout = 26,
    rebalance_in_progress = 27,
    topic_already_exists = 36,
    invalid_partitions = 37,
    invalid_replication_factor = 38,
    invalid_config = 40,
    invalid_request = 42,
    out_of_order_sequence_number = 45,
    duplicate_sequence_number = 46,
    invalid_producer_epoch = 47,
    unknown_producer_id = 59,
    non_empty_group = 68,
    group_id_not_found = 69,
    member_id_required = 79,
    group_max_size_reached = 81,
    fenced_instance_id = 82,
    group_subscribed_to_topic = 86,
    invalid_record = 87,

    // eddy-internal, no Kafka equivalent (map to UNKNOWN_SERVER_ERROR).
    corrupt_record = 1000,         // a persisted coordination record failed to decode
    unsupported_record_version,    // a persisted record written by a newer eddy
};

const std::error_category& error_category();
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), error_category()}; }

// The Kafka error code for e: the enumerator's value, or -1 (UNKNOWN_SERVER_ERROR) for internal codes.
[[nodiscard]] constexpr int16_t kafka_error_code(errc e) {
    int v = static_cast<int>(e);
    return v >= 1000 ? int16_t{-1} : static_cast<int16_t>(v);
}

}  // namespace eddy::coord

template <>
struct std::is_error_code_enum<eddy::coord::errc> : std::true_type {};
