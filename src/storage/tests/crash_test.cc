// Crash, torn-write, fsync-failure and ENOSPC tests on the fault-injecting file system.
//
// The guarantee checked: after a crash and recovery, every record that was flushed is present; nothing
// corrupt is served; offsets stay contiguous (the log is a prefix of what was appended, possibly longer
// than the flushed prefix when whole batches happened to survive); and the log accepts appends again.
#include <gtest/gtest.h>

#include "io/clock.h"
#include "io/fault_filesystem.h"
#include "storage/errc.h"
#include "storage/group_commit.h"
#include "storage/log.h"
#include "storage/tests/test_util.h"

namespace eddy::storage {
namespace {

using testing::decode;
using testing::background_log;
using testing::make_batch;
using testing::read_all;
using testing::rec;

const std::string dir = "/data/topics/t/0";


// Appends `synced` batches and flushes, then `unsynced` more without flushing. Returns all records.
std::vector<rec> fill(log& l, int synced, int unsynced) {
    for (int i = 0; i < synced; ++i) EXPECT_TRUE(l.append(make_batch(1 + i % 3, "s" + std::to_string(i), 1000 + i)));
    EXPECT_TRUE(l.flush());
    for (int i = 0; i < unsynced; ++i) EXPECT_TRUE(l.append(make_batch(1 + i % 3, "u" + std::to_string(i), 2000 + i)));
    return read_all(l, offset{0});
}

// The newest .log file in dir.
std::string newest_log(io::filesystem& fs) {
    std::string best;
    auto names = *fs.list(dir);
    for (auto& n : names)
        if (n.ends_with(".log") && n > best) best = n;
    return io::join_path(dir, best);
}

void check_prefix(log& l, const std::vector<rec>& all, int64_t flushed_end) {
    auto got = read_all(l, offset{0}, 1 + static_cast<size_t>(flushed_end % 500));
    ASSERT_GE(static_cast<int64_t>(got.size()), flushed_end);
    ASSERT_LE(got.size(), all.size());
    for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], all[i]) << "record " << i;
    EXPECT_EQ(l.log_end_offset(), offset{static_cast<int64_t>(got.size())});
    EXPECT_EQ(l.flushed_offset(), l.log_end_offset());
}

TEST(crash_matrix, every_byte_boundary_of_the_unsynced_tail) {
    for (uint64_t segment_bytes : {uint64_t{1 << 20}, uint64_t{1024}}) {
        // Learn the tail length once, then crash at each byte of it.
        uint64_t tail = 0;
        {
            io::fault_filesystem fs;
            io::manual_clock clock;
            log_config cfg;
            cfg.segment_bytes = segment_bytes;
            auto l = *log::open(fs, clock, dir, cfg);
            fill(*l, 8, 5);
            tail = fs.unsynced_tail(newest_log(fs));
            ASSERT_GT(tail, 0u);
        }
        for (uint64_t keep = 0; keep <= tail; ++keep) {
            SCOPED_TRACE(::testing::Message() << "segment_bytes " << segment_bytes << " keep " << keep);
            io::fault_filesystem fs;
            io::manual_clock clock;
            log_config cfg;
            cfg.segment_bytes = segment_bytes;
            cfg.index_interval_bytes = 64;
            std::vector<rec> all;
            int64_t flushed = 0;
            {
                auto l = *log::open(fs, clock, dir, cfg);
                all = fill(*l, 8, 5);
                flushed = l->flushed_offset().value();
                fs.crash(io::fault_filesystem::torn_write{newest_log(fs), keep});
            }
            fs.restart();
            auto l = log::open(fs, clock, dir, cfg);
            ASSERT_TRUE(l) << l.error().message();
            check_prefix(**l, all, flushed);
            // Appends continue at the recovered end, and survive the next crash once flushed.
            auto a = (*l)->append(make_batch(2, "after"));
            ASSERT_TRUE(a);
            EXPECT_EQ(a->base, (*l)->flushed_offset());
            ASSERT_TRUE((*l)->flush());
            int64_t end = (*l)->log_end_offset().value();
            l->reset();
            fs.crash();
            fs.restart();
            auto again = log::open(fs, clock, dir, cfg);
            ASSERT_TRUE(again);
            EXPECT_EQ((*again)->log_end_offset().value(), end);
        }
    }
}

