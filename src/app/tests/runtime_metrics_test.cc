// eddy_runtime_loop_lag_seconds: real shards bound to their metric slots (as `eddy serve` does) feed
// their loop-lag samples into the per-shard histogram, and a shard stalled on purpose shows the stall.
#include "app/runtime_metrics.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "observability/buckets.h"
#include "observability/current_shard.h"
#include "observability/prometheus_text.h"
#include "runtime/run_on.h"
#include "runtime/shard.h"
#include "runtime/tests/runtime_fixture.h"

namespace eddy::app {
namespace {

using namespace std::chrono_literals;

TEST(runtime_metrics, loop_lag_is_observed_per_shard_and_shows_a_stall) {
    observability::metric_registry reg(2);
    auto hook = register_loop_lag_metrics(reg, 2);
    ASSERT_TRUE(hook) << hook.error().message();
    auto family = reg.add_histogram("eddy_runtime_loop_lag_seconds",
                                    "How late each shard's periodic loop-lag timer fired: the time the shard was "
                                    "busy with other work (stalls).",
                                    {"shard"}, observability::latency_buckets());
    ASSERT_TRUE(family) << "re-registering the same definition returns the family";
    auto shard0 = family->get({"0"});
    auto shard1 = family->get({"1"});
    {
        runtime::shard_options opts;
        opts.loop_lag_interval = 2ms;
        opts.on_lag = *hook;
        opts.on_thread_start = [](shard_id id) { observability::set_current_shard(id); };
        runtime::shard_set shards(2, std::move(opts));
        shards.start();
        ASSERT_TRUE(runtime::testing::wait_until([&] { return shard0.count() >= 3 && shard1.count() >= 3; }));
        // A 60 ms stall on shard 1: the sample after it is at least ~50 ms late.
        runtime::block_on(shards.at(shard_id{1}), [] { std::this_thread::sleep_for(60ms); });
        auto stalled = [&] {
            auto c = shard1.cumulative_counts();  // bounds ... 0.025, 0.05, ...; the last is +Inf
            return c.back() - c[8] >= 1;           // c[8] counts lags <= 0.025 s
        };
        ASSERT_TRUE(runtime::testing::wait_until(stalled)) << observability::prometheus_text(reg);
        shards.stop();
    }
    auto text = observability::prometheus_text(reg);
    EXPECT_NE(text.find("eddy_runtime_loop_lag_seconds_count{shard=\"0\"}"), std::string::npos) << text;
    EXPECT_NE(text.find("eddy_runtime_loop_lag_seconds_count{shard=\"1\"}"), std::string::npos) << text;
}

}  // namespace
}  // namespace eddy::app
