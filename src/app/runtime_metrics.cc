#include "app/runtime_metrics.h"

#include <algorithm>
#include <string>
#include <vector>

#include "observability/buckets.h"

namespace eddy::app {

result<runtime::lag_callback> register_loop_lag_metrics(observability::metric_registry& registry,
                                                        uint32_t shard_count) {
    EDDY_TRY_ASSIGN(auto family, registry.add_histogram("eddy_runtime_loop_lag_seconds",
                                                        "How late each shard's periodic loop-lag timer fired: the "
                                                        "time the shard was busy with other work (stalls).",
                                                        {"shard"}, observability::latency_buckets()));
    std::vector<observability::histogram> by_shard;
    for (uint32_t s = 0; s < shard_count; ++s) by_shard.push_back(family.get({std::to_string(s)}));
    return runtime::lag_callback([lag = std::move(by_shard)](shard_id shard, std::chrono::nanoseconds took) mutable {
        auto s = static_cast<size_t>(shard.value());
        if (s < lag.size()) lag[s].observe(std::max(took, std::chrono::nanoseconds::zero()));
    });
}

}  // namespace eddy::app
