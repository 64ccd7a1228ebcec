// Byte-exact vectors written by hand from the Kafka protocol guide and KIP-482, so the generated codecs
// are checked against the wire format itself, not against their own round trip.
#include <gtest/gtest.h>

#include "kafka/protocol/codec.h"

namespace eddy::kafka::protocol {
namespace {

bytes b(std::initializer_list<int> v) {
    bytes out;
    for (int x : v) out.push_back(static_cast<uint8_t>(x));
    return out;
}

TEST(golden, api_versions_v0_request_frame) {
    request_header h{.api_version = 0, .correlation_id = 1, .client_id = "kcat"};
    auto frame = encode_request_frame(h, api_versions_request{});
    ASSERT_TRUE(frame);
    // size 14 | api_key 18 | version 0 | correlation 1 | client_id "kcat" (int16 length) | empty body
    EXPECT_EQ(*frame, b({0, 0, 0, 14, 0, 18, 0, 0, 0, 0, 0, 1, 0, 4, 'k', 'c', 'a', 't'}));
}

TEST(golden, api_versions_v3_request_frame) {
    request_header h{.api_version = 3, .correlation_id = 2, .client_id = "rdk"};
    api_versions_request req;
    req.client_software_name = "librdkafka";
    req.client_software_version = "2.0.2";
    auto frame = encode_request_frame(h, req);
    ASSERT_TRUE(frame);
    // Header v2: client_id keeps its int16 length, then an empty tagged-field section.
    // Body: compact strings (uvarint len+1), then an empty tagged-field section.
    bytes expected = b({0, 0, 0, 32, 0, 18, 0, 3, 0, 0, 0, 2, 0, 3, 'r', 'd', 'k', 0,
                        11, 'l', 'i', 'b', 'r', 'd', 'k', 'a', 'f', 'k', 'a', 6, '2', '.', '0', '.', '2', 0});
    EXPECT_EQ(*frame, expected);

    reader in(bytes_view(expected).subspan(4));
    auto hdr = decode_request_header(in);
    ASSERT_TRUE(hdr);
    EXPECT_EQ(hdr->header_version, 2);
    EXPECT_EQ(hdr->header.client_id, "rdk");
    auto body = decode_body<api_versions_request>(bytes_view(expected).subspan(4 + in.position()), 3);
    ASSERT_TRUE(body) << body.error().message();
    EXPECT_EQ(*body, req);
}

TEST(golden, api_versions_response_uses_header_v0_even_when_flexible) {
    api_versions_response resp;
    resp.api_keys.push_back({.api_key = 18, .min_version = 0, .max_version = 3});
    auto frame = encode_response_frame(7, resp, 3);
    ASSERT_TRUE(frame);
    // correlation id, no header tagged fields; body: error 0 | compact array of 1 | {18, 0, 3, no tags}
    // | throttle 0 | no tagged fields
    EXPECT_EQ(*frame, b({0, 0, 0, 19, 0, 0, 0, 7, 0, 0, 2, 0, 18, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0}));
}

TEST(golden, metadata_v1_request) {
    metadata_request req;
    req.topics.emplace();
    req.topics->push_back({.name = "a"});
    req.topics->push_back({.name = "bc"});
    auto body = encode_body(req, 1);
    ASSERT_TRUE(body);
    EXPECT_EQ(*body, b({0, 0, 0, 2, 0, 1, 'a', 0, 2, 'b', 'c'}));

    // v1+: a null topic array means "all topics".
    req.topics.reset();
    body = encode_body(req, 1);
    ASSERT_TRUE(body);
    EXPECT_EQ(*body, b({0xff, 0xff, 0xff, 0xff}));
    auto decoded = decode_body<metadata_request>(*body, 1);
    ASSERT_TRUE(decoded);
    EXPECT_FALSE(decoded->topics.has_value());

    // v0 has no null array: "all topics" is the empty array, and a null is malformed.
    body = encode_body(req, 0);
    EXPECT_FALSE(body);
    auto v0 = decode_body<metadata_request>(b({0xff, 0xff, 0xff, 0xff}), 0);
    ASSERT_FALSE(v0);
    EXPECT_EQ(v0.error().code, make_error_code(errc::null_not_allowed));
}

// ApiVersionsResponse v3 with FinalizedFeaturesEpoch = 5 (tag 1): the tagged field goes after the
// inline fields as uvarint tag, uvarint size, value.
const bytes tagged_response = b({0, 0, 2, 0, 18, 0, 0, 0, 3, 0, 0, 0, 0, 0,  //
                                 1, 1, 8, 0, 0, 0, 0, 0, 0, 0, 5});

TEST(golden, flexible_message_with_a_tagged_field) {
    api_versions_response resp;
    resp.api_keys.push_back({.api_key = 18, .min_version = 0, .max_version = 3});
    resp.finalized_features_epoch = 5;
    auto body = encode_body(resp, 3);
    ASSERT_TRUE(body);
    EXPECT_EQ(*body, tagged_response);
    auto decoded = decode_body<api_versions_response>(tagged_response, 3);
    ASSERT_TRUE(decoded) << decoded.error().message();
    EXPECT_EQ(*decoded, resp);
}

TEST(golden, fetch_v12_request_cluster_id_tag) {
    fetch_request req;
    req.cluster_id = "c1";
    req.max_wait_ms = 500;
    req.min_bytes = 1;
    auto body = encode_body(req, 12);
    ASSERT_TRUE(body);
    bytes expected = b({0xff, 0xff, 0xff, 0xff,  // replica_id -1
                        0, 0, 1, 0xf4,           // max_wait_ms 500
                        0, 0, 0, 1,              // min_bytes 1
                        0x7f, 0xff, 0xff, 0xff,  // max_bytes default
                        0,                       // isolation_level
                        0, 0, 0, 0,              // session_id
                        0xff, 0xff, 0xff, 0xff,  // session_epoch -1
                        1,                       // topics: compact empty array
                        1,                       // forgotten_topics_data: compact empty array
                        1,                       // rack_id: compact ""
                        1, 0, 3, 3, 'c', '1'});  // one tagged field: tag 0, size 3, compact "c1"
    EXPECT_EQ(*body, expected);
    auto decoded = decode_body<fetch_request>(expected, 12);
    ASSERT_TRUE(decoded) << decoded.error().message();
    EXPECT_EQ(decoded->cluster_id, "c1");
}

TEST(golden, unknown_tagged_fields_are_skipped) {
    // The same response with an unknown tag 9 in the nested ApiVersion struct and an unknown tag 7
    // between the known tag 1 and the end of the top-level section.
    bytes with_unknown = b({0, 0, 2, 0, 18, 0, 0, 0, 3, 1, 9, 2, 0xaa, 0xbb, 0, 0, 0, 0,  //
                            2, 1, 8, 0, 0, 0, 0, 0, 0, 0, 5, 7, 3, 1, 2, 3});
    auto decoded = decode_body<api_versions_response>(with_unknown, 3);
    ASSERT_TRUE(decoded) << decoded.error().message();
    auto plain = decode_body<api_versions_response>(tagged_response, 3);
    ASSERT_TRUE(plain);
    EXPECT_EQ(*decoded, *plain);
    // Unknown fields are not kept: re-encoding gives the plain bytes.
    EXPECT_EQ(*encode_body(*decoded, 3), tagged_response);
}

TEST(golden, known_tag_with_wrong_size_is_malformed) {
    bytes bad = tagged_response;
    bad[16] = 9;  // size 9 for an int64, with one more byte after it
    bad.push_back(0);
    auto r = decode_body<api_versions_response>(bad, 3);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, make_error_code(errc::malformed));
}

TEST(golden, produce_v3_records_are_borrowed_verbatim) {
    const bytes batch = b({1, 2, 3, 4, 5});
    produce_request req;
    req.acks = -1;
    req.timeout_ms = 1000;
    auto& topic = req.topic_data.emplace_back();
    topic.name = "t";
    topic.partition_data.push_back({.index = 0, .records = bytes_view(batch)});
    auto body = encode_body(req, 3);
    ASSERT_TRUE(body);
    bytes expected = b({0xff, 0xff,        // transactional_id null
                        0xff, 0xff,        // acks -1
                        0, 0, 3, 0xe8,     // timeout 1000
                        0, 0, 0, 1, 0, 1, 't', 0, 0, 0, 1, 0, 0, 0, 0,  // topic "t", 1 partition, index 0
                        0, 0, 0, 5, 1, 2, 3, 4, 5});
    EXPECT_EQ(*body, expected);
    auto decoded = decode_body<produce_request>(*body, 3);
    ASSERT_TRUE(decoded);
    const records_view& r = decoded->topic_data.at(0).partition_data.at(0).records;
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->data(), body->data() + body->size() - 5);  // points into the input, no copy
}

