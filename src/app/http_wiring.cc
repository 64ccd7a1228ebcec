#include "app/http_wiring.h"

#include <memory>

#include "base/log.h"
#include "coord/lag_monitor.h"
#include "http/handlers/metrics.h"
#include "http/handlers/rest_consumers.h"
#include "http/handlers/rest_produce.h"
#include "http/handlers/rest_topics.h"
#include "http/handlers/v1_groups.h"
#include "http/handlers/v1_topics.h"
#include "http/rest/consumer_table.h"
#include "http/server.h"
#include "io/clock.h"

namespace eddy::app {
namespace {

constexpr log::logger wiring_log{"eddy"};

}  // namespace

void add_http_services(runtime::service_registry& services, const config::server_config& cfg,
                       runtime::shard_set& shards, runtime::blocking_pool& pool,
                       observability::metric_registry& registry, const http::readiness& ready, kafka_parts kafka) {
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
    // The Confluent REST Proxy v2 API, on the Kafka side's broker and group coordinator. Its consumer
    // instances are added after the server so they stop first: long polls end and instances leave their
    // groups while the server still answers, and before the group coordinator stops.
    std::unique_ptr<http::rest::consumer_table> consumers;
    if (kafka.broker != nullptr && kafka.groups != nullptr) {
        http::rest::consumer_options co;
        co.instance_timeout = cfg.rest.consumer_instance_timeout;
        co.default_read_timeout = cfg.rest.consumer_request_timeout;
        co.max_instances = cfg.rest.max_consumer_instances;
        if (auto probe = http::rest::rest_probe::register_in(registry)) {
            co.probe = *probe;
        } else {
            wiring_log.warn("REST Proxy metrics unavailable: {}", probe.error().message());
        }
        consumers = std::make_unique<http::rest::consumer_table>(shards, *kafka.broker, *kafka.groups,
                                                                 io::system_clock(), co);
        http::add_rest_topic_routes(routes, *kafka.broker, 0);
        http::add_rest_produce_routes(routes, *kafka.broker, io::system_clock(), co.probe);
        http::add_rest_consumer_routes(routes, *consumers);
    }
    // eddy's own /v1 admin API, and the consumer lag metrics (coord/lag_monitor.h), refreshed on shard 0.
    // The monitor is added before the server: it starts after the group service and stops after the server.
    if (kafka.broker != nullptr && kafka.groups != nullptr) {
        http::add_v1_topic_routes(routes, *kafka.broker);
        http::add_v1_group_routes(routes, *kafka.broker, *kafka.groups, io::system_clock());
        coord::lag_monitor_options lo{.interval = cfg.metrics.consumer_lag_interval};
        services.add(std::make_unique<coord::lag_monitor>(shards, *kafka.broker, *kafka.groups, io::system_clock(),
                                                          registry, lo));
    }
    services.add(std::move(server));
    if (consumers) services.add(std::move(consumers));
}

}  // namespace eddy::app
