// The runtime's metrics (docs/metrics.md): each shard's loop lag, i.e. how late its periodic timer fires
// (a stall: a task that ran long without yielding), as the histogram eddy_runtime_loop_lag_seconds{shard}.
//
// The runtime cannot depend on observability, so the wiring bridges them: the callback returned here is
// shard_options::on_lag. It runs on the sampled shard, whose thread is bound to its metric slot, so an
// observation is a plain store into that shard's cells.
#pragma once

#include <cstdint>

#include "base/result.h"
#include "observability/metric_registry.h"
#include "runtime/loop_lag.h"

namespace eddy::app {

// Registers eddy_runtime_loop_lag_seconds{shard} with a series per shard and returns the on_lag callback
// that feeds it (it holds its own handles, so it may outlive the registry).
[[nodiscard]] result<runtime::lag_callback> register_loop_lag_metrics(observability::metric_registry& registry,
                                                                      uint32_t shard_count);

}  // namespace eddy::app
