#include "runtime/blocking_pool.h"

#include <atomic>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "runtime/tests/runtime_fixture.h"

namespace eddy::runtime {
namespace {

namespace asio = boost::asio;
using testing::sharded_test;

class blocking_pool_test : public sharded_test {};

// From every shard: fn runs on a pool thread, and the caller resumes on its own shard.
TEST_P(blocking_pool_test, runs_off_shard_and_resumes_on_the_caller) {
    blocking_pool pool(2);
    auto n = smp();
    auto ok = run([n, &pool]() -> asio::awaitable<bool> {
        for (uint32_t i = 0; i < n; ++i) {
            bool good = co_await run_on(shard_id{i}, [i, &pool]() -> asio::awaitable<bool> {
                auto shard_thread = std::this_thread::get_id();
                auto [pool_thread, on_shard] = co_await pool.run([] {
                    return std::make_pair(std::this_thread::get_id(), current_shard() != nullptr);
                });
                co_return pool_thread != shard_thread && !on_shard && this_shard() == shard_id{i} &&
                    std::this_thread::get_id() == shard_thread;
            });
            if (!good) co_return false;
        }
        co_return true;
    });
    EXPECT_TRUE(ok);
}

TEST_P(blocking_pool_test, exceptions_and_void_results) {
    blocking_pool pool(1);
    auto msg = run([&pool]() -> asio::awaitable<std::string> {
        int side = 0;
        co_await pool.run([&side] { side = 5; });
        if (side != 5) co_return "void job did not run";
        try {
            co_await pool.run([]() -> int { throw std::runtime_error("fsync failed"); });
        } catch (const std::runtime_error& e) {
            co_return this_shard() == shard_id{0} ? e.what() : "wrong shard";
        }
        co_return "no exception";
    });
    EXPECT_EQ(msg, "fsync failed");
}

// The callback hooks handed to storage: run_blocking runs off the shard, post_back lands on it.
TEST_P(blocking_pool_test, hooks_post_back_to_the_shard) {
    blocking_pool pool(2);
    auto last = shard_id{smp() - 1};
    std::atomic<int> landed_on{-1};
    std::atomic<bool> ran_off_shard{false};
    auto hooks = pool.hooks_for(at(last.value()).executor());
    hooks.run_blocking([&] {
        ran_off_shard = current_shard() == nullptr;
        hooks.post_back([&] { landed_on = static_cast<int>(this_shard().value()); });
    });
    ASSERT_TRUE(testing::wait_until([&] { return landed_on.load() >= 0; }));
    EXPECT_TRUE(ran_off_shard.load());
    EXPECT_EQ(landed_on.load(), static_cast<int>(last.value()));
}

TEST(blocking_pool, stop_runs_queued_jobs_first) {
    std::atomic<int> ran{0};
    blocking_pool pool(1);
    for (int i = 0; i < 50; ++i) pool.submit([&ran] { ++ran; });
    pool.stop();
    EXPECT_EQ(ran.load(), 50);
    pool.stop();  // idempotent
}

INSTANTIATE_TEST_SUITE_P(smp, blocking_pool_test, testing::smp_values());

}  // namespace
}  // namespace eddy::runtime
