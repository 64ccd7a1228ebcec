// The broker core over the fault-injecting (in-memory) file system and a manual clock, on 1 and 2
// shards: produce/read/list offsets, persistence of the catalog and data across a restart, auto-creation,
// idempotent dedup, LogAppendTime, size limits, deletes, partition stats, a cross-shard long poll, and
// which acks wait for the fsync.
#include "coord/broker.h"

#include <chrono>
#include <memory>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <gtest/gtest.h>

#include "coord/errc.h"
#include "io/fault_filesystem.h"
#include "observability/prometheus_text.h"
#include "runtime/tests/runtime_fixture.h"
#include "storage/errc.h"
#include "storage/record_batch.h"

namespace eddy::coord {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using runtime::testing::sharded_test;
template <typename T>
using awaitable = asio::awaitable<T>;

bytes batch_of(std::vector<std::string> values, storage::batch_options opts = {}) {
    std::vector<storage::record_input> in;
    for (auto& v : values) in.push_back({std::string("k-") + v, v, timestamp_ms{1000}, {}});
    return storage::build_batch(in, opts);
}

class broker_test : public sharded_test {
protected:
    void SetUp() override {
        sharded_test::SetUp();
        pool_ = std::make_unique<runtime::blocking_pool>(1);
        options_.data_dir = "/data";
        options_.topic_id_seed = 1;
        restart();
    }
    void TearDown() override {
        stop();
        pool_->stop();
        sharded_test::TearDown();
    }
    void stop() {
        if (b_) run([this]() -> awaitable<void> { co_await b_->stop(); });
        b_.reset();
    }
    void restart() {
        stop();
        b_ = std::make_unique<broker>(*shards_, *pool_, fs_, clock_, options_);
        auto r = run([this]() -> awaitable<result<void>> { co_return co_await b_->start(); });
        ASSERT_TRUE(r) << r.error().message();
    }
    result<topic_info> create(const std::string& name, int32_t partitions, config_entries configs = {}) {
        create_topic_request req{.name = name, .num_partitions = partitions, .configs = std::move(configs)};
        return run([this, req]() -> awaitable<result<topic_info>> { co_return co_await b_->create_topic(req); });
    }
    result<produce_outcome> produce(const std::string& t, int32_t p, bytes data, int16_t acks = -1) {
        produce_request_data req{t, partition_id{p}, std::move(data), acks};
        return run([this, req]() -> awaitable<result<produce_outcome>> { co_return co_await b_->produce(req); });
    }
    result<fetch_outcome> read(const std::string& t, int32_t p, int64_t from) {
        return run([this, t, p, from]() -> awaitable<result<fetch_outcome>> {
            co_return co_await b_->read(t, partition_id{p}, offset{from}, 1 << 20);
        });
    }
    result<listed_offset> listed(const std::string& t, int32_t p, int64_t ts) {
        return run([this, t, p, ts]() -> awaitable<result<listed_offset>> {
            co_return co_await b_->lookup_offset(t, partition_id{p}, ts);
        });
    }
    result<offset> list(const std::string& t, int32_t p, int64_t ts) {
        return run([this, t, p, ts]() -> awaitable<result<offset>> {
            co_return co_await b_->list_offset(t, partition_id{p}, ts);
        });
    }

    io::fault_filesystem fs_;
    io::manual_clock clock_;
    std::unique_ptr<runtime::blocking_pool> pool_;
    broker_options options_;
    std::unique_ptr<broker> b_;
};

TEST_P(broker_test, produce_read_and_list_offsets_survive_restart) {
    auto created = create("orders", 3);
    ASSERT_TRUE(created);
    EXPECT_NE(created->id, topic_id{});
    for (int32_t p = 0; p < 3; ++p) {
        auto a = produce("orders", p, batch_of({"a", "b"}));
        ASSERT_TRUE(a) << a.error().message();
        EXPECT_EQ(a->base, offset{0});
        auto b = produce("orders", p, batch_of({"c"}));
        ASSERT_TRUE(b);
        EXPECT_EQ(b->base, offset{2});
    }
    restart();
    auto topics = run([this]() -> awaitable<std::vector<topic_info>> { co_return co_await b_->list_topics(); });
    ASSERT_EQ(topics.size(), 1u);
    EXPECT_EQ(topics[0].partitions, 3);
    EXPECT_EQ(topics[0].id, created->id) << "Metadata v10+ and CreateTopics v7 show a stable topic id";
    for (int32_t p = 0; p < 3; ++p) {
        auto r = read("orders", p, 2);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->high_watermark, offset{3});
        auto h = storage::parse_header(r->data);
        ASSERT_TRUE(h);
        EXPECT_EQ(h->base_offset, 2);
        EXPECT_EQ(*list("orders", p, latest_timestamp), offset{3});
        EXPECT_EQ(*list("orders", p, earliest_timestamp), offset{0});
    }
    EXPECT_FALSE(read("orders", 0, 4));
    EXPECT_FALSE(read("orders", 3, 0));
}

