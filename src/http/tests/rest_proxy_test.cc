// The Confluent REST Proxy v2 API in-process (1 and 2 shards): the HTTP server with a broker and the
// group coordinator over an in-memory file system and a manual clock, driven over loopback by a plain
// HTTP client. Topic metadata, producing (binary and JSON, partitioning, errors), consumer instances
// (subscribe, long-poll reads, commits, seeks, manual assignment, expiry) and their group membership
// next to a Kafka-protocol member, as the coordinator sees it.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <set>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "coord/broker.h"
#include "coord/group_service.h"
#include "coord/partitioner.h"
#include "http/handlers/rest_consumers.h"
#include "http/handlers/rest_produce.h"
#include "http/handlers/rest_topics.h"
#include "http/rest/base64.h"
#include "http/rest/common.h"
#include "http/rest/consumer_protocol.h"
#include "http/rest/consumer_table.h"
#include "http/server.h"
#include "http/tests/test_client.h"
#include "io/fault_filesystem.h"
#include "observability/prometheus_text.h"
#include "runtime/blocking_pool.h"
#include "runtime/tests/runtime_fixture.h"
#include "storage/record_batch.h"

namespace eddy::http {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using rest::base64_encode;
template <typename T>
using awaitable = asio::awaitable<T>;

constexpr std::string_view binary = "application/vnd.kafka.binary.v2+json";
constexpr std::string_view json_type = "application/vnd.kafka.json.v2+json";
constexpr std::string_view v2 = "application/vnd.kafka.v2+json";
constexpr size_t body_limit = 256 * 1024;

json::value body_of(const response& res) {
    boost::system::error_code ec;
    auto v = json::parse(res.body(), ec);
    return ec ? json::value(res.body()) : v;
}

// The Confluent error code of an error response (0 when the body is not one).
int64_t error_code_of(const response& res) {
    auto v = body_of(res);
    if (!v.is_object() || !v.as_object().contains("error_code")) return 0;
    return v.at("error_code").as_int64();
}

std::string b64(std::string_view s) { return base64_encode(as_bytes(s)); }

class rest_proxy_test : public runtime::testing::sharded_test {
protected:
    void SetUp() override {
        sharded_test::SetUp();
        coord::broker_options bo;
        bo.data_dir = "/data";
        broker_ = std::make_unique<coord::broker>(*shards_, pool_, fs_, clock_, bo);
        coord::group_service_options go;
        go.data_dir = "/data";
        go.groups.initial_rebalance_delay = 0ms;
        go.seed = 7;
        groups_ = std::make_unique<coord::group_service>(*shards_, pool_, fs_, clock_, go);
        http_server_options so;
        so.port = 0;
        so.limits.max_body_bytes = body_limit;
        server_ = std::make_unique<http_server>(*shards_, so);
        rest::consumer_options co;
        co.heartbeat_interval = 20ms;
        co.instance_timeout = 60s;
        registry_ = std::make_unique<observability::metric_registry>(smp());
        auto probe = rest::rest_probe::register_in(*registry_);
        ASSERT_TRUE(probe);
        co.probe = *probe;
        table_ = std::make_unique<rest::consumer_table>(*shards_, *broker_, *groups_, clock_, co);
        add_rest_topic_routes(server_->routes(), *broker_, 0);
        add_rest_produce_routes(server_->routes(), *broker_, clock_, co.probe);
        add_rest_consumer_routes(server_->routes(), *table_);
        auto r = run([this]() -> awaitable<result<void>> {
            if (auto b = co_await broker_->start(); !b) co_return b;
            if (auto g = co_await groups_->start(); !g) co_return g;
            if (auto s = co_await server_->start(); !s) co_return s;
            co_return co_await table_->start();
        });
        ASSERT_TRUE(r) << r.error().message();
    }
    void TearDown() override {
        run([this]() -> awaitable<void> {
            co_await table_->stop();
            co_await server_->stop();
            co_await groups_->stop();
            co_await broker_->stop();
        });
        // The services hold timers and sockets on the shards' io_contexts: they go before the shards do.
        table_.reset();
        server_.reset();
        groups_.reset();
        broker_.reset();
        pool_.stop();
        sharded_test::TearDown();
    }

