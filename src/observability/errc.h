// Error codes of the observability module: metric and label names that break Prometheus rules, and
// registrations that conflict with an existing family.
#pragma once

#include <system_error>

namespace eddy::observability {

enum class errc : int {
    invalid_metric_name = 1,  // not [a-zA-Z_:][a-zA-Z0-9_:]*, or breaks a naming convention
    invalid_label_name,       // not [a-zA-Z_][a-zA-Z0-9_]*, reserved ("__" prefix, "le" on histograms), duplicated
    conflicting_family,       // same name already registered with another type, help, labels or buckets
    invalid_buckets,          // bucket bounds empty, unsorted, duplicated, NaN or too many
    proc_parse_failed,        // a /proc file did not have the expected shape
};

const std::error_category& error_category();
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), error_category()}; }

}  // namespace eddy::observability

template <>
struct std::is_error_code_enum<eddy::observability::errc> : std::true_type {};
