// group_service over the fault-injecting file system and a manual clock, on 1 and 2 shards (the test
// body runs on shard 0; with 2 shards the service lives on shard 1, so every call crosses shards).
#include "coord/group_service.h"

#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <gtest/gtest.h>

#include "coord/group_records.h"
#include "io/fault_filesystem.h"
#include "runtime/tests/runtime_fixture.h"

namespace eddy::coord {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using runtime::testing::sharded_test;
using runtime::testing::yield_until;

class group_service_test : public sharded_test {
protected:
    void SetUp() override {
        sharded_test::SetUp();
        pool_ = std::make_unique<runtime::blocking_pool>(1);
        options_.data_dir = "/data";
        options_.home = shard_id{smp() - 1};
        options_.seed = 7;
        options_.groups.initial_rebalance_delay = 0ms;
        options_.max_tick_interval = 2ms;
    }
    void TearDown() override {
        if (svc_) run([this]() -> asio::awaitable<void> { co_await svc_->stop(); });
        svc_.reset();
        pool_->stop();
        sharded_test::TearDown();
    }

    // (Re)starts the service on the same file system; the previous one is stopped first.
    void restart() {
        if (svc_) run([this]() -> asio::awaitable<void> { co_await svc_->stop(); });
        svc_ = std::make_unique<group_service>(*shards_, *pool_, fs_, clock_, options_);
        auto r = run([this]() -> asio::awaitable<result<void>> { co_return co_await svc_->start(); });
        ASSERT_TRUE(r) << r.error().context;
    }

    std::vector<partition_result> commit(const std::string& group, const std::string& topic, int32_t p, int64_t o,
                                         std::optional<std::string> metadata = {}) {
        offset_commit_request req{.group_id = group};
        req.offsets.push_back({.tp = {topic, partition_id{p}}, .value = offset{o}, .metadata = std::move(metadata)});
        return run([this, req]() -> asio::awaitable<std::vector<partition_result>> {
            co_return co_await svc_->commit_offsets(req);
        });
    }

    offset_fetch_result fetch(const std::string& group) {
        return run([this, group]() -> asio::awaitable<offset_fetch_result> {
            co_return co_await svc_->fetch_offsets(group, std::nullopt);
        });
    }

    group_description describe(const std::string& group) {
        auto all = run([this, group]() -> asio::awaitable<std::vector<group_description>> {
            std::vector<std::string> ids{group};
            co_return co_await svc_->describe_groups(std::move(ids));
        });
        return all.at(0);
    }

    join_result join(join_request req) {
        return run([this, req]() -> asio::awaitable<join_result> { co_return co_await svc_->join_group(req); });
    }

    // Joins as the only member (v4 flow: MEMBER_ID_REQUIRED first) and syncs as leader.
    std::string join_and_sync(const std::string& group, bytes assignment) {
        join_request req{.group_id = group, .protocol_type = "consumer"};
        req.protocols.push_back(group_protocol{.name = "range", .metadata = bytes{1, 2}});
        req.api_version = 4;
        auto first = join(req);
        EXPECT_EQ(first.error, errc::member_id_required);
        req.member_id = first.member_id;
        auto second = join(req);
        EXPECT_EQ(second.error, errc::none);
        EXPECT_EQ(second.leader_id, second.member_id);
        sync_request s{.group_id = group, .generation_id = second.generation_id, .member_id = second.member_id};
        s.assignments.emplace_back(second.member_id, std::move(assignment));
        auto synced = run([this, s]() -> asio::awaitable<sync_result> { co_return co_await svc_->sync_group(s); });
        EXPECT_EQ(synced.error, errc::none);
        return second.member_id;
    }