    testing::test_client client() { return testing::test_client(server_->bound_port()); }

    response call(verb method, std::string_view target, std::string_view body = {}, std::string_view type = {},
                  const std::vector<std::pair<std::string, std::string>>& headers = {}) {
        auto c = client();
        auto r = c.call(method, target, body, type, headers);
        EXPECT_TRUE(r) << r.error().message();
        return r ? std::move(*r) : response{};
    }

    void create_topic(const std::string& name, int32_t partitions, coord::config_entries configs = {}) {
        auto r = run([&]() -> awaitable<result<coord::topic_info>> {
            coord::create_topic_request req;
            req.name = name;
            req.num_partitions = partitions;
            req.configs = configs;
            co_return co_await broker_->create_topic(std::move(req));
        });
        ASSERT_TRUE(r) << r.error().message();
    }

    // Every record of a partition (key, value), read straight from the broker.
    std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> stored(const std::string& topic,
                                                                                           int32_t partition) {
        auto data = run([&]() -> awaitable<result<coord::fetch_outcome>> {
            co_return co_await broker_->read(topic, partition_id{partition}, offset{0}, 1 << 20);
        });
        EXPECT_TRUE(data);
        std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> out;
        if (!data) return out;
        bytes_view rest = data->data;
        while (!rest.empty()) {
            auto h = storage::parse_header(rest);
            auto recs = storage::parse_records(rest.first(h->size_bytes()));
            for (const auto& r : *recs) {
                auto str = [](const std::optional<bytes_view>& b) -> std::optional<std::string> {
                    if (!b) return std::nullopt;
                    return std::string(as_string_view(*b));
                };
                out.emplace_back(str(r.key), str(r.value));
            }
            rest = rest.subspan(h->size_bytes());
        }
        return out;
    }

    // POST /consumers/{group} with the given config; the instance id.
    std::string create_instance(const std::string& group, const std::string& config) {
        auto res = call(verb::post, "/consumers/" + group, config, v2);
        EXPECT_EQ(res.result(), status::ok) << res.body();
        auto v = body_of(res);
        EXPECT_EQ(v.at("base_uri").as_string(),
                  json::string("http://test.local:8082/consumers/" + group + "/instances/" +
                               std::string(v.at("instance_id").as_string())));
        return std::string(v.at("instance_id").as_string());
    }

    // Reads until `n` records arrived or the deadline passed.
    json::array read_records(const std::string& base, size_t n, std::string_view accept = binary,
                             std::chrono::milliseconds deadline = 20s) {
        json::array all;
        auto end = std::chrono::steady_clock::now() + deadline;
        while (all.size() < n && std::chrono::steady_clock::now() < end) {
            auto res = call(verb::get, base + "/records?timeout=1000", {}, {}, {{"Accept", std::string(accept)}});
            EXPECT_EQ(res.result(), status::ok) << res.body();
            if (res.result() != status::ok) break;
            EXPECT_EQ(res[beast_http::field::content_type], accept);
            auto got = body_of(res);
            for (auto& r : got.as_array()) all.push_back(r);
        }
        return all;
    }

    std::vector<coord::group_description> describe(const std::string& group) {
        return run([&]() { return groups_->describe_groups({group}); });
    }

    // Polls the instance's assignment until it has `n` partitions.
    bool wait_for_assignment(const std::string& base, size_t n) {
        return runtime::testing::wait_until(
            [&] {
                auto res = call(verb::get, base + "/assignments");
                return res.result() == status::ok && body_of(res).at("partitions").as_array().size() == n;
            },
            20s);
    }

    // Whether the metrics text has this exact sample line.
    bool has_sample(const std::string& line) {
        return observability::prometheus_text(*registry_).find(line + "\n") != std::string::npos;
    }