// A scattered frame (large records fields borrowed, not copied) must put exactly the bytes of the
// contiguous encoding on the wire, flexible or not, and copy the small records fields it does not borrow.
TEST(golden, scattered_response_frame_matches_contiguous) {
    bytes big1(20000, 0xab), big2(70000, 0xcd), small(100, 0xef);
    fetch_response resp;
    auto& t = resp.responses.emplace_back();
    t.topic = "t";
    for (int i = 0; i < 4; ++i) {
        auto& p = t.partitions.emplace_back();
        p.partition_index = i;
        p.high_watermark = 10 + i;
    }
    t.partitions[0].records = bytes_view(big1);
    t.partitions[1].records = bytes_view(small);
    t.partitions[2].records = std::nullopt;
    t.partitions[3].records = bytes_view(big2);
    for (int16_t version : {int16_t{4}, int16_t{11}, int16_t{12}}) {
        auto whole = encode_response_frame(9, resp, version);
        auto scattered = encode_response_frame_scattered(9, resp, version, 16 * 1024);
        ASSERT_TRUE(whole && scattered) << version;
        ASSERT_EQ(scattered->pieces.size(), 2u) << version;
        EXPECT_EQ(scattered->pieces[0].data.data(), big1.data());  // borrowed: no copy
        EXPECT_EQ(scattered->pieces[1].data.data(), big2.data());
        bytes joined;
        size_t pos = 0;
        for (const auto& piece : scattered->pieces) {
            joined.insert(joined.end(), scattered->head.begin() + static_cast<ptrdiff_t>(pos),
                          scattered->head.begin() + static_cast<ptrdiff_t>(piece.at));
            joined.insert(joined.end(), piece.data.begin(), piece.data.end());
            pos = piece.at;
        }
        joined.insert(joined.end(), scattered->head.begin() + static_cast<ptrdiff_t>(pos), scattered->head.end());
        EXPECT_EQ(joined, *whole) << version;
        EXPECT_LT(scattered->head.size(), 1000u) << version;
    }
}

}  // namespace
}  // namespace eddy::kafka::protocol
