// connection_table<Conn>: the live connections of one server on one shard. Each connection runs as its
// own coroutine inside the table's gate; close_all() asks every connection to close; stop() does that
// and waits until every connection (and anything else holding the gate) has ended.
//
// Conn needs `awaitable<void> run()`, `void close()` and `const std::string& peer() const`.
// Shard-local, like the gate it holds.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <set>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "base/log.h"
#include "runtime/gate.h"

namespace eddy::runtime {

template <typename Conn>
class connection_table {
public:
    // `log` names the server in the line logged when a connection's run() throws.
    explicit connection_table(log::logger log) : log_(log) {}

    // Runs conn->run() on `executor` (the shard's), then conn->close(), then on_end(). Returns false,
    // without starting it, once the table is stopping (the caller drops the connection, closing it).
    template <typename Executor>
    bool spawn(const Executor& executor, std::shared_ptr<Conn> conn, std::function<void()> on_end = {}) {
        auto holder = gate_.enter();
        if (!holder) return false;
        conns_.insert(conn);
        auto run = [this, conn, on_end = std::move(on_end),
                    h = std::make_shared<gate::holder>(std::move(*holder))]() -> boost::asio::awaitable<void> {
            try {
                co_await conn->run();
            } catch (const std::exception& e) {
                log_.error("connection {}: {}", conn->peer(), e.what());
            }
            conn->close();
            conns_.erase(conn);
            if (on_end) on_end();
        };
        boost::asio::co_spawn(executor, std::move(run), boost::asio::detached);
        return true;
    }

    // Asks every connection to close (each decides how: at once when idle, after its request otherwise).
    void close_all() {
        auto conns = conns_;
        for (const auto& c : conns) c->close();
    }

    // close_all(), then waits for every gate holder. REQUIRES: called once.
    boost::asio::awaitable<void> stop() {
        close_all();
        co_await gate_.close();
        conns_.clear();
    }

    // For work that must finish before stop() returns (requests in flight, a refusal being written).
    [[nodiscard]] runtime::gate& gate() { return gate_; }
    [[nodiscard]] size_t size() const { return conns_.size(); }

private:
    log::logger log_;
    runtime::gate gate_;
    std::set<std::shared_ptr<Conn>> conns_;
};

}  // namespace eddy::runtime