    std::unique_ptr<observability::metric_registry> registry_;
    io::fault_filesystem fs_;
    io::manual_clock clock_;
    runtime::blocking_pool pool_{1};
    std::unique_ptr<coord::broker> broker_;
    std::unique_ptr<coord::group_service> groups_;
    std::unique_ptr<http_server> server_;
    std::unique_ptr<rest::consumer_table> table_;
};

TEST_P(rest_proxy_test, topic_metadata_as_confluent_returns_it) {
    create_topic("meta", 3, {{"retention.ms", "1234"}});
    auto list = call(verb::get, "/topics");
    EXPECT_EQ(list.result(), status::ok);
    EXPECT_EQ(list[beast_http::field::content_type], v2);
    EXPECT_EQ(json::serialize(body_of(list)), R"(["meta"])");

    auto t = body_of(call(verb::get, "/topics/meta"));
    EXPECT_EQ(t.at("name").as_string(), "meta");
    EXPECT_EQ(t.at("configs").at("retention.ms").as_string(), "1234");
    EXPECT_EQ(t.at("configs").at("cleanup.policy").as_string(), "delete");
    ASSERT_EQ(t.at("partitions").as_array().size(), 3u);
    EXPECT_EQ(json::serialize(t.at("partitions").at(2)),
              R"({"partition":2,"leader":0,"replicas":[{"broker":0,"leader":true,"in_sync":true}]})");
    EXPECT_EQ(body_of(call(verb::get, "/topics/meta/partitions")).as_array().size(), 3u);
    EXPECT_EQ(body_of(call(verb::get, "/topics/meta/partitions/1")).at("partition").as_int64(), 1);
    EXPECT_EQ(json::serialize(body_of(call(verb::get, "/brokers"))), R"({"brokers":[0]})");

    auto missing = call(verb::get, "/topics/nope");
    EXPECT_EQ(missing.result(), status::not_found);
    EXPECT_EQ(json::serialize(body_of(missing)), R"({"error_code":40401,"message":"Topic not found."})");
    EXPECT_EQ(error_code_of(call(verb::get, "/topics/meta/partitions/3")), 40402);
    EXPECT_EQ(error_code_of(call(verb::get, "/topics/meta/partitions/x")), 40402);
    EXPECT_EQ(error_code_of(call(verb::get, "/topics/nope/partitions")), 40401);

    call(verb::post, "/topics/meta/partitions/1", R"({"records":[{"value":"YQ=="},{"value":"Yg=="}]})", binary);
    auto offsets = body_of(call(verb::get, "/topics/meta/partitions/1/offsets"));
    EXPECT_EQ(json::serialize(offsets), R"({"beginning_offset":0,"end_offset":2})");
}

TEST_P(rest_proxy_test, binary_produce_places_records_like_kafka_and_reports_offsets) {
    create_topic("bin", 4);
    // Keyed records go where Kafka's murmur2 partitioner puts them; unkeyed ones of one request share a
    // partition; an explicit partition wins.
    auto res = call(verb::post, "/topics/bin",
                    fmt::format(R"({{"records":[{{"key":"{}","value":"{}"}},{{"value":"{}"}},{{"value":"{}"}},)"
                                R"({{"key":"{}","value":"{}","partition":3}},{{"value":null}}]}})",
                                b64("user-1"), b64("v1"), b64("u1"), b64("u2"), b64("user-1"), b64("v2")),
                    binary);
    ASSERT_EQ(res.result(), status::ok) << res.body();
    EXPECT_EQ(res[beast_http::field::content_type], v2);
    auto body = body_of(res);
    EXPECT_TRUE(body.at("key_schema_id").is_null());
    EXPECT_TRUE(body.at("value_schema_id").is_null());
    const auto& offsets = body.at("offsets").as_array();
    ASSERT_EQ(offsets.size(), 5u);
    for (const auto& o : offsets) {
        EXPECT_TRUE(o.at("error_code").is_null());
        EXPECT_TRUE(o.at("error").is_null());
    }
    auto keyed = coord::partition_for_key(as_bytes("user-1"), 4).value();
    EXPECT_EQ(offsets[0].at("partition").as_int64(), keyed);
    auto unkeyed = offsets[1].at("partition").as_int64();
    EXPECT_EQ(offsets[2].at("partition").as_int64(), unkeyed);
    EXPECT_EQ(offsets[4].at("partition").as_int64(), unkeyed);
    EXPECT_EQ(offsets[3].at("partition").as_int64(), 3);
    EXPECT_EQ(offsets[2].at("offset").as_int64(), offsets[1].at("offset").as_int64() + 1);

    auto records = stored("bin", static_cast<int32_t>(unkeyed));
    ASSERT_GE(records.size(), 3u);
    auto tail = std::vector(records.end() - 3, records.end());
    EXPECT_EQ(tail[0].first, std::nullopt);
    EXPECT_EQ(tail[0].second, "u1");
    EXPECT_EQ(tail[2].second, std::nullopt);  // a null value is a tombstone, not ""
    auto p3 = stored("bin", 3);
    EXPECT_EQ(p3.back().first, "user-1");
    EXPECT_EQ(p3.back().second, "v2");

    // The next request's unkeyed records rotate to another partition.
    auto next = body_of(call(verb::post, "/topics/bin", R"({"records":[{"value":"eA=="}]})", binary));
    EXPECT_NE(next.at("offsets").at(0).at("partition").as_int64(), unkeyed);

    // The partition endpoint, and application/vnd.kafka.v2+json as binary (Confluent takes it so).
    auto p2 = body_of(call(verb::post, "/topics/bin/partitions/2", R"({"records":[{"key":"aw==","value":"dg=="}]})", v2));
    EXPECT_EQ(p2.at("offsets").at(0).at("partition").as_int64(), 2);
    EXPECT_EQ(stored("bin", 2).back().second, "v");
}

TEST_P(rest_proxy_test, json_produce_stores_json_text_and_auto_creates_topics) {
    auto res = call(verb::post, "/topics/fresh", R"({"records":[{"key":"k","value":{"a":[1,2],"b":null}},{"value":7}]})",
                    json_type);
    ASSERT_EQ(res.result(), status::ok) << res.body();
    auto offsets = body_of(res).at("offsets").as_array();
    auto records = stored("fresh", static_cast<int32_t>(offsets[0].at("partition").as_int64()));
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(records[0].first, R"("k")");
    EXPECT_EQ(records[0].second, R"({"a":[1,2],"b":null})");
    // The JSON key hashes as its JSON text, as Confluent's JSON serializer produces it.
    EXPECT_EQ(offsets[0].at("partition").as_int64(), coord::partition_for_key(as_bytes(R"("k")"), 1).value());
    EXPECT_EQ(body_of(call(verb::get, "/topics/fresh")).at("name").as_string(), "fresh");
}

TEST_P(rest_proxy_test, produce_errors_use_confluent_codes) {
    create_topic("err", 2);
    auto wrong_type = call(verb::post, "/topics/err", R"({"records":[{"value":"YQ=="}]})", "text/plain");
    EXPECT_EQ(wrong_type.result(), status::unsupported_media_type);
    EXPECT_EQ(error_code_of(wrong_type), 415);
    EXPECT_EQ(call(verb::post, "/topics/err", R"({"records":[{"value":"YQ=="}]})", "application/json").result(),
              status::unsupported_media_type);
    EXPECT_EQ(error_code_of(call(verb::post, "/topics/err", R"({"records":[]})",
                                 "application/vnd.kafka.avro.v2+json")), 415);

    auto malformed = call(verb::post, "/topics/err", R"({"records":[{"value":)", binary);
    EXPECT_EQ(malformed.result(), status::bad_request);
    EXPECT_EQ(error_code_of(malformed), 400);

    auto bad_base64 = call(verb::post, "/topics/err", R"({"records":[{"value":"not base64!"}]})", binary);
    EXPECT_EQ(bad_base64.result(), status::unprocessable_entity);
    EXPECT_EQ(error_code_of(bad_base64), 422);
    EXPECT_NE(bad_base64.body().find("invalid base64"), std::string::npos);
    for (std::string body : {"{}", R"({"records":[]})", R"({"records":{}})", R"([1])", R"({"records":[5]})",
                             R"({"records":[{"value":"YQ==","partition":-1}]})", ""}) {
        auto res = call(verb::post, "/topics/err", body, binary);
        EXPECT_EQ(res.result(), status::unprocessable_entity) << body << " -> " << res.body();
    }
    EXPECT_EQ(error_code_of(call(verb::post, "/topics/err", R"({"records":[{"value":"YQ==","partition":2}]})", binary)),
              40402);
    EXPECT_EQ(error_code_of(call(verb::post, "/topics/err/partitions/5", R"({"records":[{"value":"YQ=="}]})", binary)),
              40402);
    EXPECT_EQ(error_code_of(call(verb::post, "/topics/bad%20name", R"({"records":[{"value":"YQ=="}]})", binary)),
              40401);
    // Nothing of the refused requests was written.
    EXPECT_TRUE(stored("err", 0).empty());
    EXPECT_TRUE(stored("err", 1).empty());

    auto too_big = call(verb::post, "/topics/err", std::string(body_limit + 1, ' '), binary);
    EXPECT_EQ(too_big.result(), status::payload_too_large);
}

TEST_P(rest_proxy_test, consumer_subscribes_reads_commits_and_shows_up_in_the_group) {
    create_topic("events", 2);
    for (int i = 0; i < 6; ++i) {
        call(verb::post, "/topics/events",
             fmt::format(R"({{"records":[{{"key":"{}","value":"{}"}}]}})", b64(fmt::format("k{}", i)),
                         b64(fmt::format("v{}", i))),
             binary);
    }
    auto id = create_instance("g1", R"({"name":"c1","format":"binary","auto.offset.reset":"earliest",
                                        "auto.commit.enable":"false"})");
    EXPECT_EQ(id, "c1");
    std::string base = "/consumers/g1/instances/c1";
    EXPECT_EQ(call(verb::post, base + "/subscription", R"({"topics":["events"]})", v2).result(), status::no_content);
    EXPECT_EQ(json::serialize(body_of(call(verb::get, base + "/subscription"))), R"({"topics":["events"]})");

