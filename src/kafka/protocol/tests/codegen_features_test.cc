// Generator features that the real Kafka schemas do not exercise, checked on the test-only message in
// tests/schemas/codegen_check_*.json: uint16, float64, common structs, a struct-typed field, nullable
// bytes, a single-version field, "flexibleVersions": "none", and tagged fields inside a nested struct.
#include <gtest/gtest.h>

#include "kafka/protocol/codec.h"
#include "kafka/protocol/test_messages/codegen_check.h"
#include "kafka/protocol/tests/test_values.h"

namespace eddy::kafka::protocol {
namespace {

using codegen_test::codegen_check_request;

bytes b(std::initializer_list<int> v) {
    bytes out;
    for (int x : v) out.push_back(static_cast<uint8_t>(x));
    return out;
}

codegen_check_request sample() {
    codegen_check_request m;
    m.origin = {.x = 1.5, .y = 2};
    m.path.reset();
    m.blob.reset();
    m.ids = {5};
    m.label = "ab";
    m.nested.push_back({.name = "n", .hint = 3, .note = "z"});
    m.flag = false;
    return m;
}

TEST(codegen_features, v2_bytes) {
    auto body = encode_body(sample(), 2);
    ASSERT_TRUE(body) << body.error().message();
    bytes expected = b({0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0, 2, 0,  // origin: float64 1.5, uint16 2, no tags
                        0,                                     // path: compact null (nullable in v2)
                        0,                                     // blob: compact null
                        2, 0, 0, 0, 5,                         // ids: compact array [5]
                        0, 2, 'a', 'b',                        // label keeps its int16 length
                        2, 2, 'n',                             // nested: one element, name "n"
                        2, 0, 2, 2, 'z', 4, 4, 0, 0, 0, 3,     // its tags in ascending order: 0 note, 4 hint
                        1, 1, 1, 0});                          // top-level tag 1: flag false
    EXPECT_EQ(*body, expected);
    auto decoded = decode_body<codegen_check_request>(expected, 2);
    ASSERT_TRUE(decoded) << decoded.error().message();
    EXPECT_EQ(*decoded, sample());
}

TEST(codegen_features, single_version_field_and_non_nullable_versions) {
    codegen_check_request m = sample();
    m.only_v1 = 77;
    // v1: path is not nullable yet, so the null is an encoding error...
    EXPECT_FALSE(encode_body(m, 1));
    m.path.emplace();
    auto v1 = encode_body(m, 1);
    ASSERT_TRUE(v1);
    auto d1 = decode_body<codegen_check_request>(*v1, 1);
    ASSERT_TRUE(d1);
    EXPECT_EQ(d1->only_v1, 77);
    EXPECT_EQ(d1->nested.at(0).hint, -1);  // hint is tagged only from v2: not sent in v1
    EXPECT_EQ(d1->nested.at(0).note, "z");
    EXPECT_TRUE(d1->flag);                 // flag exists from v2: stays at its default
    // ...and v0 is not flexible: no nested array, no tags; only_v1 is dropped.
    auto v0 = encode_body(m, 0);
    ASSERT_TRUE(v0);
    auto d0 = decode_body<codegen_check_request>(*v0, 0);
    ASSERT_TRUE(d0);
    EXPECT_EQ(d0->only_v1, -1);
    EXPECT_TRUE(d0->nested.empty());
    EXPECT_EQ(d0->origin, m.origin);
}

TEST(codegen_features, round_trip_and_prefixes_every_version) {
    for (int16_t v = 0; v <= 2; ++v) {
        auto m = testing::filled<codegen_check_request>();
        auto first = encode_body(m, v);
        ASSERT_TRUE(first) << first.error().message();
        auto decoded = decode_body<codegen_check_request>(*first, v);
        ASSERT_TRUE(decoded) << decoded.error().message();
        EXPECT_EQ(*encode_body(*decoded, v), *first);
        for (size_t n = 0; n < first->size(); ++n)
            ASSERT_FALSE(decode_body<codegen_check_request>(bytes_view(*first).first(n), v)) << v << " " << n;
    }
}

}  // namespace
}  // namespace eddy::kafka::protocol
