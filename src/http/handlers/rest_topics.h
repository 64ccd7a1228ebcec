// Confluent REST Proxy v2, metadata: GET /topics, /topics/{topic}, /topics/{topic}/partitions,
// /topics/{topic}/partitions/{partition}, .../{partition}/offsets and /brokers. A single node leads
// every partition; each partition has that node as its only, in-sync replica.
#pragma once

#include <cstdint>

#include "http/router.h"

namespace eddy::coord {
class broker;
}  // namespace eddy::coord

namespace eddy::http {

// REQUIRES: broker outlives the server. node_id is the broker id the Kafka listener advertises.
void add_rest_topic_routes(router& r, coord::broker& broker, int32_t node_id);

}  // namespace eddy::http