    auto records = read_records(base, 6);
    ASSERT_EQ(records.size(), 6u);
    std::set<std::string> values;
    for (const auto& r : records) {
        EXPECT_EQ(r.at("topic").as_string(), "events");
        auto key = rest::base64_decode(r.at("key").as_string());
        auto value = rest::base64_decode(r.at("value").as_string());
        ASSERT_TRUE(key && value);
        EXPECT_EQ(key->substr(1), value->substr(1));
        EXPECT_EQ(r.at("partition").as_int64(), coord::partition_for_key(as_bytes(*key), 2).value());
        values.insert(*value);
    }
    EXPECT_EQ(values.size(), 6u);
    EXPECT_TRUE(has_sample(R"(eddy_rest_records_produced_total{format="binary"} 6)"));
    EXPECT_TRUE(has_sample(R"(eddy_rest_records_consumed_total{format="binary"} 6)"));
    EXPECT_TRUE(has_sample("eddy_rest_consumer_instances 1"));

    // The instance is a member of the group, as a Kafka consumer would be.
    auto d = describe("g1");
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].state, coord::group_state::stable);
    EXPECT_EQ(d[0].protocol_type, "consumer");
    EXPECT_EQ(d[0].protocol_name, "range");
    ASSERT_EQ(d[0].members.size(), 1u);
    EXPECT_EQ(d[0].members[0].client_id, "c1");
    auto assigned = rest::decode_assignment(d[0].members[0].assignment);
    ASSERT_TRUE(assigned);
    EXPECT_EQ((*assigned)["events"], (std::vector<int32_t>{0, 1}));

    // Nothing committed yet (auto commit is off); commit everything consumed.
    std::string both = R"({"partitions":[{"topic":"events","partition":0},{"topic":"events","partition":1}]})";
    EXPECT_EQ(json::serialize(body_of(call(verb::get, base + "/offsets", both, v2))), R"({"offsets":[]})");
    auto commit = call(verb::post, base + "/offsets", {}, {});
    EXPECT_EQ(commit.result(), status::ok) << commit.body();
    auto committed = body_of(call(verb::get, base + "/offsets", both, v2)).at("offsets").as_array();
    ASSERT_EQ(committed.size(), 2u);
    int64_t total = 0;
    for (const auto& c : committed) total += c.at("offset").as_int64();
    EXPECT_EQ(total, 6);
    EXPECT_EQ(committed[0].at("metadata").as_string(), "");

    // Explicit offsets name the last record consumed: the group stores the next one.
    auto explicit_commit = call(verb::post, base + "/offsets",
                                R"({"offsets":[{"topic":"events","partition":0,"offset":0,"metadata":"m"}]})", v2);
    EXPECT_EQ(explicit_commit.result(), status::ok) << explicit_commit.body();
    auto p0 = body_of(call(verb::get, base + "/offsets", R"({"partitions":[{"topic":"events","partition":0}]})", v2));
    EXPECT_EQ(json::serialize(p0), R"({"offsets":[{"topic":"events","partition":0,"offset":1,"metadata":"m"}]})");
    EXPECT_EQ(error_code_of(call(verb::post, base + "/offsets",
                                 R"({"offsets":[{"topic":"nope","partition":0,"offset":1}]})", v2)),
              40401);

    EXPECT_EQ(call(verb::delete_, base).result(), status::no_content);
    EXPECT_EQ(error_code_of(call(verb::get, base + "/records")), 40403);
    EXPECT_EQ(error_code_of(call(verb::delete_, base)), 40403);
    auto after = describe("g1");
    EXPECT_EQ(after[0].state, coord::group_state::empty);
    EXPECT_TRUE(has_sample("eddy_rest_consumer_instances 0"));
}