TEST_P(broker_test, list_offsets_by_timestamp_and_max_timestamp) {
    ASSERT_TRUE(create("ts", 1));
    EXPECT_EQ(*listed("ts", 0, max_timestamp), listed_offset{}) << "empty: no record qualifies";
    auto at = [](std::vector<int64_t> times) {
        std::vector<storage::record_input> in;
        for (auto ts : times) in.push_back({std::nullopt, "v", timestamp_ms{ts}, {}});
        return storage::build_batch(in);
    };
    ASSERT_TRUE(produce("ts", 0, at({100, 300, 200})));  // offsets 0..2
    ASSERT_TRUE(produce("ts", 0, at({50, 300})));        // 3..4: 300 again, later
    EXPECT_EQ(*listed("ts", 0, max_timestamp), (listed_offset{offset{1}, 300})) << "the first record with it";
    EXPECT_EQ(*listed("ts", 0, 150), (listed_offset{offset{1}, 300}));
    EXPECT_EQ(*listed("ts", 0, 100), (listed_offset{offset{0}, 100}));
    EXPECT_EQ(*listed("ts", 0, 301), listed_offset{}) << "nothing at or after: -1, not the high watermark";
    EXPECT_EQ(*list("ts", 0, 301), offset{-1});
    EXPECT_EQ(*listed("ts", 0, latest_timestamp), listed_offset{offset{5}});
    EXPECT_EQ(*listed("ts", 0, earliest_local_timestamp), listed_offset{offset{0}});
    auto bad = listed("ts", 0, -7);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, make_error_code(errc::invalid_request));
}

TEST_P(broker_test, produce_auto_creates_topics_unless_disabled) {
    auto a = produce("fresh", 0, batch_of({"x"}));
    ASSERT_TRUE(a) << a.error().message();
    EXPECT_EQ(a->base, offset{0});
    auto bad = produce("bad name!", 0, batch_of({"x"}));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, make_error_code(errc::invalid_topic));
    options_.auto_create_topics = false;
    restart();
    auto c = produce("other", 0, batch_of({"x"}));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, make_error_code(errc::unknown_topic_or_partition));
    EXPECT_TRUE(produce("fresh", 0, batch_of({"y"})));
}

TEST_P(broker_test, idempotent_retries_are_deduplicated_across_restart) {
    ASSERT_TRUE(create("t", 1));
    auto pid = run([this]() -> awaitable<producer_identity> { co_return co_await b_->init_producer_id(); });
    storage::batch_options o{.producer_id = pid.id.value(), .producer_epoch = pid.epoch, .base_sequence = 0};
    auto first = produce("t", 0, batch_of({"a", "b"}, o));
    ASSERT_TRUE(first);
    auto again = produce("t", 0, batch_of({"a", "b"}, o));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->base, first->base);
    restart();
    auto after = produce("t", 0, batch_of({"a", "b"}, o));
    ASSERT_TRUE(after);
    EXPECT_EQ(after->base, first->base);
    o.base_sequence = 5;
    auto gap = produce("t", 0, batch_of({"c"}, o));
    ASSERT_FALSE(gap);
    EXPECT_EQ(gap.error().code, make_error_code(errc::out_of_order_sequence_number));
    EXPECT_EQ(*list("t", 0, latest_timestamp), offset{2});
    auto next = run([this]() -> awaitable<producer_identity> { co_return co_await b_->init_producer_id(); });
    EXPECT_NE(next.id, pid.id);
}

TEST_P(broker_test, log_append_time_topics_rewrite_the_timestamp_and_crc) {
    ASSERT_TRUE(create("lat", 1, {{"message.timestamp.type", "LogAppendTime"}}));
    auto a = produce("lat", 0, batch_of({"a"}));
    ASSERT_TRUE(a);
    EXPECT_EQ(a->log_append_time, clock_.now_ms().value());
    auto r = read("lat", 0, 0);
    ASSERT_TRUE(r);
    auto h = storage::validate_batch(r->data, storage::validation::stored);
    ASSERT_TRUE(h) << h.error().message();
    EXPECT_TRUE(h->is_log_append_time());
    EXPECT_EQ(h->max_timestamp, clock_.now_ms().value());
}

