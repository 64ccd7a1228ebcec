// Consumer lag through the real binary: a topic created and described over /v1 with curl, records produced
// with kcat, part of them consumed by a librdkafka group member that commits exactly what it read;
// /v1/groups/{g} and the eddy_consumer_group_lag_* series on /metrics then show the group behind in
// messages and in seconds, and both return to 0 once a kcat balanced consumer (-G) of the same group has
// read the rest. --smp 2, so the group coordinator, the lag refresher (shard 0) and the partitions' owners
// differ. Every wait is a poll with a deadline.
//
// (kcat -G -c N is no way to consume "part": librdkafka stores the offsets of everything it hands kcat in
// one batch, so the commit on exit can be past the N records printed.)
#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "eddy_server.h"
#include "rdkafka_util.h"

namespace eddy::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr int records_p0 = 25;
constexpr int records_p1 = 15;
constexpr int records = records_p0 + records_p1;
constexpr size_t consumed_first = 15;

// Joins `group`, reads n records, commits where it got to on every partition it was assigned (0 where it
// read nothing, so every partition has a committed offset), and leaves. No auto-commit: the commit is
// exactly what was read.
size_t consume_and_commit(const std::string& bootstrap, const std::string& group, const std::string& topic, size_t n,
                          std::chrono::milliseconds deadline) {
    auto h = rk::make(RD_KAFKA_CONSUMER, bootstrap,
                      {{"group.id", group}, {"auto.offset.reset", "earliest"}, {"enable.auto.commit", "false"}});
    auto* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), RD_KAFKA_PARTITION_UA);
    EXPECT_EQ(rd_kafka_subscribe(h.get(), list), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(list);
    std::map<int32_t, int64_t> next;  // partition -> offset after the last record read
    size_t got = 0;
    auto until = std::chrono::steady_clock::now() + deadline;
    while (got < n && std::chrono::steady_clock::now() < until) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(h.get(), 100);
        if (m == nullptr) continue;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            next[m->partition] = m->offset + 1;
            ++got;
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_topic_partition_list_t* assigned = nullptr;
    EXPECT_EQ(rd_kafka_assignment(h.get(), &assigned), RD_KAFKA_RESP_ERR_NO_ERROR);
    auto* commit = rd_kafka_topic_partition_list_new(assigned->cnt);
    for (int i = 0; i < assigned->cnt; ++i) {
        int32_t p = assigned->elems[i].partition;
        rd_kafka_topic_partition_list_add(commit, topic.c_str(), p)->offset = next.count(p) ? next[p] : 0;
    }
    EXPECT_EQ(commit->cnt, 2);
    EXPECT_EQ(rd_kafka_commit(h.get(), commit, 0), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(commit);
    rd_kafka_topic_partition_list_destroy(assigned);
    rd_kafka_consumer_close(h.get());
    return got;
}

class consumer_lag_test : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(server_.start()) << server_.log(); }
    void TearDown() override {
        if (HasFailure()) std::fprintf(stderr, "server log:\n%s\n", server_.log().c_str());
    }

    // curl's status code and body.
    std::pair<int, std::string> curl(const std::string& args) {
        auto [code, out] = run_shell(fmt::format("curl -s -w '\\n%{{http_code}}' {}", args), 30s);
        EXPECT_EQ(code, 0) << out;
        auto nl = out.rfind('\n');
        if (nl == std::string::npos) return {0, out};
        return {std::atoi(out.c_str() + nl + 1), out.substr(0, nl)};
    }
    std::string url(const std::string& path) const {
        return shell_quote(fmt::format("http://127.0.0.1:{}{}", server_.http_port(), path));
    }
    json::value get_json(const std::string& path) {
        auto [status, body] = curl(url(path));
        EXPECT_EQ(status, 200) << body;
        return status == 200 ? json::parse(body) : json::value();
    }
    std::string kcat(const std::string& args) const {
        return fmt::format("kcat -b {} -X log_level=3 {}", server_.bootstrap(), args);
    }
    // Values of one lag family on /metrics for `group`, by "topic/partition".
    std::map<std::string, double> lag_metrics(const std::string& family, const std::string& group) {
        auto [status, text] = curl(url("/metrics"));
        EXPECT_EQ(status, 200);
        std::map<std::string, double> out;
        std::istringstream in(text);
        auto prefix = fmt::format("{}{{group=\"{}\",topic=\"", family, group);
        for (std::string line; std::getline(in, line);) {
            if (line.rfind(prefix, 0) != 0) continue;
            auto rest = line.substr(prefix.size());  // lagged",partition="0"} 12
            auto topic = rest.substr(0, rest.find('"'));
            auto p = rest.substr(rest.find("partition=\"") + 11);
            auto partition = p.substr(0, p.find('"'));
            out[topic + "/" + partition] = std::stod(p.substr(p.find("} ") + 2));
        }
        return out;
    }
    static double sum(const std::map<std::string, double>& m) {
        double s = 0;
        for (const auto& [k, v] : m) s += v;
        return s;
    }
    // Polls pred until it holds or the deadline passes.
    template <typename Pred>
    bool eventually(Pred pred, std::chrono::milliseconds deadline = 20s) {
        auto end = std::chrono::steady_clock::now() + deadline;
        while (!pred()) {
            if (std::chrono::steady_clock::now() >= end) return false;
            std::this_thread::sleep_for(50ms);  // poll interval, not synchronization
        }
        return true;
    }

    eddy_server server_{eddy_server::options{.smp = 2, .extra_args = {"--metrics-consumer-lag-interval-ms", "200"}}};
    scratch_dir dir_;
};

