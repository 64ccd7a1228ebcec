// Consumer lag (group_lag.h) and its metrics (lag_monitor.h) over a real broker and group service on the
// fault-injecting file system and a manual clock, on 1 and 2 shards: records with known timestamps, a
// group behind by messages and seconds, caught up (0), committed offsets below log start and past log
// end, deleted topics, and the gauges following all of it, removed when their group or topic goes.
#include "coord/group_lag.h"

#include <chrono>
#include <cmath>
#include <memory>

#include <gtest/gtest.h>

#include "coord/broker.h"
#include "coord/group_service.h"
#include "coord/lag_monitor.h"
#include "io/fault_filesystem.h"
#include "observability/prometheus_text.h"
#include "runtime/tests/runtime_fixture.h"
#include "storage/record_batch.h"

namespace eddy::coord {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using runtime::testing::sharded_test;
template <typename T>
using awaitable = asio::awaitable<T>;

class group_lag_test : public sharded_test {
protected:
    void SetUp() override {
        sharded_test::SetUp();
        pool_ = std::make_unique<runtime::blocking_pool>(1);
        broker_options bo;
        bo.data_dir = "/data";
        broker_ = std::make_unique<broker>(*shards_, *pool_, fs_, clock_, bo);
        group_service_options go;
        go.data_dir = "/data";
        go.home = shard_id{smp() - 1};  // with 2 shards the coordinator and shard 0 differ
        groups_ = std::make_unique<group_service>(*shards_, *pool_, fs_, clock_, go);
        registry_ = std::make_unique<observability::metric_registry>(smp());
        // A long interval: after its first pass the monitor refreshes only when the test says so.
        monitor_ = std::make_unique<lag_monitor>(*shards_, *broker_, *groups_, clock_, *registry_,
                                                 lag_monitor_options{.interval = 1h, .home = shard_id{0}});
        auto r = run([this]() -> awaitable<result<void>> {
            if (auto b = co_await broker_->start(); !b) co_return b;
            if (auto g = co_await groups_->start(); !g) co_return g;
            co_return co_await monitor_->start();
        });
        ASSERT_TRUE(r) << r.error().message();
    }
    void TearDown() override {
        run([this]() -> awaitable<void> {
            co_await monitor_->stop();
            co_await groups_->stop();
            co_await broker_->stop();
        });
        // The services hold timers on the shards' io_contexts: they go before the shards do.
        monitor_.reset();
        groups_.reset();
        broker_.reset();
        pool_->stop();
        sharded_test::TearDown();
    }

    void create(const std::string& topic, int32_t partitions) {
        create_topic_request req{.name = topic, .num_partitions = partitions};
        auto r = run([this, req]() -> awaitable<result<topic_info>> { co_return co_await broker_->create_topic(req); });
        ASSERT_TRUE(r) << r.error().message();
    }
    // One batch whose records are stamped with the given timestamps (ms).
    void produce(const std::string& topic, int32_t p, std::vector<int64_t> timestamps) {
        std::vector<storage::record_input> in;
        for (auto ts : timestamps) in.push_back({std::nullopt, std::string("v"), timestamp_ms{ts}, {}});
        produce_request_data req{topic, partition_id{p}, storage::build_batch(in), -1};
        auto r = run([this, req]() -> awaitable<result<produce_outcome>> { co_return co_await broker_->produce(req); });
        ASSERT_TRUE(r) << r.error().message();
    }
    void commit(const std::string& group, const std::string& topic, int32_t p, int64_t o) {
        offset_commit_request req{.group_id = group};
        req.offsets.push_back({.tp = {topic, partition_id{p}}, .value = offset{o}});
        auto r = run([this, req]() -> awaitable<std::vector<partition_result>> {
            co_return co_await groups_->commit_offsets(req);
        });
        ASSERT_EQ(r.size(), 1u);
        ASSERT_EQ(r[0].error, errc::none);
    }
    std::vector<partition_lag> lag(const std::string& group) {
        auto r = run([this, group]() -> awaitable<result<std::vector<partition_lag>>> {
            co_return co_await group_lag(*broker_, *groups_, clock_, group);
        });
        EXPECT_TRUE(r) << r.error().message();
        return r ? *r : std::vector<partition_lag>{};
    }
    void refresh() {
        run([this]() -> awaitable<void> { co_await monitor_->refresh_now(); });
    }
    // The value of one lag series in the exposition text, nullopt when it is not exported.
    std::optional<double> metric(std::string_view name, const std::string& group, const std::string& topic,
                                 int32_t p) const {
        auto text = observability::prometheus_text(*registry_);
        auto key = fmt::format("{}{{group=\"{}\",topic=\"{}\",partition=\"{}\"}} ", name, group, topic, p);
        auto at = text.find(key);
        if (at == std::string::npos) return std::nullopt;
        auto end = text.find('\n', at);
        return std::stod(text.substr(at + key.size(), end - at - key.size()));
    }
    int64_t now() const { return clock_.now_ms().value(); }

