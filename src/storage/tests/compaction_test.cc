#include <gtest/gtest.h>

#include <map>

#include "io/clock.h"
#include "io/fault_filesystem.h"
#include "storage/compaction.h"
#include "storage/errc.h"
#include "storage/tests/test_util.h"

namespace eddy::storage {
namespace {

using testing::make_kv_batch;
using testing::read_all;
using testing::rec;

const std::string dir = "/d/topics/c/0";

log_config compact_config() {
    log_config cfg;
    cfg.cleanup = cleanup_policy::compact;
    cfg.segment_bytes = 1024;
    cfg.index_interval_bytes = 128;
    cfg.delete_retention_ms = 60'000;
    return cfg;
}

// Writes `rounds` rounds over keys k0..k<keys-1>; in the last round key k0 gets a tombstone.
// Returns the newest record per key.
std::map<std::string, rec> fill(log& l, int rounds, int keys) {
    std::map<std::string, rec> latest;
    for (int round = 0; round < rounds; ++round) {
        for (int k = 0; k < keys; ++k) {
            std::optional<std::string> v = "r" + std::to_string(round);
            if (round == rounds - 1 && k == 0) v.reset();
            std::string key = "k" + std::to_string(k);
            auto a = l.append(make_kv_batch({{key, v}}, 1000 + round));
            EXPECT_TRUE(a);
            latest[key] = rec{a->base.value(), key, v, 1000 + round};
        }
    }
    return latest;
}

// Checks the compaction contract: offsets increase, every newest record is there, and records
// in closed segments are the newest for their key (except in the active segment).
void check_compacted(log& l, const std::map<std::string, rec>& latest, offset active_base, bool tombstone_kept) {
    auto got = read_all(l, l.log_start_offset());
    std::map<std::string, rec> seen;
    int64_t prev = -1;
    for (auto& r : got) {
        EXPECT_GT(r.offset, prev);
        prev = r.offset;
        if (r.offset < active_base.value()) {
            EXPECT_EQ(r, latest.at(*r.key)) << "stale record survived in a closed segment";
        }
        seen[*r.key] = r;
    }
    for (auto& [k, r] : latest) {
        if (!r.value && !tombstone_kept && r.offset < active_base.value()) {
            EXPECT_FALSE(seen.contains(k)) << k;
            continue;
        }
        ASSERT_TRUE(seen.contains(k)) << k;
        EXPECT_EQ(seen[k], r);
    }
}

TEST(compaction, keeps_newest_per_key_preserving_offsets) {
    io::fault_filesystem fs;
    io::manual_clock clock;
    auto l = *log::open(fs, clock, dir, compact_config());
    auto latest = fill(*l, 12, 10);
    ASSERT_TRUE(l->roll());
    auto end = l->log_end_offset();
    uint64_t before = l->size_bytes();
    auto st = compact(*l);
    ASSERT_TRUE(st) << st.error().message();
    EXPECT_GT(st->records_removed, 100u);
    EXPECT_LT(l->size_bytes(), before / 4);
    EXPECT_EQ(l->log_end_offset(), end);
    check_compacted(*l, latest, end, true);

    // Appends continue at the same end; a restart sees the same log.
    auto a = l->append(make_kv_batch({{"k1", "new"}}));
    ASSERT_TRUE(a);
    EXPECT_EQ(a->base, end);
    auto all = read_all(*l, l->log_start_offset());
    ASSERT_TRUE(l->close());
    l.reset();
    auto again = *log::open(fs, clock, dir, compact_config());
    EXPECT_EQ(read_all(*again, again->log_start_offset()), all);
    // Offsets inside compaction gaps are readable: they return the next surviving record.
    auto r = again->read(again->log_start_offset() + 1, 1);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->data.empty());
}

TEST(compaction, tombstones_go_after_delete_retention) {
    io::fault_filesystem fs;
    io::manual_clock clock;
    auto l = *log::open(fs, clock, dir, compact_config());
    auto latest = fill(*l, 3, 5);
    ASSERT_TRUE(l->roll());
    ASSERT_TRUE(compact(*l));
    check_compacted(*l, latest, l->log_end_offset(), true);
    clock.advance(std::chrono::milliseconds(60'001));
    auto st = compact(*l);
    ASSERT_TRUE(st);
    EXPECT_EQ(st->records_removed, 1u);
    check_compacted(*l, latest, l->log_end_offset(), false);
}

TEST(compaction, incremental_steps_interleave_with_appends) {
    io::fault_filesystem fs;
    io::manual_clock clock;
    auto l = *log::open(fs, clock, dir, compact_config());
    auto latest = fill(*l, 10, 8);
    auto active_base = l->log_end_offset();
    ASSERT_TRUE(l->roll());
    compactor c(*l);
    int steps = 0;
    int extra = 0;
    while (true) {
        auto more = c.step(256);
        ASSERT_TRUE(more) << more.error().message();
        if (!*more) break;
        ++steps;
        // A producer keeps going between steps; these land in the active segment (or new ones).
        auto a = l->append(make_kv_batch({{"live", "during" + std::to_string(extra++)}}));
        ASSERT_TRUE(a);
        latest["live"] = rec{a->base.value(), "live", "during" + std::to_string(extra - 1), 1000};
    }
    EXPECT_GT(steps, 5);
    EXPECT_GT(c.stats().segments_rewritten + c.stats().segments_removed, 0u);
    check_compacted(*l, latest, active_base, true);
}

TEST(compaction, unflushed_values_do_not_supersede_durable_ones) {
    io::fault_filesystem fs;
    io::manual_clock clock;
    {
        auto l = *log::open(fs, clock, dir, compact_config());
        ASSERT_TRUE(l->append(make_kv_batch({{"a", "durable"}})));
        ASSERT_TRUE(l->roll());
        ASSERT_TRUE(l->append(make_kv_batch({{"a", "volatile"}})));
        ASSERT_TRUE(compact(*l));
        fs.crash();
    }
    fs.restart();
    auto l = *log::open(fs, clock, dir, compact_config());
    auto got = read_all(*l, l->log_start_offset());
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].value, "durable");
}

TEST(compaction, not_run_on_delete_policy_logs) {
    io::fault_filesystem fs;
    io::manual_clock clock;
    log_config cfg = compact_config();
    cfg.cleanup = cleanup_policy::delete_records;
    auto l = *log::open(fs, clock, dir, cfg);
    fill(*l, 5, 5);
    ASSERT_TRUE(l->roll());
    auto st = compact(*l);
    ASSERT_TRUE(st);
    EXPECT_EQ(st->records_removed, 0u);
}

// Crash before every file-system call of a compaction pass: recovery must give either the old or the
// new segment, never a mix, and the newest value of every key must survive.
TEST(compaction, crash_at_every_step_of_the_swap) {
    bool completed = false;
    for (uint64_t n = 0; !completed && n < 500; ++n) {
        SCOPED_TRACE(::testing::Message() << "crash before op " << n);
        io::fault_filesystem fs;
        io::manual_clock clock;
        std::map<std::string, rec> latest;
        offset end;
        {
            auto l = *log::open(fs, clock, dir, compact_config());
            latest = fill(*l, 6, 6);
            ASSERT_TRUE(l->roll());
            end = l->log_end_offset();
            fs.crash_after_ops(n);
            auto st = compact(*l);
            completed = st.has_value();
            if (completed) {
                fs.clear_faults();
                fs.crash();
            }
        }
        fs.restart();
        auto l = log::open(fs, clock, dir, compact_config());
        ASSERT_TRUE(l) << l.error().message();
        EXPECT_EQ((*l)->log_end_offset(), end);
        auto got = read_all(**l, (*l)->log_start_offset());
        std::map<std::string, rec> seen;
        for (auto& r : got) {
            EXPECT_EQ(r.value.value_or("-").substr(0, 1) == "r" || !r.value, true);
            seen[*r.key] = r;
        }
        for (auto& [k, r] : latest) EXPECT_EQ(seen[k], r) << k;
        // The names left behind are only segment files.
        auto names = *fs.list(dir);
        for (auto& name : names) EXPECT_FALSE(name.ends_with(".swap") || name.ends_with(".cleaned")) << name;
    }
    EXPECT_TRUE(completed);
}

}  // namespace
}  // namespace eddy::storage
