// HTTP request parsing and routing: bytes from the network go through the same Beast parser settings as
// a connection (head and body limits), then the router's path matching and query parsing, then the JSON
// parser with the server's depth limit. Nothing may crash, hang or grow without bound.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>

#include "http/route_matcher.h"

namespace {

namespace http = boost::beast::http;

const eddy::http::route_matcher& routes() {
    static const eddy::http::route_matcher m = [] {
        eddy::http::route_matcher r;
        size_t i = 0;
        for (auto p : {"/", "/healthz", "/readyz", "/metrics", "/topics", "/topics/{topic}",
                       "/topics/{topic}/partitions", "/topics/{topic}/partitions/{partition}",
                       "/consumers/{group}", "/consumers/{group}/instances/{instance}",
                       "/consumers/{group}/instances/{instance}/records", "/consumers/{group}/instances/{instance}/offsets",
                       "/v1/topics", "/v1/topics/{topic}", "/v1/groups", "/v1/groups/{group}"}) {
            (void)r.add(p, i++);
        }
        return r;
    }();
    return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(1 << 20);
    parser.eager(true);
    boost::system::error_code ec;
    const auto* p = reinterpret_cast<const char*>(data);
    size_t left = size;
    // As a connection does with its buffer: offer everything received, drop what the parser consumed.
    while (left > 0 && !parser.is_done()) {
        size_t used = parser.put(boost::asio::buffer(p, left), ec);
        if (ec == http::error::need_more) break;  // an incomplete message: the connection would wait
        if (ec || used == 0) return 0;
        p += used;
        left -= used;
    }
    if (ec && ec != http::error::need_more) return 0;
    if (!parser.is_header_done()) return 0;
    const auto& req = parser.get();
    auto [path, query] = eddy::http::split_target(std::string_view(req.target().data(), req.target().size()));
    (void)routes().find(path);
    (void)eddy::http::query_params::parse(query);
    if (parser.is_done()) {
        boost::json::parse_options opts;
        opts.max_depth = 64;
        boost::system::error_code jec;
        (void)boost::json::parse(req.body(), jec, {}, opts);
    }
    return 0;
}
