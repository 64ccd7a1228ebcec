#include "runtime/run_on.h"

#include <memory>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "base/result.h"
#include "runtime/errc.h"
#include "runtime/tests/runtime_fixture.h"

namespace eddy::runtime {
namespace {

namespace asio = boost::asio;
using testing::sharded_test;

class run_on_test : public sharded_test {};

// A value type with no default constructor, to check results need not be default-constructible.
struct no_default {
    explicit no_default(int v) : value(v) {}
    int value;
};

TEST_P(run_on_test, runs_on_target_and_resumes_on_caller) {
    auto n = smp();
    auto ok = run([n]() -> asio::awaitable<bool> {
        for (uint32_t i = 0; i < n; ++i) {
            auto where = co_await run_on(shard_id{i}, [] { return this_shard(); });
            if (where != shard_id{i}) co_return false;
            if (this_shard() != shard_id{0}) co_return false;
        }
        co_return true;
    });
    EXPECT_TRUE(ok);
}

TEST_P(run_on_test, awaits_coroutine_functions_on_the_target) {
    auto last = shard_id{smp() - 1};
    auto v = run([last]() -> asio::awaitable<std::string> {
        co_return co_await run_on(last, [last]() -> asio::awaitable<std::string> {
            co_await yield();
            co_return fmt::format("on {} expecting {}", this_shard(), last);
        });
    });
    EXPECT_EQ(v, fmt::format("on {} expecting {}", last, last));
}

TEST_P(run_on_test, moves_only_and_non_default_constructible_values) {
    auto last = shard_id{smp() - 1};
    auto p = run([last]() -> asio::awaitable<std::unique_ptr<int>> {
        auto in = std::make_unique<int>(41);
        auto bump = [in = std::move(in)]() mutable {  // named: see runtime/unwrap.h
            ++*in;
            return std::move(in);
        };
        co_return co_await run_on(last, std::move(bump));
    });
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(*p, 42);
    auto nd = run([last]() -> asio::awaitable<no_default> { co_return co_await run_on(last, [] { return no_default(7); }); });
    EXPECT_EQ(nd.value, 7);
}

TEST_P(run_on_test, exceptions_propagate_to_the_caller) {
    auto last = shard_id{smp() - 1};
    auto msg = run([last]() -> asio::awaitable<std::string> {
        try {
            co_await run_on(last, []() -> int { throw std::runtime_error("boom on target"); });
        } catch (const std::runtime_error& e) {
            if (this_shard() != shard_id{0}) co_return "resumed on the wrong shard";
            co_return e.what();
        }
        co_return "no exception";
    });
    EXPECT_EQ(msg, "boom on target");
}

TEST_P(run_on_test, error_results_propagate_as_values) {
    auto last = shard_id{smp() - 1};
    auto r = run([last]() -> asio::awaitable<result<int>> {
        co_return co_await run_on(last, []() -> result<int> { return make_error(errc::shutting_down, "target"); });
    });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, make_error_code(errc::shutting_down));
    EXPECT_EQ(r.error().context, "target");
}

TEST_P(run_on_test, void_functions_and_block_on_from_outside) {
    int hits = 0;
    for (uint32_t i = 0; i < smp(); ++i) {
        auto s = block_on(at(i), [] { return this_shard(); });
        EXPECT_EQ(s, shard_id{i});
        block_on(at(i), [&hits] { ++hits; });  // block_on waits, so the reference stays valid
    }
    EXPECT_EQ(hits, static_cast<int>(smp()));
    EXPECT_EQ(current_shard(), nullptr);
}

TEST_P(run_on_test, many_concurrent_calls_all_complete) {
    auto n = smp();
    auto sum = run([n]() -> asio::awaitable<int64_t> {
        int64_t total = 0;
        for (int i = 0; i < 1000; ++i) {
            total += co_await run_on(shard_id{static_cast<uint32_t>(i) % n}, [i] { return static_cast<int64_t>(i); });
        }
        co_return total;
    });
    EXPECT_EQ(sum, 999 * 1000 / 2);
}

INSTANTIATE_TEST_SUITE_P(smp, run_on_test, testing::smp_values());

}  // namespace
}  // namespace eddy::runtime
