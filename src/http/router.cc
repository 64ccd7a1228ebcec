#include "http/router.h"

#include <exception>

#include "base/assert.h"
#include "base/log.h"
#include "http/responses.h"

namespace eddy::http {
namespace {

constexpr log::logger http_log{"http"};
constexpr std::string_view unmatched = "unmatched";

}  // namespace

void router::add(verb method, std::string_view pattern, handler fn) {
    for (auto& p : patterns_) {
        if (p.pattern != pattern) continue;
        for (const auto& m : p.methods) {
            EDDY_ASSERT(m.method != method, "route registered twice");
        }
        p.methods.push_back(method_handler{method, std::move(fn)});
        return;
    }
    auto added = matcher_.add(pattern, patterns_.size());
    EDDY_ASSERT(added.has_value(), "invalid route pattern");
    patterns_.push_back(pattern_entry{std::string(pattern), {method_handler{method, std::move(fn)}}});
}

boost::asio::awaitable<router::outcome> router::dispatch(const request& req) const {
    auto [path, query] = split_target(req.target());
    auto found = matcher_.find(path);
    if (!found) co_return outcome{error_response(status::bad_request, found.error().message()), unmatched};
    if (!found->has_value()) {
        co_return outcome{error_response(status::not_found, fmt::format("HTTP 404 Not Found: {}", path)), unmatched};
    }
    const auto& entry = patterns_[(*found)->route];
    auto method = req.method() == verb::head ? verb::get : req.method();
    const method_handler* h = nullptr;
    for (const auto& m : entry.methods) {
        if (m.method == method) h = &m;
    }
    if (h == nullptr) {
        std::string allow;
        for (const auto& m : entry.methods) {
            if (!allow.empty()) allow += ", ";
            allow += std::string(beast_http::to_string(m.method));
            if (m.method == verb::get) allow += ", HEAD";
        }
        auto res = error_response(status::method_not_allowed, "HTTP 405 Method Not Allowed");
        res.set(beast_http::field::allow, allow);
        co_return outcome{std::move(res), entry.pattern};
    }
    auto q = query_params::parse(query);
    if (!q) co_return outcome{error_response(status::bad_request, q.error().message()), entry.pattern};
    request_context ctx{req, path, std::move((*found)->params), std::move(*q), entry.pattern};
    // The awaited response is assigned to a named variable: g++ 12 destroys a temporary produced by
    // co_await inside an aggregate initializer twice.
    std::exception_ptr failed;
    response res;
    try {
        res = co_await h->fn(ctx);
    } catch (...) {
        failed = std::current_exception();
    }
    if (!failed) co_return outcome{std::move(res), entry.pattern};
    try {
        std::rethrow_exception(failed);
    } catch (const std::exception& e) {
        http_log.error("{} {}: handler failed: {}", beast_http::to_string(req.method()), path, e.what());
    } catch (...) {
        http_log.error("{} {}: handler failed", beast_http::to_string(req.method()), path);
    }
    co_return outcome{error_response(status::internal_server_error, "internal server error", 50001), entry.pattern};
}

std::vector<std::pair<verb, std::string>> router::routes() const {
    std::vector<std::pair<verb, std::string>> out;
    for (const auto& p : patterns_) {
        for (const auto& m : p.methods) out.emplace_back(m.method, p.pattern);
    }
    return out;
}

}  // namespace eddy::http
