// The request and response types every HTTP handler sees, and the handler signature.
//
// Handlers are coroutines on the connection's shard. They receive the parsed request with its decoded
// path parameters and query, and return a complete response; the connection adds Connection/keep-alive,
// Server and Content-Length.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include "http/route_matcher.h"

namespace eddy::http {

namespace beast_http = boost::beast::http;
using verb = beast_http::verb;
using status = beast_http::status;
using request = beast_http::request<beast_http::string_body>;
using response = beast_http::response<beast_http::string_body>;

struct request_context {
    const request& req;
    std::string_view path;   // the target without the query
    path_params params;      // decoded `{name}` segments of the matched pattern
    query_params query;      // decoded query string
    std::string_view route;  // the matched pattern, e.g. "/topics/{topic}"
};

using handler = std::function<boost::asio::awaitable<response>(request_context&)>;

}  // namespace eddy::http
