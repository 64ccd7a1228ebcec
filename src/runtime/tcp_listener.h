// tcp_listener: one TCP acceptor on shard 0 that hands every accepted socket to the next shard,
// round-robin. The Kafka and HTTP servers both use it; a connection then lives entirely on its shard.
//
// Lifecycle: co_await bind(...) from any shard (binds and listens on shard 0; bound_port() is known from
// here on), co_await accept(fn) (starts handing off connections), co_await close() (stops accepting and
// waits for the accept loop to end). Sockets already handed off are the caller's business.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "base/result.h"
#include "runtime/gate.h"
#include "runtime/shard.h"

namespace eddy::runtime {

class tcp_listener {
public:
    // Called on the target shard with the accepted socket, already bound to that shard's io_context.
    using accept_fn = std::function<void(boost::asio::ip::tcp::socket)>;

    // `what` names the listener in log lines and errors ("kafka", "http").
    // REQUIRES: shards outlives this object.
    tcp_listener(shard_set& shards, std::string what);
    ~tcp_listener();
    tcp_listener(const tcp_listener&) = delete;
    tcp_listener& operator=(const tcp_listener&) = delete;

    // Binds host:port (port 0: any free port; "localhost" means 127.0.0.1) and listens; connections
    // queue in the kernel until accept(). REQUIRES: called once, on a shard of `shards`.
    [[nodiscard]] boost::asio::awaitable<result<void>> bind(std::string host, uint16_t port);
    // Starts accepting. REQUIRES: bind() succeeded; called once.
    boost::asio::awaitable<void> accept(accept_fn on_accept);
    // Stops accepting and waits until the accept loop has ended. Idempotent.
    boost::asio::awaitable<void> close();

    // The port actually bound (0 before listen succeeded).
    [[nodiscard]] uint16_t bound_port() const { return bound_port_.load(); }
    // True when the bound address is a wildcard (0.0.0.0 or ::).
    [[nodiscard]] bool wildcard() const { return wildcard_; }

private:
    boost::asio::awaitable<void> accept_loop();
    void hand_off(int fd, boost::asio::ip::tcp protocol, uint32_t target);

    shard_set& shards_;
    std::string what_;
    accept_fn on_accept_;
    std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;  // on shard 0
    std::atomic<uint16_t> bound_port_{0};
    bool wildcard_ = false;
    uint32_t next_shard_ = 0;
    gate accept_gate_;  // on shard 0: the accept loop
};

}  // namespace eddy::runtime
