#include "runtime/tcp_listener.h"

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.h"
#include "runtime/run_on.h"

namespace eddy::runtime {
namespace {

constexpr log::logger listener_log{"listener"};

}  // namespace

tcp_listener::tcp_listener(shard_set& shards, std::string what) : shards_(shards), what_(std::move(what)) {}

tcp_listener::~tcp_listener() = default;

asio::awaitable<result<void>> tcp_listener::bind(std::string host, uint16_t port) {
    auto open = [this, host = std::move(host), port]() -> result<void> {
        auto& ctx = shards_.at(shard_id{0}).context();
        boost::system::error_code ec;
        auto addr = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
        if (ec) return make_error(ec, fmt::format("{} address {}", what_, host));
        asio::ip::tcp::endpoint ep(addr, port);
        auto acc = std::make_unique<asio::ip::tcp::acceptor>(ctx);
        acc->open(ep.protocol(), ec);
        if (!ec) acc->set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
        if (!ec) acc->bind(ep, ec);
        if (!ec) acc->listen(asio::socket_base::max_listen_connections, ec);
        if (ec) return make_error(ec, fmt::format("{} listening on {}:{}", what_, host, port));
        bound_port_ = acc->local_endpoint().port();
        wildcard_ = addr.is_unspecified();
        acceptor_ = std::move(acc);
        return {};
    };
    co_return co_await run_on(shards_.at(shard_id{0}), std::move(open));
}

asio::awaitable<void> tcp_listener::accept(accept_fn on_accept) {
    on_accept_ = std::move(on_accept);
    auto start = [this]() {
        auto holder = accept_gate_.enter();
        if (!holder || !acceptor_) return;
        auto loop = [this, h = std::make_shared<gate::holder>(std::move(*holder))]() -> asio::awaitable<void> {
            co_await accept_loop();
        };
        asio::co_spawn(shards_.at(shard_id{0}).context(), std::move(loop), asio::detached);
    };
    co_await run_on(shards_.at(shard_id{0}), std::move(start));
}

asio::awaitable<void> tcp_listener::accept_loop() {
    while (acceptor_ && acceptor_->is_open()) {
        boost::system::error_code ec;
        auto sock = co_await acceptor_->async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted || !acceptor_->is_open()) break;
            listener_log.warn("{}: accept failed: {}", what_, ec.message());
            continue;
        }
        auto protocol = sock.local_endpoint(ec).protocol();
        if (ec) continue;
        int fd = sock.release(ec);
        if (ec) continue;
        hand_off(fd, protocol, next_shard_++ % shards_.size());
    }
}

void tcp_listener::hand_off(int fd, asio::ip::tcp protocol, uint32_t target) {
    auto& shard = shards_.at(shard_id{target});
    asio::post(shard.executor(), [this, fd, protocol, &shard] {
        boost::system::error_code ec;
        asio::ip::tcp::socket sock(shard.context());
        sock.assign(protocol, fd, ec);
        if (ec) {
            ::close(fd);
            return;
        }
        on_accept_(std::move(sock));
    });
}

asio::awaitable<void> tcp_listener::close() {
    auto close_acceptor = [this]() -> asio::awaitable<void> {
        if (acceptor_) {
            boost::system::error_code ec;
            acceptor_->close(ec);
        }
        if (!accept_gate_.is_closed()) co_await accept_gate_.close();
        acceptor_.reset();
    };
    co_await run_on(shards_.at(shard_id{0}), std::move(close_acceptor));
}

}  // namespace eddy::runtime
