#include "http/handlers/health.h"

#include <boost/json/object.hpp>

#include "http/responses.h"

namespace eddy::http {

void add_health_routes(router& r, const readiness& state) {
    r.add(verb::get, "/healthz", [](request_context&) -> boost::asio::awaitable<response> {
        co_return json_response(status::ok, boost::json::object{{"status", "ok"}});
    });
    r.add(verb::get, "/readyz", [&state](request_context&) -> boost::asio::awaitable<response> {
        if (state.ready.load(std::memory_order_acquire)) {
            co_return json_response(status::ok, boost::json::object{{"status", "ready"}});
        }
        co_return json_response(status::service_unavailable, boost::json::object{{"status", "not ready"}});
    });
}

}  // namespace eddy::http
