// eddy's own consumer-group admin API (docs/http.md, "/v1 admin API"):
//   GET /v1/groups          groups with their state and member count
//   GET /v1/groups/{group}  state, protocol, members with their assignments, and per partition the
//                           committed offset, log end offset and lag in messages and seconds
// Groups come from coord::group_service and lag from coord/group_lag.h, the same code the Kafka
// handlers and the lag metrics use.
#pragma once

#include "coord/broker.h"
#include "coord/group_service.h"
#include "http/router.h"
#include "io/clock.h"

namespace eddy::http {

// REQUIRES: broker, groups and clock outlive the server.
void add_v1_group_routes(router& r, coord::broker& broker, coord::group_service& groups, const io::clock& clock);

}  // namespace eddy::http