TEST_P(broker_test, oversized_and_corrupt_batches_are_rejected) {
    ASSERT_TRUE(create("small", 1, {{"max.message.bytes", "100"}}));
    auto big = produce("small", 0, batch_of({std::string(200, 'x')}));
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, make_error_code(storage::errc::message_too_large));
    auto bad = batch_of({"a"});
    bad.back() ^= 0xff;
    auto corrupt = produce("small", 0, bad);
    ASSERT_FALSE(corrupt);
    EXPECT_EQ(corrupt.error().code, make_error_code(storage::errc::crc_mismatch));
    EXPECT_EQ(*list("small", 0, latest_timestamp), offset{0});
}

TEST_P(broker_test, delete_topic_removes_its_files_and_delete_records_moves_the_start) {
    ASSERT_TRUE(create("gone", 2));
    ASSERT_TRUE(produce("gone", 1, batch_of({"a", "b", "c"})));
    auto moved = run([this]() -> awaitable<result<offset>> { co_return co_await b_->delete_records("gone", partition_id{1}, 2); });
    ASSERT_TRUE(moved);
    EXPECT_EQ(*moved, offset{2});
    EXPECT_EQ(*list("gone", 1, earliest_timestamp), offset{2});
    auto del = run([this]() -> awaitable<result<void>> { co_return co_await b_->delete_topic("gone"); });
    ASSERT_TRUE(del);
    EXPECT_FALSE(*fs_.exists("/data/topics/gone"));
    restart();
    auto topics = run([this]() -> awaitable<std::vector<topic_info>> { co_return co_await b_->list_topics(); });
    EXPECT_TRUE(topics.empty());
}

TEST_P(broker_test, describe_partition_reports_offsets_size_segments_and_owner) {
    auto created = create("stats", 2, {{"segment.bytes", "1024"}});
    ASSERT_TRUE(created) << created.error().message();
    const std::string big(300, 'x');
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(produce("stats", 1, batch_of({big, big})));
    auto describe = [this](int32_t p) {
        return run([this, p]() -> awaitable<result<partition_stats>> {
            co_return co_await b_->describe_partition("stats", partition_id{p});
        });
    };
    auto empty = describe(0);
    ASSERT_TRUE(empty) << empty.error().message();
    EXPECT_EQ(empty->log_start, offset{0});
    EXPECT_EQ(empty->log_end, offset{0});
    EXPECT_EQ(empty->size_bytes, 0u);
    EXPECT_EQ(empty->owner, runtime::shard_for("stats", partition_id{0}, smp()));
    auto full = describe(1);
    ASSERT_TRUE(full);
    EXPECT_EQ(full->log_end, offset{8});
    EXPECT_EQ(full->size_bytes, 4 * batch_of({big, big}).size());
    EXPECT_GT(full->segments, 1u);  // 1 KiB segments roll
    EXPECT_EQ(full->owner, runtime::shard_for("stats", partition_id{1}, smp()));
    ASSERT_TRUE(run([this]() -> awaitable<result<offset>> { co_return co_await b_->delete_records("stats", partition_id{1}, 4); }));
    EXPECT_EQ(describe(1)->log_start, offset{4});
    auto missing = describe(2);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, make_error_code(errc::unknown_topic_or_partition));
}

TEST_P(broker_test, long_poll_wakes_on_an_append_from_another_shard) {
    ASSERT_TRUE(create("poll", 4));
    auto woke = run([this]() -> awaitable<bool> {
        produce_request_data req;
        req.topic = std::string("poll");
        req.partition = partition_id{3};
        req.batches = batch_of({"a"});
        req.acks = 1;
        auto appender = [this, req]() -> awaitable<void> { co_await b_->produce(req); };
        asio::co_spawn(co_await asio::this_coro::executor, std::move(appender), asio::detached);
        const std::string topic = "poll";
        std::vector<watch_point> pts;
        pts.push_back(watch_point{topic, partition_id{0}, offset{0}});
        pts.push_back(watch_point{topic, partition_id{3}, offset{0}});
        auto t0 = std::chrono::steady_clock::now();
        co_await b_->wait_for_any(pts, t0 + 10s);
        co_return std::chrono::steady_clock::now() - t0 < 5s;
    });
    EXPECT_TRUE(woke);
    auto timed_out = run([this]() -> awaitable<bool> {
        auto t0 = std::chrono::steady_clock::now();
        const std::string topic = "poll";
        std::vector<watch_point> pts;
        pts.push_back(watch_point{topic, partition_id{1}, offset{0}});
        co_await b_->wait_for_any(pts, t0 + 50ms);
        co_return std::chrono::steady_clock::now() - t0 >= 50ms;
    });
    EXPECT_TRUE(timed_out);
}

