// The ids and positions shared by every module. Each is its own type (see strong_id.h).
#pragma once

#include <cstdint>

#include "base/strong_id.h"

namespace eddy {

// Position of a record in a partition log.
using offset = strong<struct offset_tag, int64_t>;
// Partition number within a topic.
using partition_id = strong<struct partition_tag, int32_t>;
// Index of a shard (one thread, one io_context) in this process.
using shard_id = strong<struct shard_tag, uint32_t>;
// Milliseconds since the Unix epoch, as Kafka timestamps are.
using timestamp_ms = strong<struct timestamp_tag, int64_t>;

}  // namespace eddy
