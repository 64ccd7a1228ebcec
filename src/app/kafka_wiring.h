// The Kafka part of `eddy serve`: the broker core (partitions on their shards, the topic catalog) and the
// Kafka listener, added to the service registry in that order so the listener stops first.
#pragma once

#include "config/server_config.h"
#include "io/clock.h"
#include "io/file.h"
#include "observability/metric_registry.h"
#include "runtime/blocking_pool.h"
#include "runtime/service.h"
#include "runtime/shard.h"

namespace eddy::coord {
class broker;
class group_service;
}  // namespace eddy::coord

namespace eddy::app {

// The Kafka-side services other parts of the server build on (the HTTP API shares them).
struct kafka_parts {
    coord::broker* broker = nullptr;
    coord::group_service* groups = nullptr;
};

// The services' metrics (partitions, storage, Kafka requests) go to `registry`.
// REQUIRES: everything passed outlives the registry's services.
kafka_parts add_kafka_services(runtime::service_registry& services, const config::server_config& cfg,
                               runtime::shard_set& shards, runtime::blocking_pool& pool, io::filesystem& fs,
                               io::clock& clock, observability::metric_registry& registry);

}  // namespace eddy::app
