// The client side of Kafka's "consumer" group protocol, as the REST Proxy's consumer instances speak it
// inside the group coordinator: the ConsumerProtocolSubscription and ConsumerProtocolAssignment blobs
// carried by JoinGroup and SyncGroup, and the two assignors a REST member offers ("range" first, then
// "roundrobin"), computed exactly as Kafka's RangeAssignor and RoundRobinAssignor do when the REST
// member is the group's leader. Java clients (range, cooperative-sticky) and librdkafka (range,
// roundrobin) both share "range" with it, so they can be in one group.
//
// Encodings (big-endian, Kafka's): subscription v0 = version i16, topics [string], user_data bytes;
// assignment v0 = version i16, [topic string, partitions [i32]], user_data bytes. Decoders accept every
// version (later versions only append fields).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bytes/bytes.h"

namespace eddy::http::rest {

inline constexpr std::string_view consumer_protocol_type = "consumer";
inline constexpr std::string_view range_assignor = "range";
inline constexpr std::string_view roundrobin_assignor = "roundrobin";

// Topic -> assigned partitions (sorted).
using partition_assignment = std::map<std::string, std::vector<int32_t>>;

[[nodiscard]] bytes encode_subscription(const std::vector<std::string>& topics);
// The topics of any version's subscription; nullopt when the bytes do not parse.
[[nodiscard]] std::optional<std::vector<std::string>> decode_subscription(bytes_view data);

[[nodiscard]] bytes encode_assignment(const partition_assignment& a);
// Any version's assignment; empty input is an empty assignment; nullopt when the bytes do not parse.
[[nodiscard]] std::optional<partition_assignment> decode_assignment(bytes_view data);

struct member_subscription {
    std::string member_id;
    std::vector<std::string> topics;
};

// Member id -> assignment, for every member (members with nothing get an empty one). Topics missing
// from partition_counts (unknown) are not assigned.
[[nodiscard]] std::map<std::string, partition_assignment> assign(
    std::string_view assignor, const std::vector<member_subscription>& members,
    const std::map<std::string, int32_t>& partition_counts);

}  // namespace eddy::http::rest
