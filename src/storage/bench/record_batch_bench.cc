// Micro benchmarks of what every append does to a producer batch: validate_batch (CRC-32C, header,
// record framing) against its parts, on the ~16 KiB batches of bench/log_bench.cc (100 B and 1 KiB
// records). Bytes/s and records/s per call; `make bench` runs it.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "bytes/crc32c.h"
#include "storage/record_batch.h"

namespace eddy::storage {
namespace {

bytes make_batch(size_t record_size) {
    size_t n = std::max<size_t>(1, 16384 / (record_size + 20));
    std::vector<record_input> recs(n);
    for (size_t i = 0; i < n; ++i) {
        recs[i].key = fmt::format("key-{:06}", i);
        recs[i].value = std::string(record_size - recs[i].key->size(), static_cast<char>('a' + i % 26));
        recs[i].timestamp = timestamp_ms{1'700'000'000'000 + static_cast<int64_t>(i)};
    }
    return build_batch(recs);
}

template <typename F>
void run(benchmark::State& state, F&& f) {
    const bytes batch = make_batch(static_cast<size_t>(state.range(0)));
    const auto records = load_be<int32_t>(batch.data() + 57);
    for (auto _ : state) benchmark::DoNotOptimize(f(bytes_view(batch)));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * batch.size()));
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * records);
}

void validate_producer(benchmark::State& state) {
    run(state, [](bytes_view b) { return validate_batch(b, validation::producer).has_value(); });
}

void crc_only(benchmark::State& state) {
    run(state, [](bytes_view b) { return crc32c::value(b.subspan(batch_crc_range_pos)); });
}

void parse_all_records(benchmark::State& state) {
    run(state, [](bytes_view b) { return parse_records(b)->size(); });
}

BENCHMARK(validate_producer)->Arg(100)->Arg(1024);
BENCHMARK(crc_only)->Arg(100)->Arg(1024);
BENCHMARK(parse_all_records)->Arg(100)->Arg(1024);

}  // namespace
}  // namespace eddy::storage
