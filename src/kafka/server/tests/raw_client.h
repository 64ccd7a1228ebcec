// A blocking Kafka client for tests, built on our own codecs: sends request frames over a plain TCP
// socket and decodes the responses. Used by the in-process server test and by the integration test that
// talks to a spawned `eddy serve`.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "kafka/protocol/codec.h"

namespace eddy::kafka::testing {

class raw_client {
public:
    raw_client(const std::string& host, uint16_t port) : socket_(io_) {
        boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address(host), port);
        socket_.connect(ep);
    }

    // Sends one request (does not wait). Returns the correlation id used.
    template <typename M>
    int32_t send(const M& m, int16_t version, std::optional<std::string> client_id = std::string("raw-test")) {
        protocol::request_header h;
        h.api_version = version;
        h.correlation_id = next_id_++;
        h.client_id = std::move(client_id);
        auto frame = protocol::encode_request_frame(h, m);
        if (!frame) throw std::runtime_error(frame.error().message());
        boost::asio::write(socket_, boost::asio::buffer(*frame));
        return h.correlation_id;
    }

    void send_raw(const bytes& frame) { boost::asio::write(socket_, boost::asio::buffer(frame)); }

    // Reads one response frame; returns its correlation id and body. Throws on EOF.
    std::pair<int32_t, bytes> receive_frame(int16_t header_version) {
        uint8_t size_buf[4];
        boost::asio::read(socket_, boost::asio::buffer(size_buf));
        auto size = load_be<int32_t>(size_buf);
        bytes payload(static_cast<size_t>(size));
        boost::asio::read(socket_, boost::asio::buffer(payload));
        protocol::reader in{bytes_view(payload)};
        auto h = protocol::decode_response_header(in, header_version);
        if (!h) throw std::runtime_error(h.error().message());
        return {h->correlation_id, bytes(payload.begin() + static_cast<ptrdiff_t>(in.position()), payload.end())};
    }

    // Reads one response of type R at `version`; `body` keeps the bytes that records fields point into.
    template <typename R>
    R receive(int16_t version, int32_t* correlation_id = nullptr) {
        auto hv = protocol::response_header_version(R::api_key, version);
        if (!hv) throw std::runtime_error(hv.error().message());
        auto [cid, body] = receive_frame(*hv);
        if (correlation_id != nullptr) *correlation_id = cid;
        last_body_ = std::move(body);
        auto r = protocol::decode_body<R>(last_body_, version);
        if (!r) throw std::runtime_error(r.error().message());
        return std::move(*r);
    }

    template <typename R, typename M>
    R call(const M& m, int16_t version) {
        int32_t sent = send(m, version);
        int32_t got = -1;
        auto r = receive<R>(version, &got);
        if (got != sent) throw std::runtime_error("correlation id mismatch");
        return r;
    }

    // True when the peer closed the connection (reads EOF within the timeout).
    bool closed_by_peer() {
        uint8_t b;
        boost::system::error_code ec;
        socket_.read_some(boost::asio::buffer(&b, 1), ec);
        return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
    }

private:
    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_;
    int32_t next_id_ = 1;
    bytes last_body_;
};

}  // namespace eddy::kafka::testing
