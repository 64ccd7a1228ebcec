// The REST Proxy's pure parts: base64 (as strict as Java's decoder), the consumer group protocol blobs
// and assignors (as Kafka's RangeAssignor and RoundRobinAssignor compute them), and decoding stored
// batches into records (offsets, budgets, compression, control batches).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "bytes/compression.h"
#include "bytes/varint.h"
#include "http/rest/base64.h"
#include "http/rest/consumer_protocol.h"
#include "http/rest/records.h"
#include "storage/record_batch.h"

namespace eddy::http::rest {
namespace {

TEST(rest_base64, round_trips_every_length) {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    for (size_t n = 0; n <= all.size(); ++n) {
        auto text = base64_encode(as_bytes(std::string_view(all).substr(0, n)));
        EXPECT_EQ(text.size() % 4, 0u);
        auto back = base64_decode(text);
        ASSERT_TRUE(back) << n;
        EXPECT_EQ(*back, all.substr(0, n));
    }
    EXPECT_EQ(base64_encode(as_bytes("confluent")), "Y29uZmx1ZW50");
    EXPECT_EQ(base64_encode(as_bytes("key")), "a2V5");
}

TEST(rest_base64, padding_is_optional_but_must_be_right_and_nothing_else_is_accepted) {
    EXPECT_EQ(base64_decode("a2V5"), "key");
    EXPECT_EQ(base64_decode("aGk="), "hi");
    EXPECT_EQ(base64_decode("aGk"), "hi");
    EXPECT_EQ(base64_decode(""), "");
    EXPECT_FALSE(base64_decode("aGk=="));   // too much padding
    EXPECT_FALSE(base64_decode("a"));       // a lone 6-bit digit is no byte
    EXPECT_FALSE(base64_decode("a2V5 "));   // whitespace
    EXPECT_FALSE(base64_decode("a2-5"));    // URL-safe alphabet
    EXPECT_FALSE(base64_decode("a=V5"));    // padding inside
    EXPECT_FALSE(base64_decode("not base64!"));
}

TEST(rest_consumer_protocol, subscription_and_assignment_round_trip) {
    auto sub = encode_subscription({"a", "bb"});
    // version 0, 2 topics, "a", "bb", null user data
    bytes expected{0, 0, 0, 0, 0, 2, 0, 1, 'a', 0, 2, 'b', 'b', 0xff, 0xff, 0xff, 0xff};
    EXPECT_EQ(sub, expected);
    EXPECT_EQ(decode_subscription(sub), (std::vector<std::string>{"a", "bb"}));
    // A v1 subscription (owned partitions appended) still yields its topics.
    auto v1 = sub;
    v1[1] = 1;
    v1.insert(v1.end(), {0, 0, 0, 0});
    EXPECT_EQ(decode_subscription(v1), (std::vector<std::string>{"a", "bb"}));
    EXPECT_FALSE(decode_subscription(bytes{0, 0, 0, 0, 0, 9}));

    partition_assignment a{{"t", {2, 0}}, {"u", {1}}};
    auto decoded = decode_assignment(encode_assignment(a));
    ASSERT_TRUE(decoded);
    EXPECT_EQ((*decoded)["t"], (std::vector<int32_t>{0, 2}));
    EXPECT_EQ((*decoded)["u"], (std::vector<int32_t>{1}));
    EXPECT_TRUE(decode_assignment(bytes{})->empty());
    EXPECT_FALSE(decode_assignment(bytes{0, 0, 0, 0, 0, 1, 0, 1}));
}

TEST(rest_consumer_protocol, range_gives_contiguous_ranges_in_member_order) {
    std::vector<member_subscription> members{{"m2", {"t", "u"}}, {"m1", {"t"}}, {"m3", {"t"}}};
    auto plan = assign("range", members, {{"t", 7}, {"u", 2}});
    // t: 7 partitions over m1, m2, m3 -> 3, 2, 2; u: only m2.
    EXPECT_EQ(plan["m1"]["t"], (std::vector<int32_t>{0, 1, 2}));
    EXPECT_EQ(plan["m2"]["t"], (std::vector<int32_t>{3, 4}));
    EXPECT_EQ(plan["m3"]["t"], (std::vector<int32_t>{5, 6}));
    EXPECT_EQ(plan["m2"]["u"], (std::vector<int32_t>{0, 1}));
    EXPECT_FALSE(plan["m1"].contains("u"));
    // More members than partitions: the last ones get nothing but are still in the plan.
    auto small = assign("range", members, {{"t", 1}});
    EXPECT_EQ(small["m1"]["t"], (std::vector<int32_t>{0}));
    EXPECT_TRUE(small["m3"].empty());
    // Unknown topics are not assigned.
    EXPECT_TRUE(assign("range", {{"m", {"gone"}}}, {})["m"].empty());
}

TEST(rest_consumer_protocol, roundrobin_deals_partitions_to_subscribers) {
    std::vector<member_subscription> members{{"b", {"t", "u"}}, {"a", {"t"}}};
    auto plan = assign("roundrobin", members, {{"t", 3}, {"u", 2}});
    // t0 a, t1 b, t2 a, then u0/u1 only b subscribes.
    EXPECT_EQ(plan["a"]["t"], (std::vector<int32_t>{0, 2}));
    EXPECT_EQ(plan["b"]["t"], (std::vector<int32_t>{1}));
    EXPECT_EQ(plan["b"]["u"], (std::vector<int32_t>{0, 1}));
}

TEST(rest_json_text, doubles_in_shortest_form_everything_else_as_boost_writes_it) {
    auto v = boost::json::parse(R"({"t":21.5,"n":[1,-2,1e21,0.1,1.0],"s":"a\"\u0001","b":true,"z":null,"u":18446744073709551615})");
    EXPECT_EQ(to_json_text(v),
              R"({"t":21.5,"n":[1,-2,1e+21,0.1,1],"s":"a\"\u0001","b":true,"z":null,"u":18446744073709551615})");
    EXPECT_EQ(to_json_text(boost::json::array{}), "[]");
}

