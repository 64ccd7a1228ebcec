#include "http/probe.h"

#include "observability/buckets.h"

namespace eddy::http {

result<http_families> http_families::register_in(observability::metric_registry& registry) {
    http_families f;
    EDDY_TRY_ASSIGN(f.requests, registry.add_counter("eddy_http_requests_total",
                                                     "HTTP requests answered, by route pattern, method and status code.",
                                                     {"route", "method", "code"}));
    EDDY_TRY_ASSIGN(f.latency, registry.add_histogram("eddy_http_request_duration_seconds",
                                                      "Time from a complete request to its response being handed "
                                                      "to the socket, by route pattern and method.",
                                                      {"route", "method"}, observability::latency_buckets()));
    EDDY_TRY_ASSIGN(f.refused, registry.add_counter("eddy_http_requests_refused_total",
                                                    "HTTP requests answered with an error before routing, by reason "
                                                    "(bad_request, header_too_large, body_too_large, timeout, "
                                                    "too_many_connections).",
                                                    {"reason"}));
    EDDY_TRY_ASSIGN(f.connections, registry.add_gauge("eddy_http_connections", "Open HTTP connections."));
    EDDY_TRY_ASSIGN(f.accepted,
                    registry.add_counter("eddy_http_connections_accepted_total", "HTTP connections accepted."));
    return f;
}

std::string_view to_string(refusal r) {
    switch (r) {
    case refusal::bad_request: return "bad_request";
    case refusal::header_too_large: return "header_too_large";
    case refusal::body_too_large: return "body_too_large";
    case refusal::timeout: return "timeout";
    case refusal::too_many_connections: return "too_many_connections";
    }
    return "unknown";
}

http_probe::http_probe(const http_families& f)
    : f_(&f), connections_(f.connections.get()), accepted_(f.accepted.get()) {}

void http_probe::request_done(std::string_view route, std::string_view method, unsigned code,
                              std::chrono::nanoseconds took) {
    if (f_ == nullptr) return;
    std::string key;
    key.reserve(method.size() + 1 + route.size());
    key.append(method).append(1, ' ').append(route);
    auto it = routes_.find(key);
    if (it == routes_.end()) {
        route_handles h;
        h.latency = f_->latency.get({std::string(route), std::string(method)});
        it = routes_.emplace(std::move(key), std::move(h)).first;
    }
    auto& h = it->second;
    auto c = h.by_code.find(code);
    if (c == h.by_code.end()) {
        c = h.by_code.emplace(code, f_->requests.get({std::string(route), std::string(method), std::to_string(code)}))
                .first;
    }
    c->second.inc();
    h.latency.observe(took);
}

void http_probe::refused(refusal r) {
    if (f_ == nullptr) return;
    auto it = refused_.find(static_cast<int>(r));
    if (it == refused_.end()) {
        it = refused_.emplace(static_cast<int>(r), f_->refused.get({std::string(to_string(r))})).first;
    }
    it->second.inc();
}

void http_probe::connection_opened() {
    if (f_ == nullptr) return;
    connections_.inc();
    accepted_.inc();
}

void http_probe::connection_closed() {
    if (f_ == nullptr) return;
    connections_.dec();
}

}  // namespace eddy::http
