// Storage metrics recorded by group commit: one fsync observation per flush with the bytes appended
// since the previous flush, and failed fsyncs counted (storage/probe.h).
#include "storage/probe.h"

#include <gtest/gtest.h>

#include "io/clock.h"
#include "io/fault_filesystem.h"
#include "observability/prometheus_text.h"
#include "storage/group_commit.h"
#include "storage/tests/test_util.h"

namespace eddy::storage {
namespace {

using testing::make_batch;
using testing::queued_hooks;

const std::string dir = "/d/topics/t/0";

struct probe_fixture {
    observability::metric_registry reg{1};
    storage_families families = *storage_families::register_in(reg);
    storage_probe probe{families};
    observability::counter fsyncs = families.fsyncs.get();
    observability::counter errors = families.fsync_errors.get();
    observability::histogram latency = families.fsync_latency.get();
    observability::histogram bytes = families.fsync_bytes.get();
};

TEST(storage_probe, each_flush_records_its_duration_and_the_bytes_it_made_durable) {
    probe_fixture m;
    io::fault_filesystem fs;
    io::manual_clock clock;
    auto l = *log::open(fs, clock, dir, {});
    queued_hooks h;
    group_commit gc(*l, h.run_blocking(), h.post_back());
    gc.set_probe(&m.probe);

    auto b1 = make_batch(3);
    auto a1 = l->append(b1);
    gc.request(a1->last + 1, [](result<void> r) { EXPECT_TRUE(r); });
    queued_hooks::run_one(h.shard);  // starts the fsync
    // Appended while the first fsync runs: the second one covers it.
    auto b2 = make_batch(5);
    auto b3 = make_batch(2);
    ASSERT_TRUE(l->append(b2));
    auto a3 = l->append(b3);
    gc.request(a3->last + 1, [](result<void> r) { EXPECT_TRUE(r); });
    queued_hooks::run_one(h.blocking);
    EXPECT_EQ(m.fsyncs.value(), 0u) << "recorded on the owner, when the result is back";
    queued_hooks::run_one(h.shard);
    EXPECT_EQ(m.fsyncs.value(), 1u);
    EXPECT_EQ(m.bytes.sum(), static_cast<double>(b1.size()));
    queued_hooks::run_one(h.shard);
    queued_hooks::run_one(h.blocking);
    queued_hooks::run_one(h.shard);
    EXPECT_EQ(m.fsyncs.value(), 2u);
    EXPECT_EQ(m.latency.count(), 2u);
    EXPECT_EQ(m.bytes.count(), 2u);
    EXPECT_EQ(m.bytes.sum(), static_cast<double>(b1.size() + b2.size() + b3.size()));
    EXPECT_EQ(m.errors.value(), 0u);
    EXPECT_EQ(l->flushed_offset(), a3->last + 1);

    auto text = observability::prometheus_text(m.reg);
    EXPECT_NE(text.find("eddy_storage_fsyncs_total 2\n"), std::string::npos) << text;
    EXPECT_NE(text.find("eddy_storage_fsync_duration_seconds_count 2\n"), std::string::npos) << text;
    EXPECT_NE(text.find("eddy_storage_fsync_bytes_count 2\n"), std::string::npos) << text;
}

TEST(storage_probe, a_failed_fsync_is_counted) {
    probe_fixture m;
    io::fault_filesystem fs;
    io::manual_clock clock;
    auto l = *log::open(fs, clock, dir, {});
    auto inline_exec = [](group_commit::task t) { t(); };
    group_commit gc(*l, inline_exec, inline_exec);
    gc.set_probe(&m.probe);
    auto a = l->append(make_batch(1));
    fs.fail_next_sync();
    bool failed = false;
    gc.request(a->last + 1, [&](result<void> r) { failed = !r; });
    EXPECT_TRUE(failed);
    EXPECT_EQ(m.fsyncs.value(), 1u);
    EXPECT_EQ(m.errors.value(), 1u);
}

TEST(storage_probe, without_a_probe_group_commit_records_nothing_and_an_empty_probe_is_inert) {
    storage_probe empty;
    empty.fsync_done(std::chrono::milliseconds(1), 100, true);
    io::fault_filesystem fs;
    io::manual_clock clock;
    auto l = *log::open(fs, clock, dir, {});
    auto inline_exec = [](group_commit::task t) { t(); };
    group_commit gc(*l, inline_exec, inline_exec);
    auto a = l->append(make_batch(1));
    gc.request(a->last + 1, [](result<void> r) { EXPECT_TRUE(r); });
    EXPECT_EQ(gc.fsyncs(), 1u);
}

}  // namespace
}  // namespace eddy::storage