TEST_P(broker_test, metrics_count_appends_reads_and_fsyncs_and_a_deleted_topic_leaves_no_series) {
    observability::metric_registry registry(smp());
    options_.registry = &registry;
    restart();
    ASSERT_TRUE(create("m", 2));
    auto b1 = batch_of({"a", "b", "c"});
    auto b2 = batch_of({"d"});
    ASSERT_TRUE(produce("m", 1, b1));
    ASSERT_TRUE(produce("m", 1, b2));
    ASSERT_TRUE(read("m", 1, 0));
    ASSERT_TRUE(run([this]() -> awaitable<result<offset>> { co_return co_await b_->delete_records("m", partition_id{1}, 1); }));
    auto value = [&](const std::string& series) -> std::optional<double> {
        auto text = observability::prometheus_text(registry);
        auto at = text.find("\n" + series + " ");
        if (at == std::string::npos) return std::nullopt;
        return std::stod(text.substr(at + series.size() + 2));
    };
    auto p = [](const std::string& name, int partition) {
        return name + "{topic=\"m\",partition=\"" + std::to_string(partition) + "\"}";
    };
    EXPECT_EQ(value(p("eddy_partition_appended_records_total", 1)), 4.0);
    EXPECT_EQ(value(p("eddy_partition_appended_bytes_total", 1)), static_cast<double>(b1.size() + b2.size()));
    EXPECT_EQ(value(p("eddy_partition_read_records_total", 1)), 4.0);
    EXPECT_EQ(value(p("eddy_partition_read_bytes_total", 1)), static_cast<double>(b1.size() + b2.size()));
    EXPECT_EQ(value(p("eddy_partition_log_end_offset", 1)), 4.0);
    EXPECT_EQ(value(p("eddy_partition_log_start_offset", 1)), 1.0);
    EXPECT_EQ(value(p("eddy_partition_log_segments", 1)), 1.0);
    EXPECT_EQ(value(p("eddy_partition_log_size_bytes", 1)), static_cast<double>(b1.size() + b2.size()));
    EXPECT_EQ(value(p("eddy_partition_appended_records_total", 0)), 0.0);
    EXPECT_EQ(value(p("eddy_partition_log_end_offset", 0)), 0.0);
    // acks=all under the default `always` policy: each produce waited for a group-commit fsync.
    EXPECT_GE(value("eddy_storage_fsyncs_total").value_or(0), 2.0);
    EXPECT_GE(value("eddy_storage_fsync_bytes_sum").value_or(0), static_cast<double>(b1.size() + b2.size()));

    ASSERT_TRUE(run([this]() -> awaitable<result<void>> { co_return co_await b_->delete_topic("m"); }));
    EXPECT_EQ(observability::prometheus_text(registry).find("topic=\"m\""), std::string::npos);
    ASSERT_TRUE(create("m", 1));
    EXPECT_EQ(value(p("eddy_partition_appended_records_total", 0)), 0.0) << "a new topic starts from zero";
    stop();
}

TEST_P(broker_test, acks_1_is_answered_once_appended_and_its_fsync_follows_unawaited) {
    // Under the default `always` policy acks=all waits for the fsync, acks=1 does not: with every fsync of
    // the topic failing, the acks=1 produce still succeeds (the failure then stops the log, and the acks=all
    // produce after it fails).
    ASSERT_TRUE(create("fails", 1));
    fs_.fail_syncs_where([](const std::string& path) { return path.find("/fails/") != std::string::npos; });
    ASSERT_TRUE(produce("fails", 0, batch_of({"a"}), 1));
    auto durable = produce("fails", 0, batch_of({"b"}), -1);
    ASSERT_FALSE(durable);
    fs_.clear_faults();

    // Without faults the fsync covering an acks=1 batch runs by itself, soon.
    ASSERT_TRUE(create("later", 1));
    ASSERT_TRUE(produce("later", 0, batch_of({"a", "b"}), 1));
    const std::string path =
        storage::partition_directory("/data", "later", partition_id{0}) + "/" + storage::segment_file_name(offset{0}, ".log");
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (fs_.unsynced_tail(path) > 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    EXPECT_EQ(fs_.unsynced_tail(path), 0u) << "the acks=1 batch was never fsynced";
}

INSTANTIATE_TEST_SUITE_P(smp, broker_test, runtime::testing::smp_values());

}  // namespace
}  // namespace eddy::coord
