#include <gtest/gtest.h>

#include <algorithm>
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
using testing::queued_hooks;

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

// A roll leaves its fsyncs (the closed segment's three files, the new segment's name) to a flush that
// group_commit starts at once on the blocking pool: the append that rolls does none on the owner.
TEST(group_commit, roll_fsyncs_run_on_the_blocking_pool) {
    testing::background_log b(dir);
    auto& fs = b.fs;
    auto& l = b.l;
    while (l->segment_count() == 1) {
        uint64_t file_syncs = fs.file_syncs();
        uint64_t dir_syncs = fs.directory_syncs();
        ASSERT_TRUE(l->append(make_batch(3)));
        EXPECT_EQ(fs.file_syncs(), file_syncs);
        EXPECT_EQ(fs.directory_syncs(), dir_syncs);
    }
    EXPECT_TRUE(l->roll_work_pending());
    EXPECT_EQ(b.hooks.shard.size(), 1u);  // the flush is scheduled
    ASSERT_TRUE(l->append(make_batch(2)));  // appends go on into the new segment meanwhile
    auto rolling = [&] {
        auto names = *fs.list(dir);
        return std::count_if(names.begin(), names.end(), [](auto& n) { return n.ends_with(".rolling"); });
    };
    EXPECT_EQ(rolling(), 3);
    uint64_t file_syncs = fs.file_syncs();
    uint64_t dir_syncs = fs.directory_syncs();
    b.hooks.drain();
    EXPECT_FALSE(l->roll_work_pending());
    EXPECT_EQ(fs.file_syncs(), file_syncs + 4);  // closed .log, .index, .timeindex; active .log
    EXPECT_EQ(fs.directory_syncs(), dir_syncs + 1);
    EXPECT_EQ(b.gc->fsyncs(), 1u);
    EXPECT_EQ(l->flushed_offset(), l->log_end_offset());
    EXPECT_EQ(rolling(), 0);
    // All of it survives a crash.
    auto all = testing::read_all(*l, offset{0});
    b.crash();
    auto again = b.reopen();
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ(testing::read_all(**again, offset{0}), all);
    EXPECT_EQ((*again)->segment_count(), 2u);
}

// A real blocking thread and a shard loop draining posted tasks, as the runtime will use it; small
// segments, so rolls happen while fsyncs run on the other threads.
TEST(group_commit, threaded_pool_and_shard_loop) {
    io::fault_filesystem fs;
    io::manual_clock clock;
    log_config cfg;
    cfg.segment_bytes = 2048;
    auto l = *log::open(fs, clock, dir, cfg);
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
    EXPECT_GT(l->segment_count(), 3u);
    EXPECT_FALSE(l->roll_work_pending());  // the last acknowledgement needed a flush after the last roll
    EXPECT_LE(gc.fsyncs(), static_cast<uint64_t>(n));
    EXPECT_GE(gc.fsyncs(), 1u);
}

}  // namespace
}  // namespace eddy::storage
