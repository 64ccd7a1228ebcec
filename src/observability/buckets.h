// Histogram bucket layouts. Buckets are fixed per family when it is registered; these helpers give the
// usual shapes. Bounds are upper bounds ("le"), strictly increasing; +Inf is always implied.
#pragma once

#include <cstddef>
#include <vector>

namespace eddy::observability {

// Latency in seconds, from 50us to 10s: 1-2.5-5 steps, 17 bounds.
[[nodiscard]] std::vector<double> latency_buckets();
// Sizes in bytes, powers of 4 from 64 B to 64 MiB.
[[nodiscard]] std::vector<double> size_buckets();
// start, start*factor, ... (`count` bounds). REQUIRES: start > 0, factor > 1, count >= 1.
[[nodiscard]] std::vector<double> exponential_buckets(double start, double factor, size_t count);
// start, start+width, ... (`count` bounds). REQUIRES: width > 0, count >= 1.
[[nodiscard]] std::vector<double> linear_buckets(double start, double width, size_t count);

}  // namespace eddy::observability
