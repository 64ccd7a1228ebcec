// Durability under a crash: an idempotent librdkafka producer writes a sustained acks=all stream while
// the server is killed with SIGKILL and restarted on the same data directory. Every record the broker
// acknowledged must be readable afterwards exactly once and in per-partition order. Runs with one shard
// and with two (partitions then live on different shards).
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
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

constexpr int partitions = 4;
constexpr int per_partition = 5000;

// Acknowledged values per partition, in acknowledgement order (delivery reports arrive in order per
// partition).
struct ack_log {
    std::mutex mu;
    std::map<int32_t, std::vector<std::string>> acked;
    std::atomic<int64_t> delivered{0};
    std::atomic<int64_t> failed{0};
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* log = static_cast<ack_log*>(opaque);
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++log->failed;
        return;
    }
    std::lock_guard lock(log->mu);
    log->acked[m->partition].emplace_back(static_cast<const char*>(m->payload), m->len);
    ++log->delivered;
}

void install_delivery(rd_kafka_conf_t* conf, void*) { rd_kafka_conf_set_dr_msg_cb(conf, on_delivery); }

void crash_during_produce(uint32_t smp) {
    eddy_server server(eddy_server::options{.smp = smp, .extra_args = {}});
    ASSERT_TRUE(server.start()) << server.log();
    ASSERT_EQ(rk::create_topic(server.bootstrap(), "durable", partitions), RD_KAFKA_RESP_ERR_NO_ERROR);
    ack_log log;
    // message.timeout.ms bounds how long a record may wait across the restart before failing.
    auto producer = rk::make(RD_KAFKA_PRODUCER, server.bootstrap(),
                             {{"enable.idempotence", "true"}, {"acks", "all"}, {"linger.ms", "2"},
                              {"message.timeout.ms", "45000"}, {"reconnect.backoff.ms", "20"},
                              {"reconnect.backoff.max.ms", "200"}},
                             install_delivery, &log);
    // The writer keeps at most max_outstanding records unacknowledged, so the stream is sustained (the
    // crash hits records in flight, not a queue filled up front). It serves delivery reports itself.
    constexpr int64_t max_outstanding = 2000;
    std::atomic<bool> stop_writer{false};
    std::thread writer([&] {
        int64_t sent = 0;
        for (int i = 0; i < per_partition && !stop_writer; ++i) {
            for (int32_t p = 0; p < partitions; ++p) {
                while (sent - log.delivered - log.failed >= max_outstanding && !stop_writer) {
                    rd_kafka_poll(producer.get(), 5);
                }
                auto v = fmt::format("p{}-{:07}", p, i);
                while (rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC("durable"), RD_KAFKA_V_PARTITION(p),
                                         RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                         RD_KAFKA_V_VALUE(v.data(), v.size()),
                                         RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                    rd_kafka_poll(producer.get(), 10);
                }
                ++sent;
                rd_kafka_poll(producer.get(), 0);
            }
        }
    });
    // Joins the writer on every exit path (a failed ASSERT returns early).
    struct joiner {
        std::thread& t;
        std::atomic<bool>& stop;
        ~joiner() {
            stop = true;
            if (t.joinable()) t.join();
        }
    } join_writer{writer, stop_writer};
    // Crash once a third of the stream is acknowledged, while the rest is in flight.
    auto until = clock::now() + 60s;
    while (log.delivered < partitions * per_partition / 3 && clock::now() < until) rd_kafka_poll(producer.get(), 5);
    ASSERT_GT(log.delivered.load(), 0) << server.log();
    server.kill9();
    int64_t acked_before_crash = log.delivered;
    ASSERT_TRUE(server.start()) << "restart after kill -9 failed:\n" << server.log();
    until = clock::now() + 60s;
    while (log.delivered + log.failed < partitions * per_partition && clock::now() < until) {
        rd_kafka_poll(producer.get(), 5);
    }
    writer.join();
    rd_kafka_flush(producer.get(), 60000);
    producer.reset();

    auto records = rk::read_all(server.bootstrap(), "durable", partitions, 60s);
    std::map<int32_t, std::vector<std::string>> stored;
    for (auto& r : records) stored[r.partition].push_back(std::move(r.value));
    std::lock_guard lock(log.mu);
    EXPECT_GT(log.delivered.load(), acked_before_crash) << "nothing was acknowledged after the restart";
    for (int32_t p = 0; p < partitions; ++p) {
        const auto& got = stored[p];
        // Exactly once: no value twice. In order: values strictly increase along the log.
        std::set<std::string> seen;
        for (size_t i = 0; i < got.size(); ++i) {
            ASSERT_TRUE(seen.insert(got[i]).second) << "partition " << p << " duplicate " << got[i];
            if (i > 0) {
                ASSERT_LT(got[i - 1], got[i]) << "partition " << p << " out of order at " << i;
            }
        }
        for (const auto& v : log.acked[p]) {
            ASSERT_TRUE(seen.count(v)) << "partition " << p << ": acknowledged record " << v << " lost";
        }
    }
    // With idempotence and a long message timeout, nothing should have failed outright.
    EXPECT_EQ(log.failed.load(), 0);
}

TEST(durability_e2e, kill9_during_idempotent_acks_all_produce_one_shard) { crash_during_produce(1); }

TEST(durability_e2e, kill9_during_idempotent_acks_all_produce_two_shards) { crash_during_produce(2); }

}  // namespace
}  // namespace eddy::testing
