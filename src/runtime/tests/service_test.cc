#include "runtime/service.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/errc.h"
#include "runtime/tests/runtime_fixture.h"

namespace eddy::runtime {
namespace {

namespace asio = boost::asio;
using testing::sharded_test;

class recording_service final : public service {
public:
    recording_service(std::string name, std::vector<std::string>& log, bool fail, uint32_t hop)
        : name_(std::move(name)), log_(log), fail_(fail), hop_(hop) {}

    std::string_view name() const override { return name_; }
    asio::awaitable<result<void>> start() override {
        // Touch another shard so ordering holds across suspension points.
        co_await run_on(shard_id{hop_}, [] { return 0; });
        log_.push_back("start " + name_);
        if (fail_) co_return make_error(errc::shutting_down, "injected");
        co_return result<void>{};
    }
    asio::awaitable<void> stop() override {
        co_await run_on(shard_id{hop_}, [] { return 0; });
        log_.push_back("stop " + name_);
    }

private:
    std::string name_;
    std::vector<std::string>& log_;
    bool fail_;
    uint32_t hop_;
};

class service_test : public sharded_test {};

TEST_P(service_test, start_in_order_stop_in_reverse) {
    std::vector<std::string> log;
    service_registry reg;
    for (auto n : {"a", "b", "c"}) reg.add(std::make_unique<recording_service>(n, log, false, smp() - 1));
    auto r = run([&]() -> asio::awaitable<result<void>> { co_return co_await reg.start_all(); });
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(reg.started(), 3u);
    run([&]() -> asio::awaitable<void> { co_await reg.stop_all(); });
    run([&]() -> asio::awaitable<void> { co_await reg.stop_all(); });  // idempotent
    EXPECT_EQ(log, (std::vector<std::string>{"start a", "start b", "start c", "stop c", "stop b", "stop a"}));
}

TEST_P(service_test, failed_start_stops_earlier_services_and_names_the_culprit) {
    std::vector<std::string> log;
    service_registry reg;
    reg.add(std::make_unique<recording_service>("a", log, false, 0));
    reg.add(std::make_unique<recording_service>("b", log, false, smp() - 1));
    reg.add(std::make_unique<recording_service>("c", log, true, 0));
    reg.add(std::make_unique<recording_service>("d", log, false, 0));
    auto r = run([&]() -> asio::awaitable<result<void>> { co_return co_await reg.start_all(); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().context, "c: injected");
    EXPECT_EQ(reg.started(), 0u);
    EXPECT_EQ(log, (std::vector<std::string>{"start a", "start b", "start c", "stop b", "stop a"}));
}

INSTANTIATE_TEST_SUITE_P(smp, service_test, testing::smp_values());

}  // namespace
}  // namespace eddy::runtime
