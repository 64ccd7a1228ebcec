// router: (method, path pattern) -> handler. One router serves the whole HTTP port; each area registers
// its routes with one add_*_routes function in its own handler file (handlers/*.h).
//
// dispatch() answers 404 (no pattern matches), 405 with an Allow header (the pattern matches but not
// the method), 400 (undecodable path or query) and 500 (the handler threw) in the common error shape.
// HEAD is served by the GET handler; the connection sends only the head.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "http/request.h"
#include "http/route_matcher.h"

namespace eddy::http {

class router {
public:
    // The outcome of dispatch: the response and the pattern that matched ("unmatched" when none did),
    // for logs and metrics.
    struct outcome {
        response res;
        std::string_view route;
    };

    // REQUIRES: pattern is valid (route_matcher::add) and (method, pattern) is not registered yet;
    // called before the server starts (routes are read concurrently by every shard afterwards).
    void add(verb method, std::string_view pattern, handler fn);

    [[nodiscard]] boost::asio::awaitable<outcome> dispatch(const request& req) const;

    // The registered (method, pattern) pairs, for docs and tests.
    [[nodiscard]] std::vector<std::pair<verb, std::string>> routes() const;

private:
    struct method_handler {
        verb method;
        handler fn;
    };
    struct pattern_entry {
        std::string pattern;
        std::vector<method_handler> methods;
    };
    route_matcher matcher_;
    std::vector<pattern_entry> patterns_;
};

}  // namespace eddy::http
