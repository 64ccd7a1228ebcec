#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "observability/metric_registry.h"
#include "observability/prometheus_text.h"

namespace eddy::observability {
namespace {

TEST(prometheus_text, golden_output) {
    metric_registry reg(2);
    auto requests = *reg.add_counter("eddy_test_requests_total",
                                     "Requests handled.\nSecond line with \\ backslash.", {"api", "code"});
    requests.get({"produce", "0"}).add(7);
    set_current_shard(1);
    requests.get({"fetch", "0"}).add(3);
    clear_current_shard();
    reg.add_gauge("eddy_test_temperature_celsius", "Temp.")->get().set(-1.5);
    auto lat = reg.add_histogram("eddy_test_latency_seconds", "Latency.", {"api"}, {0.001, 0.5, 1})->get({"fetch"});
    lat.observe(0.0009765625);
    lat.observe(0.75);
    lat.observe(2.0);
    auto lag = *reg.add_callback_gauge("eddy_test_lag_records", "Lag.", {"topic"});
    auto r1 = lag.add({"t\"x"}, [] { return 42.0; });
    auto r2 = lag.add({"a"}, [] { return std::numeric_limits<double>::infinity(); });
    auto cpu = reg.add_callback_counter("process_cpu_seconds_total", "CPU.")->add({}, [] { return 1.25; });
    ASSERT_TRUE(reg.add_gauge("eddy_test_unused", "No series, not exported."));

    const std::string expected =
        "# HELP eddy_test_lag_records Lag.\n"
        "# TYPE eddy_test_lag_records gauge\n"
        "eddy_test_lag_records{topic=\"a\"} +Inf\n"
        "eddy_test_lag_records{topic=\"t\\\"x\"} 42\n"
        "# HELP eddy_test_latency_seconds Latency.\n"
        "# TYPE eddy_test_latency_seconds histogram\n"
        "eddy_test_latency_seconds_bucket{api=\"fetch\",le=\"0.001\"} 1\n"
        "eddy_test_latency_seconds_bucket{api=\"fetch\",le=\"0.5\"} 1\n"
        "eddy_test_latency_seconds_bucket{api=\"fetch\",le=\"1\"} 2\n"
        "eddy_test_latency_seconds_bucket{api=\"fetch\",le=\"+Inf\"} 3\n"
        "eddy_test_latency_seconds_sum{api=\"fetch\"} 2.7509765625\n"
        "eddy_test_latency_seconds_count{api=\"fetch\"} 3\n"
        "# HELP eddy_test_requests_total Requests handled.\\nSecond line with \\\\ backslash.\n"
        "# TYPE eddy_test_requests_total counter\n"
        "eddy_test_requests_total{api=\"fetch\",code=\"0\"} 3\n"
        "eddy_test_requests_total{api=\"produce\",code=\"0\"} 7\n"
        "# HELP eddy_test_temperature_celsius Temp.\n"
        "# TYPE eddy_test_temperature_celsius gauge\n"
        "eddy_test_temperature_celsius -1.5\n"
        "# HELP process_cpu_seconds_total CPU.\n"
        "# TYPE process_cpu_seconds_total counter\n"
        "process_cpu_seconds_total 1.25\n";
    EXPECT_EQ(prometheus_text(reg), expected);
}

TEST(prometheus_text, unlabelled_histogram_has_only_le) {
    metric_registry reg(1);
    reg.add_histogram("eddy_test_size_bytes", "Size.", {}, {10})->get().observe(20);
    EXPECT_EQ(prometheus_text(reg),
              "# HELP eddy_test_size_bytes Size.\n"
              "# TYPE eddy_test_size_bytes histogram\n"
              "eddy_test_size_bytes_bucket{le=\"10\"} 0\n"
              "eddy_test_size_bytes_bucket{le=\"+Inf\"} 1\n"
              "eddy_test_size_bytes_sum 20\n"
              "eddy_test_size_bytes_count 1\n");
}

TEST(prometheus_text, escapes_label_values) {
    std::string out;
    append_escaped_label_value(out, "a\\b\"c\nd\te");
    EXPECT_EQ(out, "a\\\\b\\\"c\\nd\te");
    out.clear();
    append_escaped_help(out, "say \"hi\"\\\n");
    EXPECT_EQ(out, "say \"hi\"\\\\\\n") << "HELP keeps quotes as they are";

    metric_registry reg(1);
    reg.add_gauge("eddy_test_g", "G.", {"path"})->get({"C:\\dir\n\"x\""}).set(1);
    EXPECT_NE(prometheus_text(reg).find("eddy_test_g{path=\"C:\\\\dir\\n\\\"x\\\"\"} 1\n"), std::string::npos)
        << prometheus_text(reg);
}

TEST(prometheus_text, formats_values) {
    EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(format_value(std::nan("")), "NaN");
    EXPECT_EQ(format_value(0), "0");
    EXPECT_EQ(format_value(1), "1");
    EXPECT_EQ(format_value(0.5), "0.5");
    EXPECT_EQ(format_value(0.00005), "5e-05");
    EXPECT_EQ(format_value(0.1), "0.1");
    EXPECT_EQ(format_value(1e21), "1e+21");
    EXPECT_EQ(format_value(-2.25), "-2.25");
    // Round trip: the shortest text still parses back to the same double.
    for (double v : {0.1 + 0.2, 1.0 / 3, 123456789.123, 1e-300}) EXPECT_EQ(std::stod(format_value(v)), v);
}

TEST(prometheus_text, ordering_is_stable_regardless_of_creation_order) {
    auto build = [](bool reversed) {
        metric_registry reg(1);
        std::vector<std::string> topics = {"b", "a", "c"};
        if (reversed) std::reverse(topics.begin(), topics.end());
        for (const auto& t : topics) {
            reg.add_counter("eddy_z_total", "Z.", {"topic"})->get({t}).inc();
            reg.add_gauge("eddy_a", "A.", {"topic"})->get({t}).set(1);
        }
        return prometheus_text(reg);
    };
    std::string forward = build(false);
    EXPECT_EQ(forward, build(true));
    EXPECT_LT(forward.find("eddy_a{topic=\"a\"}"), forward.find("eddy_a{topic=\"b\"}"));
    EXPECT_LT(forward.find("eddy_a{"), forward.find("eddy_z_total{"));
}

}  // namespace
}  // namespace eddy::observability
