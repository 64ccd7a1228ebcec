// Consumer lag: how far a group is behind, per partition it has committed an offset for. The one place
// lag is computed; GET /v1/groups/{g} and the eddy_consumer_group_lag_* metrics (lag_monitor.h) both
// use it.
//
//   lag_messages = log_end - committed, at least 0 (Kafka's LAG column: log end minus committed offset)
//   lag_seconds  = now - timestamp of the oldest record the group has not consumed yet, at least 0;
//                  0 when committed >= log_end (caught up)
//
// The oldest unconsumed record is the one at the committed offset (at log start when retention or
// DeleteRecords removed that offset; at the next offset when compaction did). Its timestamp is the
// record's own (CreateTime), or the batch's append time on LogAppendTime topics. Inside a compressed batch
// eddy does not decompress: it uses the batch's base timestamp, the timestamp of the batch's first record,
// which is exact when the committed offset starts the batch and otherwise overstates the lag by at most
// the batch's own time span (the producer's linger). lag_seconds is unknown (nullopt) when that record
// cannot be read or carries no timestamp (-1).
//
// Cost: one call to the partition's owner shard per partition, a second (reading one batch) only for a
// partition that is behind.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "base/ids.h"
#include "base/result.h"
#include "bytes/bytes.h"
#include "coord/group_types.h"
#include "io/clock.h"

namespace eddy::coord {

class broker;
class group_service;

struct partition_lag {
    topic_partition tp;
    offset committed;
    offset log_start;
    offset log_end;                     // the high watermark
    int64_t lag_messages = 0;
    std::optional<double> lag_seconds;  // nullopt: the oldest unconsumed record's timestamp is unknown
};

// The timestamp of the first record at or after `target` in `batches` (whole RecordBatch v2 batches back
// to back, as broker::read returns them), per the rules above. nullopt when there is no such record, it
// has no timestamp, or the data does not parse.
[[nodiscard]] std::optional<timestamp_ms> timestamp_at_or_after(bytes_view batches, offset target);

// now - record, in seconds, never negative (a record stamped by a producer whose clock runs ahead).
[[nodiscard]] double seconds_behind(timestamp_ms now, timestamp_ms record);

// The lag of one partition given the group's committed offset. unknown_topic_or_partition when the
// partition does not exist.
[[nodiscard]] boost::asio::awaitable<result<partition_lag>> partition_lag_of(broker& b, const io::clock& clock,
                                                                             topic_partition tp, offset committed);

// The lag of every partition `group` has committed an offset for, sorted by topic and partition.
// Partitions of topics deleted since the commit are left out, and so are negative committed offsets
// (nothing consumed yet). An unknown group has none. coordinator_not_available when the group service
// is not serving.
[[nodiscard]] boost::asio::awaitable<result<std::vector<partition_lag>>> group_lag(broker& b, group_service& groups,
                                                                                   const io::clock& clock,
                                                                                   std::string group);

}  // namespace eddy::coord
