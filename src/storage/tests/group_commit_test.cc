#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "io/clock.h"
#include "io/fault_filesystem.h"
#include "storage/errc.h"
#include "storage/group_commit.h"
#include "storage/tests/test_util.h"

namespace eddy::storage {
namespace {

using testing::make_batch;

const std::string dir = "/d/topics/t/0";

TEST(group_commit, inline_hooks_complete_at_once) {
    io::fault_filesystem fs;
    io::manual_clock clock;
    auto l = *log::open(fs, clock, dir, {});
    auto inline_exec = [](group_commit::task t) { t(); };
    group_commit gc(*l, inline_exec, inline_exec);
    auto a = l->append(make_batch(2));
    int done = 0;
    gc.request(a->last + 1, [&](result<void> r) {
        EXPECT_TRUE(r);
        ++done;
    });
    EXPECT_EQ(done, 1);
    EXPECT_EQ(l->flushed_offset(), offset{2});
    EXPECT_EQ(fs.unsynced_tail(io::join_path(dir, "00000000000000000000.log")), 0u);
    gc.request(offset{1}, [&](result<void> r) { done += r ? 1 : 100; });  // already durable: no fsync
    EXPECT_EQ(done, 2);
    EXPECT_EQ(gc.fsyncs(), 1u);
}

// Hooks that queue tasks so the test decides when the "blocking pool" and the "shard" run.
struct queued_hooks {
    std::deque<group_commit::task> blocking, shard;
    group_commit::executor run_blocking() {
        return [this](group_commit::task t) { blocking.push_back(std::move(t)); };
    }
    group_commit::executor post_back() {
        return [this](group_commit::task t) { shard.push_back(std::move(t)); };
    }
    static void run_one(std::deque<group_commit::task>& q) {
        ASSERT_FALSE(q.empty());
        auto t = std::move(q.front());
        q.pop_front();
        t();
    }
};

TEST(group_commit, one_fsync_covers_everything_appended_meanwhile) {
    io::fault_filesystem fs;
    io::manual_clock clock;
    auto l = *log::open(fs, clock, dir, {});
    queued_hooks h;
    group_commit gc(*l, h.run_blocking(), h.post_back());
    std::vector<int> acked;
    auto a1 = l->append(make_batch(1));
    gc.request(a1->last + 1, [&](result<void> r) { acked.push_back(r ? 1 : -1); });
    // The fsync starts from the shard's queue, so producers runnable in the same turn can join it.
    EXPECT_FALSE(gc.in_flight());
    queued_hooks::run_one(h.shard);
    EXPECT_TRUE(gc.in_flight());
    // Five more producers append while the first fsync runs.
    for (int i = 2; i <= 6; ++i) {
        auto a = l->append(make_batch(1));
        gc.request(a->last + 1, [&, i](result<void> r) { acked.push_back(r ? i : -i); });
    }
    EXPECT_EQ(gc.fsyncs(), 1u);
    EXPECT_EQ(gc.waiting(), 6u);
    uint64_t syncs_before = fs.file_syncs();
    queued_hooks::run_one(h.blocking);
    queued_hooks::run_one(h.shard);
    EXPECT_EQ(acked, std::vector<int>{1});
    EXPECT_EQ(l->flushed_offset(), offset{1});
    // The second fsync covers all five.
    EXPECT_EQ(gc.fsyncs(), 1u);
    queued_hooks::run_one(h.shard);
    EXPECT_EQ(gc.fsyncs(), 2u);
    queued_hooks::run_one(h.blocking);
    queued_hooks::run_one(h.shard);
    EXPECT_EQ(acked, (std::vector<int>{1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(fs.file_syncs() - syncs_before, 2u);
    EXPECT_FALSE(gc.in_flight());
    EXPECT_TRUE(h.blocking.empty());
}

// Producers acknowledged by one fsync append again at once; the next fsync must cover all of them, not
// just the first to come back (the start of an fsync is queued behind their continuations).
TEST(group_commit, producers_acknowledged_together_share_the_next_fsync) {
    io::fault_filesystem fs;
    io::manual_clock clock;
    auto l = *log::open(fs, clock, dir, {});
    queued_hooks h;
    group_commit gc(*l, h.run_blocking(), h.post_back());
    int acks = 0;
    std::function<void(int)> produce = [&](int round) {
        auto a = l->append(make_batch(1));
        ASSERT_TRUE(a);
        gc.request(a->last + 1, [&, round](result<void> r) {
            ASSERT_TRUE(r);
            ++acks;
            if (round == 0) produce(1);
        });
    };
    for (int p = 0; p < 3; ++p) produce(0);
    queued_hooks::run_one(h.shard);     // start: one fsync for the three
    queued_hooks::run_one(h.blocking);
    queued_hooks::run_one(h.shard);     // finish: three acks, each producer appends again
    EXPECT_EQ(acks, 3);
    EXPECT_EQ(gc.waiting(), 3u);
    EXPECT_EQ(h.shard.size(), 1u);      // one start scheduled for all three
    queued_hooks::run_one(h.shard);
    queued_hooks::run_one(h.blocking);
    queued_hooks::run_one(h.shard);
    EXPECT_EQ(acks, 6);
    EXPECT_EQ(gc.fsyncs(), 2u);
}

TEST(group_commit, fsync_failure_fails_every_waiter_and_stops_the_log) {
    io::fault_filesystem fs;
    io::manual_clock clock;
    auto l = *log::open(fs, clock, dir, {});
    queued_hooks h;
    group_commit gc(*l, h.run_blocking(), h.post_back());
    std::vector<std::error_code> errors;
    auto a1 = l->append(make_batch(1));
    gc.request(a1->last + 1, [&](result<void> r) { errors.push_back(r ? std::error_code{} : r.error().code); });
    auto a2 = l->append(make_batch(1));
    gc.request(a2->last + 1, [&](result<void> r) { errors.push_back(r ? std::error_code{} : r.error().code); });
    queued_hooks::run_one(h.shard);  // the scheduled start: one fsync for both
    EXPECT_TRUE(h.shard.empty());
    fs.fail_next_sync();
    queued_hooks::run_one(h.blocking);
    queued_hooks::run_one(h.shard);
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0], std::errc::io_error);
    EXPECT_EQ(errors[1], std::errc::io_error);
    EXPECT_TRUE(l->failed());
    EXPECT_TRUE(h.blocking.empty());
    gc.request(a2->last + 1, [&](result<void> r) { errors.push_back(r ? std::error_code{} : r.error().code); });
    EXPECT_EQ(errors.back(), errc::log_failed);
}

// A real blocking thread and a shard loop draining posted tasks, as the runtime will use it.
TEST(group_commit, threaded_pool_and_shard_loop) {
    io::fault_filesystem fs;
    io::manual_clock clock;
    auto l = *log::open(fs, clock, dir, {});
    std::mutex mu;
    std::condition_variable cv;
    std::deque<group_commit::task> shard_q;
    std::vector<std::thread> pool;
    auto run_blocking = [&](group_commit::task t) { pool.emplace_back(std::move(t)); };
    auto post_back = [&](group_commit::task t) {
        std::lock_guard lk(mu);
        shard_q.push_back(std::move(t));
        cv.notify_one();
    };
    group_commit gc(*l, run_blocking, post_back);
    constexpr int n = 200;
    int acked = 0;
    for (int i = 0; i < n; ++i) {
        auto a = l->append(make_batch(1));
        ASSERT_TRUE(a);
        gc.request(a->last + 1, [&](result<void> r) {
            EXPECT_TRUE(r);
            ++acked;
        });
        // Drain whatever completed so far, as a shard loop would between requests.
        std::deque<group_commit::task> ready;
        {
            std::lock_guard lk(mu);
            ready.swap(shard_q);
        }
        for (auto& t : ready) t();
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (acked < n && std::chrono::steady_clock::now() < deadline) {
        std::unique_lock lk(mu);
        cv.wait_until(lk, deadline, [&] { return !shard_q.empty(); });
        auto ready = std::move(shard_q);
        shard_q.clear();
        lk.unlock();
        for (auto& t : ready) t();
    }
    for (auto& t : pool) t.join();
    EXPECT_EQ(acked, n);
    EXPECT_EQ(l->flushed_offset(), offset{n});
    EXPECT_LE(gc.fsyncs(), static_cast<uint64_t>(n));
    EXPECT_GE(gc.fsyncs(), 1u);
}

}  // namespace
}  // namespace eddy::storage
