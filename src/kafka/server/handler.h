// The shape of a Kafka API handler and the adapter that turns one into a table entry.
//
// A handler is a struct in handlers/<api>.cc:
//
//   struct metadata_handler {
//       using request = protocol::metadata_request;
//       using response = protocol::metadata_response;
//       static constexpr int16_t min_version = 0, max_version = 8;   // what we advertise and accept
//       static boost::asio::awaitable<response> handle(request_context& ctx, request req);
//   };
//   handler_entry make_metadata_handler() { return make_handler<metadata_handler>(); }
//
// and one line in handler_table.cc registers it (see there). The adapter decodes the body (a decode
// failure closes the connection, as Kafka does), runs the handler on the connection's shard and encodes
// the response frame with the right header version.
//
// Pipelining: the connection starts request N+1 only after request N calls ctx.release() or finishes.
// A handler calls release() once the effects that must happen in request order have been issued
// (Produce: after its appends were posted to the owner shards in order; Fetch: at once), so a slow part
// (an fsync, a long poll) does not hold up the requests behind it. Responses are written in request
// order regardless.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "base/result.h"
#include "bytes/bytes.h"
#include "kafka/protocol/codec.h"
#include "kafka/protocol/headers.h"
#include "kafka/server/error_codes.h"

namespace eddy::coord {
class broker;
class group_service;
}  // namespace eddy::coord

namespace eddy::kafka::server {

// What every handler may use; owned by the server, shared by all connections (its members are
// thread-safe or shard-aware).
struct server_context {
    coord::broker* broker = nullptr;
    coord::group_service* groups = nullptr;  // consumer groups; null until that service is wired in
    int32_t node_id = 0;
    std::string advertised_host;
    int32_t advertised_port = 0;
    std::string cluster_id;
};

// One request in flight. Lives until its response has been encoded.
class request_context {
public:
    // client_host: the peer's address as Kafka shows it ("/127.0.0.1"); it must outlive the context.
    request_context(const server_context& server, protocol::request_header header, std::function<void()> on_release,
                    std::string_view client_host = {})
        : server_(server), header_(std::move(header)), on_release_(std::move(on_release)), client_host_(client_host) {}

    [[nodiscard]] const server_context& server() const { return server_; }
    [[nodiscard]] coord::broker& broker() const { return *server_.broker; }
    [[nodiscard]] const protocol::request_header& header() const { return header_; }
    [[nodiscard]] int16_t version() const { return header_.api_version; }
    [[nodiscard]] std::string_view client_host() const { return client_host_; }

    // Lets the connection start the next request (see the top of this file). Idempotent.
    void release() {
        if (on_release_) std::exchange(on_release_, nullptr)();
    }
    // The request frame (header and body), owned by the context so handlers may borrow from it for as
    // long as the request runs.
    void own_frame(byte_buffer f) { frame_ = std::move(f); }
    [[nodiscard]] bytes_view frame() const { return frame_; }
    // The same bytes as `part`, which must lie inside frame(), for writing: Produce appends its batches in
    // place (patching base offsets) instead of copying them. Empty when part is not inside the frame.
    [[nodiscard]] mutable_bytes_view writable(bytes_view part) {
        const auto at = reinterpret_cast<uintptr_t>(part.data());
        const auto begin = reinterpret_cast<uintptr_t>(frame_.data());
        if (part.empty() || at < begin || at - begin > frame_.size() - part.size()) return {};
        return mutable_bytes_view(frame_).subspan(at - begin, part.size());
    }
    // No response frame will be written (Produce with acks=0).
    void suppress_response() { suppress_ = true; }
    [[nodiscard]] bool response_suppressed() const { return suppress_; }
    // Keeps a buffer alive until the response has been written to the socket (records fields borrow
    // their bytes, and large ones are sent from where they lie; see response_frame).
    bytes_view keep(bytes b) {
        arena_.push_back(std::make_unique<bytes>(std::move(b)));
        return *arena_.back();
    }
    bytes_view keep(byte_buffer b) {
        auto owned = std::make_shared<const byte_buffer>(std::move(b));
        bytes_view view(*owned);
        keep_alive(std::move(owned));
        return view;
    }
    // Keeps an object (an open segment file whose bytes a records field names) alive until the response
    // has been written to the socket.
    void keep_alive(std::shared_ptr<const void> owner) { owners_.push_back(std::move(owner)); }
    // Hands the kept buffers to the response frame that borrows them.
    [[nodiscard]] std::vector<std::unique_ptr<bytes>> take_kept() { return std::exchange(arena_, {}); }
    [[nodiscard]] std::vector<std::shared_ptr<const void>> take_owners() { return std::exchange(owners_, {}); }
    // The error codes of the response (for eddy_kafka_request_errors_total), filled by invoke_handler.
    [[nodiscard]] error_tally& errors() { return errors_; }

private:
    const server_context& server_;
    protocol::request_header header_;
    std::function<void()> on_release_;
    std::string_view client_host_;
    bool suppress_ = false;
    byte_buffer frame_;
    std::vector<std::unique_ptr<bytes>> arena_;
    std::vector<std::shared_ptr<const void>> owners_;
    error_tally errors_;
};

// An encoded response as the connection writes it: `frame.head` with the borrowed pieces (large records
// fields) spliced in, sent with gathering writes (pieces naming a file with sendfile); `kept` and `owners`
// keep the pieces' bytes until then.
struct response_frame {
    protocol::scattered_frame frame;
    std::vector<std::unique_ptr<bytes>> kept;
    std::vector<std::shared_ptr<const void>> owners;  // files whose bytes pieces name (sent with sendfile)
};

// Records fields at least this large are sent from the buffers they were read into, not copied.
inline constexpr size_t min_borrowed_records = 16 * 1024;

// A decoded body could not be handled: the connection is closed (Kafka's behaviour for bad requests).
using handler_fn = boost::asio::awaitable<result<std::optional<response_frame>>> (*)(request_context& ctx,
                                                                                     bytes_view body);

struct handler_entry {
    int16_t api_key = -1;
    std::string_view name;
    int16_t min_version = 0;
    int16_t max_version = 0;
    handler_fn invoke = nullptr;
};

template <typename H>
boost::asio::awaitable<result<std::optional<response_frame>>> invoke_handler(request_context& ctx, bytes_view body) {
    size_t trailing = 0;
    auto req = protocol::decode_request_body<typename H::request>(body, ctx.version(), trailing);
    if (!req) co_return unexpected(std::move(req).error());
    auto resp = co_await H::handle(ctx, std::move(*req));
    tally_error_codes(resp, ctx.errors());
    ctx.release();
    if (ctx.response_suppressed()) co_return std::optional<response_frame>{};
    auto frame = protocol::encode_response_frame_scattered(ctx.header().correlation_id, resp, ctx.version(),
                                                           min_borrowed_records);
    if (!frame) co_return unexpected(std::move(frame).error());
    std::optional<response_frame> out;
    out.emplace(response_frame{std::move(*frame), ctx.take_kept(), ctx.take_owners()});
    co_return std::move(out);
}

template <typename H>
handler_entry make_handler() {
    static_assert(H::request::api_key == H::response::api_key);
    static_assert(H::min_version >= H::request::min_version && H::max_version <= H::request::max_version,
                  "a handler cannot advertise versions the codec does not decode");
    return handler_entry{H::request::api_key, H::request::api_name, H::min_version, H::max_version,
                         &invoke_handler<H>};
}

}  // namespace eddy::kafka::server
