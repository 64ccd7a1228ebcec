// Error codes of the runtime module: gates, semaphores and shutdown.
#pragma once

#include <system_error>

namespace eddy::runtime {

enum class errc : int {
    gate_closed = 1,    // entering a gate that is closing or closed
    semaphore_broken,   // the semaphore was broken (shutdown) while waiting or before
    shutting_down,      // the shard or pool is stopping and does not take new work
    service_failed,     // a service failed to start
};

const std::error_category& error_category();
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), error_category()}; }

}  // namespace eddy::runtime

template <>
struct std::is_error_code_enum<eddy::runtime::errc> : std::true_type {};
