// GET /metrics of the real `eddy serve` (2 shards) after real clients used it: per-partition series with
// the counts kcat produced and consumed, storage fsyncs, loop lag, process metrics;
// series of a deleted topic disappear; Prometheus' own tools accept the output: `promtool check metrics`
// on the live text, and a real Prometheus server scraping eddy every second answers queries for its series.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "child_process.h"
#include "eddy_server.h"
#include "rdkafka_util.h"
#include "shared_server_test.h"

namespace eddy::testing {
namespace {

using namespace std::chrono_literals;

class metrics_test : public shared_server_test {
protected:
    static void SetUpTestSuite() {
        options_.smp = 2;
        shared_server_test::SetUpTestSuite();
    }

    static std::string metrics_url() { return fmt::format("http://127.0.0.1:{}/metrics", server_->http_port()); }

    // The /metrics text (empty on failure).
    static std::string scrape() {
        auto [code, out] = run_shell("curl -sS --max-time 20 " + metrics_url() + " 2>&1", 30s);
        EXPECT_EQ(code, 0) << out;
        return code == 0 ? out : std::string();
    }

    std::string kcat(const std::string& args) const {
        return fmt::format("kcat -b {} -X log_level=3 {}", server_->bootstrap(), args);
    }
    void produce(const std::string& topic, int partition, int n) {
        auto path = fmt::format("{}/input-{}", dir_.path(), inputs_++);
        std::ofstream f(path);
        for (int i = 0; i < n; ++i) f << "value-" << i << '\n';
        f.close();
        auto [code, out] = run_shell(
            kcat(fmt::format("-P -t {} -p {} -X acks=all", topic, partition)) + " < " + shell_quote(path), 30s);
        ASSERT_EQ(code, 0) << out;
    }
    // Consumes partition p from the beginning to its end; returns the records' count.
    size_t consume(const std::string& topic, int partition) {
        auto [code, out] = run_shell(kcat(fmt::format("-C -e -q -t {} -p {} -o beginning", topic, partition)) +
                                         " 2>/dev/null",
                                     30s);
        EXPECT_EQ(code, 0) << out;
        return static_cast<size_t>(std::count(out.begin(), out.end(), '\n'));
    }

