// Metrics of the HTTP server (docs/metrics.md): requests by route, method and status code, request
// latency by route and method, connections, and requests refused before routing (by reason).
//
// http_families is registered once; each shard keeps its own http_probe whose handle cache is touched
// only by that shard, so recording a request takes no lock after the first request of its kind.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.h"
#include "observability/metric_registry.h"

namespace eddy::http {

struct http_families {
    observability::counter_family requests;     // eddy_http_requests_total{route,method,code}
    observability::histogram_family latency;    // eddy_http_request_duration_seconds{route,method}
    observability::counter_family refused;      // eddy_http_requests_refused_total{reason}
    observability::gauge_family connections;    // eddy_http_connections
    observability::counter_family accepted;     // eddy_http_connections_accepted_total

    [[nodiscard]] static result<http_families> register_in(observability::metric_registry& registry);
};

// Why a request never reached a handler.
enum class refusal { bad_request, header_too_large, body_too_large, timeout, too_many_connections };
[[nodiscard]] std::string_view to_string(refusal r);

class http_probe {
public:
    // An empty probe (no registry) records nothing.
    http_probe() = default;
    explicit http_probe(const http_families& f);

    void request_done(std::string_view route, std::string_view method, unsigned code, std::chrono::nanoseconds took);
    void refused(refusal r);
    void connection_opened();
    void connection_closed();

private:
    struct route_handles {
        observability::histogram latency;
        std::unordered_map<unsigned, observability::counter> by_code;
    };
    const http_families* f_ = nullptr;
    std::unordered_map<std::string, route_handles> routes_;  // key: method + ' ' + route
    std::unordered_map<int, observability::counter> refused_;
    observability::gauge connections_;
    observability::counter accepted_;
};

}  // namespace eddy::http
