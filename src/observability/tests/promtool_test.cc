// Checks our exposition output with Prometheus' own parser and linter (`promtool check metrics`), when
// promtool is installed (Debian package `prometheus`, installed by scripts/install-deps).
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>

#include "observability/buckets.h"
#include "observability/metric_registry.h"
#include "observability/process_metrics.h"
#include "observability/prometheus_text.h"

namespace eddy::observability {
namespace {

bool have_promtool() { return std::system("command -v promtool >/dev/null 2>&1") == 0; }

// Runs promtool on `text`; returns its exit status and puts what it printed in `output`.
int promtool_check(const std::string& text, std::string& output) {
    char path[] = "/tmp/eddy-promtool-XXXXXX";
    int fd = ::mkstemp(path);
    EXPECT_GE(fd, 0);
    ::close(fd);
    std::ofstream(path, std::ios::binary) << text;
    std::string cmd = std::string("promtool check metrics < ") + path + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    EXPECT_NE(p, nullptr);
    char buf[512];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) output.append(buf, n);
    int status = ::pclose(p);
    ::unlink(path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(promtool, accepts_our_output) {
    if (!have_promtool()) GTEST_SKIP() << "promtool not installed";
    metric_registry reg(2);
    auto pm = process_metrics::register_in(reg);
    ASSERT_TRUE(pm) << pm.error().message();
    auto bytes = *reg.add_counter("eddy_test_appended_bytes_total", "Bytes appended.\nPer \\ partition.",
                                  {"topic", "partition"});
    auto lat = *reg.add_histogram("eddy_test_append_duration_seconds", "Append latency.", {"topic"},
                                  latency_buckets());
    auto depth = *reg.add_gauge("eddy_test_queue_depth", "Queued requests.");
    auto lag = *reg.add_callback_gauge("eddy_test_consumer_lag_seconds", "Lag.", {"group"});
    for (int p = 0; p < 3; ++p) bytes.get({"weird \"topic\"\\\nname", std::to_string(p)}).add(100u * p);
    lat.get({"a"}).observe(0.003);
    lat.get({"b"}).observe(std::numeric_limits<double>::quiet_NaN());
    depth.get().set(-2.5);
    auto r1 = lag.add({"g1"}, [] { return std::numeric_limits<double>::infinity(); });
    auto r2 = lag.add({"g2"}, [] { return 1e-9; });

    std::string text = prometheus_text(reg);
    std::string output;
    EXPECT_EQ(promtool_check(text, output), 0) << output << "\n--- input ---\n" << text;
}

// The check above can fail: promtool rejects output that breaks the format or the naming lint.
TEST(promtool, rejects_broken_output) {
    if (!have_promtool()) GTEST_SKIP() << "promtool not installed";
    std::string output;
    EXPECT_NE(promtool_check("# TYPE eddy_x counter\neddy_x{a=\"unterminated} 1\n", output), 0);
    output.clear();
    EXPECT_NE(promtool_check("# HELP eddy_requests Requests.\n# TYPE eddy_requests counter\neddy_requests 1\n",
                             output),
              0)
        << "a counter without _total fails the lint";
}

}  // namespace
}  // namespace eddy::observability