    io::fault_filesystem fs_;
    io::manual_clock clock_;
    std::unique_ptr<runtime::blocking_pool> pool_;
    group_service_options options_;
    std::unique_ptr<group_service> svc_;
};

TEST_P(group_service_test, committed_offsets_survive_restart) {
    restart();
    ASSERT_EQ(commit("g", "t", 0, 42, "meta").at(0).error, errc::none);
    ASSERT_EQ(commit("g", "t", 1, 7).at(0).error, errc::none);
    ASSERT_EQ(commit("g", "t", 0, 43, "meta2").at(0).error, errc::none);
    auto before = fetch("g");
    ASSERT_EQ(before.offsets.size(), 2u);

    restart();
    auto after = fetch("g");
    ASSERT_EQ(after.error, errc::none);
    ASSERT_EQ(after.offsets.size(), 2u);
    EXPECT_EQ(after.offsets[0].tp, (topic_partition{"t", partition_id{0}}));
    EXPECT_EQ(after.offsets[0].value, offset{43});
    EXPECT_EQ(after.offsets[0].metadata, std::optional<std::string>("meta2"));
    EXPECT_EQ(after.offsets[1].value, offset{7});
}

TEST_P(group_service_test, acknowledged_commit_survives_a_crash) {
    restart();
    ASSERT_EQ(commit("g", "t", 0, 100).at(0).error, errc::none);
    run([this]() -> asio::awaitable<void> { co_await svc_->stop(); });
    svc_.reset();
    fs_.crash();  // loses everything not synced
    fs_.restart();
    restart();
    auto got = fetch("g");
    ASSERT_EQ(got.offsets.size(), 1u);
    EXPECT_EQ(got.offsets[0].value, offset{100});
}

TEST_P(group_service_test, fsync_failure_is_not_acknowledged_and_stops_serving) {
    restart();
    ASSERT_EQ(commit("g", "t", 0, 1).at(0).error, errc::none);
    fs_.fail_next_sync();
    EXPECT_EQ(commit("g", "t", 0, 2).at(0).error, errc::coordinator_not_available);
    EXPECT_EQ(fetch("g").error, errc::coordinator_not_available);
    run([this]() -> asio::awaitable<void> { co_await svc_->stop(); });
    svc_.reset();
    fs_.clear_faults();
    fs_.crash();  // the unacknowledged commit may or may not survive a clean reopen; after a crash it is gone
    fs_.restart();
    restart();  // reopening the log serves again, from what is durable
    auto got = fetch("g");
    ASSERT_EQ(got.error, errc::none);
    ASSERT_EQ(got.offsets.size(), 1u);
    EXPECT_EQ(got.offsets[0].value, offset{1});
}

TEST_P(group_service_test, rebalance_through_the_service_and_metadata_survives_restart) {
    restart();
    auto member = join_and_sync("g", bytes{9, 9});
    auto d = describe("g");
    EXPECT_EQ(d.state, group_state::stable);
    ASSERT_EQ(d.members.size(), 1u);
    EXPECT_EQ(d.members[0].assignment, (bytes{9, 9}));

    restart();
    d = describe("g");
    EXPECT_EQ(d.state, group_state::stable);
    ASSERT_EQ(d.members.size(), 1u);
    EXPECT_EQ(d.members[0].member_id, member);
    auto hb = run([this, member]() -> asio::awaitable<errc> {
        heartbeat_request hb{.group_id = "g", .generation_id = 1, .member_id = member};
        co_return co_await svc_->heartbeat(std::move(hb));
    });
    EXPECT_EQ(hb, errc::none);
}

TEST_P(group_service_test, session_timeout_fires_from_the_service_timer) {
    restart();
    join_and_sync("g", bytes{1});
    ASSERT_EQ(describe("g").state, group_state::stable);
    clock_.advance(11s);  // past the default 10 s session timeout; the timer notices within max_tick_interval
    auto emptied = run([this]() -> asio::awaitable<bool> {
        auto end = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < end) {
            std::vector<std::string> ids{"g"};
            auto all = co_await svc_->describe_groups(std::move(ids));
            if (all.at(0).state == group_state::empty) co_return true;
            co_await runtime::yield();
        }
        co_return false;
    });
    EXPECT_TRUE(emptied);
}

TEST_P(group_service_test, stop_answers_a_waiting_join) {
    options_.groups.initial_rebalance_delay = 3s;  // the manual clock never gets there
    restart();
    auto r = run([this]() -> asio::awaitable<join_result> {
        auto result = std::make_shared<std::optional<join_result>>();
        join_request req{.group_id = "g", .protocol_type = "consumer"};
        req.protocols.push_back(group_protocol{.name = "range", .metadata = {}});
        req.api_version = 3;  // no MEMBER_ID_REQUIRED round trip: the join waits for the delay
        auto joining = [this, req, result]() -> asio::awaitable<void> {
            auto r = co_await svc_->join_group(req);
            result->emplace(std::move(r));
        };
        auto ex = co_await asio::this_coro::executor;
        asio::co_spawn(ex, std::move(joining), asio::detached);
        for (int i = 0; i < 100; ++i) co_await runtime::yield();
        EXPECT_FALSE(result->has_value());
        co_await svc_->stop();
        std::function<bool()> answered_yet = [result] { return result->has_value(); };  // named: runtime/unwrap.h
        bool answered = co_await yield_until(std::move(answered_yet));
        EXPECT_TRUE(answered);
        join_result out;
        if (result->has_value()) out = **result;
        co_return out;
    });
    EXPECT_EQ(r.error, errc::coordinator_not_available);
    svc_.reset();
}

TEST_P(group_service_test, compaction_shrinks_the_log_and_keeps_the_latest_offsets) {
    options_.log.segment_bytes = 1024;
    restart();
    for (int i = 0; i < 200; ++i) ASSERT_EQ(commit("g", "t", i % 2, i).at(0).error, errc::none);
    auto before = run([this]() -> asio::awaitable<size_t> { co_return co_await svc_->log_segments(); });
    auto compacted = run([this]() -> asio::awaitable<result<void>> { co_return co_await svc_->compact_now(); });
    ASSERT_TRUE(compacted) << compacted.error().context;
    auto after = run([this]() -> asio::awaitable<size_t> { co_return co_await svc_->log_segments(); });
    EXPECT_LT(after, before);

    restart();
    auto got = fetch("g");
    ASSERT_EQ(got.offsets.size(), 2u);
    EXPECT_EQ(got.offsets[0].value, offset{198});
    EXPECT_EQ(got.offsets[1].value, offset{199});
}

TEST_P(group_service_test, deleted_group_stays_deleted_after_restart) {
    restart();
    ASSERT_EQ(commit("g", "t", 0, 5).at(0).error, errc::none);
    auto deleted = run([this]() -> asio::awaitable<std::vector<std::pair<std::string, errc>>> {
        std::vector<std::string> ids{"g"};
        co_return co_await svc_->delete_groups(std::move(ids));
    });
    ASSERT_EQ(deleted.at(0).second, errc::none);
    restart();
    EXPECT_TRUE(fetch("g").offsets.empty());
    auto listed = run([this]() -> asio::awaitable<list_groups_result> {
        std::vector<group_state> all;
        co_return co_await svc_->list_groups(std::move(all));
    });
    EXPECT_EQ(listed.error, errc::none);
    EXPECT_TRUE(listed.groups.empty());
}

INSTANTIATE_TEST_SUITE_P(smp, group_service_test, runtime::testing::smp_values());

}  // namespace
}  // namespace eddy::coord
