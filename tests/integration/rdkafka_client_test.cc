// eddy serve driven by Debian's librdkafka 2.0.2 (C API): an idempotent producer whose requests time out
// and are retried while the server is frozen, a two-member consumer group that rebalances when a member
// leaves, committed offsets that survive a server restart, and topic admin with DescribeConfigs.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "eddy_server.h"
#include "rdkafka_util.h"

namespace eddy::testing {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

class rdkafka_client_test : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(server_.start()) << "eddy serve did not become ready:\n" << server_.log(); }
    void TearDown() override {
        if (HasFailure()) std::fprintf(stderr, "server log:\n%s\n", server_.log().c_str());
    }
    eddy_server server_;
};

std::vector<std::string> numbered(int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(fmt::format("{:06}", i));
    return out;
}

struct delivery_log {
    std::atomic<int64_t> delivered{0};
    std::atomic<int64_t> failed{0};
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* log = static_cast<delivery_log*>(opaque);
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++log->delivered;
    } else {
        ++log->failed;
    }
}

void install_delivery(rd_kafka_conf_t* conf, void*) { rd_kafka_conf_set_dr_msg_cb(conf, on_delivery); }

// Waits (bounded) for cond while serving the handles' callbacks.
template <typename Cond>
bool poll_until(std::initializer_list<rd_kafka_t*> handles, Cond cond, std::chrono::milliseconds deadline) {
    auto until = clock::now() + deadline;
    while (!cond()) {
        if (clock::now() >= until) return false;
        for (auto* h : handles) {
            if (rd_kafka_message_t* m = rd_kafka_consumer_poll(h, 20)) rd_kafka_message_destroy(m);
        }
    }
    return true;
}

TEST_F(rdkafka_client_test, idempotent_producer_survives_request_timeouts_without_duplicates_or_gaps) {
    ASSERT_EQ(rk::create_topic(server_.bootstrap(), "idem", 1), RD_KAFKA_RESP_ERR_NO_ERROR);
    delivery_log log;
    auto producer = rk::make(RD_KAFKA_PRODUCER, server_.bootstrap(),
                             {{"enable.idempotence", "true"}, {"acks", "all"}, {"linger.ms", "2"},
                              {"request.timeout.ms", "300"}, {"message.timeout.ms", "60000"},
                              {"batch.num.messages", "200"}},
                             install_delivery, &log);
    constexpr int total = 6000;
    auto values = numbered(total);
    std::atomic<bool> produced{false};
    std::thread writer([&] {
        for (const auto& v : values) {
            while (rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC("idem"), RD_KAFKA_V_PARTITION(0),
                                     RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                     RD_KAFKA_V_VALUE(const_cast<char*>(v.data()), v.size()),
                                     RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                rd_kafka_poll(producer.get(), 10);
            }
            rd_kafka_poll(producer.get(), 0);
        }
        produced = true;
    });
    // Freeze the server mid-stream for longer than request.timeout.ms, twice: in-flight requests time
    // out and librdkafka resends them with the same sequence numbers, which the broker must
    // deduplicate. The freeze length is the injected fault, not a synchronization.
    auto until = clock::now() + 30s;
    for (int freeze = 0; freeze < 2; ++freeze) {
        int64_t target = total * (freeze + 1) / 3;
        while (log.delivered < target && clock::now() < until) rd_kafka_poll(producer.get(), 10);
        server_.pause();
        std::this_thread::sleep_for(1200ms);
        server_.resume();
    }
    writer.join();
    ASSERT_TRUE(produced);
    rd_kafka_flush(producer.get(), 60000);
    EXPECT_EQ(log.delivered, total);
    EXPECT_EQ(log.failed, 0);
    auto records = rk::read_all(server_.bootstrap(), "idem", 1);
    ASSERT_EQ(records.size(), size_t{total});
    for (int i = 0; i < total; ++i) {
        ASSERT_EQ(records[i].value, values[i]) << "at offset " << records[i].offset;
        ASSERT_EQ(records[i].offset, i);
    }
}

int assigned_count(rd_kafka_t* h) {
    rd_kafka_topic_partition_list_t* list = nullptr;
    if (rd_kafka_assignment(h, &list) != RD_KAFKA_RESP_ERR_NO_ERROR) return -1;
    int n = list->cnt;
    rd_kafka_topic_partition_list_destroy(list);
    return n;
}

rk::handle group_member(const std::string& bootstrap, const std::string& group, const std::string& topic) {
    auto h = rk::make(RD_KAFKA_CONSUMER, bootstrap,
                      {{"group.id", group}, {"auto.offset.reset", "earliest"}, {"session.timeout.ms", "6000"},
                       {"heartbeat.interval.ms", "300"}, {"partition.assignment.strategy", "range"}});
    rd_kafka_poll_set_consumer(h.get());
    auto* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), RD_KAFKA_PARTITION_UA);
    EXPECT_EQ(rd_kafka_subscribe(h.get(), list), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(list);
    return h;
}

