// The table of Kafka APIs this broker serves: one handler_entry per api key, built from the list in
// handler_table.cc. ApiVersions answers from this table, so what we advertise is exactly what we serve.
#pragma once

#include <cstdint>
#include <span>

#include "kafka/server/handler.h"

namespace eddy::kafka::server {

// Every registered handler, sorted by api key.
[[nodiscard]] std::span<const handler_entry> handler_table();
// The handler for api_key, or nullptr when we do not serve it.
[[nodiscard]] const handler_entry* find_handler(int16_t api_key);

}  // namespace eddy::kafka::server
