// The /v1 admin API in-process: the routes of v1_topics.cc and v1_groups.cc on a real broker and group
// service (fault-injecting in-memory file system, manual clock; 1 and 2 shards), requests dispatched
// through the router as the connection would. Shapes, status codes and the error shape of every endpoint;
// stats, assignments and lag read back through the API after producing and committing.
#include <chrono>
#include <memory>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "coord/broker.h"
#include "coord/codec.h"
#include "coord/group_service.h"
#include "http/handlers/v1_groups.h"
#include "http/handlers/v1_topics.h"
#include "http/router.h"
#include "io/fault_filesystem.h"
#include "runtime/tests/runtime_fixture.h"
#include "storage/record_batch.h"

namespace eddy::http {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
template <typename T>
using awaitable = asio::awaitable<T>;

struct reply {
    status code;
    json::value body;  // null for an empty body
    std::string location;
};

class v1_test : public runtime::testing::sharded_test {
protected:
    void SetUp() override {
        sharded_test::SetUp();
        pool_ = std::make_unique<runtime::blocking_pool>(1);
        coord::broker_options bo;
        bo.data_dir = "/data";
        broker_ = std::make_unique<coord::broker>(*shards_, *pool_, fs_, clock_, bo);
        coord::group_service_options go;
        go.data_dir = "/data";
        go.home = shard_id{smp() - 1};
        go.groups.initial_rebalance_delay = 0ms;
        groups_ = std::make_unique<coord::group_service>(*shards_, *pool_, fs_, clock_, go);
        add_v1_topic_routes(router_, *broker_);
        add_v1_group_routes(router_, *broker_, *groups_, clock_);
        auto r = run([this]() -> awaitable<result<void>> {
            if (auto b = co_await broker_->start(); !b) co_return b;
            co_return co_await groups_->start();
        });
        ASSERT_TRUE(r) << r.error().message();
    }
    void TearDown() override {
        run([this]() -> awaitable<void> {
            co_await groups_->stop();
            co_await broker_->stop();
        });
        // The services hold timers on the shards' io_contexts: they go before the shards do.
        groups_.reset();
        broker_.reset();
        pool_->stop();
        sharded_test::TearDown();
    }

    reply call(verb method, std::string target, std::string body = {},
               std::string content_type = "application/json") {
        auto res = run([this, method, target, body, content_type]() -> awaitable<response> {
            request req{method, target, 11};
            if (!body.empty()) {
                req.set(beast_http::field::content_type, content_type);
                req.body() = body;
                req.prepare_payload();
            }
            auto out = co_await router_.dispatch(req);
            co_return std::move(out.res);
        });
        reply r{res.result(), nullptr, std::string(res[beast_http::field::location])};
        if (!res.body().empty()) r.body = json::parse(res.body());
        return r;
    }
    reply get(std::string target) { return call(verb::get, std::move(target)); }
    reply post(std::string target, std::string body) { return call(verb::post, std::move(target), std::move(body)); }

    void produce(const std::string& topic, int32_t p, std::vector<int64_t> timestamps) {
        std::vector<storage::record_input> in;
        for (auto ts : timestamps) in.push_back({std::nullopt, std::string("value"), timestamp_ms{ts}, {}});
        coord::produce_request_data req{topic, partition_id{p}, storage::build_batch(in), -1};
        auto r = run([this, req]() -> awaitable<result<coord::produce_outcome>> {
            co_return co_await broker_->produce(req);
        });
        ASSERT_TRUE(r) << r.error().message();
    }