TEST(crash_matrix, torn_time_index_is_rebuilt) {
    // Enough unsynced batches that the lazily written index files get a write of their own.
    uint64_t tail = 0;
    const std::string tindex = io::join_path(dir, "00000000000000000000.timeindex");
    {
        io::fault_filesystem fs;
        io::manual_clock clock;
        auto l = *log::open(fs, clock, dir, {});
        fill(*l, 4, 70);
        tail = fs.unsynced_tail(tindex);
        ASSERT_GT(tail, 0u);
    }
    for (uint64_t keep = 0; keep <= tail; ++keep) {
        SCOPED_TRACE(::testing::Message() << "keep " << keep);
        io::fault_filesystem fs;
        io::manual_clock clock;
        std::vector<rec> all;
        int64_t flushed = 0;
        {
            auto l = *log::open(fs, clock, dir, {});
            all = fill(*l, 4, 70);
            flushed = l->flushed_offset().value();
            fs.crash(io::fault_filesystem::torn_write{tindex, keep});
        }
        fs.restart();
        auto l = log::open(fs, clock, dir, {});
        ASSERT_TRUE(l) << l.error().message();
        check_prefix(**l, all, flushed);
        EXPECT_EQ((*l)->log_end_offset().value(), flushed);  // the unsynced .log tail is gone
    }
}

TEST(crash_matrix, crash_without_any_flush_loses_only_unflushed_data) {
    io::fault_filesystem fs;
    io::manual_clock clock;
    {
        auto l = *log::open(fs, clock, dir, {});
        ASSERT_TRUE(l->append(make_batch(3)));
        fs.crash();
    }
    fs.restart();
    auto l = log::open(fs, clock, dir, {});
    ASSERT_TRUE(l) << l.error().message();
    EXPECT_EQ((*l)->log_end_offset(), offset{0});
    EXPECT_TRUE((*l)->append(make_batch(1)));
}

TEST(crash_matrix, corruption_before_valid_data_is_an_error_not_a_truncation) {
    io::fault_filesystem fs;
    io::manual_clock clock;
    {
        auto l = *log::open(fs, clock, dir, {});
        for (int i = 0; i < 4; ++i) ASSERT_TRUE(l->append(make_batch(2)));
        ASSERT_TRUE(l->close());
    }
    auto path = newest_log(fs);
    // Damage anywhere before the last batch, even in a length field, must not pass for a torn tail.
    auto size = *(*fs.open(path, io::open_mode::read_only))->size();
    // partitionLeaderEpoch (bytes 12..15) is neither checksummed nor checkable: damage there is benign.
    const uint64_t batch_size = make_batch(2).size();
    for (uint64_t pos = 0; pos < size * 3 / 4; pos += 7) {
        if (pos % batch_size >= 12 && pos % batch_size < 16) continue;
        fs.corrupt_byte(path, pos);
        auto l = log::open(fs, clock, dir, {});
        ASSERT_FALSE(l) << pos;
        EXPECT_EQ(l.error().code, errc::corrupt_log);
        fs.corrupt_byte(path, pos);  // repair
    }
    EXPECT_TRUE(log::open(fs, clock, dir, {}));
}

TEST(crash_matrix, corruption_in_a_closed_segment_is_never_served) {
    io::fault_filesystem fs;
    io::manual_clock clock;
    log_config cfg;
    cfg.segment_bytes = 1024;
    cfg.index_interval_bytes = 256;
    std::string first;
    {
        auto l = *log::open(fs, clock, dir, cfg);
        for (int i = 0; i < 30; ++i) ASSERT_TRUE(l->append(make_batch(3)));
        ASSERT_GT(l->segment_count(), 2u);
        ASSERT_TRUE(l->close());
    }
    first = io::join_path(dir, "00000000000000000000.log");
    fs.corrupt_byte(first, 30);  // first batch: not covered by the open-time tail check
    auto l = log::open(fs, clock, dir, cfg);
    ASSERT_TRUE(l) << l.error().message();
    auto r = (*l)->read(offset{0}, 100);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::corrupt_log);
    // Data after the damage is still served.
    EXPECT_TRUE((*l)->read(offset{9}, 100));

    // Damage at the end of a closed segment is found when the log opens.
    l->reset();
    auto f = *fs.open(first, io::open_mode::read_only);
    uint64_t size = *f->size();
    fs.corrupt_byte(first, size - 1);
    auto reopened = log::open(fs, clock, dir, cfg);
    ASSERT_FALSE(reopened);
    EXPECT_EQ(reopened.error().code, errc::corrupt_log);
}

