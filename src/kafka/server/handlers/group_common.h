// Helpers shared by the consumer-group handlers (find_coordinator.cc ... offset_delete.cc): reaching the
// group service and turning coord::errc into Kafka error codes. The group service runs on its home
// shard; every call below hops there and back (coord/group_service.h).
#pragma once

#include <cstdint>

#include "coord/errc.h"
#include "coord/group_service.h"
#include "kafka/server/handler.h"

namespace eddy::kafka::server {

// The group service, or nullptr when it is not wired in (every group API then answers
// COORDINATOR_NOT_AVAILABLE, so clients retry instead of failing hard).
[[nodiscard]] inline coord::group_service* group_service_of(const request_context& ctx) {
    return ctx.server().groups;
}

[[nodiscard]] constexpr int16_t group_error(coord::errc e) { return coord::kafka_error_code(e); }

inline constexpr int16_t coordinator_not_available = group_error(coord::errc::coordinator_not_available);

}  // namespace eddy::kafka::server