    io::fault_filesystem fs_;
    io::manual_clock clock_;
    std::unique_ptr<runtime::blocking_pool> pool_;
    std::unique_ptr<coord::broker> broker_;
    std::unique_ptr<coord::group_service> groups_;
    router router_;
};

// Every error body has the common shape; returns its error_code.
int64_t error_code(const reply& r) {
    EXPECT_TRUE(r.body.is_object()) << json::serialize(r.body);
    if (!r.body.is_object()) return 0;
    EXPECT_TRUE(r.body.at("message").is_string());
    return r.body.at("error_code").as_int64();
}

TEST_P(v1_test, create_describe_list_and_delete_a_topic) {
    auto empty = get("/v1/topics");
    EXPECT_EQ(empty.code, status::ok);
    EXPECT_EQ(empty.body, json::parse(R"({"topics":[]})"));

    auto created = post("/v1/topics", R"({"name":"orders","partitions":3,
        "configs":{"retention.ms":60000,"cleanup.policy":"delete"}})");
    ASSERT_EQ(created.code, status::created) << json::serialize(created.body);
    EXPECT_EQ(created.location, "/v1/topics/orders");
    const auto& t = created.body.as_object();
    EXPECT_EQ(t.at("name"), "orders");
    EXPECT_EQ(t.at("partitions"), 3);
    EXPECT_EQ(t.at("topic_id").as_string().size(), 36u);
    EXPECT_EQ(t.at("configs"), json::parse(R"({"cleanup.policy":"delete","retention.ms":"60000"})"));
    const auto& parts = t.at("partition_details").as_array();
    ASSERT_EQ(parts.size(), 3u);
    for (int32_t i = 0; i < 3; ++i) {
        const auto& p = parts[static_cast<size_t>(i)].as_object();
        EXPECT_EQ(p.at("partition"), i);
        EXPECT_EQ(p.at("log_start_offset"), 0);
        EXPECT_EQ(p.at("log_end_offset"), 0);
        EXPECT_EQ(p.at("size_bytes"), 0);
        EXPECT_EQ(p.at("shard").as_int64(), runtime::shard_for("orders", partition_id{i}, smp()).value());
    }

    produce("orders", 1, {1000, 2000, 3000});
    produce("orders", 1, {4000});
    auto described = get("/v1/topics/orders");
    ASSERT_EQ(described.code, status::ok);
    const auto& p1 = described.body.at("partition_details").as_array()[1].as_object();
    EXPECT_EQ(p1.at("log_end_offset"), 4);
    EXPECT_EQ(p1.at("high_watermark"), 4);
    EXPECT_GT(p1.at("size_bytes").to_number<int64_t>(), 0);
    EXPECT_EQ(p1.at("segments"), 1);

    ASSERT_EQ(post("/v1/topics", R"({"name":"audit"})").code, status::created);  // default partition count
    EXPECT_EQ(get("/v1/topics").body,
              json::parse(R"({"topics":[{"name":"audit","partitions":1},{"name":"orders","partitions":3}]})"));

    auto deleted = call(verb::delete_, "/v1/topics/orders");
    EXPECT_EQ(deleted.code, status::no_content);
    EXPECT_TRUE(deleted.body.is_null());
    auto gone = get("/v1/topics/orders");
    EXPECT_EQ(gone.code, status::not_found);
    EXPECT_EQ(error_code(gone), 40401);
    EXPECT_EQ(error_code(call(verb::delete_, "/v1/topics/orders")), 40401);
}

TEST_P(v1_test, bad_create_requests_get_400_409_415_and_422) {
    ASSERT_EQ(post("/v1/topics", R"({"name":"dup"})").code, status::created);
    auto dup = post("/v1/topics", R"({"name":"dup"})");
    EXPECT_EQ(dup.code, status::conflict);
    EXPECT_EQ(error_code(dup), 409);

    auto malformed = post("/v1/topics", R"({"name":)");
    EXPECT_EQ(malformed.code, status::bad_request);
    EXPECT_EQ(error_code(malformed), 400);
    auto form = call(verb::post, "/v1/topics", R"({"name":"x"})", "application/x-www-form-urlencoded");
    EXPECT_EQ(form.code, status::unsupported_media_type);
    EXPECT_EQ(error_code(form), 415);

    for (const char* body : {R"([1,2])", R"({})", R"({"name":7})", R"({"name":"x","partitions":0})",
                             R"({"name":"x","partitions":"3"})", R"({"name":"x","partitions":3000000000})",
                             R"({"name":"x","partition":3})", R"({"name":"x","configs":[]})",
                             R"({"name":"x","configs":{"retention.ms":[1]}})", R"({"name":"bad name"})",
                             R"({"name":"x","configs":{"no.such.key":"1"}})",
                             R"({"name":"x","configs":{"retention.ms":"-7"}})"}) {
        auto r = post("/v1/topics", body);
        EXPECT_EQ(r.code, status::unprocessable_entity) << body;
        EXPECT_EQ(error_code(r), 422) << body;
    }
    // None of the refused requests created anything.
    EXPECT_EQ(get("/v1/topics").body.at("topics").as_array().size(), 1u);
}

