// Prometheus text exposition format 0.0.4: what GET /metrics returns.
//
// Output: families sorted by name, each as "# HELP", "# TYPE" and its samples; series in label-value
// order. Families without series are left out. Histograms expand to cumulative name_bucket{le=...},
// name_sum and name_count. Values use the shortest text that parses back to the same double; +Inf, -Inf
// and NaN are spelled that way.
#pragma once

#include <string>
#include <string_view>

#include "observability/metric_registry.h"

namespace eddy::observability {

inline constexpr std::string_view prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

// The whole registry in text format. Holds one family lock at a time while writing that family (so a
// concurrent family::get waits for it), and runs callbacks with no family lock held.
[[nodiscard]] std::string prometheus_text(const metric_registry& registry);
void append_prometheus_text(const metric_registry& registry, std::string& out);

// Label values escape backslash, double quote and newline.
void append_escaped_label_value(std::string& out, std::string_view v);
// HELP text escapes backslash and newline.
void append_escaped_help(std::string& out, std::string_view v);
// A sample value or bucket bound: "+Inf", "-Inf", "NaN", or the shortest round-tripping decimal.
[[nodiscard]] std::string format_value(double v);
void append_value(std::string& out, double v);

}  // namespace eddy::observability