TEST_P(rest_proxy_test, json_consumer_long_polls_until_a_record_arrives) {
    create_topic("feed", 1);
    auto id = create_instance("g2", R"({"format":"json","auto.offset.reset":"latest"})");
    EXPECT_TRUE(id.starts_with("rest-consumer-")) << id;
    std::string base = "/consumers/g2/instances/" + id;
    call(verb::post, base + "/subscription", R"({"topic_pattern":"fe.*"})", v2);
    ASSERT_TRUE(wait_for_assignment(base, 1));
    EXPECT_EQ(json::serialize(body_of(call(verb::get, base + "/subscription"))), R"({"topics":["feed"]})");
    // The first read resolves the position (latest: the end) and finds nothing.
    EXPECT_EQ(call(verb::get, base + "/records?timeout=0").body(), "[]");

    // A long poll returns the record produced while it waits (well before its 20 s timeout).
    auto poll = std::async(std::launch::async, [&] {
        return call(verb::get, base + "/records?timeout=20000", {}, {}, {{"Accept", std::string(json_type)}});
    });
    call(verb::post, "/topics/feed", R"({"records":[{"key":{"id":1},"value":{"temp":21.5}}]})", json_type);
    auto got = poll.get();
    ASSERT_EQ(got.result(), status::ok) << got.body();
    EXPECT_EQ(got[beast_http::field::content_type], json_type);
    EXPECT_EQ(got.body(), R"([{"topic":"feed","key":{"id":1},"value":{"temp":21.5},"partition":0,"offset":0}])");

    // A binary read of a json instance is refused; so is a type the API does not produce.
    auto mismatch = call(verb::get, base + "/records", {}, {}, {{"Accept", std::string(binary)}});
    EXPECT_EQ(mismatch.result(), status::not_acceptable);
    EXPECT_EQ(error_code_of(mismatch), 40601);
    EXPECT_EQ(call(verb::get, base + "/records", {}, {}, {{"Accept", "text/html"}}).result(), status::not_acceptable);

    // A value that is not JSON cannot be served in the json format.
    call(verb::post, "/topics/feed", fmt::format(R"({{"records":[{{"value":"{}"}}]}})", b64("plain text")), binary);
    auto bad = call(verb::get, base + "/records?timeout=2000");
    EXPECT_EQ(bad.result(), status::internal_server_error);
    EXPECT_EQ(error_code_of(bad), 50002);

    EXPECT_EQ(call(verb::delete_, base + "/subscription").result(), status::no_content);
    EXPECT_EQ(json::serialize(body_of(call(verb::get, base + "/subscription"))), R"({"topics":[]})");
    EXPECT_EQ(error_code_of(call(verb::get, base + "/records")), 40903);
}

