#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <vector>

#include "observability/errc.h"
#include "observability/process_metrics.h"
#include "observability/prometheus_text.h"

namespace eddy::observability {
namespace {

constexpr std::string_view sample_stat =
    "1234 (my (weird) proc) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 150 0 0 20 0 7 0 12345 1048576 300 "
    "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";

TEST(process_metrics, parses_proc_stat) {
    auto s = parse_proc_stat(sample_stat, 100, 4096);
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_DOUBLE_EQ(s->cpu_seconds, 4.0);
    EXPECT_DOUBLE_EQ(s->start_since_boot_seconds, 123.45);
    EXPECT_EQ(s->resident_bytes, 300u * 4096);
    EXPECT_EQ(s->virtual_bytes, 1048576u);
    EXPECT_EQ(s->threads, 7u);
}

TEST(process_metrics, rejects_malformed_stat) {
    EXPECT_EQ(parse_proc_stat("1234 no command", 100, 4096).error().code, errc::proc_parse_failed);
    EXPECT_EQ(parse_proc_stat("1234 (x) S 1 2 3", 100, 4096).error().code, errc::proc_parse_failed);
    std::string bad(sample_stat);
    bad.replace(bad.find(" 250 "), 5, " 2x0 ");
    EXPECT_EQ(parse_proc_stat(bad, 100, 4096).error().code, errc::proc_parse_failed);
}

TEST(process_metrics, parses_boot_time) {
    auto b = parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n");
    ASSERT_TRUE(b);
    EXPECT_DOUBLE_EQ(*b, 1700000000.0);
    EXPECT_FALSE(parse_boot_time("cpu 1 2 3\n"));
    EXPECT_FALSE(parse_boot_time("btime soon\n"));
}

TEST(process_metrics, counts_open_fds) {
    auto before = count_open_fds();
    ASSERT_TRUE(before);
    std::vector<int> fds;
    for (int i = 0; i < 5; ++i) fds.push_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    auto during = count_open_fds();
    for (int fd : fds) ::close(fd);
    ASSERT_TRUE(during);
    EXPECT_EQ(*during, *before + 5);
}

double sample_value(const std::string& text, const std::string& name) {
    auto pos = text.find("\n" + name + " ");
    EXPECT_NE(pos, std::string::npos) << name << " missing in\n" << text;
    if (pos == std::string::npos) return -1;
    return std::stod(text.substr(pos + name.size() + 2));
}

TEST(process_metrics, exported_from_proc) {
    metric_registry reg(1);
    auto pm = process_metrics::register_in(reg);
    ASSERT_TRUE(pm) << pm.error().message();
    std::string text = prometheus_text(reg);
    EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
    EXPECT_NE(text.find("# TYPE process_resident_memory_bytes gauge\n"), std::string::npos);
    EXPECT_GT(sample_value(text, "process_resident_memory_bytes"), 1024 * 1024);
    EXPECT_GT(sample_value(text, "process_virtual_memory_bytes"), sample_value(text, "process_resident_memory_bytes"));
    EXPECT_GE(sample_value(text, "process_open_fds"), 3);
    EXPECT_GE(sample_value(text, "process_max_fds"), sample_value(text, "process_open_fds"));
    EXPECT_GE(sample_value(text, "process_cpu_seconds_total"), 0);
    const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    const double start = sample_value(text, "process_start_time_seconds");
    EXPECT_LE(start, now + 1);
    EXPECT_GT(start, now - 3600) << "this test process started within the hour";

    pm = unexpected(error{});  // drops the registrations
    EXPECT_EQ(prometheus_text(reg), "");
}

}  // namespace
}  // namespace eddy::observability
