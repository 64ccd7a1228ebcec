// Confluent REST Proxy v2, consumer instances: POST /consumers/{group}, and under
// /consumers/{group}/instances/{instance}: DELETE (the instance), subscription (POST/GET/DELETE),
// assignments (POST/GET), records (GET), offsets (POST commit / GET committed), positions (POST seek),
// positions/beginning and positions/end (POST). The instances themselves are http/rest/consumer_table.h.
#pragma once

#include "http/router.h"

namespace eddy::http {

namespace rest {
class consumer_table;
}  // namespace rest

// REQUIRES: table outlives the server.
void add_rest_consumer_routes(router& r, rest::consumer_table& table);

}  // namespace eddy::http