TEST_P(rest_proxy_test, manual_assignment_seeks_and_simple_commits) {
    create_topic("logs", 2);
    for (int i = 0; i < 5; ++i) {
        call(verb::post, "/topics/logs/partitions/1", fmt::format(R"({{"records":[{{"value":"{}"}}]}})", b64(std::to_string(i))),
             binary);
    }
    create_instance("g3", R"({"name":"m","auto.offset.reset":"earliest"})");
    std::string base = "/consumers/g3/instances/m";
    EXPECT_EQ(error_code_of(call(verb::post, base + "/assignments", R"({"partitions":[{"topic":"logs","partition":9}]})",
                                 v2)),
              40402);
    EXPECT_EQ(call(verb::post, base + "/assignments", R"({"partitions":[{"topic":"logs","partition":1}]})", v2).result(),
              status::no_content);
    EXPECT_EQ(json::serialize(body_of(call(verb::get, base + "/assignments"))),
              R"({"partitions":[{"topic":"logs","partition":1}]})");
    EXPECT_EQ(error_code_of(call(verb::post, base + "/subscription", R"({"topics":["logs"]})", v2)), 40903);

    auto first = read_records(base, 5);
    ASSERT_EQ(first.size(), 5u);
    EXPECT_EQ(first[4].at("offset").as_int64(), 4);

    std::string p1 = R"({"partitions":[{"topic":"logs","partition":1}]})";
    EXPECT_EQ(call(verb::post, base + "/positions", R"({"offsets":[{"topic":"logs","partition":1,"offset":3}]})", v2)
                  .result(),
              status::no_content);
    auto from3 = read_records(base, 2);
    ASSERT_EQ(from3.size(), 2u);
    EXPECT_EQ(from3[0].at("offset").as_int64(), 3);
    EXPECT_EQ(call(verb::post, base + "/positions/beginning", p1, v2).result(), status::no_content);
    EXPECT_EQ(read_records(base, 5).size(), 5u);
    EXPECT_EQ(call(verb::post, base + "/positions/end", p1, v2).result(), status::no_content);
    EXPECT_EQ(call(verb::get, base + "/records?timeout=0").body(), "[]");
    EXPECT_EQ(error_code_of(call(verb::post, base + "/positions",
                                 R"({"offsets":[{"topic":"logs","partition":0,"offset":0}]})", v2)),
              40903);

    // max_bytes bounds a read (one record is always served).
    call(verb::post, base + "/positions/beginning", p1, v2);
    auto one = body_of(call(verb::get, base + "/records?max_bytes=1&timeout=1000"));
    EXPECT_EQ(one.as_array().size(), 1u);

    // A simple commit (no membership) lands in the group.
    EXPECT_EQ(call(verb::post, base + "/offsets", "", v2).result(), status::ok);
    auto committed = body_of(call(verb::get, base + "/offsets", p1, v2));
    EXPECT_EQ(committed.at("offsets").at(0).at("offset").as_int64(), 1);
    EXPECT_TRUE(describe("g3")[0].members.empty());
}