bytes batch(int64_t base, std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> kv) {
    std::vector<storage::record_input> in;
    for (auto& [k, v] : kv) in.push_back({k, v, timestamp_ms{1000}, {}});
    return storage::build_batch(in, storage::batch_options{.base_offset = base});
}

bytes concat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

TEST(rest_records, decode_starts_at_the_offset_and_stops_at_the_budget) {
    auto data = concat({batch(0, {{"k0", "v0"}, {"k1", "v1"}}), batch(2, {{std::nullopt, "v2"}, {"k3", std::nullopt}})});
    std::vector<consumed_record> out;
    auto d = decode_batches(data, offset{1}, 1000, true, out);
    ASSERT_TRUE(d) << d.error().message();
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].at, offset{1});
    EXPECT_EQ(out[1].key, std::nullopt);
    EXPECT_EQ(out[2].value, std::nullopt);
    EXPECT_EQ(d->next, offset{4});
    EXPECT_FALSE(d->full);

    out.clear();
    d = decode_batches(data, offset{0}, 5, true, out);  // each record is 4 bytes of key + value
    ASSERT_TRUE(d);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(d->full);
    EXPECT_EQ(d->next, offset{1});

    out.clear();
    d = decode_batches(data, offset{0}, 1, true, out);  // over the budget, but the first is always taken
    ASSERT_EQ(out.size(), 1u);
    out.clear();
    std::vector<consumed_record> earlier(1);
    d = decode_batches(data, offset{0}, 1, false, earlier);
    EXPECT_EQ(earlier.size(), 1u);
    EXPECT_EQ(d->next, offset{0});
}

// `plain` with its records section compressed with zstd, as a producer would send it.
bytes zstd_batch(const bytes& plain) {
    auto z = compress(compression::zstd, bytes_view(plain).subspan(storage::batch_header_size));
    EXPECT_TRUE(z);
    bytes packed(plain.begin(), plain.begin() + storage::batch_header_size);
    packed.insert(packed.end(), z->begin(), z->end());
    store_be<int32_t>(packed.data() + 8, static_cast<int32_t>(packed.size() - storage::batch_log_overhead));
    store_be<int16_t>(packed.data() + 21, static_cast<int16_t>(compression::zstd));
    storage::update_crc(packed);
    return packed;
}

