// The persisted form of consumer-group state, in the spirit of Kafka's __consumer_offsets:
//   offset_commit  key (group, topic, partition) -> committed offset, leader epoch, metadata, commit time
//   group_metadata key (group) -> generation, protocol, leader and members with their assignments
// A null value (tombstone) deletes the key. Layouts in docs/formats/coord.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "coord/group_types.h"
#include "coord/record.h"

namespace eddy::coord {

struct group_metadata_value {
    struct member {
        std::string member_id;
        std::optional<std::string> group_instance_id;
        std::string client_id;
        std::string client_host;
        int32_t rebalance_timeout_ms = 0;
        int32_t session_timeout_ms = 0;
        bytes subscription;  // the member's metadata for the selected protocol
        bytes assignment;

        bool operator==(const member&) const = default;
    };
    std::string protocol_type;
    int32_t generation = 0;
    std::optional<std::string> protocol_name;
    std::optional<std::string> leader_id;
    timestamp_ms state_timestamp;
    std::vector<member> members;

    bool operator==(const group_metadata_value&) const = default;
};

struct offset_record {
    std::string group_id;
    topic_partition tp;
    std::optional<committed_offset> value;  // nullopt: tombstone
};

struct group_record {
    std::string group_id;
    std::optional<group_metadata_value> value;  // nullopt: tombstone
};

[[nodiscard]] record encode_offset_record(std::string_view group_id, const topic_partition& tp,
                                          const std::optional<committed_offset>& value);
[[nodiscard]] record encode_group_record(std::string_view group_id, const std::optional<group_metadata_value>& value);

// REQUIRES: type_of(r.key) is the matching record_type.
[[nodiscard]] result<offset_record> decode_offset_record(const record& r);
[[nodiscard]] result<group_record> decode_group_record(const record& r);

}  // namespace eddy::coord
