// http_server: the HTTP port of `eddy serve`. Connections are accepted on shard 0 and spread over the
// shards round-robin (runtime/tcp_listener.h); each lives on its shard with its requests. Routes are
// registered on routes() before start() and never change afterwards.
//
// Stop: stop accepting; close idle connections; let requests in progress finish (their responses say
// "Connection: close"); wait for every connection to end.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "base/result.h"
#include "http/connection.h"
#include "http/probe.h"
#include "http/router.h"
#include "observability/metric_registry.h"
#include "runtime/connection_table.h"
#include "runtime/gate.h"
#include "runtime/service.h"
#include "runtime/shard.h"
#include "runtime/sharded.h"
#include "runtime/tcp_listener.h"

namespace eddy::http {

struct http_server_options {
    std::string host = "127.0.0.1";
    uint16_t port = 8080;  // 0: any free port (tests; see bound_port())
    http_limits limits;
};

class http_server final : public runtime::service {
public:
    // `registry` (optional) receives the server's own metrics (probe.h).
    // REQUIRES: shards and registry outlive the server.
    http_server(runtime::shard_set& shards, http_server_options options,
                observability::metric_registry* registry = nullptr);
    ~http_server() override;

    [[nodiscard]] std::string_view name() const override { return "http"; }
    [[nodiscard]] boost::asio::awaitable<result<void>> start() override;
    boost::asio::awaitable<void> stop() override;

    // Register routes here before start().
    [[nodiscard]] router& routes() { return router_; }
    [[nodiscard]] uint16_t bound_port() const { return listener_.bound_port(); }

private:
    struct shard_state {
        explicit shard_state(const http_families* f) : probe(f ? http_probe(*f) : http_probe()) {}
        runtime::connection_table<connection> connections{log::logger{"http"}};
        http_probe probe;
        boost::asio::awaitable<void> stop() { return connections.stop(); }
    };

    void on_accept(boost::asio::ip::tcp::socket sock);

    runtime::shard_set& shards_;
    http_server_options options_;
    router router_;
    std::optional<http_families> families_;
    runtime::sharded<shard_state> states_;
    runtime::tcp_listener listener_;
    std::atomic<size_t> open_connections_{0};
    bool started_ = false;
};

}  // namespace eddy::http