TEST_P(v1_test, patch_configs_sets_and_removes_overrides) {
    ASSERT_EQ(post("/v1/topics", R"({"name":"t","configs":{"cleanup.policy":"compact"}})").code, status::created);
    auto patched = call(verb::patch, "/v1/topics/t/configs", R"({"retention.ms":1000,"cleanup.policy":null})");
    ASSERT_EQ(patched.code, status::ok) << json::serialize(patched.body);
    EXPECT_EQ(patched.body, json::parse(R"({"name":"t","configs":{"retention.ms":"1000"}})"));
    EXPECT_EQ(get("/v1/topics/t").body.at("configs"), json::parse(R"({"retention.ms":"1000"})"));

    auto bad = call(verb::patch, "/v1/topics/t/configs", R"({"retention.ms":1,"no.such.key":"1"})");
    EXPECT_EQ(bad.code, status::unprocessable_entity);
    EXPECT_EQ(get("/v1/topics/t").body.at("configs"), json::parse(R"({"retention.ms":"1000"})"));  // all or none
    EXPECT_EQ(call(verb::patch, "/v1/topics/t/configs", "[]").code, status::unprocessable_entity);
    auto missing = call(verb::patch, "/v1/topics/nope/configs", R"({"retention.ms":1})");
    EXPECT_EQ(missing.code, status::not_found);
    EXPECT_EQ(error_code(missing), 40401);
}

// A ConsumerProtocolAssignment v0 of one topic.
bytes assignment(const std::string& topic, std::vector<int32_t> partitions) {
    coord::record_writer w;
    w.i16(0).i32(1).i16(static_cast<int16_t>(topic.size())).raw(as_bytes(topic));
    w.i32(static_cast<int32_t>(partitions.size()));
    for (auto p : partitions) w.i32(p);
    w.i32(-1);
    return w.take();
}

