// Flexible versions (KIP-482) of the APIs the broker advertises past phase 1: unknown tagged fields are
// skipped at the top level of every message in every flexible version, and inside nested structs of
// hand-written vectors; and byte-exact layouts of the fields the flexible versions add (JoinGroup v9
// SkipAssignment, OffsetFetch v8 groups, Metadata v12 topic ids, DeleteTopics v6 topic states, Produce v12,
// CreateTopics v7, FindCoordinator v4). The expected bytes are built with the small encoder below, not
// with the generated codecs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "kafka/protocol/codec.h"
#include "kafka/protocol/tests/test_values.h"

namespace eddy::kafka::protocol {
namespace {

using testing::api_case;

// Kafka's primitive encodings, written out independently of wire.cc.
struct wire_bytes {
    bytes b;

    wire_bytes& raw(std::initializer_list<int> v) {
        for (int x : v) b.push_back(static_cast<uint8_t>(x));
        return *this;
    }
    wire_bytes& be(uint64_t v, int n) {
        for (int i = n - 1; i >= 0; --i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
        return *this;
    }
    wire_bytes& i8(int8_t v) { return be(static_cast<uint8_t>(v), 1); }
    wire_bytes& i16(int16_t v) { return be(static_cast<uint16_t>(v), 2); }
    wire_bytes& i32(int32_t v) { return be(static_cast<uint32_t>(v), 4); }
    wire_bytes& i64(int64_t v) { return be(static_cast<uint64_t>(v), 8); }
    wire_bytes& uv(uint32_t v) {
        while (v >= 0x80) {
            b.push_back(static_cast<uint8_t>(v | 0x80));
            v >>= 7;
        }
        b.push_back(static_cast<uint8_t>(v));
        return *this;
    }
    // Compact string / bytes: uvarint(length + 1), 0 for null.
    wire_bytes& cstr(std::string_view s) {
        uv(static_cast<uint32_t>(s.size() + 1));
        for (char c : s) b.push_back(static_cast<uint8_t>(c));
        return *this;
    }
    wire_bytes& cnull() { return uv(0); }
    wire_bytes& add(const wire_bytes& more) {
        b.insert(b.end(), more.b.begin(), more.b.end());
        return *this;
    }
    wire_bytes& carray(uint32_t n) { return uv(n + 1); }
    wire_bytes& id(const uuid& u) {
        b.insert(b.end(), u.begin(), u.end());
        return *this;
    }
    // An empty tagged-field section, or one unknown field `tag` holding `data`.
    wire_bytes& no_tags() { return uv(0); }
    wire_bytes& unknown_tag(uint32_t tag, std::initializer_list<int> data) {
        uv(1).uv(tag).uv(static_cast<uint32_t>(data.size()));
        return raw(data);
    }
};

uuid some_id(uint8_t seed) {
    uuid u{};
    for (size_t i = 0; i < u.size(); ++i) u[i] = static_cast<uint8_t>(seed + i);
    return u;
}

class flexible_apis : public ::testing::TestWithParam<api_case> {};

// Every message in every flexible version: the default message ends with an empty top-level tagged
// section; two unknown tags put there are skipped and dropped on re-encoding.
TEST_P(flexible_apis, unknown_top_level_tags_are_skipped) {
    testing::visit_case(GetParam(), [](auto type) {
        using M = typename decltype(type)::type;
        for (int16_t v = M::first_flexible_version; v <= M::max_version; ++v) {
            SCOPED_TRACE(fmt::format("{} v{}", M::api_name, v));
            auto plain = encode_body(M{}, v);
            ASSERT_TRUE(plain);
            ASSERT_EQ(plain->back(), 0) << "a default message writes no tagged field";
            bytes with_unknown = *plain;
            with_unknown.pop_back();
            wire_bytes tags;
            tags.uv(2).uv(40).uv(2).raw({0xaa, 0xbb}).uv(300).uv(0);  // tag 300 takes a two-byte uvarint
            with_unknown.insert(with_unknown.end(), tags.b.begin(), tags.b.end());
            auto decoded = decode_body<M>(with_unknown, v);
            ASSERT_TRUE(decoded) << decoded.error().message();
            auto again = encode_body(*decoded, v);
            ASSERT_TRUE(again);
            EXPECT_EQ(*again, *plain);
            // A truncated unknown field is an error, not a skip past the end.
            bytes cut(with_unknown.begin(), with_unknown.end() - 3);
            EXPECT_FALSE(decode_body<M>(cut, v));
        }
    });
}

std::vector<api_case> flexible_api_cases() {
    std::vector<api_case> out;
    for (const auto& c : testing::all_api_cases()) {
        if (find_api(c.key)->first_flexible_version >= 0) out.push_back(c);
    }
    return out;
}

INSTANTIATE_TEST_SUITE_P(kafka, flexible_apis, ::testing::ValuesIn(flexible_api_cases()),
                         [](const auto& info) { return testing::api_case_name(info.param); });

TEST(flexible, join_group_v9_request_skips_unknown_tags_in_a_protocol) {
    wire_bytes w;
    w.cstr("g").i32(10'000).i32(20'000).cstr("").cnull().cstr("consumer");
    w.carray(1).cstr("range").cstr("\x01\x02").unknown_tag(42, {'z'});  // metadata bytes {1, 2}
    w.cstr("restart").unknown_tag(7, {0});
    auto req = decode_body<join_group_request>(w.b, 9);
    ASSERT_TRUE(req) << req.error().message();
    EXPECT_EQ(req->group_id, "g");
    EXPECT_EQ(req->rebalance_timeout_ms, 20'000);
    EXPECT_EQ(req->group_instance_id, std::nullopt);
    ASSERT_EQ(req->protocols.size(), 1u);
    EXPECT_EQ(req->protocols[0].metadata, (bytes{1, 2}));
    EXPECT_EQ(req->reason, std::optional<std::string>("restart"));
    wire_bytes clean;
    clean.cstr("g").i32(10'000).i32(20'000).cstr("").cnull().cstr("consumer");
    clean.carray(1).cstr("range").cstr("\x01\x02").no_tags().cstr("restart").no_tags();
    EXPECT_EQ(*encode_body(*req, 9), clean.b);
    // v7 has no reason: the same request without it.
    wire_bytes v7;
    v7.cstr("g").i32(10'000).i32(20'000).cstr("").cnull().cstr("consumer");
    v7.carray(1).cstr("range").cstr("\x01\x02").no_tags().no_tags();
    EXPECT_EQ(*encode_body(*req, 7), v7.b);
}

TEST(flexible, join_group_response_protocol_fields_and_skip_assignment) {
    join_group_response resp;
    resp.generation_id = 3;
    resp.protocol_type = "consumer";
    resp.protocol_name = "range";
    resp.leader = "m";
    resp.skip_assignment = true;
    resp.member_id = "m";
    resp.members.push_back({.member_id = "m", .group_instance_id = "i", .metadata = bytes{9}});
    auto head = [](wire_bytes& w) { w.i32(0).i16(0).i32(3).cstr("consumer").cstr("range").cstr("m"); };
    wire_bytes v9;
    head(v9);
    v9.i8(1).cstr("m").carray(1).cstr("m").cstr("i").cstr("\x09").no_tags().no_tags();
    EXPECT_EQ(*encode_body(resp, 9), v9.b);
    wire_bytes v8;  // no SkipAssignment before v9
    head(v8);
    v8.cstr("m").carray(1).cstr("m").cstr("i").cstr("\x09").no_tags().no_tags();
    EXPECT_EQ(*encode_body(resp, 8), v8.b);
    // Null protocol type and name (v7+), as on an error.
    resp.protocol_type.reset();
    resp.protocol_name.reset();
    auto body = encode_body(resp, 7);
    ASSERT_TRUE(body);
    auto back = decode_body<join_group_response>(*body, 7);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->protocol_type, std::nullopt);
    EXPECT_EQ(back->protocol_name, std::nullopt);
    EXPECT_FALSE(encode_body(resp, 6)) << "the protocol name is not nullable before v7";
}

TEST(flexible, offset_fetch_v8_groups) {
    wire_bytes w;
    w.carray(2);
    w.cstr("g1").carray(1).cstr("t").carray(2).i32(0).i32(1).unknown_tag(3, {1, 2, 3}).no_tags();
    w.cstr("g2").cnull().no_tags();  // null topics: every committed offset
    w.i8(1).no_tags();               // require_stable
    auto req = decode_body<offset_fetch_request>(w.b, 8);
    ASSERT_TRUE(req) << req.error().message();
    ASSERT_EQ(req->groups.size(), 2u);
    EXPECT_EQ(req->groups[0].group_id, "g1");
    ASSERT_TRUE(req->groups[0].topics);
    EXPECT_EQ(req->groups[0].topics->at(0).partition_indexes, (std::vector<int32_t>{0, 1}));
    EXPECT_FALSE(req->groups[1].topics);
    EXPECT_TRUE(req->require_stable);
    EXPECT_TRUE(req->group_id.empty()) << "v8 has no top-level group";

    offset_fetch_response resp;
    auto& g = resp.groups.emplace_back();
    g.group_id = "g1";
    auto& t = g.topics.emplace_back();
    t.name = "t";
    t.partitions.push_back({.partition_index = 0, .committed_offset = 5, .committed_leader_epoch = -1,
                            .metadata = "", .error_code = 0});
    resp.groups.push_back({.group_id = "g2", .topics = {}, .error_code = 69});
    wire_bytes out;
    out.i32(0).carray(2);
    out.cstr("g1").carray(1).cstr("t").carray(1).i32(0).i64(5).i32(-1).cstr("").i16(0).no_tags().no_tags();
    out.i16(0).no_tags();
    out.cstr("g2").carray(0).i16(69).no_tags();
    out.no_tags();
    EXPECT_EQ(*encode_body(resp, 8), out.b);
}

TEST(flexible, metadata_v12_by_topic_id) {
    const uuid u = some_id(0x10);
    wire_bytes w;
    w.carray(1).id(u).cnull().unknown_tag(9, {}).i8(1).i8(0).no_tags();
    auto req = decode_body<metadata_request>(w.b, 12);
    ASSERT_TRUE(req) << req.error().message();
    ASSERT_TRUE(req->topics);
    EXPECT_EQ(req->topics->at(0).topic_id, u);
    EXPECT_EQ(req->topics->at(0).name, std::nullopt);

    metadata_response resp;
    resp.cluster_id = "c";
    resp.controller_id = 0;
    auto& t = resp.topics.emplace_back();
    t.name = "t";
    t.topic_id = u;
    wire_bytes out;
    out.i32(0).carray(0).cstr("c").i32(0);
    out.carray(1).i16(0).cstr("t").id(u).i8(0).carray(0).i32(INT32_MIN).no_tags();
    out.no_tags();  // v11+ have no cluster authorized operations
    EXPECT_EQ(*encode_body(resp, 12), out.b);
}

TEST(flexible, delete_topics_v6_names_or_ids) {
    const uuid u = some_id(0x40);
    wire_bytes w;
    w.carray(2).cnull().id(u).no_tags().cstr("a").id(uuid{}).no_tags().i32(1000).no_tags();
    auto req = decode_body<delete_topics_request>(w.b, 6);
    ASSERT_TRUE(req) << req.error().message();
    ASSERT_EQ(req->topics.size(), 2u);
    EXPECT_EQ(req->topics[0].name, std::nullopt);
    EXPECT_EQ(req->topics[0].topic_id, u);
    EXPECT_EQ(req->topics[1].name, std::optional<std::string>("a"));
    EXPECT_TRUE(req->topic_names.empty());

    delete_topics_response resp;
    resp.responses.push_back({.name = std::nullopt, .topic_id = u, .error_code = 100, .error_message = "x"});
    wire_bytes out;
    out.i32(0).carray(1).cnull().id(u).i16(100).cstr("x").no_tags().no_tags();
    EXPECT_EQ(*encode_body(resp, 6), out.b);
    EXPECT_FALSE(encode_body(resp, 5)) << "names are not nullable before v6";
}

TEST(flexible, produce_v12_request_borrows_compact_records) {
    const bytes batch{1, 2, 3, 4, 5};
    wire_bytes w;
    w.cnull().i16(-1).i32(1000).carray(1).cstr("t").carray(1).i32(0).uv(6).raw({1, 2, 3, 4, 5});
    w.no_tags().no_tags().no_tags();
    auto req = decode_body<produce_request>(w.b, 12);
    ASSERT_TRUE(req) << req.error().message();
    const records_view& r = req->topic_data.at(0).partition_data.at(0).records;
    ASSERT_TRUE(r);
    EXPECT_EQ(bytes(r->begin(), r->end()), batch);
    EXPECT_EQ(r->data(), w.b.data() + w.b.size() - 8);  // points into the input
    EXPECT_EQ(*encode_body(*req, 12), w.b);
    EXPECT_EQ(*encode_body(*req, 9), w.b) << "v9-12 share one body";
}

TEST(flexible, create_topics_v7_response) {
    const uuid u = some_id(0x70);
    create_topics_response resp;
    auto& t = resp.topics.emplace_back();
    t.name = "t";
    t.topic_id = u;
    t.error_message = std::nullopt;
    t.num_partitions = 3;
    t.replication_factor = 1;
    t.configs.emplace().push_back({.name = "retention.ms", .value = "1000", .read_only = false,
                                   .config_source = 1, .is_sensitive = false});
    wire_bytes tail;  // after name (and id)
    tail.i16(0).cnull().i32(3).i16(1).carray(1).cstr("retention.ms").cstr("1000").i8(0).i8(1).i8(0).no_tags();
    wire_bytes v7;
    v7.i32(0).carray(1).cstr("t").id(u).add(tail).no_tags().no_tags();
    EXPECT_EQ(*encode_body(resp, 7), v7.b);
    wire_bytes v5;
    v5.i32(0).carray(1).cstr("t").add(tail).no_tags().no_tags();
    EXPECT_EQ(*encode_body(resp, 5), v5.b);
    // TopicConfigErrorCode is tagged (tag 0) and written only when set.
    t.topic_config_error_code = 29;
    auto body = encode_body(resp, 5);
    ASSERT_TRUE(body);
    wire_bytes tagged;
    tagged.uv(1).uv(0).uv(2).i16(29);
    EXPECT_NE(std::search(body->begin(), body->end(), tagged.b.begin(), tagged.b.end()), body->end());
    auto back = decode_body<create_topics_response>(*body, 5);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->topics.at(0).topic_config_error_code, 29);
}

TEST(flexible, find_coordinator_v4_batches_keys) {
    wire_bytes w;
    w.i8(0).carray(2).cstr("a").cstr("b").no_tags();
    auto req = decode_body<find_coordinator_request>(w.b, 4);
    ASSERT_TRUE(req) << req.error().message();
    EXPECT_EQ(req->coordinator_keys, (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(req->key.empty()) << "v4 has no single key";

    find_coordinator_response resp;
    resp.coordinators.push_back({.key = "a", .node_id = 0, .host = "h", .port = 9092, .error_code = 0,
                                 .error_message = std::nullopt});
    wire_bytes out;
    out.i32(0).carray(1).cstr("a").i32(0).cstr("h").i32(9092).i16(0).cnull().no_tags().no_tags();
    EXPECT_EQ(*encode_body(resp, 4), out.b);
}

}  // namespace
}  // namespace eddy::kafka::protocol
