#include "http/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>

#include "base/log.h"
#include "http/responses.h"

namespace eddy::http {
namespace {

namespace asio = boost::asio;
constexpr log::logger http_log{"http"};

}  // namespace

http_server::http_server(runtime::shard_set& shards, http_server_options options,
                         observability::metric_registry* registry)
    : shards_(shards), options_(std::move(options)), states_(shards), listener_(shards, "http") {
    if (registry != nullptr) {
        auto f = http_families::register_in(*registry);
        if (f) {
            families_ = std::move(*f);
        } else {
            http_log.error("http metrics not registered: {}", f.error().message());
        }
    }
}

http_server::~http_server() = default;

asio::awaitable<result<void>> http_server::start() {
    const http_families* f = families_ ? &*families_ : nullptr;
    co_await states_.start(f);
    started_ = true;
    auto r = co_await listener_.bind(options_.host, options_.port);
    if (!r) {
        co_await states_.stop();
        started_ = false;
        co_return r;
    }
    http_log.info("http listener on {}:{}", options_.host, listener_.bound_port());
    runtime::tcp_listener::accept_fn accept = [this](asio::ip::tcp::socket sock) { on_accept(std::move(sock)); };
    co_await listener_.accept(std::move(accept));
    co_return result<void>{};
}

void http_server::on_accept(asio::ip::tcp::socket sock) {
    auto& st = states_.local();
    auto executor = sock.get_executor();
    if (open_connections_.load(std::memory_order_relaxed) >= options_.limits.max_connections) {
        // Over the limit: a short 503 and close, written without waiting for the peer's request.
        st.probe.refused(refusal::too_many_connections);
        auto s = std::make_shared<asio::ip::tcp::socket>(std::move(sock));
        auto res = std::make_shared<response>(error_response(status::service_unavailable, "too many connections"));
        res->keep_alive(false);
        res->prepare_payload();
        auto holder = st.connections.gate().enter();
        if (!holder) return;  // stopping: the socket closes here
        auto refuse = [s, res, h = std::make_shared<runtime::gate::holder>(std::move(*holder))]() -> asio::awaitable<void> {
            boost::system::error_code ec;
            co_await beast_http::async_write(*s, *res, asio::redirect_error(asio::use_awaitable, ec));
            s->close(ec);
        };
        asio::co_spawn(executor, std::move(refuse), asio::detached);
        return;
    }
    auto conn = std::make_shared<connection>(std::move(sock), router_, options_.limits, st.probe);
    auto on_end = [this, &st] {
        st.probe.connection_closed();
        open_connections_.fetch_sub(1, std::memory_order_relaxed);
    };
    open_connections_.fetch_add(1, std::memory_order_relaxed);
    st.probe.connection_opened();
    if (!st.connections.spawn(executor, std::move(conn), on_end)) on_end();
}

asio::awaitable<void> http_server::stop() {
    if (!started_) co_return;
    co_await listener_.close();
    // Close idle connections everywhere first, then wait shard by shard for requests in flight.
    co_await states_.invoke_on_all([](shard_state& st) { st.connections.close_all(); });
    co_await states_.stop();
    started_ = false;
}

}  // namespace eddy::http
