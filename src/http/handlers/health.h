// /healthz and /readyz.
//
// /healthz: 200 while the process serves HTTP at all (liveness).
// /readyz: 200 once every service has started (logs recovered, listeners up) and until shutdown begins,
// 503 otherwise (readiness). The body says which.
#pragma once

#include <atomic>

#include "http/router.h"

namespace eddy::http {

// Set by the composition root: ready after start-up completes, not ready once shutdown begins.
struct readiness {
    std::atomic<bool> ready{false};
};

void add_health_routes(router& r, const readiness& state);

}  // namespace eddy::http
