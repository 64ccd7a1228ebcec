#include "runtime/loop_lag.h"

#include <bit>

namespace eddy::runtime {

size_t lag_histogram::bucket_for(std::chrono::nanoseconds lag) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(lag).count();
    if (us <= 0) return 0;
    auto b = static_cast<size_t>(std::bit_width(static_cast<uint64_t>(us)));
    return b < bucket_count ? b : bucket_count - 1;
}

void lag_histogram::record(std::chrono::nanoseconds lag) {
    if (lag.count() < 0) lag = std::chrono::nanoseconds{0};
    buckets_[bucket_for(lag)].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(lag.count(), std::memory_order_relaxed);
    auto prev = max_ns_.load(std::memory_order_relaxed);
    while (prev < lag.count() && !max_ns_.compare_exchange_weak(prev, lag.count(), std::memory_order_relaxed)) {
    }
}

lag_histogram::snapshot lag_histogram::read() const {
    snapshot s;
    for (size_t i = 0; i < bucket_count; ++i) s.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
    s.count = count_.load(std::memory_order_relaxed);
    s.sum = std::chrono::nanoseconds{sum_ns_.load(std::memory_order_relaxed)};
    s.max = std::chrono::nanoseconds{max_ns_.load(std::memory_order_relaxed)};
    return s;
}

}  // namespace eddy::runtime
