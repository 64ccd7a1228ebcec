#include "app/http_wiring.h"

#include <memory>

#include "http/handlers/metrics.h"
#include "http/server.h"

namespace eddy::app {

void add_http_services(runtime::service_registry& services, const config::server_config& cfg,
                       runtime::shard_set& shards, runtime::blocking_pool& pool,
                       observability::metric_registry& registry, const http::readiness& ready, kafka_parts kafka) {
    (void)kafka;
    http::http_server_options o;
    o.host = cfg.http_addr.host;
    o.port = cfg.http_addr.port;
    o.limits.max_body_bytes = cfg.http.max_body_bytes;
    o.limits.max_connections = cfg.http.max_connections;
    o.limits.idle_timeout = cfg.http.idle_timeout;
    o.limits.header_timeout = cfg.http.header_timeout;
    o.limits.body_timeout = cfg.http.body_timeout;
    auto server = std::make_unique<http::http_server>(shards, std::move(o), &registry);
    auto& routes = server->routes();
    http::add_health_routes(routes, ready);
    http::add_metrics_routes(routes, registry, pool);
    services.add(std::move(server));
}

}  // namespace eddy::app
