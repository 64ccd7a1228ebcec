// One HTTP/1.1 connection on its shard: reads requests one at a time (pipelined requests wait in the
// buffer), dispatches each through the router and writes the response, until the peer closes, a
// limit is hit, or the server stops.
//
// Bounded resources: the head must arrive within header_timeout once its first byte has, the body
// within body_timeout, each response must be written within write_timeout, and an idle keep-alive
// connection is closed after idle_timeout. Heads over max_header_bytes get 431, bodies over
// max_body_bytes 413, a head that stalls 408, a malformed request 400; each then closes the connection.
//
// Stop: close() closes an idle connection at once; a connection inside a request finishes that request,
// answers it with "Connection: close" and then closes.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http/probe.h"
#include "http/router.h"

namespace eddy::http {

struct http_limits {
    size_t max_header_bytes = 16 * 1024;
    size_t max_body_bytes = 16 * 1024 * 1024;
    std::chrono::milliseconds idle_timeout{60'000};
    std::chrono::milliseconds header_timeout{10'000};
    std::chrono::milliseconds body_timeout{60'000};
    std::chrono::milliseconds write_timeout{60'000};
    size_t max_connections = 10'000;  // over the whole server
};

class connection : public std::enable_shared_from_this<connection> {
public:
    connection(boost::asio::ip::tcp::socket sock, const router& routes, const http_limits& limits, http_probe& probe);

    boost::asio::awaitable<void> run();
    // See the header comment. Safe to call more than once.
    void close();
    [[nodiscard]] const std::string& peer() const { return peer_; }

private:
    enum class state { idle, reading, busy, closed };

    boost::asio::awaitable<bool> write_error(unsigned version, response res);
    // Arms the deadline for the next socket operation: when it passes, pending operations on the
    // socket are cancelled (not closed, so a 408 can still be written) and timed_out_ is set.
    void expires_after(std::chrono::milliseconds d);
    void expires_never();

    boost::asio::ip::tcp::socket socket_;
    boost::asio::steady_timer deadline_;
    bool timed_out_ = false;
    uint64_t deadline_generation_ = 0;  // a timer completion from an older arming is ignored
    const router& routes_;
    const http_limits& limits_;
    http_probe& probe_;
    std::string peer_;
    state state_ = state::idle;
    bool closing_ = false;
};

}  // namespace eddy::http
