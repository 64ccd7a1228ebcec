// eddy's own topic admin API (docs/http.md, "/v1 admin API"):
//   GET    /v1/topics                  topics with their partition counts
//   POST   /v1/topics                  create: {"name", "partitions"?, "configs"?: {...}} -> 201
//   GET    /v1/topics/{topic}          configs and, per partition, log start/end, size, segments, shard
//   DELETE /v1/topics/{topic}          204
//   PATCH  /v1/topics/{topic}/configs  {"key": "value" | null, ...} (null removes an override) -> 200
// Every call goes to coord::broker, the same service the Kafka handlers use.
#pragma once

#include "coord/broker.h"
#include "http/router.h"

namespace eddy::http {

// REQUIRES: broker outlives the server.
void add_v1_topic_routes(router& r, coord::broker& broker);

}  // namespace eddy::http
