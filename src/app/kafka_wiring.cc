#include "app/kafka_wiring.h"

#include <memory>

#include "coord/broker.h"
#include "coord/group_service.h"
#include "kafka/server/server.h"

namespace eddy::app {
namespace {

storage::log_config log_defaults(const config::log_defaults& d) {
    storage::log_config cfg;
    cfg.segment_bytes = d.segment_bytes;
    cfg.retention_ms = d.retention_ms;
    cfg.retention_bytes = d.retention_bytes;
    switch (d.flush.mode) {
    case config::flush_mode::always: cfg.flush.mode = storage::flush_policy::kind::always; break;
    case config::flush_mode::interval: cfg.flush.mode = storage::flush_policy::kind::interval; break;
    case config::flush_mode::never: cfg.flush.mode = storage::flush_policy::kind::never; break;
    }
    cfg.flush.interval = d.flush.interval;
    return cfg;
}

}  // namespace

kafka_parts add_kafka_services(runtime::service_registry& services, const config::server_config& cfg,
                               runtime::shard_set& shards, runtime::blocking_pool& pool, io::filesystem& fs,
                               io::clock& clock, observability::metric_registry& registry) {
    coord::broker_options bo;
    bo.data_dir = cfg.data_dir;
    bo.log_defaults = log_defaults(cfg.log);
    bo.registry = &registry;
    bo.auto_create_topics = cfg.kafka.auto_create_topics;
    bo.default_partitions = cfg.kafka.default_partitions;
    auto broker = std::make_unique<coord::broker>(shards, pool, fs, clock, std::move(bo));
    kafka::server::server_options so;
    so.host = cfg.kafka_addr.host;
    so.port = cfg.kafka_addr.port;
    so.registry = &registry;
    so.limits.max_frame_size = cfg.kafka.max_frame_bytes;
    auto server = std::make_unique<kafka::server::kafka_server>(shards, *broker, std::move(so));
    // Consumer groups: the coordinator on shard 0, its offsets log in <data_dir>/meta/__consumer_offsets/0.
    coord::group_service_options go;
    go.data_dir = cfg.data_dir;
    auto groups = std::make_unique<coord::group_service>(shards, pool, fs, clock, std::move(go));
    server->set_groups(groups.get());
    kafka_parts parts{broker.get(), groups.get()};
    services.add(std::move(broker));
    // Groups after the listener, so they stop first: a JoinGroup/SyncGroup still waiting for other
    // members is answered COORDINATOR_NOT_AVAILABLE and the listener's drain does not wait for it. Group
    // requests that arrive before the group service has loaded get the same retriable answer.
    services.add(std::move(server));
    services.add(std::move(groups));
    return parts;
}

}  // namespace eddy::app
