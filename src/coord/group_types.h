// Requests, results and configuration of the consumer-group coordinator (group_coordinator.h): plain
// values that mirror the Kafka APIs JoinGroup, SyncGroup, Heartbeat, LeaveGroup, ListGroups,
// DescribeGroups, DeleteGroups, OffsetCommit, OffsetFetch and OffsetDelete, minus wire details.
// Error fields use coord::errc, whose values are the Kafka error codes (errc.h).
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/ids.h"
#include "bytes/bytes.h"
#include "coord/errc.h"

namespace eddy::coord {

using std::chrono::milliseconds;

enum class group_state : uint8_t { empty, preparing_rebalance, completing_rebalance, stable, dead };

// Kafka's names: "Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead".
[[nodiscard]] std::string_view to_string(group_state s);

struct group_config {
    milliseconds min_session_timeout{6'000};       // group.min.session.timeout.ms
    milliseconds max_session_timeout{1'800'000};   // group.max.session.timeout.ms
    milliseconds initial_rebalance_delay{3'000};   // group.initial.rebalance.delay.ms
    int32_t max_size = std::numeric_limits<int32_t>::max();  // group.max.size
    size_t max_offset_metadata_bytes = 4096;       // offset.metadata.max.bytes
};

struct group_protocol {
    std::string name;
    bytes metadata;
};

struct join_request {
    std::string group_id;
    std::string member_id;  // empty on a member's first join
    std::optional<std::string> group_instance_id;  // static membership (v5+)
    std::string protocol_type;
    std::vector<group_protocol> protocols;  // in the member's order of preference
    milliseconds session_timeout{10'000};
    milliseconds rebalance_timeout{-1};  // v0 has none: -1 means "same as session_timeout"
    int16_t api_version = 5;  // v4+ first joins get MEMBER_ID_REQUIRED; v9+ may skip the assignment
    std::string client_id;
    std::string client_host;
};

struct join_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    bytes metadata;  // for the selected protocol
};

struct join_result {
    errc error = errc::none;
    int32_t generation_id = -1;
    std::string protocol_type;
    std::optional<std::string> protocol_name;
    std::string leader_id;
    std::string member_id;
    std::vector<join_member> members;  // only the leader's result lists the members
    // v9+ (KIP-814): the leader of a Stable group rejoined as a static member; it gets the members but
    // must not run the assignor (the group keeps its assignment).
    bool skip_assignment = false;
};

struct sync_request {
    std::string group_id;
    int32_t generation_id = -1;
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::optional<std::string> protocol_type;  // v5+: checked when present
    std::optional<std::string> protocol_name;
    std::vector<std::pair<std::string, bytes>> assignments;  // the leader's: member id -> assignment
};

struct sync_result {
    errc error = errc::none;
    std::optional<std::string> protocol_type;
    std::optional<std::string> protocol_name;
    bytes assignment;
};

struct heartbeat_request {
    std::string group_id;
    int32_t generation_id = -1;
    std::string member_id;
    std::optional<std::string> group_instance_id;
};

struct leave_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
};

struct leave_result {
    errc error = errc::none;  // top level (v3+ also has per-member errors)
    std::vector<std::pair<leave_member, errc>> members;
};

struct group_listing {
    std::string group_id;
    std::string protocol_type;
    group_state state;
};

struct list_groups_result {
    errc error = errc::none;  // coordinator_not_available while the service is not serving
    std::vector<group_listing> groups;
};

struct described_member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    bytes metadata;    // empty unless the group is Stable
    bytes assignment;  // empty unless the group is Stable
};

struct group_description {
    errc error = errc::none;  // group_id_not_found for an unknown group (DescribeGroups v6+; older
                              // versions answer NONE with state Dead)
    std::string group_id;
    group_state state = group_state::dead;
    std::string protocol_type;
    std::string protocol_name;  // empty unless Stable
    std::vector<described_member> members;
};

struct topic_partition {
    std::string topic;
    partition_id partition;

    auto operator<=>(const topic_partition&) const = default;
    bool operator==(const topic_partition&) const = default;
};

struct committed_offset {
    offset value;
    int32_t leader_epoch = -1;
    std::optional<std::string> metadata;
    timestamp_ms commit_timestamp;

    bool operator==(const committed_offset&) const = default;
};

struct offset_commit_entry {
    topic_partition tp;
    offset value;
    int32_t leader_epoch = -1;
    std::optional<std::string> metadata;
};

struct offset_commit_request {
    std::string group_id;
    int32_t generation_id = -1;  // -1 with an empty member id: a "simple" commit (no group membership)
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::vector<offset_commit_entry> offsets;
};

struct partition_result {
    topic_partition tp;
    errc error = errc::none;
};

struct fetched_offset {
    topic_partition tp;
    offset value{-1};  // -1 when nothing is committed
    int32_t leader_epoch = -1;
    std::optional<std::string> metadata;
    errc error = errc::none;
};

struct offset_fetch_result {
    errc error = errc::none;
    std::vector<fetched_offset> offsets;
};

struct offset_delete_result {
    errc error = errc::none;  // top level: group_id_not_found, non_empty_group, invalid_group_id
    std::vector<partition_result> partitions;
};

using join_callback = std::function<void(join_result)>;
using sync_callback = std::function<void(sync_result)>;

}  // namespace eddy::coord
