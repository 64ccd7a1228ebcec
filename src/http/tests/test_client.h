// A blocking HTTP/1.1 client for the HTTP component tests: its own io_context on the test thread (which
// is not a shard), raw writes for malformed input, and whole requests built with Beast.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "base/result.h"
#include "http/request.h"

namespace eddy::http::testing {

class test_client {
public:
    explicit test_client(uint16_t port) : sock_(io_) {
        sock_.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    }
    void send(std::string_view raw) { boost::asio::write(sock_, boost::asio::buffer(raw.data(), raw.size())); }
    // Reads one response; an error (e.g. end_of_stream) when the server closed instead.
    result<response> read(bool head = false) {
        beast_http::response_parser<beast_http::string_body> p;
        p.body_limit(64 << 20);
        p.skip(head);
        boost::system::error_code ec;
        beast_http::read(sock_, buf_, p, ec);
        if (ec) return make_error(ec);
        return p.release();
    }
    result<response> get(std::string_view target) {
        send(fmt::format("GET {} HTTP/1.1\r\nHost: x\r\n\r\n", target));
        return read();
    }
    // One request with an optional body (sent with its Content-Type when one is given) and extra headers.
    result<response> call(verb method, std::string_view target, std::string_view body = {},
                          std::string_view content_type = {},
                          const std::vector<std::pair<std::string, std::string>>& headers = {}) {
        request req{method, target, 11};
        req.set(beast_http::field::host, "test.local:8082");
        if (!content_type.empty()) req.set(beast_http::field::content_type, content_type);
        for (const auto& [name, value] : headers) req.set(name, value);
        req.body() = std::string(body);
        if (!body.empty() || method == verb::post) req.prepare_payload();
        boost::system::error_code ec;
        beast_http::write(sock_, req, ec);
        if (ec) return make_error(ec);
        return read(method == verb::head);
    }
    // True when the server has closed its side (read returns EOF).
    bool closed_by_server() {
        char c;
        boost::system::error_code ec;
        sock_.read_some(boost::asio::buffer(&c, 1), ec);
        return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
    }

private:
    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket sock_;
    boost::beast::flat_buffer buf_;
};

}  // namespace eddy::http::testing
