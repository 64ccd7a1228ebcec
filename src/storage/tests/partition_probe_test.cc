// Per-partition metrics (storage/partition_probe.h): the records in batches laid back to back, and the
// series a probe exports after known appends, reads and log changes.
#include "storage/partition_probe.h"

#include <gtest/gtest.h>

#include "io/clock.h"
#include "io/fault_filesystem.h"
#include "observability/prometheus_text.h"
#include "storage/log.h"
#include "storage/tests/test_util.h"

namespace eddy::storage {
namespace {

using testing::make_batch;

TEST(partition_probe, count_records_sums_record_counts_and_skips_a_truncated_batch) {
    bytes data;
    for (int n : {3, 1, 7}) {
        auto b = make_batch(n);
        data.insert(data.end(), b.begin(), b.end());
    }
    EXPECT_EQ(count_records(data), 11u);
    EXPECT_EQ(count_records(bytes_view(data).first(data.size() - 1)), 4u);
    EXPECT_EQ(count_records(bytes_view(data).first(10)), 0u);
    EXPECT_EQ(count_records({}), 0u);
}

TEST(partition_probe, exports_appends_reads_and_the_log_state) {
    observability::metric_registry reg(2);
    auto f = partition_families::register_in(reg);
    ASSERT_TRUE(f) << f.error().message();
    io::fault_filesystem fs;
    io::manual_clock clock;
    log_config cfg;
    cfg.segment_bytes = 1024;  // three batches per segment, so the count moves
    auto opened = log::open(fs, clock, "/d/topics/orders/3", cfg);
    ASSERT_TRUE(opened) << opened.error().message();
    auto& l = *opened;
    partition_probe probe(*f, "orders", partition_id{3});
    observability::set_current_shard(1u);  // every call comes from the owner shard
    probe.log_changed(*l);
    auto text = observability::prometheus_text(reg);
    EXPECT_NE(text.find("eddy_partition_log_end_offset{topic=\"orders\",partition=\"3\"} 0\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("eddy_partition_log_segments{topic=\"orders\",partition=\"3\"} 1\n"), std::string::npos)
        << text;

    uint64_t bytes_in = 0;
    for (int i = 0; i < 4; ++i) {
        auto b = make_batch(20);
        ASSERT_TRUE(l->append(b));
        bytes_in += b.size();
        probe.appended(20, b.size());
        probe.log_changed(*l);
    }
    const size_t segments_before = l->segment_count();
    EXPECT_GT(segments_before, 1u);
    auto r = l->read(offset{0}, 1 << 20);
    ASSERT_TRUE(r);
    probe.read(count_records(r->data), r->data.size());
    ASSERT_TRUE(l->truncate_prefix(offset{60}));
    probe.log_changed(*l);
    observability::clear_current_shard();

    text = observability::prometheus_text(reg);
    auto has = [&](const std::string& name, const std::string& value) {
        return text.find(name + "{topic=\"orders\",partition=\"3\"} " + value + "\n") != std::string::npos;
    };
    EXPECT_TRUE(has("eddy_partition_appended_records_total", "80")) << text;
    EXPECT_TRUE(has("eddy_partition_appended_bytes_total", std::to_string(bytes_in))) << text;
    EXPECT_TRUE(has("eddy_partition_read_records_total", std::to_string(r->batches.size() * 20))) << text;
    EXPECT_TRUE(has("eddy_partition_read_bytes_total", std::to_string(r->data.size()))) << text;
    EXPECT_TRUE(has("eddy_partition_log_end_offset", "80")) << text;
    EXPECT_TRUE(has("eddy_partition_log_start_offset", "60")) << text;
    EXPECT_TRUE(has("eddy_partition_log_size_bytes", std::to_string(l->size_bytes()))) << text;
    EXPECT_TRUE(has("eddy_partition_log_segments", std::to_string(l->segment_count()))) << text;
    EXPECT_LT(l->segment_count(), segments_before) << "truncate_prefix dropped whole segments";
    EXPECT_LT(l->size_bytes(), bytes_in);

    EXPECT_EQ(reg.remove_series("topic", "orders"), 8u);
    EXPECT_EQ(observability::prometheus_text(reg), "");
}

TEST(partition_probe, an_empty_probe_records_nothing) {
    partition_probe probe;
    probe.appended(1, 100);
    probe.read(1, 100);
    io::fault_filesystem fs;
    io::manual_clock clock;
    auto l = log::open(fs, clock, "/d/topics/t/0", {});
    ASSERT_TRUE(l);
    probe.log_changed(**l);
}

}  // namespace
}  // namespace eddy::storage
