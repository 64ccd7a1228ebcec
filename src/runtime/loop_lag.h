// Loop lag: how late a shard's periodic timer fires. A shard that runs a long CPU loop without yielding
// delays every other task on it; the lag of a timer that should fire every `interval` shows such stalls.
// The histogram is lock-free so any thread (metrics exporter, tests) can read it while the shard writes.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

#include "base/ids.h"

namespace eddy::runtime {

// Counts of lag samples in power-of-two microsecond buckets: bucket 0 holds lags under 1us, bucket i
// (i >= 1) lags in [2^(i-1), 2^i) us, the last bucket everything above.
class lag_histogram {
public:
    static constexpr size_t bucket_count = 28;

    struct snapshot {
        std::array<uint64_t, bucket_count> buckets{};
        uint64_t count = 0;
        std::chrono::nanoseconds sum{0};
        std::chrono::nanoseconds max{0};
    };

    // Thread-safe. Negative lags (timer fired early) count as zero.
    void record(std::chrono::nanoseconds lag);
    // Thread-safe; the fields are read one by one, so a snapshot taken during writes may be off by the
    // samples recorded meanwhile.
    [[nodiscard]] snapshot read() const;

    [[nodiscard]] static size_t bucket_for(std::chrono::nanoseconds lag);

private:
    std::array<std::atomic<uint64_t>, bucket_count> buckets_{};
    std::atomic<uint64_t> count_{0};
    std::atomic<int64_t> sum_ns_{0};
    std::atomic<int64_t> max_ns_{0};
};

// Called on the shard after each sample; must be cheap and must not block.
using lag_callback = std::function<void(shard_id, std::chrono::nanoseconds)>;

}  // namespace eddy::runtime
