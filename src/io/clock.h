// The clock seam: code that needs "now" takes a clock&, so tests can drive time with manual_clock.
#pragma once

#include <atomic>
#include <chrono>

#include "base/ids.h"

namespace eddy::io {

class clock {
public:
    using duration = std::chrono::nanoseconds;
    virtual ~clock() = default;
    // Wall time (for record timestamps, retention.ms).
    [[nodiscard]] virtual timestamp_ms now_ms() const = 0;
    // Monotonic time (for timeouts, latency, segment age).
    [[nodiscard]] virtual duration monotonic() const = 0;
};

class real_clock final : public clock {
public:
    [[nodiscard]] timestamp_ms now_ms() const override;
    [[nodiscard]] duration monotonic() const override;
};

// A process-wide real clock.
clock& system_clock();

// Time moves only when the test says so. Thread-safe.
class manual_clock final : public clock {
public:
    explicit manual_clock(timestamp_ms start = timestamp_ms{1'700'000'000'000}) : wall_ms_(start.value()) {}

    [[nodiscard]] timestamp_ms now_ms() const override { return timestamp_ms{wall_ms_.load()}; }
    [[nodiscard]] duration monotonic() const override { return duration{mono_ns_.load()}; }

    // Advances both wall and monotonic time.
    void advance(std::chrono::milliseconds d) {
        wall_ms_ += d.count();
        mono_ns_ += std::chrono::duration_cast<duration>(d).count();
    }

private:
    std::atomic<int64_t> wall_ms_;
    std::atomic<int64_t> mono_ns_{0};
};

}  // namespace eddy::io
