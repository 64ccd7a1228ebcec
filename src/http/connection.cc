#include "http/connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>

#include "base/log.h"
#include "http/responses.h"

namespace eddy::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
constexpr log::logger http_log{"http"};
constexpr auto as_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view server_name = "eddy";

std::string peer_of(const asio::ip::tcp::socket& s) {
    boost::system::error_code ec;
    auto ep = s.remote_endpoint(ec);
    if (ec) return "?";
    return fmt::format("{}:{}", ep.address().to_string(), ep.port());
}

// The answer to a request that failed to parse, or nothing when the connection should just close.
std::optional<std::pair<refusal, response>> refusal_for(const boost::system::error_code& ec) {
    if (ec == beast_http::error::header_limit) {
        return std::pair{refusal::header_too_large,
                         error_response(status::request_header_fields_too_large, "request head too large")};
    }
    if (ec == beast_http::error::body_limit) {
        return std::pair{refusal::body_too_large, error_response(status::payload_too_large, "request body too large")};
    }
    if (ec == beast::error::timeout) {
        return std::pair{refusal::timeout, error_response(status::request_timeout, "request not received in time")};
    }
    if (ec == beast_http::error::end_of_stream || ec == beast_http::error::partial_message) return std::nullopt;
    if (ec.category() == beast_http::make_error_code(beast_http::error::bad_method).category()) {
        return std::pair{refusal::bad_request,
                         error_response(status::bad_request, fmt::format("malformed request: {}", ec.message()))};
    }
    return std::nullopt;  // I/O errors: the peer is gone
}

}  // namespace

connection::connection(asio::ip::tcp::socket sock, const router& routes, const http_limits& limits, http_probe& probe)
    : socket_(std::move(sock)),
      deadline_(socket_.get_executor()),
      routes_(routes),
      limits_(limits),
      probe_(probe),
      peer_(peer_of(socket_)) {}

void connection::expires_after(std::chrono::milliseconds d) {
    timed_out_ = false;
    deadline_.expires_after(d);
    auto generation = ++deadline_generation_;
    deadline_.async_wait([self = weak_from_this(), generation](const boost::system::error_code& ec) {
        if (ec) return;  // re-armed or cancelled
        auto c = self.lock();
        if (!c || c->state_ == state::closed || c->deadline_generation_ != generation) return;
        c->timed_out_ = true;
        boost::system::error_code ignored;
        c->socket_.cancel(ignored);
    });
}

void connection::expires_never() {
    ++deadline_generation_;
    deadline_.cancel();
}

void connection::close() {
    if (state_ == state::busy) {
        closing_ = true;  // answered with Connection: close, then closed by run()
        return;
    }
    if (state_ == state::closed) return;
    state_ = state::closed;
    boost::system::error_code ec;
    deadline_.cancel();
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
}

asio::awaitable<bool> connection::write_error(unsigned version, response res) {
    res.version(version == 10 ? 10 : 11);
    res.keep_alive(false);
    res.set(beast_http::field::server, server_name);
    res.prepare_payload();
    expires_after(limits_.write_timeout);
    auto [ec, n] = co_await beast_http::async_write(socket_, res, as_tuple);
    (void)n;
    co_return !ec;
}

asio::awaitable<void> connection::run() {
    beast::flat_buffer buf;
    while (state_ != state::closed && !closing_) {
        // Idle: wait for the first byte of the next request (unless a pipelined one is buffered).
        state_ = state::idle;
        if (buf.size() == 0) {
            expires_after(limits_.idle_timeout);
            auto [ec, n] = co_await socket_.async_read_some(buf.prepare(4096), as_tuple);
            if (ec) break;  // closed by the peer, by close(), or idle too long: no answer owed
            buf.commit(n);
        }
        if (state_ == state::closed) break;
        state_ = state::reading;
        beast_http::request_parser<beast_http::string_body> parser;
        parser.header_limit(static_cast<uint32_t>(limits_.max_header_bytes));
        parser.body_limit(limits_.max_body_bytes);
        expires_after(limits_.header_timeout);
        auto [hec, hn] = co_await beast_http::async_read_header(socket_, buf, parser, as_tuple);
        (void)hn;
        unsigned version = parser.get().version();
        if (!hec && parser.get()[beast_http::field::expect] == "100-continue" && !parser.is_done()) {
            if (parser.content_length() && *parser.content_length() > limits_.max_body_bytes) {
                probe_.refused(refusal::body_too_large);
                co_await write_error(version, error_response(status::payload_too_large, "request body too large"));
                break;
            }
            beast_http::response<beast_http::empty_body> cont{status::continue_, version};
            expires_after(limits_.write_timeout);
            auto [wec, wn] = co_await beast_http::async_write(socket_, cont, as_tuple);
            (void)wn;
            if (wec) break;
        }
        boost::system::error_code rec = hec;
        if (rec == asio::error::operation_aborted && timed_out_) rec = beast::error::timeout;
        if (!rec && !parser.is_done()) {
            expires_after(limits_.body_timeout);
            auto [bec, bn] = co_await beast_http::async_read(socket_, buf, parser, as_tuple);
            (void)bn;
            rec = bec;
            if (rec == asio::error::operation_aborted && timed_out_) rec = beast::error::timeout;
        }
        if (state_ == state::closed) break;
        if (rec) {
            if (auto r = refusal_for(rec)) {
                probe_.refused(r->first);
                http_log.debug("{}: refused request: {}", peer_, rec.message());
                co_await write_error(version, std::move(r->second));
            }
            break;
        }
        // Busy: the request is complete; finish it even if the server is stopping.
        state_ = state::busy;
        expires_never();
        auto req = parser.release();
        auto started = std::chrono::steady_clock::now();
        auto out = co_await routes_.dispatch(req);
        auto& res = out.res;
        bool keep = req.keep_alive() && !closing_;
        res.version(req.version());
        res.keep_alive(keep);
        res.set(beast_http::field::server, server_name);
        res.prepare_payload();
        expires_after(limits_.write_timeout);
        boost::system::error_code wec;
        if (req.method() == verb::head) {
            beast_http::response_serializer<beast_http::string_body> sr{res};
            auto [ec, n] = co_await beast_http::async_write_header(socket_, sr, as_tuple);
            (void)n;
            wec = ec;
        } else {
            auto [ec, n] = co_await beast_http::async_write(socket_, res, as_tuple);
            (void)n;
            wec = ec;
        }
        probe_.request_done(out.route, beast_http::to_string(req.method()), res.result_int(),
                            std::chrono::steady_clock::now() - started);
        if (wec || !keep) break;
    }
    if (state_ != state::closed) {
        state_ = state::idle;
        close();
    }
}

}  // namespace eddy::http
