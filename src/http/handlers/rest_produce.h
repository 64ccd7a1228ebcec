// Confluent REST Proxy v2, producing: POST /topics/{topic} and POST /topics/{topic}/partitions/{partition}
// with application/vnd.kafka.binary.v2+json (base64 keys and values; also application/vnd.kafka.v2+json,
// as Confluent takes it) or application/vnd.kafka.json.v2+json (JSON keys and values, stored as their
// JSON text).
//
// Records go through coord::broker::produce with acks=all, one RecordBatch v2 per partition (split when
// it would pass the topic's max.message.bytes). Partitions: the one in the path or the record; else a
// keyed record goes to murmur2(key) (coord/partitioner.h, as Kafka's Java producer and Confluent's proxy
// place it); the unkeyed records of one request all go to one partition, and consecutive requests rotate
// through the partitions (the sticky partitioner's effect, one batch per request). Topics are created on
// first use when the broker auto-creates topics, as a Kafka produce does.
#pragma once

#include "http/rest/probe.h"
#include "http/router.h"

namespace eddy::coord {
class broker;
}  // namespace eddy::coord

namespace eddy::io {
class clock;
}  // namespace eddy::io

namespace eddy::http {

// REQUIRES: broker and clock outlive the server. The clock gives the records' CreateTime; the probe
// counts the records appended.
void add_rest_produce_routes(router& r, coord::broker& broker, io::clock& clock, rest::rest_probe probe = {});

}  // namespace eddy::http
