#include "http/handlers/metrics.h"

#include "http/responses.h"
#include "observability/prometheus_text.h"

namespace eddy::http {

void add_metrics_routes(router& r, const observability::metric_registry& registry, runtime::blocking_pool& pool) {
    r.add(verb::get, "/metrics", [&registry, &pool](request_context&) -> boost::asio::awaitable<response> {
        auto render = [&registry] { return observability::prometheus_text(registry); };
        auto text = co_await pool.run(std::move(render));
        co_return text_response(status::ok, std::move(text), observability::prometheus_content_type);
    });
}

}  // namespace eddy::http
