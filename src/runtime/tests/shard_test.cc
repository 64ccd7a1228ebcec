#include "runtime/shard.h"

#include <atomic>
#include <chrono>
#include <map>
#include <set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "runtime/run_on.h"
#include "runtime/tests/runtime_fixture.h"
#include "runtime/timer.h"

namespace eddy::runtime {
namespace {

namespace asio = boost::asio;

TEST(shard_hash, fnv1a_matches_reference_vectors) {
    EXPECT_EQ(fnv1a_64(""), 0xcbf29ce484222325ULL);
    EXPECT_EQ(fnv1a_64("a"), 0xaf63dc4c8601ec8cULL);
    EXPECT_EQ(fnv1a_64("foobar"), 0x85944171f73967e8ULL);
}

// Ownership must never change across versions: these values are frozen.
TEST(shard_hash, shard_for_is_frozen) {
    EXPECT_EQ(shard_for("orders", partition_id{0}, 1), shard_id{0});
    std::vector<uint32_t> got;
    for (int32_t p = 0; p < 8; ++p) got.push_back(shard_for("orders", partition_id{p}, 16).value());
    EXPECT_EQ(got, (std::vector<uint32_t>{4, 7, 10, 13, 8, 11, 14, 1}));
    EXPECT_EQ(shard_for("bid", partition_id{3}, 7).value(), 4u);
}

TEST(shard_hash, spreads_partitions_evenly) {
    std::map<uint32_t, int> per_shard;
    for (int32_t p = 0; p < 4000; ++p) ++per_shard[shard_for("events", partition_id{p}, 4).value()];
    ASSERT_EQ(per_shard.size(), 4u);
    for (auto& [s, n] : per_shard) EXPECT_GT(n, 800) << "shard " << s;
}

class shard_test : public testing::sharded_test {};

TEST_P(shard_test, each_shard_runs_on_its_own_thread) {
    std::set<std::thread::id> threads;
    for (uint32_t i = 0; i < smp(); ++i) {
        EXPECT_EQ(block_on(at(i), [] { return this_shard(); }), shard_id{i});
        threads.insert(block_on(at(i), [] { return std::this_thread::get_id(); }));
    }
    EXPECT_EQ(threads.size(), smp());
    EXPECT_FALSE(threads.contains(std::this_thread::get_id()));
}

// Stopping with timers still pending destroys the waiting coroutines (their locals run destructors)
// without waiting for the timers.
TEST_P(shard_test, stop_with_pending_timers_is_prompt_and_clean) {
    std::atomic<int> destroyed{0};
    std::atomic<int> resumed{0};
    struct on_destroy {
        std::atomic<int>* n;
        ~on_destroy() { ++*n; }
    };
    for (uint32_t i = 0; i < smp(); ++i) {
        asio::co_spawn(at(i).executor(), [&]() -> asio::awaitable<void> {
            on_destroy d{&destroyed};
            co_await sleep_for(std::chrono::hours(1));
            ++resumed;
        }, asio::detached);
    }
    // Each shard runs handlers in order, so once these return the coroutines are suspended on their timers.
    for (uint32_t i = 0; i < smp(); ++i) block_on(at(i), [] {});
    auto t0 = std::chrono::steady_clock::now();
    shards_.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
    EXPECT_EQ(destroyed.load(), static_cast<int>(smp()));
    EXPECT_EQ(resumed.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(smp, shard_test, testing::smp_values());

// A task that hogs the shard shows up as loop lag.
TEST(loop_lag, stall_is_measured) {
    std::atomic<int64_t> max_seen_ns{0};
    shard_set shards(1, shard_options{.loop_lag_interval = std::chrono::milliseconds(1),
                                      .on_lag = [&](shard_id, std::chrono::nanoseconds lag) {
                                          if (lag.count() > max_seen_ns) max_seen_ns = lag.count();
                                      }});
    shards.start();
    auto& s = shards.at(shard_id{0});
    asio::post(s.executor(), [] {
        auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(40);
        while (std::chrono::steady_clock::now() < end) {
        }
    });
    constexpr int64_t stall_ns = std::chrono::nanoseconds(std::chrono::milliseconds(20)).count();
    ASSERT_TRUE(testing::wait_until([&] { return max_seen_ns.load() >= stall_ns; }));
    shards.stop();  // no more samples: the snapshot below is exact
    EXPECT_GE(s.loop_lag().read().max.count(), stall_ns);
    auto snap = s.loop_lag().read();
    EXPECT_GT(snap.count, 0u);
    uint64_t total = 0;
    for (auto b : snap.buckets) total += b;
    EXPECT_EQ(total, snap.count);
}

TEST(loop_lag, buckets_are_powers_of_two_microseconds) {
    using std::chrono::microseconds;
    EXPECT_EQ(lag_histogram::bucket_for(microseconds(0)), 0u);
    EXPECT_EQ(lag_histogram::bucket_for(microseconds(1)), 1u);
    EXPECT_EQ(lag_histogram::bucket_for(microseconds(3)), 2u);
    EXPECT_EQ(lag_histogram::bucket_for(microseconds(1024)), 11u);
    EXPECT_EQ(lag_histogram::bucket_for(std::chrono::hours(10)), lag_histogram::bucket_count - 1);
}

}  // namespace
}  // namespace eddy::runtime
