#include "kafka/server/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.h"
#include "runtime/errc.h"
#include "runtime/run_on.h"

namespace eddy::kafka::server {
namespace {

constexpr log::logger server_log{"kafka"};
namespace asio = boost::asio;

}  // namespace

kafka_server::kafka_server(runtime::shard_set& shards, coord::broker& broker, server_options options)
    : shards_(shards), options_(std::move(options)), states_(shards), listener_(shards, "kafka") {
    context_.broker = &broker;
    context_.node_id = options_.node_id;
    context_.cluster_id = options_.cluster_id;
    if (options_.registry != nullptr) {
        if (auto f = kafka_families::register_in(*options_.registry)) {
            families_ = std::move(*f);
        } else {
            server_log.error("kafka metrics not registered: {}", f.error().message());
        }
    }
}

kafka_server::~kafka_server() = default;

asio::awaitable<result<void>> kafka_server::start() {
    const kafka_families* f = families_ ? &*families_ : nullptr;
    co_await states_.start(f);
    started_ = true;
    auto r = co_await listener_.bind(options_.host, options_.port);
    if (!r) {
        co_await states_.stop();
        started_ = false;
        co_return r;
    }
    context_.advertised_host = !options_.advertised_host.empty() ? options_.advertised_host
                               : listener_.wildcard() ? "127.0.0.1" : options_.host;
    context_.advertised_port = listener_.bound_port();
    server_log.info("kafka listener on {}:{} (advertised {}:{})", options_.host, listener_.bound_port(),
                    context_.advertised_host, context_.advertised_port);
    runtime::tcp_listener::accept_fn accept = [this](asio::ip::tcp::socket sock) { on_accept(std::move(sock)); };
    co_await listener_.accept(std::move(accept));
    co_return result<void>{};
}

void kafka_server::on_accept(asio::ip::tcp::socket sock) {
    auto& st = states_.local();
    auto executor = sock.get_executor();
    auto conn = std::make_shared<connection>(std::move(sock), context_, st.connections.gate(), options_.limits,
                                             st.probe);
    st.probe.connection_opened();
    if (!st.connections.spawn(executor, std::move(conn), [&st] { st.probe.connection_closed(); })) {
        st.probe.connection_closed();
    }
}

asio::awaitable<void> kafka_server::stop() {
    if (!started_) co_return;
    co_await listener_.close();
    co_await states_.stop();
    started_ = false;
}

}  // namespace eddy::kafka::server
