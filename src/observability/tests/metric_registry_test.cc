#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "observability/buckets.h"
#include "observability/errc.h"
#include "observability/metric_registry.h"
#include "observability/prometheus_text.h"

namespace eddy::observability {
namespace {

// Restores the calling thread's shard on scope exit so tests do not leak it into each other.
struct shard_scope {
    explicit shard_scope(uint32_t s) { set_current_shard(s); }
    ~shard_scope() { clear_current_shard(); }
};

TEST(metric_registry, counter_counts_on_shard_and_shared_slot) {
    metric_registry reg(2);
    auto fam = reg.add_counter("eddy_test_events_total", "Events.", {"kind"});
    ASSERT_TRUE(fam) << fam.error().message();
    counter c = fam->get({"a"});
    c.inc();
    c.add(4);
    {
        shard_scope s(1);
        c.add(10);
    }
    EXPECT_EQ(c.value(), 15u);
    EXPECT_EQ(fam->get({"a"}).value(), 15u) << "get() of the same labels is the same series";
    EXPECT_EQ(fam->get({"b"}).value(), 0u);
}

TEST(metric_registry, concurrent_updates_lose_no_increments) {
    constexpr uint32_t shards = 4;
    constexpr uint64_t per_thread = 200'000;
    metric_registry reg(shards);
    counter c = reg.add_counter("eddy_test_ops_total", "Ops.")->get();
    gauge g = reg.add_gauge("eddy_test_level", "Level.")->get();
    histogram h = reg.add_histogram("eddy_test_latency_seconds", "Latency.", {}, latency_buckets())->get();

    std::atomic<int> running{0};
    std::vector<std::thread> threads;
    // One writer per shard slot, plus two threads without a shard that share the atomic slot.
    for (uint32_t t = 0; t < shards + 2; ++t) {
        running.fetch_add(1);
        threads.emplace_back([&, t] {
            if (t < shards) set_current_shard(t);
            for (uint64_t i = 0; i < per_thread; ++i) {
                c.inc();
                g.add(1);
                h.observe(0.001);
            }
            clear_current_shard();
            running.fetch_sub(1);
        });
    }
    // Scrape while the writers run: reading must be safe and never show more than was written.
    int scrapes = 0;
    while (running.load() > 0 && scrapes < 10'000) {
        uint64_t seen = c.value();
        EXPECT_LE(seen, per_thread * (shards + 2));
        EXPECT_FALSE(prometheus_text(reg).empty());
        ++scrapes;
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(c.value(), per_thread * (shards + 2));
    EXPECT_EQ(g.value(), static_cast<double>(per_thread * (shards + 2)));
    EXPECT_EQ(h.count(), per_thread * (shards + 2));
}

TEST(metric_registry, shard_beyond_shard_count_uses_shared_slot) {
    metric_registry reg(1);
    counter c = reg.add_counter("eddy_test_ops_total", "Ops.")->get();
    constexpr uint64_t n = 100'000;
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&] {
            shard_scope s(7);  // both threads claim shard 7, which this registry does not have
            for (uint64_t i = 0; i < n; ++i) c.inc();
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(c.value(), 2 * n);
}

TEST(metric_registry, gauge_sums_shard_contributions) {
    metric_registry reg(2);
    gauge g = reg.add_gauge("eddy_test_queue_depth", "Depth.")->get();
    {
        shard_scope s(0);
        g.set(5);
    }
    {
        shard_scope s(1);
        g.set(3);
        g.dec();
    }
    g.add(0.5);
    EXPECT_DOUBLE_EQ(g.value(), 7.5);
    {
        shard_scope s(0);
        g.set(-1);
    }
    EXPECT_DOUBLE_EQ(g.value(), 1.5);
}

TEST(metric_registry, histogram_bucket_math) {
    metric_registry reg(1);
    histogram h = reg.add_histogram("eddy_test_size_bytes", "Size.", {}, {1, 2, 5})->get();
    for (double v : {0.5, 1.0, 1.5, 5.0, 7.0, -3.0}) h.observe(v);
    EXPECT_EQ(h.cumulative_counts(), (std::vector<uint64_t>{3, 4, 5, 6}));
    EXPECT_EQ(h.count(), 6u);
    EXPECT_DOUBLE_EQ(h.sum(), 12.0);

    histogram d = reg.add_histogram("eddy_test_wait_seconds", "Wait.", {}, latency_buckets())->get();
    d.observe(std::chrono::microseconds(50));   // exactly on the first bound: le is inclusive
    d.observe(std::chrono::milliseconds(3));    // between 0.0025 and 0.005
    d.observe(std::chrono::seconds(60));        // past the last bound
    auto cum = d.cumulative_counts();
    ASSERT_EQ(cum.size(), latency_buckets().size() + 1);
    EXPECT_EQ(cum[0], 1u);
    EXPECT_EQ(cum[5], 1u);  // le=0.0025
    EXPECT_EQ(cum[6], 2u);  // le=0.005
    EXPECT_EQ(cum[cum.size() - 2], 2u);
    EXPECT_EQ(cum.back(), 3u);
    EXPECT_NEAR(d.sum(), 60.00305, 1e-9);
}

TEST(metric_registry, histogram_nan_goes_to_inf_bucket) {
    metric_registry reg(1);
    histogram h = reg.add_histogram("eddy_test_ratio", "Ratio.", {}, {0.5})->get();
    h.observe(std::nan(""));
    EXPECT_EQ(h.cumulative_counts(), (std::vector<uint64_t>{0, 1}));
    EXPECT_TRUE(std::isnan(h.sum()));
}

TEST(metric_registry, bucket_helpers) {
    EXPECT_EQ(exponential_buckets(1, 2, 4), (std::vector<double>{1, 2, 4, 8}));
    EXPECT_EQ(linear_buckets(0, 5, 3), (std::vector<double>{0, 5, 10}));
    auto lat = latency_buckets();
    EXPECT_DOUBLE_EQ(lat.front(), 0.00005);
    EXPECT_DOUBLE_EQ(lat.back(), 10.0);
    EXPECT_TRUE(std::is_sorted(lat.begin(), lat.end()));
    EXPECT_EQ(size_buckets().back(), 64.0 * 1024 * 1024);
}

TEST(metric_registry, rejects_bad_names_and_buckets) {
    metric_registry reg(1);
    auto err = [](const auto& r) { return r ? std::error_code{} : r.error().code; };
    EXPECT_EQ(err(reg.add_counter("eddy_test_events", "no _total")), errc::invalid_metric_name);
    EXPECT_EQ(err(reg.add_gauge("eddy_test_events_total", "gauge with _total")), errc::invalid_metric_name);
    EXPECT_EQ(err(reg.add_gauge("9eddy", "digit first")), errc::invalid_metric_name);
    EXPECT_EQ(err(reg.add_gauge("eddy-test", "dash")), errc::invalid_metric_name);
    EXPECT_EQ(err(reg.add_gauge("", "empty")), errc::invalid_metric_name);
    EXPECT_EQ(err(reg.add_gauge("eddy_a", "h", {"__reserved"})), errc::invalid_label_name);
    EXPECT_EQ(err(reg.add_gauge("eddy_a", "h", {"a:b"})), errc::invalid_label_name);
    EXPECT_EQ(err(reg.add_gauge("eddy_a", "h", {"x", "x"})), errc::invalid_label_name);
    EXPECT_EQ(err(reg.add_histogram("eddy_h_seconds", "h", {"le"}, {1})), errc::invalid_label_name);
    EXPECT_EQ(err(reg.add_histogram("eddy_h_seconds", "h", {}, {})), errc::invalid_buckets);
    EXPECT_EQ(err(reg.add_histogram("eddy_h_seconds", "h", {}, {2, 1})), errc::invalid_buckets);
    EXPECT_EQ(err(reg.add_histogram("eddy_h_seconds", "h", {}, {1, 1})), errc::invalid_buckets);
    EXPECT_EQ(err(reg.add_histogram("eddy_h_seconds", "h", {}, {std::nan("")})), errc::invalid_buckets);
    EXPECT_EQ(err(reg.add_histogram("eddy_h_seconds", "h", {}, linear_buckets(1, 1, 300))), errc::invalid_buckets);
    EXPECT_EQ(err(reg.add_gauge("ns:eddy_ok", "colons are allowed in metric names")), std::error_code{});
    EXPECT_EQ(reg.series_count(), 0u);
}

TEST(metric_registry, reregistration_returns_same_family_or_conflicts) {
    metric_registry reg(1);
    auto a = reg.add_counter("eddy_test_events_total", "Events.", {"topic"});
    auto b = reg.add_counter("eddy_test_events_total", "Events.", {"topic"});
    ASSERT_TRUE(a && b);
    a->get({"t"}).add(3);
    EXPECT_EQ(b->get({"t"}).value(), 3u);
    auto err = [](const auto& r) { return r ? std::error_code{} : r.error().code; };
    EXPECT_EQ(err(reg.add_counter("eddy_test_events_total", "Other help.", {"topic"})), errc::conflicting_family);
    EXPECT_EQ(err(reg.add_counter("eddy_test_events_total", "Events.", {"topic", "p"})), errc::conflicting_family);
    EXPECT_EQ(err(reg.add_callback_counter("eddy_test_events_total", "Events.", {"topic"})),
              errc::conflicting_family);
    ASSERT_TRUE(reg.add_histogram("eddy_h_seconds", "h", {}, {1, 2}));
    EXPECT_TRUE(reg.add_histogram("eddy_h_seconds", "h", {}, {1, 2}));
    EXPECT_EQ(err(reg.add_histogram("eddy_h_seconds", "h", {}, {1, 3})), errc::conflicting_family);
}

TEST(metric_registry, removed_series_disappear_and_restart_at_zero) {
    metric_registry reg(2);
    auto bytes = *reg.add_counter("eddy_test_bytes_total", "Bytes.", {"topic", "partition"});
    auto lat = *reg.add_histogram("eddy_test_latency_seconds", "Latency.", {"topic"}, {0.1});
    auto other = *reg.add_gauge("eddy_test_sessions", "Sessions.", {"client"});
    counter a0 = bytes.get({"a", "0"});
    counter a1 = bytes.get({"a", "1"});
    bytes.get({"b", "0"}).add(2);
    lat.get({"a"}).observe(1);
    other.get({"a"}).set(1);  // label "client", not "topic": must survive
    a0.add(5);
    EXPECT_EQ(reg.series_count(), 5u);

    bytes.remove({"a", "1"});
    EXPECT_EQ(reg.series_count(), 4u);
    EXPECT_EQ(prometheus_text(reg).find("partition=\"1\""), std::string::npos);

    EXPECT_EQ(reg.remove_series("topic", "a"), 2u);
    EXPECT_EQ(reg.series_count(), 2u);
    std::string text = prometheus_text(reg);
    EXPECT_EQ(text.find("topic=\"a\""), std::string::npos) << text;
    EXPECT_NE(text.find("topic=\"b\""), std::string::npos) << text;
    EXPECT_NE(text.find("client=\"a\""), std::string::npos) << text;
    EXPECT_EQ(text.find("eddy_test_latency_seconds"), std::string::npos) << "empty family is omitted";

    a0.inc();  // a held handle keeps working, unexported
    EXPECT_EQ(a0.value(), 6u);
    EXPECT_EQ(bytes.get({"a", "0"}).value(), 0u);
}

TEST(metric_registry, released_cells_are_reused_zeroed) {
    metric_registry reg(2);
    auto fam = *reg.add_counter("eddy_test_bytes_total", "Bytes.", {"topic"});
    for (int round = 0; round < 100; ++round) {
        counter c = fam.get({"t"});
        EXPECT_EQ(c.value(), 0u) << round;
        c.add(7);
        {
            shard_scope s(1);
            c.add(7);
        }
        fam.remove({"t"});
    }
}

TEST(metric_registry, handles_outlive_the_registry) {
    counter c;
    {
        metric_registry reg(1);
        c = reg.add_counter("eddy_test_ops_total", "Ops.")->get();
    }
    c.inc();
    EXPECT_EQ(c.value(), 1u);
}

}  // namespace
}  // namespace eddy::observability
