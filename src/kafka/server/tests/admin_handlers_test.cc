// The admin handlers in-process, driven through a real TCP socket with our own codecs at their flexible
// versions: CreateTopics v5-7 (configs, partition count, replication factor, topic id), DeleteTopics v6
// (by name or id, Kafka's checks), DescribeConfigs v4, AlterConfigs v2, IncrementalAlterConfigs v1,
// CreatePartitions v3, DeleteRecords v2 and InitProducerId v3-4 (re-initialisation with id and epoch).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string_view>

#include "kafka/protocol/messages/alter_configs.h"
#include "kafka/protocol/messages/create_partitions.h"
#include "kafka/protocol/messages/create_topics.h"
#include "kafka/protocol/messages/delete_records.h"
#include "kafka/protocol/messages/delete_topics.h"
#include "kafka/protocol/messages/describe_configs.h"
#include "kafka/protocol/messages/incremental_alter_configs.h"
#include "kafka/protocol/messages/init_producer_id.h"
#include "kafka/server/tests/server_fixture.h"
#include "storage/record_batch.h"

namespace eddy::kafka::server {
namespace {

namespace p = protocol;

class admin_handlers_test : public testing::server_fixture {
protected:
    // The broker's topics by name, as its catalog has them.
    std::map<std::string, coord::topic_info> topics() {
        std::map<std::string, coord::topic_info> out;
        for (auto& t : run([this]() { return broker_->list_topics(); })) out.emplace(t.name, std::move(t));
        return out;
    }
};

using created_config = p::create_topics_response::creatable_topic_configs;

const created_config* find_config(const std::optional<std::vector<created_config>>& configs, std::string_view name) {
    if (!configs) return nullptr;
    auto it = std::find_if(configs->begin(), configs->end(), [&](const auto& c) { return c.name == name; });
    return it == configs->end() ? nullptr : &*it;
}

TEST_P(admin_handlers_test, create_topics_v5_plus_describe_what_was_created) {
    auto c = client();
    p::create_topics_request req;
    req.topics.push_back({.name = "c7", .num_partitions = 2, .replication_factor = -1, .assignments = {},
                          .configs = {{.name = "retention.ms", .value = "1000"}}});
    req.topics.push_back({.name = "c7", .num_partitions = 1, .replication_factor = 1, .assignments = {}, .configs = {}});
    auto r = c.call<p::create_topics_response>(req, 7);
    ASSERT_EQ(r.topics.size(), 2u);
    const auto& made = r.topics[0];
    EXPECT_EQ(made.error_code, 0);
    EXPECT_EQ(made.error_message, std::nullopt);
    EXPECT_EQ(made.num_partitions, 2);
    EXPECT_EQ(made.replication_factor, 1);
    EXPECT_EQ(made.topic_id, topics().at("c7").id) << "the catalog's id, which Metadata shows too";
    EXPECT_NE(made.topic_id, p::uuid{});
    const auto* retention = find_config(made.configs, "retention.ms");
    ASSERT_NE(retention, nullptr);
    EXPECT_EQ(retention->value, std::optional<std::string>("1000"));
    EXPECT_EQ(retention->config_source, 1);  // DYNAMIC_TOPIC_CONFIG
    const auto* cleanup = find_config(made.configs, "cleanup.policy");
    ASSERT_NE(cleanup, nullptr);
    EXPECT_EQ(cleanup->value, std::optional<std::string>("delete"));
    EXPECT_EQ(cleanup->config_source, 5);  // DEFAULT_CONFIG
    // An error carries no description.
    const auto& dup = r.topics[1];
    EXPECT_EQ(dup.error_code, 36);  // TOPIC_ALREADY_EXISTS
    EXPECT_EQ(dup.num_partitions, -1);
    EXPECT_EQ(dup.replication_factor, -1);
    EXPECT_TRUE(dup.configs && dup.configs->empty());
    EXPECT_EQ(dup.topic_id, p::uuid{});

    // validate_only (v5): described with the default partition count, but not created and without an id.
    p::create_topics_request check;
    check.validate_only = true;
    check.topics.push_back({.name = "dry", .num_partitions = -1, .replication_factor = -1, .assignments = {}, .configs = {}});
    auto dry = c.call<p::create_topics_response>(check, 5);
    EXPECT_EQ(dry.topics.at(0).error_code, 0);
    EXPECT_EQ(dry.topics[0].num_partitions, 1);
    EXPECT_NE(find_config(dry.topics[0].configs, "max.message.bytes"), nullptr);
    EXPECT_EQ(c.call<p::create_topics_response>(check, 7).topics.at(0).topic_id, p::uuid{});
    EXPECT_FALSE(topics().contains("dry"));
}

TEST_P(admin_handlers_test, delete_topics_v6_by_name_or_id_with_kafkas_checks) {
    auto c = client();
    for (const auto* name : {"a", "b", "c", "d"}) ASSERT_TRUE(create_topic(name, 1));
    auto before = topics();
    const p::uuid a = before.at("a").id, b = before.at("b").id, cid = before.at("c").id;
    p::uuid unknown = a;
    unknown[15] ^= 0x5a;
    p::delete_topics_request req;
    req.timeout_ms = 1000;
    req.topics = {{.name = "a", .topic_id = {}},     {.name = std::nullopt, .topic_id = b},
                  {.name = std::nullopt, .topic_id = {}}, {.name = "c", .topic_id = cid},
                  {.name = std::nullopt, .topic_id = unknown}, {.name = "d", .topic_id = {}},
                  {.name = "d", .topic_id = {}},     {.name = "zz", .topic_id = {}}};
    auto r = c.call<p::delete_topics_response>(req, 6);
    ASSERT_EQ(r.responses.size(), 7u);
    auto expect = [&](size_t i, std::optional<std::string> name, const p::uuid& id, int16_t code) {
        SCOPED_TRACE(i);
        EXPECT_EQ(r.responses[i].name, name);
        EXPECT_EQ(r.responses[i].topic_id, id);
        EXPECT_EQ(r.responses[i].error_code, code);
    };
    expect(0, "a", a, 0);                    // by name, answered with its id
    expect(1, "b", b, 0);                    // by id, answered with its name
    expect(2, std::nullopt, {}, 42);         // neither
    expect(3, "c", cid, 42);                 // both
    expect(4, std::nullopt, unknown, 100);   // UNKNOWN_TOPIC_ID
    expect(5, "d", {}, 42);                  // named twice: once INVALID_REQUEST, not deleted
    expect(6, "zz", {}, 3);                  // UNKNOWN_TOPIC_OR_PARTITION
    EXPECT_EQ(r.responses[5].error_message, std::optional<std::string>("Duplicate topic name."));
    auto after = topics();
    EXPECT_FALSE(after.contains("a"));
    EXPECT_FALSE(after.contains("b"));
    EXPECT_TRUE(after.contains("c"));
    EXPECT_TRUE(after.contains("d"));

    // The name form of v0-5, flexible from v4.
    p::delete_topics_request old;
    old.topic_names = {"c"};
    auto r4 = c.call<p::delete_topics_response>(old, 4);
    ASSERT_EQ(r4.responses.size(), 1u);
    EXPECT_EQ(r4.responses[0].error_code, 0);
    old.topic_names = {"d"};
    EXPECT_EQ(c.call<p::delete_topics_response>(old, 1).responses.at(0).error_code, 0);
    EXPECT_TRUE(topics().empty());
}

TEST_P(admin_handlers_test, configs_at_flexible_versions) {
    auto c = client();
    ASSERT_TRUE(create_topic("cfg", 1));
    auto describe = [&](int16_t version) {
        p::describe_configs_request d;
        d.resources.push_back({.resource_type = 2, .resource_name = "cfg", .configuration_keys = std::vector<std::string>{"retention.ms"}});
        d.resources.push_back({.resource_type = 4, .resource_name = "0", .configuration_keys = std::nullopt});
        return c.call<p::describe_configs_response>(d, version);
    };
    auto d4 = describe(4);
    ASSERT_EQ(d4.results.size(), 2u);
    ASSERT_EQ(d4.results[0].configs.size(), 1u);
    EXPECT_EQ(d4.results[0].configs[0].config_source, 5);
    EXPECT_FALSE(d4.results[1].configs.empty());

    p::alter_configs_request a;
    a.resources.push_back({.resource_type = 2, .resource_name = "cfg", .configs = {{.name = "retention.ms", .value = "777"}}});
    auto a2 = c.call<p::alter_configs_response>(a, 2);
    EXPECT_EQ(a2.responses.at(0).error_code, 0);
    auto after = describe(4).results[0].configs.at(0);
    EXPECT_EQ(after.value, std::optional<std::string>("777"));
    EXPECT_EQ(after.config_source, 1);

    p::incremental_alter_configs_request inc;
    inc.resources.push_back(
        {.resource_type = 2, .resource_name = "cfg", .configs = {{.name = "retention.ms", .config_operation = 1, .value = {}}}});
    EXPECT_EQ(c.call<p::incremental_alter_configs_response>(inc, 1).responses.at(0).error_code, 0);
    EXPECT_EQ(describe(4).results[0].configs.at(0).config_source, 5) << "the override was deleted";
}

TEST_P(admin_handlers_test, create_partitions_v3_and_delete_records_v2) {
    auto c = client();
    ASSERT_TRUE(create_topic("grow", 1));
    p::create_partitions_request cp;
    cp.timeout_ms = 1000;
    cp.topics.push_back({.name = "grow", .count = 3, .assignments = std::nullopt});
    EXPECT_EQ(c.call<p::create_partitions_response>(cp, 3).results.at(0).error_code, 0);
    EXPECT_EQ(topics().at("grow").partitions, 3);
    cp.topics[0].count = 2;
    auto shrink = c.call<p::create_partitions_response>(cp, 2);
    EXPECT_EQ(shrink.results.at(0).error_code, 37);  // INVALID_PARTITIONS
    EXPECT_TRUE(shrink.results[0].error_message.has_value());

    std::vector<storage::record_input> in(3, {std::nullopt, "v", timestamp_ms{1}, {}});
    coord::produce_request_data data{"grow", partition_id{1}, storage::build_batch(in), -1};
    auto produced = run([this, data]() -> awaitable<result<coord::produce_outcome>> {
        co_return co_await broker_->produce(data);
    });
    ASSERT_TRUE(produced) << produced.error().message();
    p::delete_records_request dr;
    dr.timeout_ms = 1000;
    dr.topics.push_back({.name = "grow", .partitions = {{.partition_index = 1, .offset = 2}}});
    auto deleted = c.call<p::delete_records_response>(dr, 2);
    EXPECT_EQ(deleted.topics.at(0).partitions.at(0).error_code, 0);
    EXPECT_EQ(deleted.topics[0].partitions[0].low_watermark, 2);
}

TEST_P(admin_handlers_test, init_producer_id_v3_plus_reinitialises_with_a_fresh_id) {
    auto c = client();
    p::init_producer_id_request req;
    req.transactional_id = std::nullopt;
    req.transaction_timeout_ms = 60'000;
    auto first = c.call<p::init_producer_id_response>(req, 4);
    EXPECT_EQ(first.error_code, 0);
    EXPECT_GE(first.producer_id, 0);
    EXPECT_EQ(first.producer_epoch, 0);
    // KIP-360 re-initialisation by an idempotent producer: as in Kafka, a new id with epoch 0.
    req.producer_id = first.producer_id;
    req.producer_epoch = first.producer_epoch;
    auto again = c.call<p::init_producer_id_response>(req, 3);
    EXPECT_EQ(again.error_code, 0);
    EXPECT_NE(again.producer_id, first.producer_id);
    EXPECT_EQ(again.producer_epoch, 0);
    // Only one of the two: INVALID_REQUEST, with id and epoch -1.
    req.producer_epoch = -1;
    auto half = c.call<p::init_producer_id_response>(req, 4);
    EXPECT_EQ(half.error_code, 42);
    EXPECT_EQ(half.producer_id, -1);
    EXPECT_EQ(half.producer_epoch, -1);
    req.producer_id = -1;
    req.transactional_id = "txn";
    auto txn = c.call<p::init_producer_id_response>(req, 4);
    EXPECT_EQ(txn.error_code, 53);  // transactions are not supported
    EXPECT_EQ(txn.producer_id, -1);
}

INSTANTIATE_TEST_SUITE_P(smp, admin_handlers_test, runtime::testing::smp_values());

}  // namespace
}  // namespace eddy::kafka::server
