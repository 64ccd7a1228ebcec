// Rendering /metrics with eddy's own per-partition families (storage/partition_probe.h: 4 counters and 4
// gauges per partition) for 1,000 and 10,000 partitions over 2 shards, each partition updated from its
// owner shard's slot as in `eddy serve`. The real-binary measurement (HTTP included) is
// bench/metrics_scrape.sh; this one reaches 10,000 partitions, which the binary cannot open under a
// 20,000 open-files limit (three files per partition).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "observability/current_shard.h"
#include "observability/metric_registry.h"
#include "observability/prometheus_text.h"
#include "storage/partition_probe.h"

namespace eddy::storage {
namespace {

constexpr uint32_t shards = 2;
constexpr int partitions_per_topic = 1000;

void render_partition_metrics(benchmark::State& state) {
    const int partitions = static_cast<int>(state.range(0));
    observability::metric_registry reg(shards);
    auto families = *partition_families::register_in(reg);
    std::vector<partition_probe> probes;
    probes.reserve(static_cast<size_t>(partitions));
    for (int p = 0; p < partitions; ++p) {
        probes.emplace_back(families, "topic-" + std::to_string(p / partitions_per_topic),
                            partition_id{p % partitions_per_topic});
        observability::set_current_shard(static_cast<uint32_t>(p) % shards);
        probes.back().appended(static_cast<uint64_t>(p) * 10, static_cast<uint64_t>(p) * 1000);
        probes.back().read(static_cast<uint64_t>(p) * 5, static_cast<uint64_t>(p) * 500);
    }
    observability::clear_current_shard();
    std::string out;
    observability::append_prometheus_text(reg, out);  // warm-up: the timed loop reuses the capacity
    for (auto _ : state) {
        out.clear();
        observability::append_prometheus_text(reg, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(out.size()));
    state.counters["series"] = static_cast<double>(reg.series_count());
    state.counters["output_bytes"] = static_cast<double>(out.size());
}
BENCHMARK(render_partition_metrics)->Arg(1000)->Arg(6000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace eddy::storage