TEST(rest_records, compressed_and_control_batches) {
    auto packed = zstd_batch(batch(5, {{"a", "1"}, {"b", "2"}}));
    ASSERT_TRUE(storage::validate_batch(packed, storage::validation::producer));

    auto control = batch(7, {{"ctl", "x"}});
    store_be<int16_t>(control.data() + 21, 0x20);
    storage::update_crc(control);

    auto data = concat({packed, control, batch(8, {{"c", "3"}})});
    std::vector<consumed_record> out;
    auto d = decode_batches(data, offset{6}, 1000, true, out);
    ASSERT_TRUE(d) << d.error().message();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].at, offset{6});
    EXPECT_EQ(out[0].key, "b");
    EXPECT_EQ(out[1].at, offset{8});
    EXPECT_EQ(d->next, offset{9});
}

// A record encoded by hand, with whatever offset delta: the records inside a compressed batch are not
// validated when it is produced.
bytes raw_record(int32_t offset_delta, std::string_view key, std::string_view value) {
    bytes body{0};                    // attributes
    varint::encode_varlong(body, 0);  // timestamp delta
    varint::encode_varint(body, offset_delta);
    varint::encode_varint(body, static_cast<int32_t>(key.size()));
    body.insert(body.end(), key.begin(), key.end());
    varint::encode_varint(body, static_cast<int32_t>(value.size()));
    body.insert(body.end(), value.begin(), value.end());
    varint::encode_varint(body, 0);  // headers
    bytes out;
    varint::encode_varint(out, static_cast<int32_t>(body.size()));
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

TEST(rest_records, records_outside_their_compressed_batch_are_skipped) {
    // Offsets 5..6 by the header, but the second record inside claims offset 5 + 1000 (and a third 4).
    auto h = storage::parse_header(batch(5, {{"a", "1"}, {"b", "2"}}));
    ASSERT_TRUE(h);
    bytes r0 = raw_record(0, "a", "1"), r1 = raw_record(1000, "b", "2"), r2 = raw_record(-1, "z", "9");
    std::vector<bytes_view> raw{r0, r1, r2};
    auto data = concat({zstd_batch(storage::rebuild_batch(*h, raw)), batch(7, {{"c", "3"}})});

    std::vector<consumed_record> out;
    auto d = decode_batches(data, offset{4}, 1000, false, out);
    ASSERT_TRUE(d) << d.error().message();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].at, offset{5});
    EXPECT_EQ(out[1].at, offset{7});
    EXPECT_EQ(d->next, offset{8});

    // With room for two records, the second is "c" at 7: before, it was the one at 1005, the read was
    // full, and the consumer resumed at 1006, past "c".
    out.clear();
    d = decode_batches(data, offset{5}, 4, false, out);
    ASSERT_TRUE(d);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].at, offset{7});
    EXPECT_FALSE(d->full);
    EXPECT_EQ(d->next, offset{8});
}

TEST(rest_records, json_rendering) {
    consumed_record r{offset{3}, std::string("\"k\""), std::string("{\"a\":1}")};
    auto j = to_json(r, "t", partition_id{2}, embedded_format::json);
    ASSERT_TRUE(j);
    EXPECT_EQ(boost::json::serialize(*j), R"({"topic":"t","key":"k","value":{"a":1},"partition":2,"offset":3})");
    auto b = to_json(r, "t", partition_id{2}, embedded_format::binary);
    ASSERT_TRUE(b);
    EXPECT_EQ((*b)["key"].as_string(), base64_encode(as_bytes("\"k\"")));
    consumed_record bad{offset{4}, std::nullopt, std::string("not json")};
    EXPECT_FALSE(to_json(bad, "t", partition_id{0}, embedded_format::json));
    auto nulls = to_json(bad, "t", partition_id{0}, embedded_format::binary);
    EXPECT_TRUE((*nulls)["key"].is_null());
}

}  // namespace
}  // namespace eddy::http::rest
