// The consumer protocol's member assignment (Kafka's ConsumerProtocolAssignment, what a "consumer" group
// leader hands each member in SyncGroup): the partitions assigned per topic. The coordinator stores it
// as opaque bytes; the admin API decodes it to show who consumes what.
//
// Layout, every version (0-3; later versions only append fields): int16 version, int32 topic count,
// per topic an int16-length name and an int32 count of int32 partitions, then user data (ignored).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/ids.h"
#include "bytes/bytes.h"

namespace eddy::coord {

struct assigned_topic {
    std::string topic;
    std::vector<partition_id> partitions;

    bool operator==(const assigned_topic&) const = default;
};

// The assignment in `b`, in the order the leader wrote it; an empty list for empty bytes (a member
// without an assignment yet). nullopt when the bytes do not parse.
[[nodiscard]] std::optional<std::vector<assigned_topic>> decode_consumer_assignment(bytes_view b);

}  // namespace eddy::coord
