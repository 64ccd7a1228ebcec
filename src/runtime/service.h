// Services: the long-lived parts of the process (storage, Kafka listener, HTTP, ...). A registry starts
// them in the order they were added and stops them in exactly the reverse order, so a service can rely
// on everything added before it while it runs and while it stops.
//
// Both start_all and stop_all run as coroutines on one shard (the control shard, usually 0); a service
// reaches other shards with run_on.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "base/result.h"

namespace eddy::runtime {

class service {
public:
    virtual ~service() = default;
    [[nodiscard]] virtual std::string_view name() const = 0;
    // Brings the service up; the registry stops the services started before it if this fails.
    [[nodiscard]] virtual boost::asio::awaitable<result<void>> start() = 0;
    // Stops taking work and waits for in-flight work (a gate). Must be prompt and must not fail:
    // errors are logged by the service itself. Called only after a successful start().
    virtual boost::asio::awaitable<void> stop() = 0;
};

class service_registry {
public:
    service_registry() = default;
    service_registry(const service_registry&) = delete;
    service_registry& operator=(const service_registry&) = delete;

    // REQUIRES: start_all has not been called.
    void add(std::unique_ptr<service> s);

    // Starts every service in order. On the first failure, stops those already started (in reverse)
    // and returns the failure, prefixed with the service's name. REQUIRES: called once.
    [[nodiscard]] boost::asio::awaitable<result<void>> start_all();

    // Stops every started service in reverse start order. Idempotent.
    boost::asio::awaitable<void> stop_all();

    [[nodiscard]] size_t size() const { return services_.size(); }
    [[nodiscard]] size_t started() const { return started_; }

private:
    std::vector<std::unique_ptr<service>> services_;
    size_t started_ = 0;  // services_[0, started_) are running
    bool start_called_ = false;
};

}  // namespace eddy::runtime
