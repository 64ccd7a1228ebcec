#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "coord/errc.h"
#include "coord/topic_catalog.h"

namespace eddy::coord {
namespace {

errc code_of(const error& e) { return static_cast<errc>(e.code.value()); }

template <typename T>
errc err(const result<T>& r) {
    return r ? errc::none : code_of(r.error());
}

create_topic_request req(std::string name, int32_t partitions = 1, int16_t rf = -1, config_entries cfg = {}) {
    return create_topic_request{std::move(name), partitions, rf, std::move(cfg), false};
}

TEST(topic_catalog, validates_names_like_kafka) {
    EXPECT_TRUE(topic_catalog::validate_topic_name("orders"));
    EXPECT_TRUE(topic_catalog::validate_topic_name("a.b_c-D9"));
    EXPECT_TRUE(topic_catalog::validate_topic_name(std::string(249, 'x')));
    EXPECT_EQ(err(topic_catalog::validate_topic_name(std::string(250, 'x'))), errc::invalid_topic);
    EXPECT_EQ(err(topic_catalog::validate_topic_name("")), errc::invalid_topic);
    EXPECT_EQ(err(topic_catalog::validate_topic_name(".")), errc::invalid_topic);
    EXPECT_EQ(err(topic_catalog::validate_topic_name("..")), errc::invalid_topic);
    EXPECT_TRUE(topic_catalog::validate_topic_name("..."));
    for (std::string bad : {"a b", "a/b", "a:b", "ä", "a*", "a\nb"}) {
        EXPECT_EQ(err(topic_catalog::validate_topic_name(bad)), errc::invalid_topic) << bad;
    }
}

TEST(topic_catalog, create_errors_follow_kafka) {
    topic_catalog c({.default_partitions = 3, .max_partitions = 100});
    auto t = c.create_topic(req("t", -1));
    ASSERT_TRUE(t) << t.error().message();
    EXPECT_EQ(t->partitions, 3);
    EXPECT_EQ(err(c.create_topic(req("t"))), errc::topic_already_exists);
    EXPECT_EQ(err(c.create_topic(req("u", 0))), errc::invalid_partitions);
    EXPECT_EQ(err(c.create_topic(req("u", -2))), errc::invalid_partitions);
    EXPECT_EQ(err(c.create_topic(req("u", 101))), errc::invalid_partitions);
    EXPECT_EQ(err(c.create_topic(req("u", 1, 3))), errc::invalid_replication_factor);
    EXPECT_EQ(err(c.create_topic(req("u", 1, 0))), errc::invalid_replication_factor);
    EXPECT_TRUE(c.create_topic(req("u", 1, 1)));
    EXPECT_EQ(err(c.create_topic(req("bad name"))), errc::invalid_topic);
    EXPECT_EQ(err(c.create_topic(req("v", 1, -1, {{"no.such.key", "1"}}))), errc::invalid_config);
    EXPECT_EQ(err(c.create_topic(req("v", 1, -1, {{"retention.ms", "soon"}}))), errc::invalid_config);
    EXPECT_EQ(err(c.create_topic(req("v", 1, -1, {{"retention.ms", "-2"}}))), errc::invalid_config);
    EXPECT_EQ(err(c.create_topic(req("v", 1, -1, {{"segment.bytes", "13"}}))), errc::invalid_config);
    EXPECT_EQ(err(c.create_topic(req("v", 1, -1, {{"segment.bytes", "1023"}}))), errc::invalid_config)
        << "below what a segment of our log can hold";
    EXPECT_EQ(err(c.create_topic(req("v", 1, -1, {{"segment.bytes", "4294967296"}}))), errc::invalid_config);
    EXPECT_EQ(err(c.create_topic(req("v", 1, -1, {{"cleanup.policy", "shred"}}))), errc::invalid_config);
    EXPECT_EQ(err(c.create_topic(req("v", 1, -1, {{"message.timestamp.type", "createtime"}}))),
              errc::invalid_config);
    EXPECT_EQ(c.find("v"), nullptr);
    EXPECT_EQ(c.size(), 2u);
}

TEST(topic_catalog, dot_and_underscore_names_collide) {
    topic_catalog c;
    ASSERT_TRUE(c.create_topic(req("a.b")));
    EXPECT_EQ(err(c.create_topic(req("a_b"))), errc::invalid_topic);
    ASSERT_TRUE(c.delete_topic("a.b"));
    EXPECT_TRUE(c.create_topic(req("a_b")));
}

TEST(topic_catalog, configs_are_normalized_and_typed) {
    topic_catalog c;
    auto t = c.create_topic(req("t", 1, -1,
                                {{"retention.ms", " 60000 "},
                                 {"cleanup.policy", "delete,compact"},
                                 {"segment.bytes", "1048576"},
                                 {"max.message.bytes", "2000000"},
                                 {"retention.bytes", "-1"},
                                 {"message.timestamp.type", "LogAppendTime"}}));
    ASSERT_TRUE(t) << t.error().message();
    const auto& cfg = t->config;
    EXPECT_EQ(cfg.retention_ms(), 60000);
    EXPECT_EQ(cfg.retention_bytes(), -1);
    EXPECT_EQ(cfg.segment_bytes(), 1048576);
    EXPECT_EQ(cfg.max_message_bytes(), 2000000);
    EXPECT_EQ(cfg.cleanup(), cleanup_policy::compact_and_delete);
    EXPECT_EQ(cfg.message_timestamp_type(), timestamp_type::log_append_time);
    EXPECT_EQ(cfg.overrides().at("cleanup.policy"), "compact,delete");
    EXPECT_EQ(cfg.overrides().at("retention.ms"), "60000");
    EXPECT_FALSE(cfg.segment_ms());
}

TEST(topic_catalog, validate_only_changes_nothing) {
    std::vector<record> emitted;
    topic_catalog c({}, 1, [&](record r) { emitted.push_back(std::move(r)); });
    auto r = req("t", 2);
    r.validate_only = true;
    ASSERT_TRUE(c.create_topic(r));
    EXPECT_EQ(c.find("t"), nullptr);
    EXPECT_TRUE(emitted.empty());
}

TEST(topic_catalog, delete_add_partitions_and_alter_config) {
    std::vector<record> emitted;
    topic_catalog c({}, 1, [&](record r) { emitted.push_back(std::move(r)); });
    ASSERT_TRUE(c.create_topic(req("t", 2)));
    EXPECT_EQ(err(c.delete_topic("nope")), errc::unknown_topic_or_partition);
    EXPECT_EQ(err(c.create_partitions("nope", 4)), errc::unknown_topic_or_partition);
    EXPECT_EQ(err(c.create_partitions("t", 2)), errc::invalid_partitions);
    EXPECT_EQ(err(c.create_partitions("t", 1)), errc::invalid_partitions);
    ASSERT_TRUE(c.create_partitions("t", 5));
    EXPECT_EQ(c.find("t")->partitions, 5);

    EXPECT_EQ(err(c.alter_config("t", {{"retention.ms", "1"}, {"bogus", "1"}})), errc::invalid_config);
    EXPECT_FALSE(c.find("t")->config.retention_ms()) << "a failed alter must change nothing";
    ASSERT_TRUE(c.alter_config("t", {{"retention.ms", "1000"}}));
    EXPECT_EQ(c.find("t")->config.retention_ms(), 1000);
    ASSERT_TRUE(c.alter_config("t", {{"retention.ms", std::nullopt}}));
    EXPECT_FALSE(c.find("t")->config.retention_ms());
    EXPECT_EQ(err(c.alter_config("x", {})), errc::unknown_topic_or_partition);

    ASSERT_TRUE(c.delete_topic("t"));
    EXPECT_EQ(c.find("t"), nullptr);
    ASSERT_EQ(emitted.size(), 5u);
    EXPECT_FALSE(emitted.back().value) << "delete emits a tombstone";
}

TEST(topic_catalog, topic_ids_are_unique_uuid_v4) {
    topic_catalog c({}, 42);
    ASSERT_TRUE(c.create_topic(req("a")));
    ASSERT_TRUE(c.create_topic(req("b")));
    const auto& a = c.find("a")->id;
    const auto& b = c.find("b")->id;
    EXPECT_NE(a, b);
    EXPECT_EQ(a[6] >> 4, 4);
    EXPECT_EQ(a[8] & 0xc0, 0x80);
    EXPECT_EQ(c.find(a)->name, "a");
    EXPECT_EQ(c.find(topic_id{}), nullptr);
}

TEST(topic_catalog, emitted_records_rebuild_the_catalog) {
    std::vector<record> log;
    topic_catalog c({}, 7, [&](record r) { log.push_back(std::move(r)); });
    ASSERT_TRUE(c.create_topic(req("keep", 3, 1, {{"cleanup.policy", "compact"}, {"retention.ms", "5"}})));
    ASSERT_TRUE(c.create_topic(req("gone", 1)));
    ASSERT_TRUE(c.create_partitions("keep", 4));
    ASSERT_TRUE(c.delete_topic("gone"));
    ASSERT_TRUE(c.create_topic(req("gone", 2)));  // re-created: a fresh id

    topic_catalog restored;
    ASSERT_TRUE(restored.load(log));
    ASSERT_EQ(restored.size(), 2u);
    EXPECT_EQ(*restored.find("keep"), *c.find("keep"));
    EXPECT_EQ(*restored.find("gone"), *c.find("gone"));
    EXPECT_EQ(restored.find("keep")->partitions, 4);
    EXPECT_EQ(restored.find("keep")->config.cleanup(), cleanup_policy::compact);

    topic_catalog from_snapshot;
    ASSERT_TRUE(from_snapshot.load(c.snapshot()));
    EXPECT_EQ(*from_snapshot.find("keep"), *c.find("keep"));
    // Collision bookkeeping is rebuilt too.
    EXPECT_EQ(err(restored.create_topic(req("keep"))), errc::topic_already_exists);
}

TEST(topic_catalog, topic_record_layout_is_stable) {
    topic_info t{"ab", {}, 2, {}};
    t.id[0] = 0xaa;
    ASSERT_TRUE(t.config.set("retention.ms", "7"));
    record r = topic_catalog::encode(t);
    EXPECT_EQ(r.key, (bytes{0x00, 0x03, 0x00, 0x02, 'a', 'b'}));
    ASSERT_TRUE(r.value);
    bytes expect{0x00, 0x00, 0xaa};                    // version 0, id[0]
    expect.resize(expect.size() + 15, 0);              // id[1..15]
    for (uint8_t b : {0, 0, 0, 2, 0, 0, 0, 1}) expect.push_back(b);  // partitions, config count
    for (uint8_t b : {0, 12}) expect.push_back(b);
    for (char ch : std::string("retention.ms")) expect.push_back(static_cast<uint8_t>(ch));
    for (int b : {0, 1, int{'7'}}) expect.push_back(static_cast<uint8_t>(b));
    EXPECT_EQ(*r.value, expect);
}

TEST(topic_catalog, load_rejects_corrupt_records_and_skips_other_types) {
    topic_info t{"ab", {}, 2, {}};
    record good = topic_catalog::encode(t);
    ASSERT_TRUE(good.value);
    bytes short_value = *good.value;
    short_value.pop_back();
    record truncated{good.key, short_value};
    topic_catalog c;
    EXPECT_EQ(err(c.load(std::vector<record>{truncated})), errc::corrupt_record);
    bytes future_value = *good.value;
    future_value[1] = 9;
    record future{good.key, future_value};
    EXPECT_EQ(err(c.load(std::vector<record>{future})), errc::unsupported_record_version);
    record other{{0x00, 0x01, 0xff}, bytes{1, 2, 3}};
    ASSERT_TRUE(c.load(std::vector<record>{other, good}));
    EXPECT_NE(c.find("ab"), nullptr);
}

}  // namespace
}  // namespace eddy::coord
