#include "runtime/service.h"

#include <chrono>

#include "base/assert.h"
#include "base/log.h"

namespace eddy::runtime {
namespace {

constexpr log::logger service_log{"service"};

int64_t elapsed_ms(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

void service_registry::add(std::unique_ptr<service> s) {
    EDDY_ASSERT(!start_called_, "service added after start_all");
    services_.push_back(std::move(s));
}

boost::asio::awaitable<result<void>> service_registry::start_all() {
    EDDY_ASSERT(!start_called_, "start_all called twice");
    start_called_ = true;
    for (auto& s : services_) {
        auto t0 = std::chrono::steady_clock::now();
        service_log.debug("starting {}", s->name());
        auto r = co_await s->start();
        if (!r) {
            service_log.error("{} failed to start: {}", s->name(), r.error().message());
            co_await stop_all();
            auto e = std::move(r).error();
            e.context = e.context.empty() ? std::string(s->name()) : fmt::format("{}: {}", s->name(), e.context);
            co_return unexpected(std::move(e));
        }
        ++started_;
        service_log.debug("started {} in {} ms", s->name(), elapsed_ms(t0));
    }
    co_return result<void>{};
}

boost::asio::awaitable<void> service_registry::stop_all() {
    while (started_ > 0) {
        auto& s = services_[--started_];
        auto t0 = std::chrono::steady_clock::now();
        service_log.debug("stopping {}", s->name());
        co_await s->stop();
        service_log.debug("stopped {} in {} ms", s->name(), elapsed_ms(t0));
    }
}

}  // namespace eddy::runtime