    io::fault_filesystem fs_;
    io::manual_clock clock_;
    std::unique_ptr<runtime::blocking_pool> pool_;
    std::unique_ptr<broker> broker_;
    std::unique_ptr<group_service> groups_;
    std::unique_ptr<observability::metric_registry> registry_;
    std::unique_ptr<lag_monitor> monitor_;
};

TEST_P(group_lag_test, lag_in_messages_and_seconds_follows_the_committed_offset) {
    create("orders", 2);
    const int64_t t0 = now();
    produce("orders", 0, {t0, t0 + 1'000, t0 + 2'000});  // offsets 0..2
    produce("orders", 0, {t0 + 3'000, t0 + 4'000});       // offsets 3..4
    produce("orders", 1, {t0 + 500});
    clock_.advance(10s);  // now = t0 + 10 s
    commit("billing", "orders", 0, 1);
    commit("billing", "orders", 1, 1);

    auto l = lag("billing");
    ASSERT_EQ(l.size(), 2u);
    EXPECT_EQ(l[0].tp, (topic_partition{"orders", partition_id{0}}));
    EXPECT_EQ(l[0].committed, offset{1});
    EXPECT_EQ(l[0].log_end, offset{5});
    EXPECT_EQ(l[0].lag_messages, 4);
    ASSERT_TRUE(l[0].lag_seconds);
    EXPECT_DOUBLE_EQ(*l[0].lag_seconds, 9.0);  // the record at offset 1 was stamped t0 + 1 s
    // Partition 1 is caught up.
    EXPECT_EQ(l[1].lag_messages, 0);
    EXPECT_EQ(l[1].lag_seconds, std::optional<double>(0.0));

    // Time passes with nothing consumed: only the seconds grow.
    clock_.advance(5s);
    l = lag("billing");
    EXPECT_EQ(l[0].lag_messages, 4);
    EXPECT_DOUBLE_EQ(*l[0].lag_seconds, 14.0);

    // Into the second batch, then caught up.
    commit("billing", "orders", 0, 4);
    l = lag("billing");
    EXPECT_EQ(l[0].lag_messages, 1);
    EXPECT_DOUBLE_EQ(*l[0].lag_seconds, 11.0);
    commit("billing", "orders", 0, 5);
    l = lag("billing");
    EXPECT_EQ(l[0].lag_messages, 0);
    EXPECT_EQ(l[0].lag_seconds, std::optional<double>(0.0));
}

TEST_P(group_lag_test, offsets_outside_the_log_deleted_topics_and_unknown_groups) {
    create("events", 1);
    const int64_t t0 = now();
    produce("events", 0, {t0, t0 + 1'000});
    produce("events", 0, {t0 + 2'000, t0 + 3'000});
    clock_.advance(10s);
    auto moved = run([this]() -> awaitable<result<offset>> {
        co_return co_await broker_->delete_records("events", partition_id{0}, 2);
    });
    ASSERT_TRUE(moved);
    // Committed below log start: every record from the commit on counts, the oldest one left is at 2.
    commit("old", "events", 0, 0);
    auto l = lag("old");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_EQ(l[0].log_start, offset{2});
    EXPECT_EQ(l[0].lag_messages, 4);
    EXPECT_DOUBLE_EQ(*l[0].lag_seconds, 8.0);
    // Committed past the log end (the log was truncated under it): nothing to consume.
    commit("ahead", "events", 0, 100);
    l = lag("ahead");
    ASSERT_EQ(l.size(), 1u);
    EXPECT_EQ(l[0].lag_messages, 0);
    EXPECT_EQ(l[0].lag_seconds, std::optional<double>(0.0));

    EXPECT_TRUE(lag("nobody").empty());
    auto del = run([this]() -> awaitable<result<void>> { co_return co_await broker_->delete_topic("events"); });
    ASSERT_TRUE(del);
    EXPECT_TRUE(lag("old").empty());  // the commit remains, the topic does not
}

TEST_P(group_lag_test, gauges_publish_each_pass_and_drop_series_that_are_gone) {
    create("orders", 1);
    create("audit", 1);
    const int64_t t0 = now();
    produce("orders", 0, {t0, t0 + 1'000, t0 + 2'000});
    produce("audit", 0, {t0});
    clock_.advance(4s);
    commit("billing", "orders", 0, 1);
    commit("billing", "audit", 0, 0);
    commit("reports", "orders", 0, 3);

    // Nothing changes in the metrics until a pass runs: they are a snapshot, not a live read.
    EXPECT_EQ(metric("eddy_consumer_group_lag_messages", "billing", "orders", 0), std::nullopt);
    refresh();
    EXPECT_EQ(metric("eddy_consumer_group_lag_messages", "billing", "orders", 0), 2.0);
    EXPECT_EQ(metric("eddy_consumer_group_lag_seconds", "billing", "orders", 0), 3.0);
    EXPECT_EQ(metric("eddy_consumer_group_lag_messages", "billing", "audit", 0), 1.0);
    EXPECT_EQ(metric("eddy_consumer_group_lag_seconds", "billing", "audit", 0), 4.0);
    EXPECT_EQ(metric("eddy_consumer_group_lag_messages", "reports", "orders", 0), 0.0);
    EXPECT_EQ(metric("eddy_consumer_group_lag_seconds", "reports", "orders", 0), 0.0);

    clock_.advance(2s);
    commit("billing", "orders", 0, 3);
    refresh();
    EXPECT_EQ(metric("eddy_consumer_group_lag_messages", "billing", "orders", 0), 0.0);
    EXPECT_EQ(metric("eddy_consumer_group_lag_seconds", "billing", "orders", 0), 0.0);
    EXPECT_EQ(metric("eddy_consumer_group_lag_seconds", "billing", "audit", 0), 6.0);

    // A deleted topic's series go at the next pass; so do a deleted group's.
    ASSERT_TRUE(run([this]() -> awaitable<result<void>> { co_return co_await broker_->delete_topic("audit"); }));
    auto deleted = run([this]() -> awaitable<std::vector<std::pair<std::string, errc>>> {
        std::vector<std::string> ids{"reports"};
        co_return co_await groups_->delete_groups(std::move(ids));
    });
    ASSERT_EQ(deleted.at(0).second, errc::none);
    refresh();
    EXPECT_EQ(metric("eddy_consumer_group_lag_messages", "billing", "audit", 0), std::nullopt);
    EXPECT_EQ(metric("eddy_consumer_group_lag_seconds", "billing", "audit", 0), std::nullopt);
    EXPECT_EQ(metric("eddy_consumer_group_lag_messages", "reports", "orders", 0), std::nullopt);
    EXPECT_EQ(metric("eddy_consumer_group_lag_messages", "billing", "orders", 0), 0.0);

    // Stopping the monitor removes everything it exported.
    run([this]() -> awaitable<void> { co_await monitor_->stop(); });
    EXPECT_EQ(metric("eddy_consumer_group_lag_messages", "billing", "orders", 0), std::nullopt);
    monitor_ = std::make_unique<lag_monitor>(*shards_, *broker_, *groups_, clock_, *registry_,
                                             lag_monitor_options{.interval = 1h, .home = shard_id{0}});
    auto again = run([this]() -> awaitable<result<void>> { co_return co_await monitor_->start(); });
    ASSERT_TRUE(again) << again.error().message();
}

TEST_P(group_lag_test, the_loop_refreshes_on_its_own_interval) {
    run([this]() -> awaitable<void> { co_await monitor_->stop(); });
    monitor_ = std::make_unique<lag_monitor>(*shards_, *broker_, *groups_, clock_, *registry_,
                                             lag_monitor_options{.interval = 5ms, .home = shard_id{0}});
    ASSERT_TRUE(run([this]() -> awaitable<result<void>> { co_return co_await monitor_->start(); }));
    create("orders", 1);
    produce("orders", 0, {now(), now()});
    commit("billing", "orders", 0, 0);
    EXPECT_TRUE(runtime::testing::wait_until(
        [this] { return metric("eddy_consumer_group_lag_messages", "billing", "orders", 0) == 2.0; }));
    commit("billing", "orders", 0, 2);
    EXPECT_TRUE(runtime::testing::wait_until(
        [this] { return metric("eddy_consumer_group_lag_messages", "billing", "orders", 0) == 0.0; }));
}

INSTANTIATE_TEST_SUITE_P(smp, group_lag_test, runtime::testing::smp_values());

}  // namespace
}  // namespace eddy::coord
