// The probe pattern from the top of metric_registry.h, compiled and exercised so the example cannot rot:
// families built once, a probe per partition holding its handles, logic calling one method per event.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "observability/buckets.h"
#include "observability/metric_registry.h"
#include "observability/prometheus_text.h"

namespace eddy::observability {
namespace {

struct storage_families {
    counter_family appended_bytes;
    histogram_family append_latency;
    callback_family end_offset;

    static storage_families register_in(metric_registry& reg) {
        const std::vector<std::string> labels = {"topic", "partition"};
        return {*reg.add_counter("eddy_storage_appended_bytes_total", "Bytes appended to the log.", labels),
                *reg.add_histogram("eddy_storage_append_duration_seconds", "Time to append a batch.", labels,
                                   latency_buckets()),
                *reg.add_callback_gauge("eddy_storage_log_end_offset", "Next offset to be written.", labels)};
    }
};

class partition_probe {
public:
    partition_probe(const storage_families& f, const std::string& topic, int32_t partition,
                    const std::atomic<int64_t>& end_offset)
        : labels_{topic, std::to_string(partition)},
          appended_bytes_(f.appended_bytes.get(labels_)),
          append_latency_(f.append_latency.get(labels_)),
          end_offset_(f.end_offset.add(labels_, [&end_offset] { return static_cast<double>(end_offset.load()); })) {}

    void batch_appended(size_t bytes, std::chrono::nanoseconds took) {
        appended_bytes_.add(bytes);
        append_latency_.observe(took);
    }

private:
    label_values labels_;
    counter appended_bytes_;
    histogram append_latency_;
    callback_registration end_offset_;
};

TEST(probe_example, partition_lifecycle) {
    metric_registry reg(2);
    auto families = storage_families::register_in(reg);
    std::atomic<int64_t> end{0};
    {
        partition_probe probe(families, "orders", 3, end);
        set_current_shard(1);  // what the runtime does on shard 1's thread
        probe.batch_appended(512, std::chrono::microseconds(80));
        end = 17;
        clear_current_shard();
        std::string text = prometheus_text(reg);
        EXPECT_NE(text.find("eddy_storage_appended_bytes_total{topic=\"orders\",partition=\"3\"} 512\n"),
                  std::string::npos)
            << text;
        EXPECT_NE(text.find("eddy_storage_append_duration_seconds_bucket{topic=\"orders\",partition=\"3\","
                            "le=\"0.0001\"} 1\n"),
                  std::string::npos)
            << text;
        EXPECT_NE(text.find("eddy_storage_log_end_offset{topic=\"orders\",partition=\"3\"} 17\n"), std::string::npos)
            << text;
    }
    // Partition deleted: the probe's callback went with it; the owner drops the instrumented series.
    EXPECT_EQ(reg.remove_series("topic", "orders"), 2u);
    EXPECT_EQ(prometheus_text(reg), "");
}

TEST(probe_example, wrong_label_count_is_a_bug) {
    metric_registry reg(1);
    auto f = *reg.add_counter("eddy_test_events_total", "Events.", {"topic"});
    EXPECT_DEATH((void)f.get({"a", "b"}), "label");
}

}  // namespace
}  // namespace eddy::observability