TEST_F(rdkafka_client_test, two_member_group_splits_partitions_and_rebalances_when_one_leaves) {
    ASSERT_EQ(rk::create_topic(server_.bootstrap(), "grp", 4), RD_KAFKA_RESP_ERR_NO_ERROR);
    auto a = group_member(server_.bootstrap(), "g2", "grp");
    ASSERT_TRUE(poll_until({a.get()}, [&] { return assigned_count(a.get()) == 4; }, 20s))
        << "a single member must own every partition";
    auto b = group_member(server_.bootstrap(), "g2", "grp");
    ASSERT_TRUE(poll_until({a.get(), b.get()},
                           [&] { return assigned_count(a.get()) == 2 && assigned_count(b.get()) == 2; }, 30s))
        << "a=" << assigned_count(a.get()) << " b=" << assigned_count(b.get());
    rd_kafka_consumer_close(b.get());  // LeaveGroup
    b.reset();
    ASSERT_TRUE(poll_until({a.get()}, [&] { return assigned_count(a.get()) == 4; }, 20s))
        << "after b left, a owns " << assigned_count(a.get());
    rd_kafka_consumer_close(a.get());
}

// Reads n records from the group's position and commits them synchronously.
std::vector<std::string> consume_and_commit(rd_kafka_t* h, size_t n, std::chrono::milliseconds deadline) {
    std::vector<std::string> out;
    auto until = clock::now() + deadline;
    while (out.size() < n && clock::now() < until) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(h, 100);
        if (m == nullptr) continue;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            out.emplace_back(static_cast<const char*>(m->payload), m->len);
            rd_kafka_commit_message(h, m, 0);
        }
        rd_kafka_message_destroy(m);
    }
    return out;
}

TEST_F(rdkafka_client_test, committed_offsets_survive_a_restart) {
    ASSERT_EQ(rk::create_topic(server_.bootstrap(), "resume", 1), RD_KAFKA_RESP_ERR_NO_ERROR);
    auto values = numbered(200);
    ASSERT_EQ(rk::produce_values(server_.bootstrap(), "resume", 0, values), values.size());
    {
        auto c = rk::make(RD_KAFKA_CONSUMER, server_.bootstrap(),
                          {{"group.id", "resumer"}, {"auto.offset.reset", "earliest"}, {"enable.auto.commit", "false"}});
        auto* list = rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(list, "resume", RD_KAFKA_PARTITION_UA);
        ASSERT_EQ(rd_kafka_subscribe(c.get(), list), RD_KAFKA_RESP_ERR_NO_ERROR);
        rd_kafka_topic_partition_list_destroy(list);
        auto got = consume_and_commit(c.get(), 120, 30s);
        ASSERT_EQ(got.size(), 120u);
        EXPECT_EQ(got.front(), values[0]);
        rd_kafka_consumer_close(c.get());
    }
    server_.kill9();  // committed offsets must be durable, not just in memory
    ASSERT_TRUE(server_.start()) << server_.log();
    auto c = rk::make(RD_KAFKA_CONSUMER, server_.bootstrap(),
                      {{"group.id", "resumer"}, {"auto.offset.reset", "earliest"}, {"enable.auto.commit", "false"}});
    auto* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, "resume", RD_KAFKA_PARTITION_UA);
    ASSERT_EQ(rd_kafka_subscribe(c.get(), list), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(list);
    auto rest = consume_and_commit(c.get(), 80, 30s);
    rd_kafka_consumer_close(c.get());
    ASSERT_EQ(rest.size(), 80u);
    EXPECT_EQ(rest.front(), values[120]) << "resumed from the wrong offset";
    EXPECT_EQ(rest.back(), values[199]);
}

TEST_F(rdkafka_client_test, admin_creates_describes_and_deletes_topics) {
    const auto& b = server_.bootstrap();
    ASSERT_EQ(rk::create_topic(b, "admin-a", 3, {{"retention.ms", "123456"}}), RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(rk::create_topic(b, "admin-a", 3), RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
    EXPECT_EQ(rk::create_topic(b, "admin-bad", 0), RD_KAFKA_RESP_ERR_INVALID_PARTITIONS);
    rd_kafka_resp_err_t err{};
    auto configs = rk::describe_topic_configs(b, "admin-a", &err);
    ASSERT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
    EXPECT_EQ(configs["retention.ms"], "123456");
    EXPECT_TRUE(configs.count("cleanup.policy")) << "DescribeConfigs should list defaults too";
    auto topics = rk::list_topics(b, &err);
    ASSERT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_NE(std::find(topics.begin(), topics.end(), "admin-a"), topics.end());
    ASSERT_EQ(rk::delete_topic(b, "admin-a"), RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(rk::delete_topic(b, "admin-a"), RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
    topics = rk::list_topics(b, &err);
    EXPECT_EQ(std::find(topics.begin(), topics.end(), "admin-a"), topics.end());
}

}  // namespace
}  // namespace eddy::testing