TEST_P(rest_proxy_test, instance_errors_and_expiry) {
    EXPECT_EQ(error_code_of(call(verb::get, "/consumers/g4/instances/ghost/records")), 40403);
    EXPECT_EQ(error_code_of(call(verb::post, "/consumers/g4/instances/ghost/subscription", R"({"topics":["t"]})", v2)),
              40403);
    create_instance("g4", R"({"name":"a"})");
    auto dup = call(verb::post, "/consumers/g4", R"({"name":"a"})", v2);
    EXPECT_EQ(dup.result(), status::conflict);
    EXPECT_EQ(error_code_of(dup), 40902);
    EXPECT_EQ(error_code_of(call(verb::post, "/consumers/g4", R"({"format":"avro"})", v2)), 42204);
    EXPECT_EQ(error_code_of(call(verb::post, "/consumers/g4", R"({"auto.offset.reset":"smallest"})", v2)), 42204);
    EXPECT_EQ(error_code_of(call(verb::post, "/consumers/g4", R"({"name":"a/b"})", v2)), 42204);
    EXPECT_EQ(call(verb::post, "/consumers/g4", R"({"name":"x"})", "text/plain").result(),
              status::unsupported_media_type);
    EXPECT_EQ(call(verb::post, "/consumers/g4", R"({"name":)", v2).result(), status::bad_request);
    EXPECT_EQ(error_code_of(call(verb::post, "/consumers/g4/instances/a/subscription", "{}", v2)), 422);
    EXPECT_EQ(error_code_of(call(verb::get, "/consumers/g4/instances/a/offsets")), 40402);

    // An instance used within the timeout stays; one idle for longer is deleted.
    create_instance("g4", R"({"name":"b"})");
    clock_.advance(40s);
    call(verb::get, "/consumers/g4/instances/b/subscription");
    clock_.advance(40s);
    run([this] { return table_->expire_now(); });
    EXPECT_EQ(error_code_of(call(verb::get, "/consumers/g4/instances/a/subscription")), 40403);
    EXPECT_EQ(call(verb::get, "/consumers/g4/instances/b/subscription").result(), status::ok);
    EXPECT_EQ(run([this] { return table_->size(); }), 1u);
}

