// One Kafka client connection, living on one shard. The reader splits the byte stream into frames,
// decodes each request header, and starts the request's handler; the writer sends responses strictly in
// request order (a per-connection queue of slots, each filled when its handler finishes), so pipelined
// and long-polling requests can overlap while clients still see answers in the order they asked. All
// responses ready at the head of the queue leave in one gathering write, large records fields straight
// from the buffers they were read into (response_frame), and records still in a segment file with
// sendfile(2) (a Fetch: no copy through user space). Large request frames are read straight into their
// own buffers (frame_splitter), which Produce appends from in place.
//
// Closing rules (Kafka's): an undecodable frame or header, a frame above the size limit, an api key or
// version we do not serve (except ApiVersions, answered with the KIP-511 fallback) closes the connection.
// Any exception ends up in the one top-level catch, which logs, counts and closes.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bytes/bytes.h"
#include "kafka/protocol/frame.h"
#include "kafka/server/handler.h"
#include "kafka/server/probe.h"
#include "runtime/gate.h"

namespace eddy::kafka::server {

struct connection_limits {
    size_t max_frame_size = protocol::default_max_frame_size;
    size_t max_in_flight = 256;  // requests read but not yet answered, per connection (backpressure)
};

// A reusable, shard-local notification: notify() wakes the one waiter (or the next wait()).
class event {
public:
    explicit event(const boost::asio::any_io_executor& ex);
    boost::asio::awaitable<void> wait();
    void notify();

private:
    boost::asio::steady_timer timer_;
    bool pending_ = false;
};

class connection : public std::enable_shared_from_this<connection> {
public:
    // REQUIRES: server, gate and probe (the shard's) outlive the connection's coroutines (the server
    // closes the gate at stop).
    connection(boost::asio::ip::tcp::socket socket, const server_context& server, runtime::gate& gate,
               connection_limits limits, kafka_probe& probe);

    // Serves the connection until the peer or close() ends it.
    boost::asio::awaitable<void> run();
    // Closes the socket; the coroutines finish on their own. Idempotent.
    void close();
    [[nodiscard]] const std::string& peer() const { return peer_; }

private:
    struct slot {
        std::optional<response_frame> frame;  // nullopt: no response (acks=0), or the connection is closing
        bool done = false;
    };

    boost::asio::awaitable<void> read_loop();
    boost::asio::awaitable<void> write_loop();
    // Writes the frames of these slots in order; false on a socket error (the connection must close).
    boost::asio::awaitable<bool> send_frames(const std::vector<std::shared_ptr<slot>>& slots);
    boost::asio::awaitable<bool> write_buffers(std::vector<boost::asio::const_buffer>& buffers);
    boost::asio::awaitable<bool> send_file(const protocol::file_records& f);
    // Starts one request. Returns false when the connection must close.
    boost::asio::awaitable<bool> dispatch(byte_buffer frame);
    void push_ready(std::optional<bytes> frame);

    boost::asio::ip::tcp::socket socket_;
    const server_context& server_;
    runtime::gate& gate_;
    connection_limits limits_;
    kafka_probe& probe_;
    std::string peer_;
    std::string client_host_;  // "/<address>", as Kafka reports a group member's host
    protocol::frame_splitter splitter_;
    std::deque<std::shared_ptr<slot>> queue_;  // in request order
    event writer_wake_;
    event reader_wake_;
    bool reader_done_ = false;
    bool writer_done_ = false;
    bool closed_ = false;
};

}  // namespace eddy::kafka::server