TEST(fault_injection, fsync_failure_stops_the_log_until_reopened) {
    io::fault_filesystem fs;
    io::manual_clock clock;
    auto l = *log::open(fs, clock, dir, {});
    ASSERT_TRUE(l->append(make_batch(2, "a")));
    ASSERT_TRUE(l->flush());
    ASSERT_TRUE(l->append(make_batch(2, "b")));
    fs.fail_next_sync();
    EXPECT_FALSE(l->flush());
    EXPECT_TRUE(l->failed());
    EXPECT_EQ(l->flushed_offset(), offset{2});
    EXPECT_EQ(l->append(make_batch(1)).error().code, errc::log_failed);
    EXPECT_EQ(l->flush().error().code, errc::log_failed);
    EXPECT_EQ(read_all(*l, offset{0}).size(), 4u);  // reads still work
    l.reset();
    fs.crash();
    fs.restart();
    auto again = log::open(fs, clock, dir, {});
    ASSERT_TRUE(again);
    EXPECT_EQ((*again)->log_end_offset(), offset{2});
    EXPECT_TRUE((*again)->append(make_batch(1)));
}

std::vector<std::string> rolling_files(io::filesystem& fs) {
    std::vector<std::string> out;
    auto names = *fs.list(dir);
    for (auto& n : names)
        if (n.ends_with(".rolling")) out.push_back(n);
    return out;
}

// A roll with a background flush (group_commit): crash at every mutating step of the flush that finishes
// it (renames of the new segment's files, syncs of the closed segment's files, the active segment's sync,
// the directory sync), with and without the file system having made the new segment's name durable on its
// own meanwhile. Recovery must open, keep everything flushed, serve a prefix of what was appended and
// leave no rolling files; once the flush completes, everything survives.
TEST(crash_matrix, every_step_of_a_background_roll) {
    for (bool name_durable_early : {false, true}) {
        for (uint64_t k = 0;; ++k) {
            SCOPED_TRACE(::testing::Message() << "early name " << name_durable_early << ", crash at op " << k);
            background_log b(dir);
            fill(*b.l, 3, 0);
            int64_t flushed = b.l->flushed_offset().value();
            while (b.l->segment_count() == 1) ASSERT_TRUE(b.l->append(make_batch(2, "r")));
            ASSERT_TRUE(b.l->append(make_batch(2, "n1")));
            ASSERT_TRUE(b.l->append(make_batch(1, "n2")));
            auto all = read_all(*b.l, offset{0});
            if (name_durable_early) {
                ASSERT_TRUE(b.fs.sync_directory(dir));
            }
            b.fs.crash_after_ops(k);
            b.hooks.drain();
            const bool completed = !b.l->failed();
            if (completed) {
                EXPECT_FALSE(b.l->roll_work_pending());
                flushed = b.l->flushed_offset().value();
                EXPECT_EQ(flushed, static_cast<int64_t>(all.size()));
            }
            b.crash();
            auto again = b.reopen();
            ASSERT_TRUE(again) << again.error().message();
            check_prefix(**again, all, flushed);
            EXPECT_TRUE(rolling_files(b.fs).empty());
            ASSERT_TRUE((*again)->append(make_batch(1, "after")));
            if (completed) break;
            ASSERT_LT(k, 20u);
        }
    }
}

// The closed segment's unsynced tail is torn while the new segment's (rolling) name was made durable:
// recovery drops the rolling files and cuts the torn tail of the closed segment, now the last one.
TEST(crash_matrix, torn_closed_segment_before_its_background_sync) {
    for (uint64_t keep : {uint64_t{0}, uint64_t{7}, uint64_t{100}, uint64_t{5000}}) {
        SCOPED_TRACE(::testing::Message() << "keep " << keep);
        background_log b(dir);
        fill(*b.l, 2, 0);
        int64_t flushed = b.l->flushed_offset().value();
        std::string closed = newest_log(b.fs);
        while (b.l->segment_count() == 1) ASSERT_TRUE(b.l->append(make_batch(2, "r")));
        ASSERT_TRUE(b.l->append(make_batch(2, "n")));
        auto all = read_all(*b.l, offset{0});
        ASSERT_TRUE(b.fs.sync_directory(dir));
        b.crash(io::fault_filesystem::torn_write{closed, keep});
        auto again = b.reopen();
        ASSERT_TRUE(again) << again.error().message();
        check_prefix(**again, all, flushed);
        EXPECT_EQ((*again)->segment_count(), 1u);
        EXPECT_TRUE(rolling_files(b.fs).empty());
    }
}

