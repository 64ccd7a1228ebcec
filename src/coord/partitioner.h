// Choosing a partition for a record that does not name one, the way Kafka's Java producer (and so
// Confluent's REST Proxy) does: a keyed record goes to murmur2(key) mod partitions, so HTTP producers
// and Java clients co-partition by key. librdkafka's default partitioner is different (consistent_random,
// CRC-32 of the key); librdkafka clients that must agree set `partitioner=murmur2_random`.
// Records without a key are not hashed: the caller spreads them (see docs/http.md).
#pragma once

#include <cstdint>

#include "base/ids.h"
#include "bytes/bytes.h"

namespace eddy::coord {

// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2): 32-bit MurmurHash2 with seed
// 0x9747b28c over the bytes, as a signed int.
[[nodiscard]] int32_t murmur2(bytes_view data);

// Kafka's default partition of a keyed record: toPositive(murmur2(key)) % partitions.
// REQUIRES: partitions > 0.
[[nodiscard]] partition_id partition_for_key(bytes_view key, int32_t partitions);

}  // namespace eddy::coord
