// kafka_server: the Kafka listener of `eddy serve`. One acceptor on the control shard (0) hands each
// accepted socket to the next shard round-robin (runtime/tcp_listener.h); the connection (connection.h)
// then lives entirely on that shard. Handlers reach partitions on other shards through coord::broker.
//
// Stop: the acceptor closes, every shard closes its connections, then waits (a gate per shard) until
// every connection and every request still running has finished.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "base/result.h"
#include "kafka/server/connection.h"
#include "kafka/server/handler.h"
#include "kafka/server/probe.h"
#include "observability/metric_registry.h"
#include "runtime/connection_table.h"
#include "runtime/gate.h"
#include "runtime/service.h"
#include "runtime/shard.h"
#include "runtime/sharded.h"
#include "runtime/tcp_listener.h"

namespace eddy::kafka::server {

struct server_options {
    std::string host = "127.0.0.1";
    uint16_t port = 9092;          // 0: any free port (tests; see bound_port())
    connection_limits limits;
    int32_t node_id = 0;
    std::string advertised_host;   // empty: host (or 127.0.0.1 when host is a wildcard)
    std::string cluster_id = "eddy-cluster";
    // Receives the listener's metrics (probe.h). Optional; REQUIRES: outlives the server.
    observability::metric_registry* registry = nullptr;
};

class kafka_server final : public runtime::service {
public:
    // REQUIRES: shards and broker outlive the server; the broker has started before start().
    kafka_server(runtime::shard_set& shards, coord::broker& broker, server_options options);
    ~kafka_server() override;

    [[nodiscard]] std::string_view name() const override { return "kafka"; }
    [[nodiscard]] boost::asio::awaitable<result<void>> start() override;
    boost::asio::awaitable<void> stop() override;
    // The port actually bound (differs from options.port when that was 0).
    [[nodiscard]] uint16_t bound_port() const { return listener_.bound_port(); }
    // Lets the consumer-group handlers reach their service.
    void set_groups(coord::group_service* groups) { context_.groups = groups; }

private:
    struct shard_state {
        explicit shard_state(const kafka_families* f) : probe(f ? kafka_probe(*f) : kafka_probe()) {}
        runtime::connection_table<connection> connections{log::logger{"kafka"}};
        kafka_probe probe;
        boost::asio::awaitable<void> stop() { return connections.stop(); }
    };

    // On the connection's shard.
    void on_accept(boost::asio::ip::tcp::socket sock);

    runtime::shard_set& shards_;
    server_options options_;
    server_context context_;
    std::optional<kafka_families> families_;
    runtime::sharded<shard_state> states_;
    runtime::tcp_listener listener_;
    bool started_ = false;
};

}  // namespace eddy::kafka::server