// Retention never deletes a segment whose roll is unsettled: with the closed segment gone and the new one
// still under its rolling name, a crash would leave no segment at all and offsets would start over.
TEST(crash_matrix, retention_keeps_unsettled_segments) {
    background_log b(dir);
    while (b.l->segment_count() < 3) ASSERT_TRUE(b.l->append(make_batch(2, "r")));
    b.hooks.drain();  // settles the first rolls
    while (b.l->segment_count() < 4) ASSERT_TRUE(b.l->append(make_batch(2, "s")));
    ASSERT_TRUE(b.l->roll_work_pending());
    b.cfg.retention_bytes = 0;
    ASSERT_TRUE(b.l->set_config(b.cfg));
    auto deleted = b.l->apply_retention();
    ASSERT_TRUE(deleted);
    EXPECT_EQ(*deleted, 2u);  // the two settled ones; the closed, unsynced one stays
    offset start = b.l->log_start_offset();
    ASSERT_TRUE(b.fs.sync_directory(dir));  // the deletions (and the rolling name) reach the disk
    b.crash();
    auto again = b.reopen();
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ((*again)->log_start_offset(), start);
    EXPECT_GT((*again)->log_end_offset(), start);
}

TEST(fault_injection, enospc_leaves_the_log_consistent) {
    for (bool partial : {false, true}) {
        SCOPED_TRACE(partial ? "partial writes" : "all-or-nothing writes");
        io::fault_filesystem fs;
        io::manual_clock clock;
        log_config cfg;
        cfg.segment_bytes = 1024;
        auto l = *log::open(fs, clock, dir, cfg);
        for (int i = 0; i < 5; ++i) ASSERT_TRUE(l->append(make_batch(2)));
        ASSERT_TRUE(l->flush());
        auto before = read_all(*l, offset{0});
        fs.set_space_limit(l->size_bytes() + 150, partial);
        int failures = 0;
        for (int i = 0; i < 20; ++i) {
            auto r = l->append(make_batch(3, std::to_string(i)));
            if (!r) {
                ++failures;
                EXPECT_EQ(r.error().code, std::errc::no_space_on_device) << r.error().message();
            }
        }
        EXPECT_GT(failures, 0);
        EXPECT_FALSE(l->failed());
        auto mid = read_all(*l, offset{0});
        EXPECT_EQ(static_cast<int64_t>(mid.size()), l->log_end_offset().value());
        for (size_t i = 0; i < mid.size(); ++i) EXPECT_EQ(mid[i].offset, static_cast<int64_t>(i));
        fs.clear_faults();
        auto ok = l->append(make_batch(1, "after"));
        ASSERT_TRUE(ok);
        EXPECT_EQ(ok->base, offset{static_cast<int64_t>(mid.size())});
        ASSERT_TRUE(l->flush());
        auto all = read_all(*l, offset{0});
        l.reset();
        fs.crash();
        fs.restart();
        auto again = log::open(fs, clock, dir, cfg);
        ASSERT_TRUE(again) << again.error().message();
        EXPECT_EQ(read_all(**again, offset{0}), all);
    }
}

TEST(fault_injection, roll_failure_is_clean) {
    io::fault_filesystem fs;
    io::manual_clock clock;
    log_config cfg;
    cfg.segment_bytes = 1024;
    auto l = *log::open(fs, clock, dir, cfg);
    // The directory sync after creating a new segment fails: the append fails, the log stops.
    fs.fail_syncs_where([](const std::string& p) { return p == dir; });
    int appended = 0;
    for (int i = 0; i < 40; ++i) {
        auto r = l->append(make_batch(3));
        if (!r) break;
        ++appended;
    }
    EXPECT_LT(appended, 40);
    EXPECT_TRUE(l->failed());
    fs.clear_faults();
    auto recs = read_all(*l, offset{0});
    EXPECT_EQ(static_cast<int64_t>(recs.size()), l->log_end_offset().value());
}

}  // namespace
}  // namespace eddy::storage