    scratch_dir dir_;
    int inputs_ = 0;
};

// The value of the sample `series` (name plus label text, exactly as exported), if present.
std::optional<double> sample(const std::string& text, const std::string& series) {
    auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return std::nullopt;
    at += series.size() + 2;
    return std::stod(text.substr(at, text.find('\n', at) - at));
}

std::string partition_series(const std::string& name, const std::string& topic, int p) {
    return fmt::format("{}{{topic=\"{}\",partition=\"{}\"}}", name, topic, p);
}

TEST_F(metrics_test, per_partition_series_count_what_kcat_produced_and_consumed) {
    const std::string topic = "metrics-orders";
    ASSERT_EQ(rk::create_topic(server_->bootstrap(), topic, 2), RD_KAFKA_RESP_ERR_NO_ERROR);
    produce(topic, 0, 5);
    produce(topic, 1, 3);
    ASSERT_EQ(consume(topic, 0), 5u);
    ASSERT_EQ(consume(topic, 1), 3u);

    auto text = scrape();
    auto at = [&](const std::string& name, int p) { return sample(text, partition_series(name, topic, p)); };
    EXPECT_EQ(at("eddy_partition_appended_records_total", 0), 5.0) << text;
    EXPECT_EQ(at("eddy_partition_appended_records_total", 1), 3.0) << text;
    EXPECT_GT(at("eddy_partition_appended_bytes_total", 0).value_or(0), 5 * 7.0) << text;
    EXPECT_EQ(at("eddy_partition_read_records_total", 0), 5.0) << text;
    EXPECT_EQ(at("eddy_partition_read_records_total", 1), 3.0) << text;
    EXPECT_GT(at("eddy_partition_read_bytes_total", 1).value_or(0), 3 * 7.0) << text;
    EXPECT_EQ(at("eddy_partition_log_end_offset", 0), 5.0) << text;
    EXPECT_EQ(at("eddy_partition_log_end_offset", 1), 3.0) << text;
    EXPECT_EQ(at("eddy_partition_log_start_offset", 0), 0.0) << text;
    EXPECT_EQ(at("eddy_partition_log_segments", 0), 1.0) << text;
    EXPECT_EQ(at("eddy_partition_log_size_bytes", 0), at("eddy_partition_appended_bytes_total", 0)) << text;

    // kcat produces with acks=all and the default flush policy is durable: group commit fsynced.
    EXPECT_GE(sample(text, "eddy_storage_fsyncs_total").value_or(0), 2.0) << text;
    EXPECT_GE(sample(text, "eddy_storage_fsync_duration_seconds_count").value_or(0), 2.0) << text;
    EXPECT_GE(sample(text, "eddy_storage_fsync_bytes_sum").value_or(0), 8 * 7.0) << text;
    for (int shard = 0; shard < 2; ++shard) {
        auto lag = fmt::format("eddy_runtime_loop_lag_seconds_count{{shard=\"{}\"}}", shard);
        EXPECT_TRUE(sample(text, lag).has_value()) << lag << "\n" << text;
    }
    EXPECT_TRUE(sample(text, "process_resident_memory_bytes").has_value()) << text;
    EXPECT_TRUE(sample(text, "process_cpu_seconds_total").has_value()) << text;
}

TEST_F(metrics_test, a_deleted_topic_leaves_no_series) {
    const std::string topic = "metrics-doomed";
    ASSERT_EQ(rk::create_topic(server_->bootstrap(), topic, 3), RD_KAFKA_RESP_ERR_NO_ERROR);
    produce(topic, 2, 1);
    auto before = scrape();
    EXPECT_EQ(sample(before, partition_series("eddy_partition_log_end_offset", topic, 2)), 1.0) << before;
    EXPECT_EQ(sample(before, partition_series("eddy_partition_log_end_offset", topic, 0)), 0.0) << before;

    ASSERT_EQ(rk::delete_topic(server_->bootstrap(), topic), RD_KAFKA_RESP_ERR_NO_ERROR);
    auto after = scrape();
    EXPECT_EQ(after.find("topic=\"" + topic + "\""), std::string::npos) << after;
}

TEST_F(metrics_test, promtool_accepts_the_live_output) {
    ASSERT_EQ(rk::create_topic(server_->bootstrap(), "metrics-lint", 2), RD_KAFKA_RESP_ERR_NO_ERROR);
    produce("metrics-lint", 0, 2);
    auto path = dir_.path() + "/metrics.txt";
    std::ofstream(path) << scrape();
    auto [code, out] = run_shell("promtool check metrics < " + shell_quote(path) + " 2>&1", 60s);
    EXPECT_EQ(code, 0) << out;
}

TEST_F(metrics_test, a_prometheus_server_scrapes_eddy_and_answers_queries) {
    if (!std::filesystem::exists("/usr/bin/prometheus")) GTEST_SKIP() << "prometheus not installed";
    const uint16_t port = free_port();
    const auto config = dir_.path() + "/prometheus.yml";
    std::ofstream(config) << fmt::format(
        "global:\n"
        "  scrape_interval: 1s\n"
        "  evaluation_interval: 1s\n"
        "scrape_configs:\n"
        "  - job_name: eddy\n"
        "    static_configs:\n"
        "      - targets: ['127.0.0.1:{}']\n",
        server_->http_port());
    child_process prometheus("/usr/bin/prometheus",
                             {"--config.file=" + config, "--storage.tsdb.path=" + dir_.path() + "/tsdb",
                              fmt::format("--web.listen-address=127.0.0.1:{}", port), "--log.level=warn"});
    auto query = [port](const std::string& q) {
        auto [code, out] = run_shell(fmt::format("curl -sS --max-time 5 -G http://127.0.0.1:{}/api/v1/query "
                                                 "--data-urlencode {} 2>&1",
                                                 port, shell_quote("query=" + q)),
                                     10s);
        return code == 0 ? out : std::string();
    };
    // Bounded: Prometheus starts, scrapes within its 1 s interval, and the sample becomes queryable.
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    std::string up;
    std::string requests;
    while (std::chrono::steady_clock::now() < deadline) {
        up = query("up{job=\"eddy\"}");
        requests = query("eddy_http_requests_total{job=\"eddy\",route=\"/metrics\"}");
        if (up.find("\"value\":[") != std::string::npos && up.find(",\"1\"]") != std::string::npos &&
            requests.find("\"__name__\":\"eddy_http_requests_total\"") != std::string::npos) {
            break;
        }
        if (prometheus.wait_exit(200ms)) break;  // it died: stop polling, the checks below show why
    }
    EXPECT_NE(up.find(",\"1\"]"), std::string::npos) << up << "\n" << prometheus.output();
    EXPECT_NE(requests.find("\"__name__\":\"eddy_http_requests_total\""), std::string::npos)
        << requests << "\n" << prometheus.output();
    prometheus.signal(SIGTERM);
    EXPECT_TRUE(prometheus.wait_exit(20s).has_value()) << prometheus.output();
}

}  // namespace
}  // namespace eddy::testing
