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

asio::awaitable<void> kafka_server::shard_state::stop() {
    auto conns = connections;
    for (const auto& c : conns) c->close();
    co_await gate.close();
    connections.clear();
}

kafka_server::kafka_server(runtime::shard_set& shards, coord::broker& broker, server_options options)
    : shards_(shards), options_(std::move(options)), states_(shards) {
    context_.broker = &broker;
    context_.node_id = options_.node_id;
    context_.cluster_id = options_.cluster_id;
}

kafka_server::~kafka_server() = default;

asio::awaitable<result<void>> kafka_server::start() {
    co_await states_.start();
    started_ = true;
    auto open = [this]() -> result<void> {
        auto& ctx = shards_.at(shard_id{0}).context();
        boost::system::error_code ec;
        auto addr = asio::ip::make_address(options_.host == "localhost" ? "127.0.0.1" : options_.host, ec);
        if (ec) return make_error(ec, fmt::format("kafka address {}", options_.host));
        asio::ip::tcp::endpoint ep(addr, options_.port);
        auto acc = std::make_unique<asio::ip::tcp::acceptor>(ctx);
        acc->open(ep.protocol(), ec);
        if (!ec) acc->set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
        if (!ec) acc->bind(ep, ec);
        if (!ec) acc->listen(asio::socket_base::max_listen_connections, ec);
        if (ec) return make_error(ec, fmt::format("listening on {}:{}", options_.host, options_.port));
        bound_port_ = acc->local_endpoint().port();
        acceptor_ = std::move(acc);
        context_.advertised_host = !options_.advertised_host.empty() ? options_.advertised_host
                                   : addr.is_unspecified()           ? "127.0.0.1"
                                                                     : options_.host;
        context_.advertised_port = bound_port_;
        auto holder = accept_gate_.enter();
        auto loop = [this, h = std::make_shared<runtime::gate::holder>(std::move(*holder))]() -> asio::awaitable<void> {
            co_await accept_loop();
        };
        asio::co_spawn(ctx, std::move(loop), asio::detached);
        return {};
    };
    auto r = co_await runtime::run_on(shards_.at(shard_id{0}), std::move(open));
    if (!r) {
        co_await states_.stop();
        started_ = false;
        co_return r;
    }
    server_log.info("kafka listener on {}:{} (advertised {}:{})", options_.host, bound_port_.load(),
                    context_.advertised_host, context_.advertised_port);
    co_return result<void>{};
}

asio::awaitable<void> kafka_server::accept_loop() {
    while (acceptor_ && acceptor_->is_open()) {
        boost::system::error_code ec;
        auto sock = co_await acceptor_->async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor_->is_open()) break;
            server_log.warn("accept failed: {}", ec.message());
            continue;
        }
        auto protocol = sock.local_endpoint(ec).protocol();
        if (ec) continue;
        int fd = sock.release(ec);
        if (ec) continue;
        hand_off(fd, protocol, next_shard_++ % shards_.size());
    }
}

void kafka_server::hand_off(int fd, asio::ip::tcp protocol, uint32_t target) {
    auto& shard = shards_.at(shard_id{target});
    asio::post(shard.executor(), [this, fd, protocol, &shard] {
        boost::system::error_code ec;
        asio::ip::tcp::socket sock(shard.context());
        sock.assign(protocol, fd, ec);
        if (ec) {
            ::close(fd);
            return;
        }
        auto& st = states_.local();
        auto holder = st.gate.enter();
        if (!holder) return;  // stopping: the socket closes here
        auto conn = std::make_shared<connection>(std::move(sock), context_, st.gate, options_.limits);
        st.connections.insert(conn);
        auto run = [conn, &st, h = std::make_shared<runtime::gate::holder>(std::move(*holder))]() -> asio::awaitable<void> {
            try {
                co_await conn->run();
            } catch (const std::exception& e) {
                server_log.error("connection {}: {}", conn->peer(), e.what());
            }
            conn->close();
            st.connections.erase(conn);
        };
        asio::co_spawn(shard.executor(), std::move(run), asio::detached);
    });
}

asio::awaitable<void> kafka_server::stop() {
    if (!started_) co_return;
    auto close_acceptor = [this]() -> asio::awaitable<void> {
        if (acceptor_) {
            boost::system::error_code ec;
            acceptor_->close(ec);
        }
        co_await accept_gate_.close();
        acceptor_.reset();
    };
    co_await runtime::run_on(shards_.at(shard_id{0}), std::move(close_acceptor));
    co_await states_.stop();
    started_ = false;
}

}  // namespace eddy::kafka::server
