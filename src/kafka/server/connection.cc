#include "kafka/server/connection.h"

#include <array>
#include <chrono>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "base/log.h"
#include "kafka/protocol/headers.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler_table.h"
#include "kafka/server/handlers/api_versions.h"
#include "kafka/server/probe.h"
#include "runtime/wakeup.h"

namespace eddy::kafka::server {
namespace {

constexpr log::logger conn_log{"kafka"};
constexpr size_t read_chunk = 64 * 1024;
namespace asio = boost::asio;

// The frame's bytes in order: head stretches with the borrowed pieces between them.
void append_buffers(const protocol::scattered_frame& f, std::vector<asio::const_buffer>& out) {
    size_t pos = 0;
    for (const auto& p : f.pieces) {
        if (p.at > pos) out.emplace_back(f.head.data() + pos, p.at - pos);
        if (!p.data.empty()) out.emplace_back(p.data.data(), p.data.size());
        pos = p.at;
    }
    if (pos < f.head.size()) out.emplace_back(f.head.data() + pos, f.head.size() - pos);
}

}  // namespace

event::event(const asio::any_io_executor& ex) : timer_(ex) { timer_.expires_at(std::chrono::steady_clock::time_point::max()); }

asio::awaitable<void> event::wait() {
    while (!pending_) {
        boost::system::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    pending_ = false;
}

void event::notify() {
    pending_ = true;
    timer_.cancel();
}

connection::connection(asio::ip::tcp::socket socket, const server_context& server, runtime::gate& gate,
                       connection_limits limits, kafka_probe& probe)
    : socket_(std::move(socket)), server_(server), gate_(gate), limits_(limits), probe_(probe),
      splitter_(limits.max_frame_size),
      writer_wake_(socket_.get_executor()), reader_wake_(socket_.get_executor()) {
    boost::system::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    peer_ = ec ? std::string("?") : fmt::format("{}:{}", ep.address().to_string(), ep.port());
    client_host_ = ec ? std::string() : "/" + ep.address().to_string();  // Kafka's form, for DescribeGroups
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

void connection::close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    writer_wake_.notify();
    reader_wake_.notify();
}

asio::awaitable<void> connection::run() {
    auto self = shared_from_this();
    conn_log.debug("connection from {}", peer_);
    auto writer = [self]() -> asio::awaitable<void> { co_await self->write_loop(); };
    asio::co_spawn(socket_.get_executor(), std::move(writer), asio::detached);
    try {
        co_await read_loop();
    } catch (const std::exception& e) {
        probe_.connection_error();
        conn_log.warn("connection {}: {}; closing", peer_, e.what());
        close();
    }
    reader_done_ = true;
    writer_wake_.notify();
}

asio::awaitable<void> connection::read_loop() {
    std::array<uint8_t, read_chunk> buf;
    while (!closed_) {
        boost::system::error_code ec;
        size_t n = co_await socket_.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
        if (ec || n == 0) co_return;  // EOF, reset, or close()
        splitter_.append(bytes_view(buf.data(), n));
        for (;;) {
            auto next = splitter_.next();
            if (!next) {
                probe_.bad_request();
                conn_log.warn("connection {}: {}; closing", peer_, next.error().message());
                close();
                co_return;
            }
            if (!*next) break;
            bytes frame(next->value().begin(), next->value().end());
            if (!co_await dispatch(std::move(frame))) {
                close();
                co_return;
            }
            // Backpressure: stop reading while too many requests are unanswered.
            while (!closed_ && queue_.size() >= limits_.max_in_flight) co_await reader_wake_.wait();
            if (closed_) co_return;
        }
    }
}

void connection::push_ready(std::optional<bytes> frame) {
    auto s = std::make_shared<slot>();
    if (frame) s->frame.emplace(response_frame{protocol::scattered_frame{std::move(*frame), {}}, {}});
    s->done = true;
    queue_.push_back(std::move(s));
    writer_wake_.notify();
}

asio::awaitable<bool> connection::dispatch(bytes frame) {
    const auto t0 = std::chrono::steady_clock::now();
    protocol::reader in{bytes_view(frame)};
    auto hdr = protocol::decode_request_header(in);
    if (!hdr) {
        probe_.bad_request();
        conn_log.warn("connection {}: bad request header: {}; closing", peer_, hdr.error().message());
        co_return false;
    }
    const auto& h = hdr->header;
    const handler_entry* entry = find_handler(h.api_key);
    if (h.api_key == protocol::api_versions_key && entry != nullptr && h.api_version > entry->max_version) {
        auto fallback = api_versions_fallback(h.correlation_id);
        if (!fallback) co_return false;
        const error_count unsupported{kerr::unsupported_version, 1};
        probe_.request_done(h.api_key, entry->name, std::chrono::steady_clock::now() - t0, {&unsupported, 1});
        push_ready(std::move(*fallback));
        co_return true;
    }
    if (entry == nullptr || h.api_version < entry->min_version || h.api_version > entry->max_version) {
        probe_.bad_request();
        conn_log.warn("connection {} (client {}): unsupported api {} version {}; closing", peer_,
                      h.client_id.value_or(""), h.api_key, h.api_version);
        co_return false;
    }
    auto holder = gate_.enter();
    if (!holder) co_return false;  // shutting down
    auto s = std::make_shared<slot>();
    queue_.push_back(s);
    auto ex = co_await asio::this_coro::executor;
    auto released = std::make_shared<runtime::wakeup>(ex);
    auto ctx = std::make_shared<request_context>(server_, h, [released] { released->notify(); }, client_host_);
    size_t body_at = in.position();
    auto run = [self = shared_from_this(), s, ctx, entry, body_at, t0, frame = std::move(frame),
                hold = std::make_shared<runtime::gate::holder>(std::move(*holder))]() -> asio::awaitable<void> {
        try {
            auto r = co_await entry->invoke(*ctx, bytes_view(frame).subspan(body_at));
            if (r) {
                s->frame = std::move(*r);
                self->probe_.request_done(entry->api_key, entry->name, std::chrono::steady_clock::now() - t0,
                                          ctx->errors().counts());
            } else {
                self->probe_.bad_request();
                conn_log.warn("connection {}: {} v{} (correlation id {}): {}; closing", self->peer_, entry->name,
                              ctx->version(), ctx->header().correlation_id, r.error().message());
                self->close();
            }
        } catch (const std::exception& e) {
            self->probe_.connection_error();
            conn_log.error("connection {}: {} failed: {}; closing", self->peer_, entry->name, e.what());
            self->close();
        }
        s->done = true;
        ctx->release();
        self->writer_wake_.notify();
    };
    asio::co_spawn(ex, std::move(run), asio::detached);
    co_await released->wait();
    co_return !closed_;
}

asio::awaitable<void> connection::write_loop() {
    auto self = shared_from_this();
    std::vector<std::shared_ptr<slot>> sending;  // owns the bytes `buffers` points into until written
    std::vector<asio::const_buffer> buffers;
    while (!closed_) {
        while (!queue_.empty() && queue_.front()->done) {
            sending.push_back(std::move(queue_.front()));
            queue_.pop_front();
            if (sending.back()->frame) append_buffers(sending.back()->frame->frame, buffers);
        }
        if (!sending.empty()) reader_wake_.notify();
        if (!buffers.empty()) {
            boost::system::error_code ec;
            co_await asio::async_write(socket_, buffers, asio::redirect_error(asio::use_awaitable, ec));
            buffers.clear();
            sending.clear();
            if (ec) {
                close();
                break;
            }
            continue;  // more responses may have become ready meanwhile
        }
        sending.clear();
        if (reader_done_ && queue_.empty()) break;
        if (!closed_) co_await writer_wake_.wait();
    }
    close();
    writer_done_ = true;
}

}  // namespace eddy::kafka::server