TEST_P(rest_proxy_test, rebalances_with_a_kafka_member_of_the_same_group) {
    create_topic("shared", 2);
    create_instance("mixed", R"({"name":"rest","auto.offset.reset":"earliest"})");
    std::string base = "/consumers/mixed/instances/rest";
    call(verb::post, base + "/subscription", R"({"topics":["shared"]})", v2);
    ASSERT_TRUE(wait_for_assignment(base, 2));

    // A Kafka client joins (JoinGroup v5: first a member id, then the real join): the REST member learns
    // of the rebalance from its heartbeat, rejoins, and as the leader gives the newcomer one partition.
    auto join = [this](std::string member_id) {
        return run([this, member_id]() -> awaitable<coord::join_result> {
            coord::join_request req;
            req.group_id = "mixed";
            req.member_id = member_id;
            req.protocol_type = "consumer";
            req.protocols = {{"range", rest::encode_subscription({"shared"})}};
            req.client_id = "kafka-client";
            co_return co_await groups_->join_group(std::move(req));
        });
    };
    auto first = join("");
    ASSERT_EQ(first.error, coord::errc::member_id_required);
    auto joined = join(first.member_id);
    ASSERT_EQ(joined.error, coord::errc::none);
    EXPECT_NE(joined.leader_id, joined.member_id);
    auto synced = run([&]() -> awaitable<coord::sync_result> {
        coord::sync_request req;
        req.group_id = "mixed";
        req.generation_id = joined.generation_id;
        req.member_id = joined.member_id;
        co_return co_await groups_->sync_group(std::move(req));
    });
    ASSERT_EQ(synced.error, coord::errc::none);
    auto mine = rest::decode_assignment(synced.assignment);
    ASSERT_TRUE(mine);
    ASSERT_EQ((*mine)["shared"].size(), 1u);
    ASSERT_TRUE(wait_for_assignment(base, 1));
    auto rest_part = body_of(call(verb::get, base + "/assignments")).at("partitions").at(0).at("partition").as_int64();
    EXPECT_NE(rest_part, (*mine)["shared"][0]);
    auto d = describe("mixed");
    EXPECT_EQ(d[0].members.size(), 2u);

    // The Kafka client leaves: the REST member takes both partitions again.
    run([&] { return groups_->leave_group("mixed", {coord::leave_member{joined.member_id, std::nullopt}}); });
    EXPECT_TRUE(wait_for_assignment(base, 2));
}

INSTANTIATE_TEST_SUITE_P(smp, rest_proxy_test, runtime::testing::smp_values());

}  // namespace
}  // namespace eddy::http
