// The HTTP part of `eddy serve`: the HTTP listener and its routes (health, metrics, and the APIs that
// share the Kafka side's broker and groups). Added after the Kafka services so it stops first.
#pragma once

#include "app/kafka_wiring.h"
#include "config/server_config.h"
#include "http/handlers/health.h"
#include "observability/metric_registry.h"
#include "runtime/blocking_pool.h"
#include "runtime/service.h"
#include "runtime/shard.h"

namespace eddy::app {

// REQUIRES: everything passed outlives the registry's services.
void add_http_services(runtime::service_registry& services, const config::server_config& cfg,
                       runtime::shard_set& shards, runtime::blocking_pool& pool,
                       observability::metric_registry& registry, const http::readiness& ready, kafka_parts kafka);

}  // namespace eddy::app
