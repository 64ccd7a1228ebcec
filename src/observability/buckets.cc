#include "observability/buckets.h"

#include "base/assert.h"

namespace eddy::observability {

std::vector<double> latency_buckets() {
    return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
            0.05,    0.1,    0.25,    0.5,    1.0,   2.5,    5.0,   10.0};
}

std::vector<double> size_buckets() { return exponential_buckets(64, 4, 11); }

std::vector<double> exponential_buckets(double start, double factor, size_t count) {
    EDDY_ASSERT(start > 0 && factor > 1 && count >= 1);
    std::vector<double> out;
    out.reserve(count);
    double v = start;
    for (size_t i = 0; i < count; ++i, v *= factor) out.push_back(v);
    return out;
}

std::vector<double> linear_buckets(double start, double width, size_t count) {
    EDDY_ASSERT(width > 0 && count >= 1);
    std::vector<double> out;
    out.reserve(count);
    for (size_t i = 0; i < count; ++i) out.push_back(start + width * static_cast<double>(i));
    return out;
}

}  // namespace eddy::observability
