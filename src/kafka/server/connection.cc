#include "kafka/server/connection.h"

#include <sys/sendfile.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
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
namespace asio = boost::asio;

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
    socket_.native_non_blocking(true, ec);  // for send_file's own sendfile calls (Asio's ops work either way)
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
    while (!closed_) {
        boost::system::error_code ec;
        auto room = splitter_.prepare();  // large frames are read straight into their own buffer
        size_t n = co_await socket_.async_read_some(asio::buffer(room.data(), room.size()),
                                                    asio::redirect_error(asio::use_awaitable, ec));
        if (ec || n == 0) co_return;  // EOF, reset, or close()
        splitter_.commit(n);
        for (;;) {
            auto next = splitter_.next();
            if (!next) {
                probe_.bad_request();
                conn_log.warn("connection {}: {}; closing", peer_, next.error().message());
                close();
                co_return;
            }
            if (!*next) break;
            if (!co_await dispatch(std::move(**next))) {
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
    if (frame) s->frame.emplace(response_frame{protocol::scattered_frame{std::move(*frame), {}}, {}, {}});
    s->done = true;
    queue_.push_back(std::move(s));
    writer_wake_.notify();
}

asio::awaitable<bool> connection::dispatch(byte_buffer frame) {
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
    const size_t body_at = in.position();
    ctx->own_frame(std::move(frame));  // the views into it stay valid: its bytes do not move
    auto run = [self = shared_from_this(), s, ctx, entry, body_at, t0,
                hold = std::make_shared<runtime::gate::holder>(std::move(*holder))]() -> asio::awaitable<void> {
        try {
            auto r = co_await entry->invoke(*ctx, ctx->frame().subspan(body_at));
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

asio::awaitable<bool> connection::write_buffers(std::vector<asio::const_buffer>& buffers) {
    if (buffers.empty()) co_return true;
    boost::system::error_code ec;
    co_await asio::async_write(socket_, buffers, asio::redirect_error(asio::use_awaitable, ec));
    buffers.clear();
    co_return !ec;
}

asio::awaitable<bool> connection::send_file(const protocol::file_records& f) {
    boost::system::error_code ec;
    uint64_t pos = f.pos;
    uint64_t left = f.size;
    while (left > 0) {
        auto off = static_cast<off_t>(pos);
        ssize_t n = ::sendfile(socket_.native_handle(), f.fd, &off, static_cast<size_t>(std::min<uint64_t>(left, 1u << 30)));
        if (n > 0) {
            pos += static_cast<uint64_t>(n);
            left -= static_cast<uint64_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            co_await socket_.async_wait(asio::ip::tcp::socket::wait_write, asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return false;
            continue;
        }
        // The file ended early or failed: the frame cannot be completed, so the connection must close.
        if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) co_return false;
        probe_.connection_error();
        conn_log.warn("connection {}: sending {} bytes of a segment file at {}: {}; closing", peer_, left, pos,
                      n == 0 ? std::string("file ends early") : std::string(std::strerror(errno)));
        co_return false;
    }
    co_return true;
}

asio::awaitable<bool> connection::send_frames(const std::vector<std::shared_ptr<slot>>& slots) {
    // Head stretches and in-memory pieces go out in one gathering write; a piece naming a file ends the
    // gathering and is sent with sendfile.
    std::vector<asio::const_buffer> buffers;
    for (const auto& s : slots) {
        if (!s->frame) continue;
        const auto& f = s->frame->frame;
        size_t pos = 0;
        for (const auto& p : f.pieces) {
            if (p.at > pos) buffers.emplace_back(f.head.data() + pos, p.at - pos);
            pos = p.at;
            if (p.file) {
                if (!co_await write_buffers(buffers) || !co_await send_file(*p.file)) co_return false;
            } else if (!p.data.empty()) {
                buffers.emplace_back(p.data.data(), p.data.size());
            }
        }
        if (pos < f.head.size()) buffers.emplace_back(f.head.data() + pos, f.head.size() - pos);
    }
    co_return co_await write_buffers(buffers);
}

asio::awaitable<void> connection::write_loop() {
    auto self = shared_from_this();
    std::vector<std::shared_ptr<slot>> sending;  // owns the bytes the frames point into until written
    while (!closed_) {
        while (!queue_.empty() && queue_.front()->done) {
            sending.push_back(std::move(queue_.front()));
            queue_.pop_front();
        }
        if (!sending.empty()) {
            reader_wake_.notify();
            bool ok = co_await send_frames(sending);
            sending.clear();
            if (!ok) {
                close();
                break;
            }
            continue;  // more responses may have become ready meanwhile
        }
        if (reader_done_ && queue_.empty()) break;
        if (!closed_) co_await writer_wake_.wait();
    }
    close();
    writer_done_ = true;
}

}  // namespace eddy::kafka::server