TEST_F(consumer_lag_test, lag_in_messages_and_seconds_while_behind_and_zero_once_caught_up) {
    auto [created, body] = curl("-X POST -H 'Content-Type: application/json' -d '{\"name\":\"lagged\",\"partitions\":2}' " +
                                url("/v1/topics"));
    ASSERT_EQ(created, 201) << body;

    for (auto [p, n] : {std::pair{0, records_p0}, std::pair{1, records_p1}}) {
        auto input = fmt::format("{}/input-{}", dir_.path(), p);
        {
            std::ofstream f(input);
            for (int i = 0; i < n; ++i) f << "r" << i << '\n';
        }
        auto [produced, pout] = run_shell(kcat(fmt::format("-P -t lagged -p {}", p)) + " < " + shell_quote(input), 30s);
        ASSERT_EQ(produced, 0) << pout;
    }
    auto topic = get_json("/v1/topics/lagged");
    int64_t end_total = 0;
    for (const auto& p : topic.at("partition_details").as_array()) end_total += p.at("log_end_offset").as_int64();
    ASSERT_EQ(end_total, records) << json::serialize(topic);

    // A group member takes the first records and leaves, having committed exactly those.
    ASSERT_EQ(consume_and_commit(server_.bootstrap(), "lagging", "lagged", consumed_first, 30s), consumed_first);

    auto group = get_json("/v1/groups/lagging");
    EXPECT_EQ(group.at("lag_messages").as_int64(), records - static_cast<int64_t>(consumed_first)) << json::serialize(group);
    // Seconds behind grow with the age of the oldest unconsumed record.
    EXPECT_TRUE(eventually([&] {
        auto g = get_json("/v1/groups/lagging");
        return g.is_object() && g.at("lag_seconds").to_number<double>() >= 0.5;
    })) << json::serialize(get_json("/v1/groups/lagging"));
    EXPECT_TRUE(eventually([&] {
        return sum(lag_metrics("eddy_consumer_group_lag_messages", "lagging")) == records - static_cast<int64_t>(consumed_first) &&
               sum(lag_metrics("eddy_consumer_group_lag_seconds", "lagging")) > 0;
    })) << fmt::format("{}", json::serialize(get_json("/v1/groups/lagging")));
    auto listed = get_json("/v1/groups");
    ASSERT_EQ(listed.at("groups").as_array().size(), 1u) << json::serialize(listed);
    EXPECT_EQ(listed.at("groups").as_array()[0].at("group_id"), "lagging");

    // The same group consumes the rest (-e: exit at the end of every partition) and commits.
    auto [rest, rout] = run_shell(
        kcat("-G lagging -X auto.offset.reset=earliest -e -q -X auto.commit.interval.ms=100 -f '%s\\n' lagged") +
            " 2>/dev/null",
        60s);
    ASSERT_EQ(rest, 0) << rout;
    group = get_json("/v1/groups/lagging");
    EXPECT_EQ(group.at("lag_messages").as_int64(), 0) << json::serialize(group);
    EXPECT_EQ(group.at("lag_seconds").to_number<double>(), 0.0);
    for (const auto& o : group.at("offsets").as_array()) {
        EXPECT_EQ(o.at("committed_offset"), o.at("log_end_offset")) << json::serialize(o);
        EXPECT_EQ(o.at("lag_seconds").to_number<double>(), 0.0);
    }
    EXPECT_TRUE(eventually([&] {
        auto m = lag_metrics("eddy_consumer_group_lag_messages", "lagging");
        auto s = lag_metrics("eddy_consumer_group_lag_seconds", "lagging");
        return m.size() == 2 && sum(m) == 0 && s.size() == 2 && sum(s) == 0;
    }));

    // Deleting the topic drops its series at the next refresh.
    auto [deleted, dbody] = curl("-X DELETE " + url("/v1/topics/lagged"));
    EXPECT_EQ(deleted, 204) << dbody;
    EXPECT_TRUE(eventually([&] { return lag_metrics("eddy_consumer_group_lag_messages", "lagging").empty(); }));
}

}  // namespace
}  // namespace eddy::testing