TEST_P(v1_test, groups_show_members_assignments_and_lag) {
    EXPECT_EQ(get("/v1/groups").body, json::parse(R"({"groups":[]})"));
    ASSERT_EQ(post("/v1/topics", R"({"name":"orders","partitions":2})").code, status::created);
    const int64_t t0 = clock_.now_ms().value();
    produce("orders", 0, {t0, t0 + 1'000, t0 + 2'000, t0 + 3'000});
    produce("orders", 1, {t0});

    // One consumer-protocol member holding both partitions, with committed offsets 1 and 1.
    auto member = run([this]() -> awaitable<std::string> {
        coord::join_request req{.group_id = "billing", .protocol_type = "consumer"};
        req.protocols.push_back(coord::group_protocol{.name = "range", .metadata = bytes{}});
        req.client_id = "rdkafka";
        req.client_host = "/127.0.0.1";
        req.session_timeout = 300s;  // outlives the manual clock's jumps below
        auto first = co_await groups_->join_group(req);  // v4+: MEMBER_ID_REQUIRED, then join with it
        req.member_id = first.member_id;
        auto joined = co_await groups_->join_group(req);
        EXPECT_EQ(joined.error, coord::errc::none);
        coord::sync_request s{.group_id = "billing", .generation_id = joined.generation_id, .member_id = joined.member_id};
        s.assignments.emplace_back(joined.member_id, assignment("orders", {0, 1}));
        auto synced = co_await groups_->sync_group(s);
        EXPECT_EQ(synced.error, coord::errc::none);
        coord::offset_commit_request c{.group_id = "billing", .generation_id = joined.generation_id,
                                       .member_id = joined.member_id};
        c.offsets.push_back({.tp = {"orders", partition_id{0}}, .value = offset{1}});
        c.offsets.push_back({.tp = {"orders", partition_id{1}}, .value = offset{1}});
        auto committed = co_await groups_->commit_offsets(c);
        EXPECT_EQ(committed.at(0).error, coord::errc::none);
        co_return joined.member_id;
    });
    clock_.advance(10s);

    EXPECT_EQ(get("/v1/groups").body,
              json::parse(R"({"groups":[{"group_id":"billing","state":"Stable","protocol_type":"consumer","members":1}]})"));
    auto g = get("/v1/groups/billing");
    ASSERT_EQ(g.code, status::ok) << json::serialize(g.body);
    auto want = json::parse(R"({"group_id":"billing","state":"Stable","protocol_type":"consumer","protocol":"range",
        "members":[{"member_id":"","client_id":"rdkafka","client_host":"/127.0.0.1",
                    "assignments":[{"topic":"orders","partitions":[0,1]}]}],
        "offsets":[{"topic":"orders","partition":0,"committed_offset":1,"log_start_offset":0,"log_end_offset":4,
                    "lag_messages":3,"lag_seconds":9.0},
                   {"topic":"orders","partition":1,"committed_offset":1,"log_start_offset":0,"log_end_offset":1,
                    "lag_messages":0,"lag_seconds":0.0}],
        "lag_messages":3,"lag_seconds":9.0})");
    want.at("members").as_array()[0].as_object()["member_id"] = member;
    EXPECT_EQ(g.body, want) << json::serialize(g.body);

    auto unknown = get("/v1/groups/nobody");
    EXPECT_EQ(unknown.code, status::not_found);
    EXPECT_EQ(error_code(unknown), 404);

    // A group with members cannot be deleted; once its member has left it can, offsets and all.
    auto busy = call(verb::delete_, "/v1/groups/billing");
    EXPECT_EQ(busy.code, status::conflict);
    EXPECT_EQ(error_code(busy), 409);
    auto left = run([this, member]() -> awaitable<coord::leave_result> {
        std::vector<coord::leave_member> who{{.member_id = member}};
        co_return co_await groups_->leave_group("billing", std::move(who));
    });
    EXPECT_EQ(left.error, coord::errc::none);
    EXPECT_EQ(call(verb::delete_, "/v1/groups/billing").code, status::no_content);
    EXPECT_EQ(get("/v1/groups/billing").code, status::not_found);
    EXPECT_EQ(get("/v1/groups").body, json::parse(R"({"groups":[]})"));
    EXPECT_EQ(call(verb::delete_, "/v1/groups/billing").code, status::not_found);
}

TEST_P(v1_test, groups_answer_503_while_the_coordinator_is_unavailable) {
    fs_.fail_next_sync();  // the offsets log fails: the coordinator stops serving
    auto failed = run([this]() -> awaitable<std::vector<coord::partition_result>> {
        coord::offset_commit_request c{.group_id = "g", .generation_id = -1};
        c.offsets.push_back({.tp = {"t", partition_id{0}}, .value = offset{1}});
        co_return co_await groups_->commit_offsets(c);
    });
    ASSERT_EQ(failed.at(0).error, coord::errc::coordinator_not_available);
    for (auto* target : {"/v1/groups", "/v1/groups/g"}) {
        auto r = get(target);
        EXPECT_EQ(r.code, status::service_unavailable) << target;
        EXPECT_EQ(error_code(r), 503) << target;
    }
    EXPECT_EQ(call(verb::delete_, "/v1/groups/g").code, status::service_unavailable);
}

INSTANTIATE_TEST_SUITE_P(smp, v1_test, runtime::testing::smp_values());

}  // namespace
}  // namespace eddy::http
