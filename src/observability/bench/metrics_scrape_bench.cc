// Cost of the metrics hot path (handle updates on a shard and on the shared slot) and of a full scrape
// of a broker-sized registry: 10,000 partitions with ten series each.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "observability/buckets.h"
#include "observability/metric_registry.h"
#include "observability/prometheus_text.h"

namespace eddy::observability {
namespace {

// Per partition: 6 counters, 1 latency histogram, 3 callback gauges.
struct broker_registry {
    std::unique_ptr<metric_registry> reg;
    std::vector<counter> counters;
    std::vector<histogram> histograms;
    std::vector<callback_registration> callbacks;

    broker_registry(int partitions, uint32_t shards) : reg(std::make_unique<metric_registry>(shards)) {
        const std::vector<std::string> labels = {"topic", "partition"};
        std::vector<counter_family> cf;
        for (const char* n : {"eddy_bench_produced_bytes_total", "eddy_bench_produced_records_total",
                              "eddy_bench_fetched_bytes_total", "eddy_bench_produce_requests_total",
                              "eddy_bench_fetch_requests_total", "eddy_bench_errors_total"}) {
            cf.push_back(*reg->add_counter(n, "Bench counter.", labels));
        }
        auto lat = *reg->add_histogram("eddy_bench_append_duration_seconds", "Bench latency.", labels,
                                       latency_buckets());
        std::vector<callback_family> gf;
        for (const char* n : {"eddy_bench_log_end_offset", "eddy_bench_log_start_offset", "eddy_bench_lag_records"}) {
            gf.push_back(*reg->add_callback_gauge(n, "Bench gauge.", labels));
        }
        for (int p = 0; p < partitions; ++p) {
            label_values v = {"topic-" + std::to_string(p / 16), std::to_string(p % 16)};
            for (auto& f : cf) {
                counters.push_back(f.get(v));
                counters.back().add(static_cast<uint64_t>(p) * 1000);
            }
            histograms.push_back(lat.get(v));
            histograms.back().observe(0.001 * (p % 100));
            for (auto& f : gf) callbacks.push_back(f.add(v, [p] { return static_cast<double>(p) * 10; }));
        }
    }
};

void scrape(benchmark::State& state) {
    broker_registry b(static_cast<int>(state.range(0)), 4);
    std::string out;
    append_prometheus_text(*b.reg, out);  // warm-up: the timed loop reuses the buffer's capacity
    for (auto _ : state) {
        out.clear();
        append_prometheus_text(*b.reg, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(out.size()));
    state.counters["series"] = static_cast<double>(b.reg->series_count());
    state.counters["output_bytes"] = static_cast<double>(out.size());
}
BENCHMARK(scrape)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// One writer per shard slot: each benchmark thread is a shard.
void counter_inc_on_shard(benchmark::State& state) {
    static metric_registry reg(8);
    static counter c = reg.add_counter("eddy_bench_ops_total", "Ops.")->get();
    set_current_shard(static_cast<uint32_t>(state.thread_index()));
    for (auto _ : state) c.inc();
    clear_current_shard();
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(counter_inc_on_shard)->Threads(1)->Threads(2);

// Threads without a shard: contended atomic fetch_add on the shared slot, for comparison.
void counter_inc_shared_slot(benchmark::State& state) {
    static metric_registry reg(8);
    static counter c = reg.add_counter("eddy_bench_ops_total", "Ops.")->get();
    for (auto _ : state) c.inc();
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(counter_inc_shared_slot)->Threads(1)->Threads(2);

void histogram_observe_on_shard(benchmark::State& state) {
    static metric_registry reg(8);
    static histogram h = reg.add_histogram("eddy_bench_latency_seconds", "Latency.", {}, latency_buckets())->get();
    set_current_shard(static_cast<uint32_t>(state.thread_index()));
    double v = 0.0001;
    for (auto _ : state) {
        h.observe(v);
        v = v < 5 ? v * 1.7 : 0.0001;
    }
    clear_current_shard();
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(histogram_observe_on_shard)->Threads(1)->Threads(2);

}  // namespace
}  // namespace eddy::observability
