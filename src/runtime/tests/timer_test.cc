#include "runtime/timer.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <gtest/gtest.h>

#include "runtime/tests/runtime_fixture.h"

namespace eddy::runtime {
namespace {

namespace asio = boost::asio;
using testing::sharded_test;

class timer_test : public sharded_test {};

TEST_P(timer_test, sleep_for_waits_at_least_the_duration) {
    auto elapsed = run([]() -> asio::awaitable<std::chrono::steady_clock::duration> {
        auto t0 = std::chrono::steady_clock::now();
        bool done = co_await sleep_for(std::chrono::milliseconds(5));
        if (!done) co_return std::chrono::steady_clock::duration::zero();
        co_return std::chrono::steady_clock::now() - t0;
    });
    EXPECT_GE(elapsed, std::chrono::milliseconds(5));
}

// A CPU loop with a yield budget lets another task on the same shard make progress.
TEST_P(timer_test, yield_budget_lets_other_tasks_run) {
    auto interleaved = run([]() -> asio::awaitable<bool> {
        auto ex = co_await asio::this_coro::executor;
        bool other_ran = false;
        asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
            other_ran = true;
            co_return;
        }, asio::detached);
        yield_budget budget(std::chrono::microseconds(0), 1);
        for (int i = 0; i < 100 && !other_ran; ++i) co_await budget.maybe_yield();
        co_return other_ran;
    });
    EXPECT_TRUE(interleaved);
}

INSTANTIATE_TEST_SUITE_P(smp, timer_test, testing::smp_values());

}  // namespace
}  // namespace eddy::runtime
