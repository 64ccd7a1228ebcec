#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "observability/metric_registry.h"
#include "observability/prometheus_text.h"

namespace eddy::observability {
namespace {

bool contains(const std::string& s, std::string_view what) { return s.find(what) != std::string::npos; }

TEST(callback_metrics, evaluated_at_scrape_time_until_reset) {
    metric_registry reg(1);
    auto fam = *reg.add_callback_gauge("eddy_test_end_offset", "End offset.", {"topic", "partition"});
    double end = 10;
    auto r = fam.add({"t", "0"}, [&] { return end; });
    EXPECT_TRUE(contains(prometheus_text(reg), "eddy_test_end_offset{topic=\"t\",partition=\"0\"} 10\n"));
    end = 11;
    EXPECT_TRUE(contains(prometheus_text(reg), "eddy_test_end_offset{topic=\"t\",partition=\"0\"} 11\n"));
    EXPECT_EQ(reg.series_count(), 1u);
    r.reset();
    EXPECT_EQ(reg.series_count(), 0u);
    EXPECT_FALSE(contains(prometheus_text(reg), "eddy_test_end_offset"));
    r.reset();  // idempotent
}

TEST(callback_metrics, replacing_registration_keeps_the_new_one) {
    metric_registry reg(1);
    auto fam = *reg.add_callback_gauge("eddy_test_lag_records", "Lag.", {"topic"});
    auto old_reg = fam.add({"t"}, [] { return 1.0; });
    auto new_reg = fam.add({"t"}, [] { return 2.0; });
    EXPECT_TRUE(contains(prometheus_text(reg), "eddy_test_lag_records{topic=\"t\"} 2\n"));
    old_reg.reset();  // must not unregister the replacement
    EXPECT_TRUE(contains(prometheus_text(reg), "eddy_test_lag_records{topic=\"t\"} 2\n"));
    callback_registration moved = std::move(new_reg);
    new_reg.reset();  // moved-from: no effect
    EXPECT_TRUE(contains(prometheus_text(reg), "eddy_test_lag_records{topic=\"t\"} 2\n"));
    moved = callback_registration();
    EXPECT_FALSE(contains(prometheus_text(reg), "eddy_test_lag_records"));
}

TEST(callback_metrics, remove_series_stops_callbacks) {
    metric_registry reg(1);
    auto fam = *reg.add_callback_gauge("eddy_test_lag_records", "Lag.", {"topic"});
    std::atomic<int> calls{0};
    auto r = fam.add({"gone"}, [&] {
        calls.fetch_add(1);
        return 1.0;
    });
    auto keep = fam.add({"kept"}, [] { return 2.0; });
    (void)prometheus_text(reg);
    EXPECT_EQ(calls.load(), 1);
    EXPECT_EQ(reg.remove_series("topic", "gone"), 1u);
    std::string text = prometheus_text(reg);
    EXPECT_EQ(calls.load(), 1);
    EXPECT_FALSE(contains(text, "gone"));
    EXPECT_TRUE(contains(text, "kept"));
}

// Registrations come and go (partitions created and deleted) while another thread scrapes. The state a
// callback reads is freed right after reset(), so a callback running late would read freed memory
// (caught by the asan build) or see the poisoned value below.
TEST(callback_metrics, unregister_is_safe_during_concurrent_scrapes) {
    metric_registry reg(1);
    auto fam = *reg.add_callback_gauge("eddy_test_end_offset", "End offset.", {"partition"});
    std::atomic<bool> done{false};
    std::atomic<bool> saw_poison{false};
    std::atomic<int> scrapes{0};
    std::thread scraper([&] {
        while (!done.load()) {
            if (contains(prometheus_text(reg), " -1\n")) saw_poison = true;
            scrapes.fetch_add(1);
        }
    });
    // Keep churning until the scraper has overlapped with many registrations (bounded either way).
    for (int i = 0; i < 2'000'000 && (i < 3000 || scrapes.load() < 1000); ++i) {
        auto value = std::make_unique<double>(i);
        auto r = fam.add({std::to_string(i % 7)}, [v = value.get()] { return *v; });
        r.reset();
        *value = -1;  // poison: no scrape may read this any more
        value.reset();
    }
    done = true;
    scraper.join();
    EXPECT_GE(scrapes.load(), 1000);
    EXPECT_FALSE(saw_poison.load());
    EXPECT_EQ(reg.series_count(), 0u);
}

}  // namespace
}  // namespace eddy::observability
