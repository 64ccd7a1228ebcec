#include "kafka/protocol/headers.h"

#include <gtest/gtest.h>

#include "kafka/protocol/messages/api_table.h"

namespace eddy::kafka::protocol {
namespace {

TEST(headers, versions_follow_first_flexible_version) {
    EXPECT_EQ(*request_header_version(3, 8), 1);  // Metadata v8
    EXPECT_EQ(*request_header_version(3, 9), 2);  // Metadata v9 is flexible
    EXPECT_EQ(*response_header_version(3, 8), 0);
    EXPECT_EQ(*response_header_version(3, 9), 1);
    EXPECT_EQ(*request_header_version(17, 1), 1);  // SaslHandshake is never flexible
    EXPECT_EQ(*response_header_version(17, 1), 0);
}

TEST(headers, api_versions_response_header_is_always_v0) {
    for (int16_t v = 0; v <= 10; ++v) EXPECT_EQ(*response_header_version(api_versions_key, v), 0);
    EXPECT_EQ(*request_header_version(api_versions_key, 3), 2);
    // A client probing a version above ours (KIP-511) still sends a v2 header; we must parse it.
    EXPECT_EQ(*request_header_version(api_versions_key, 9), 2);
}

TEST(headers, unknown_api_is_an_error) {
    auto r = request_header_version(999, 0);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, make_error_code(errc::unknown_api));
}

TEST(headers, request_header_round_trip_each_version) {
    request_header h{.api_key = 3, .api_version = 9, .correlation_id = -5, .client_id = "c"};
    for (int16_t hv = 0; hv <= 2; ++hv) {
        bytes buf;
        writer w(buf);
        encode_request_header(w, h, hv);
        ASSERT_TRUE(w.finish());
        EXPECT_EQ(buf.size(), hv == 0 ? 8u : hv == 1 ? 11u : 12u);
        reader r(buf);
        auto d = decode_request_header(r, hv);
        ASSERT_TRUE(d);
        EXPECT_EQ(d->correlation_id, -5);
        EXPECT_EQ(d->client_id, hv == 0 ? std::nullopt : std::optional<std::string>("c"));
        EXPECT_TRUE(r.empty());
    }
}

TEST(headers, v2_header_skips_unknown_tags_and_null_client_id) {
    // Metadata v9, correlation 1, client_id null, one unknown tagged field.
    bytes buf{0, 3, 0, 9, 0, 0, 0, 1, 0xff, 0xff, 1, 4, 1, 0xee};
    reader r(buf);
    auto d = decode_request_header(r);
    ASSERT_TRUE(d) << d.error().message();
    EXPECT_EQ(d->header_version, 2);
    EXPECT_EQ(d->header.client_id, std::nullopt);
    EXPECT_TRUE(r.empty());
}

TEST(headers, unknown_api_header_is_read_as_v1) {
    bytes buf{0x03, 0xe7, 0, 0, 0, 0, 0, 42, 0, 0, 0xaa};
    reader r(buf);
    auto d = decode_request_header(r);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->header.api_key, 999);
    EXPECT_EQ(d->header.correlation_id, 42);
    EXPECT_EQ(d->header_version, 1);
    EXPECT_EQ(r.remaining(), 1u);
    EXPECT_EQ(find_api(999), nullptr);
}

TEST(headers, response_header_v1_has_tagged_fields) {
    bytes buf;
    writer w(buf);
    encode_response_header(w, {.correlation_id = 9}, 1);
    EXPECT_EQ(buf, (bytes{0, 0, 0, 9, 0}));
    reader r(buf);
    EXPECT_EQ(decode_response_header(r, 1)->correlation_id, 9);
    reader truncated(bytes_view(buf).first(4));
    EXPECT_FALSE(decode_response_header(truncated, 1));
}

TEST(api_table, covers_the_phase_one_ranges) {
    struct want {
        int16_t key, min, max, flex;
    };
    // Our codec ranges must include the ranges the reference recommends advertising first.
    for (want w : {want{18, 0, 3, 3}, {0, 3, 8, 9}, {1, 4, 11, 12}, {2, 0, 5, 6}, {3, 0, 8, 9}, {8, 0, 7, 8},
                   {9, 0, 5, 6}, {10, 0, 2, 3}, {11, 0, 5, 6}, {12, 0, 3, 4}, {13, 0, 3, 4}, {14, 0, 3, 4},
                   {15, 0, 4, 5}, {16, 0, 2, 3}, {17, 0, 1, -1}, {36, 0, 1, 2}, {19, 0, 4, 5}, {20, 0, 3, 4},
                   {32, 0, 3, 4}, {22, 0, 1, 2}, {37, 0, 1, 2}, {42, 0, 1, 2}, {21, 0, 1, 2}, {47, 0, 0, -1}}) {
        const api_info* a = find_api(w.key);
        ASSERT_NE(a, nullptr) << w.key;
        EXPECT_LE(a->min_version, w.min) << a->name;
        EXPECT_GE(a->max_version, w.max) << a->name;
        EXPECT_EQ(a->first_flexible_version, w.flex) << a->name;
    }
    EXPECT_EQ(api_table.size(), 26u);
    EXPECT_EQ(find_api(18)->name, "ApiVersions");
}

}  // namespace
}  // namespace eddy::kafka::protocol
