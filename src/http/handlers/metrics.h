// GET /metrics: the whole metric registry in the Prometheus text format (observability/prometheus_text.h).
// The text is rendered on the blocking pool, so a scrape of many partitions never stalls a shard.
#pragma once

#include "http/router.h"
#include "observability/metric_registry.h"
#include "runtime/blocking_pool.h"

namespace eddy::http {

// REQUIRES: registry and pool outlive the server.
void add_metrics_routes(router& r, const observability::metric_registry& registry, runtime::blocking_pool& pool);

}  // namespace eddy::http
