#include "runtime/semaphore.h"

#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <gtest/gtest.h>

#include "runtime/errc.h"
#include "runtime/tests/runtime_fixture.h"

namespace eddy::runtime {
namespace {

namespace asio = boost::asio;
using testing::sharded_test;
using testing::yield_until;

class semaphore_test : public sharded_test {};

// A big request at the head of the line is not overtaken by a small one behind it, and no newcomer
// barges in while it waits.
TEST_P(semaphore_test, waiters_are_served_in_arrival_order) {
    auto order = run([]() -> asio::awaitable<std::string> {
        auto ex = co_await asio::this_coro::executor;
        semaphore sem(2);
        auto h1 = co_await sem.acquire(1);
        auto h2 = co_await sem.acquire(1);
        std::string order;
        std::vector<semaphore::units> kept;
        auto waiter = [&](char name, size_t n) -> asio::awaitable<void> {
            auto u = co_await sem.acquire(n);
            if (!u) co_return;
            order += name;
            kept.push_back(std::move(*u));
        };
        asio::co_spawn(ex, waiter('A', 2), asio::detached);
        asio::co_spawn(ex, waiter('B', 1), asio::detached);
        co_await yield_until([&] { return sem.waiters() == 2; });
        h1->return_all();  // one unit free: enough for B, but A is first
        for (int i = 0; i < 20; ++i) co_await yield();
        order += '|';
        if (sem.try_acquire(1)) order += "barged";
        h2->return_all();
        co_await yield_until([&] { return order.size() == 2; });
        kept.clear();
        co_await yield_until([&] { return order.size() == 3; });
        kept.clear();
        co_return order + std::to_string(sem.available());
    });
    EXPECT_EQ(order, "|AB2");
}

// A producer that needs a unit per in-flight item never exceeds the capacity.
TEST_P(semaphore_test, bounds_in_flight_work_across_shards) {
    auto last = shard_id{smp() - 1};
    auto peak = run([last]() -> asio::awaitable<int> {
        auto ex = co_await asio::this_coro::executor;
        semaphore sem(4);
        int in_flight = 0, peak = 0, done = 0;
        for (int i = 0; i < 100; ++i) {
            auto u = co_await sem.acquire();
            if (!u) co_return -1;
            ++in_flight;
            peak = std::max(peak, in_flight);
            asio::co_spawn(ex, [&, u = std::move(*u), last]() mutable -> asio::awaitable<void> {
                co_await run_on(last, [] { return 0; });
                --in_flight;
                ++done;
                u.return_all();
            }, asio::detached);
        }
        co_await yield_until([&] { return done == 100; });
        co_return done == 100 && sem.available() == 4 ? peak : -2;
    });
    EXPECT_GE(peak, 1);
    EXPECT_LE(peak, 4);
}

TEST_P(semaphore_test, break_all_fails_waiters_and_later_acquires) {
    auto ok = run([]() -> asio::awaitable<bool> {
        auto ex = co_await asio::this_coro::executor;
        semaphore sem(0);
        int failed = 0;
        for (int i = 0; i < 3; ++i) {
            asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
                auto u = co_await sem.acquire();
                if (!u && u.error().code == make_error_code(errc::semaphore_broken)) ++failed;
            }, asio::detached);
        }
        co_await yield_until([&] { return sem.waiters() == 3; });
        sem.break_all();
        co_await yield_until([&] { return failed == 3; });
        auto late = co_await sem.acquire();
        co_return failed == 3 && !late && sem.waiters() == 0;
    });
    EXPECT_TRUE(ok);
}

// A waiter whose coroutine is destroyed at shutdown leaves the queue instead of dangling in it.
TEST(semaphore_shutdown, destroyed_waiter_unlinks_itself) {
    semaphore sem(0);  // outlives the shards, as the REQUIRES demands
    {
        shard_set shards(1, shard_options{.loop_lag_interval = {}, .on_lag = {}});
        shards.start();
        asio::co_spawn(shards.at(shard_id{0}).executor(), [&]() -> asio::awaitable<void> {
            (void)co_await sem.acquire();
        }, asio::detached);
        ASSERT_TRUE(testing::wait_until([&] { return block_on(shards.at(shard_id{0}), [&] { return sem.waiters(); }) == 1; }));
    }
    EXPECT_EQ(sem.waiters(), 0u);
    sem.release(1);
    EXPECT_EQ(sem.available(), 1u);
}

INSTANTIATE_TEST_SUITE_P(smp, semaphore_test, testing::smp_values());

}  // namespace
}  // namespace eddy::runtime
