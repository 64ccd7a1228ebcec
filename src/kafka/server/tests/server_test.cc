// The Kafka listener in-process (broker over an in-memory file system, 1 and 2 shards), driven through a
// real TCP socket with our own codecs: ApiVersions (+ KIP-511 fallback), Metadata with auto-creation,
// Produce/Fetch/ListOffsets, CreateTopics, pipelined requests answered in order, acks=0, and bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "kafka/protocol/messages/api_versions.h"
#include "kafka/protocol/messages/create_topics.h"
#include "kafka/protocol/messages/fetch.h"
#include "kafka/protocol/messages/list_groups.h"
#include "kafka/protocol/messages/list_offsets.h"
#include "kafka/protocol/messages/metadata.h"
#include "kafka/protocol/messages/produce.h"
#include "kafka/server/tests/server_fixture.h"
#include "storage/record_batch.h"

namespace eddy::kafka::server {
namespace {

namespace p = protocol;

bytes batch_of(std::vector<std::string> values) {
    std::vector<storage::record_input> in;
    for (auto& v : values) in.push_back({std::nullopt, v, timestamp_ms{1000}, {}});
    return storage::build_batch(in);
}

p::produce_request produce_req(const std::string& topic, int32_t partition, const bytes& batch, int16_t acks = 1) {
    p::produce_request req;
    req.acks = acks;
    req.timeout_ms = 1000;
    auto& t = req.topic_data.emplace_back();
    t.name = topic;
    auto& pd = t.partition_data.emplace_back();
    pd.index = partition;
    pd.records = bytes_view(batch);
    return req;
}
// The request only views the batch: a temporary batch would be gone before the request is sent.
p::produce_request produce_req(const std::string& topic, int32_t partition, bytes&& batch, int16_t acks = 1) = delete;

p::fetch_request fetch_req(const std::string& topic, int32_t partition, int64_t from, int32_t max_wait = 0,
                           int32_t min_bytes = 1) {
    p::fetch_request req;
    req.max_wait_ms = max_wait;
    req.min_bytes = min_bytes;
    req.max_bytes = 1 << 20;
    auto& t = req.topics.emplace_back();
    t.topic = topic;
    auto& fp = t.partitions.emplace_back();
    fp.partition = partition;
    fp.fetch_offset = from;
    fp.partition_max_bytes = 1 << 20;
    return req;
}

class server_test : public testing::server_fixture {};

TEST_P(server_test, api_versions_advertises_the_handler_table_and_falls_back_for_newer_versions) {
    auto c = client();
    p::api_versions_request req;
    req.client_software_name = "raw";
    req.client_software_version = "1";
    auto resp = c.call<p::api_versions_response>(req, 3);
    EXPECT_EQ(resp.error_code, 0);
    // The phase-2 ranges: flexible versions up to, not including, the topic-ID versions.
    const std::map<int16_t, std::pair<int16_t, int16_t>> expected{
        {0, {3, 12}}, {1, {4, 12}}, {2, {0, 8}},  {3, {0, 12}}, {8, {0, 8}},  {9, {0, 8}},  {10, {0, 4}},
        {11, {0, 9}}, {12, {0, 4}}, {13, {0, 5}}, {14, {0, 5}}, {15, {0, 5}}, {16, {0, 4}}, {18, {0, 3}},
        {19, {0, 7}}, {20, {0, 6}}, {21, {0, 2}}, {22, {0, 4}}, {32, {0, 4}}, {33, {0, 2}}, {37, {0, 3}},
        {42, {0, 2}}, {44, {0, 1}}, {47, {0, 0}}};
    std::map<int16_t, std::pair<int16_t, int16_t>> advertised;
    for (const auto& k : resp.api_keys) advertised[k.api_key] = {k.min_version, k.max_version};
    EXPECT_EQ(advertised, expected);
    // KIP-511: v4 is above our maximum: a v0 body with UNSUPPORTED_VERSION and our list, header v0.
    c.send(req, 4);
    auto fallback = c.receive<p::api_versions_response>(0);
    EXPECT_EQ(fallback.error_code, 35);
    EXPECT_NE(std::find_if(fallback.api_keys.begin(), fallback.api_keys.end(), [](auto& k) { return k.api_key == 18; }),
              fallback.api_keys.end());
}

TEST_P(server_test, metadata_auto_creates_and_produce_fetch_list_offsets_round_trip) {
    auto c = client();
    p::metadata_request md;
    md.topics.emplace();
    md.topics->push_back({{}, std::string("events")});
    auto m = c.call<p::metadata_response>(md, 4);
    ASSERT_EQ(m.topics.size(), 1u);
    EXPECT_EQ(m.topics[0].error_code, 0);
    EXPECT_EQ(m.topics[0].partitions.size(), 1u);
    ASSERT_EQ(m.brokers.size(), 1u);
    EXPECT_EQ(m.brokers[0].port, server_->bound_port());

    auto batch = batch_of({"one", "two"});
    auto pr = c.call<p::produce_response>(produce_req("events", 0, batch), 7);
    ASSERT_EQ(pr.responses.size(), 1u);
    EXPECT_EQ(pr.responses[0].partition_responses[0].error_code, 0);
    EXPECT_EQ(pr.responses[0].partition_responses[0].base_offset, 0);

    auto fr = c.call<p::fetch_response>(fetch_req("events", 0, 0), 11);
    ASSERT_EQ(fr.responses.size(), 1u);
    const auto& pd = fr.responses[0].partitions[0];
    EXPECT_EQ(pd.error_code, 0);
    EXPECT_EQ(pd.high_watermark, 2);
    EXPECT_EQ(pd.last_stable_offset, 2);
    ASSERT_TRUE(pd.records);
    EXPECT_EQ(pd.records->size(), batch.size());

    p::list_offsets_request lo;
    lo.replica_id = -1;
    auto& lt = lo.topics.emplace_back();
    lt.name = "events";
    lt.partitions.push_back({0, -1, -1, 1});
    auto lr = c.call<p::list_offsets_response>(lo, 2);
    EXPECT_EQ(lr.topics[0].partitions[0].offset, 2);
    auto lr0 = c.call<p::list_offsets_response>(lo, 0);
    ASSERT_EQ(lr0.topics[0].partitions[0].old_style_offsets.size(), 1u);
    EXPECT_EQ(lr0.topics[0].partitions[0].old_style_offsets[0], 2);

    auto bad = c.call<p::fetch_response>(fetch_req("events", 0, 99), 11);
    EXPECT_EQ(bad.responses[0].partitions[0].error_code, 1);  // OFFSET_OUT_OF_RANGE
}

TEST_P(server_test, create_topics_and_errors) {
    auto c = client();
    p::create_topics_request req;
    req.timeout_ms = 1000;
    req.topics.push_back({"made", 3, 1, {}, {}});
    req.topics.push_back({"made", 3, 1, {}, {}});
    req.topics.push_back({"bad/name", 1, 1, {}, {}});
    req.topics.push_back({"rf", 1, 3, {}, {}});
    auto r = c.call<p::create_topics_response>(req, 4);
    ASSERT_EQ(r.topics.size(), 4u);
    EXPECT_EQ(r.topics[0].error_code, 0);
    EXPECT_EQ(r.topics[1].error_code, 36);
    EXPECT_EQ(r.topics[2].error_code, 17);
    EXPECT_EQ(r.topics[3].error_code, 38);
    p::metadata_request md;
    md.topics.reset();
    auto m = c.call<p::metadata_response>(md, 8);
    ASSERT_EQ(m.topics.size(), 1u);
    EXPECT_EQ(m.topics[0].partitions.size(), 3u);
}

TEST_P(server_test, pipelined_requests_are_answered_in_order) {
    auto c = client();
    auto batch = batch_of({"x"});
    p::metadata_request md;
    md.topics.emplace();
    md.topics->push_back({{}, std::string("pipe")});
    c.call<p::metadata_response>(md, 4);  // creates the topic
    std::vector<int32_t> sent;
    // A long-polling fetch first: everything behind it must still come back after it, in order.
    sent.push_back(c.send(fetch_req("pipe", 0, 0, 200, 1 << 20), 11));
    sent.push_back(c.send(md, 4));
    for (int i = 0; i < 10; ++i) sent.push_back(c.send(produce_req("pipe", 0, batch), 7));
    sent.push_back(c.send(produce_req("pipe", 0, batch, 0), 7));  // acks=0: no response
    sent.push_back(c.send(fetch_req("pipe", 0, 0), 11));
    std::vector<int32_t> got;
    int32_t cid = 0;
    auto f = c.receive<p::fetch_response>(11, &cid);
    got.push_back(cid);
    c.receive<p::metadata_response>(4, &cid);
    got.push_back(cid);
    for (int i = 0; i < 10; ++i) {
        auto pr = c.receive<p::produce_response>(7, &cid);
        got.push_back(cid);
        EXPECT_EQ(pr.responses[0].partition_responses[0].base_offset, i);
    }
    auto last = c.receive<p::fetch_response>(11, &cid);
    got.push_back(cid);
    sent.erase(sent.end() - 2);  // the acks=0 produce
    EXPECT_EQ(got, sent);
    EXPECT_EQ(last.responses[0].partitions[0].high_watermark, 11);
}

TEST_P(server_test, bad_crc_is_corrupt_message_and_unsupported_versions_close_the_connection) {
    auto c = client();
    auto batch = batch_of({"x"});
    batch.back() ^= 0x1;
    auto pr = c.call<p::produce_response>(produce_req("crc", 0, batch), 7);
    EXPECT_EQ(pr.responses[0].partition_responses[0].error_code, 2);
    c.send(p::list_groups_request{}, 5);  // decodable, but above what we advertise
    EXPECT_TRUE(c.closed_by_peer());
    auto c2 = client();
    bytes huge{0x7f, 0, 0, 0};  // a frame size far above the limit
    c2.send_raw(huge);
    EXPECT_TRUE(c2.closed_by_peer());
    auto c3 = client();
    EXPECT_EQ(c3.call<p::api_versions_response>(p::api_versions_request{}, 0).error_code, 0);
}

TEST_P(server_test, metrics_count_requests_error_codes_bad_requests_and_connections) {
    {
        auto c = client();
        p::create_topics_request req;
        req.timeout_ms = 1000;
        req.topics.push_back({"m", 1, 1, {}, {}});
        req.topics.push_back({"m", 1, 1, {}, {}});
        EXPECT_EQ(c.call<p::create_topics_response>(req, 4).topics[1].error_code, 36);
        auto a = batch_of({"a"});
        auto ok = c.call<p::produce_response>(produce_req("m", 0, a), 7);
        EXPECT_EQ(ok.responses[0].partition_responses[0].error_code, 0);
        auto b = batch_of({"b"});
        auto missing = produce_req("m", 4, b);
        missing.topic_data[0].partition_data.push_back(missing.topic_data[0].partition_data[0]);
        missing.topic_data[0].partition_data[1].index = 5;
        auto bad = c.call<p::produce_response>(missing, 7);
        EXPECT_EQ(bad.responses[0].partition_responses[1].error_code, 3);
        c.call<p::fetch_response>(fetch_req("m", 0, 0), 11);
        EXPECT_EQ(sample("eddy_kafka_connections"), 1.0);
        c.send(p::list_groups_request{}, 5);  // above what we advertise: a bad request, the connection closes
        EXPECT_TRUE(c.closed_by_peer());
    }
    ASSERT_TRUE(runtime::testing::wait_until([&] { return sample("eddy_kafka_connections") == 0.0; }));
    EXPECT_EQ(sample("eddy_kafka_connections_accepted_total"), 1.0);
    EXPECT_EQ(sample("eddy_kafka_requests_total{api=\"CreateTopics\"}"), 1.0);
    EXPECT_EQ(sample("eddy_kafka_requests_total{api=\"Produce\"}"), 2.0);
    EXPECT_EQ(sample("eddy_kafka_requests_total{api=\"Fetch\"}"), 1.0);
    EXPECT_FALSE(sample("eddy_kafka_requests_total{api=\"ListGroups\"}")) << "refused before it was handled";
    EXPECT_EQ(sample("eddy_kafka_request_errors_total{api=\"CreateTopics\",code=\"36\"}"), 1.0);
    EXPECT_EQ(sample("eddy_kafka_request_errors_total{api=\"Produce\",code=\"3\"}"), 2.0);
    EXPECT_EQ(sample("eddy_kafka_request_duration_seconds_count{api=\"Produce\"}"), 2.0);
    EXPECT_EQ(sample("eddy_kafka_bad_requests_total"), 1.0);
    EXPECT_EQ(sample("eddy_kafka_connection_errors_total"), 0.0);
}

bytes batch_at(std::vector<int64_t> timestamps) {
    std::vector<storage::record_input> in;
    for (auto ts : timestamps) in.push_back({std::nullopt, "v", timestamp_ms{ts}, {}});
    return storage::build_batch(in);
}

p::metadata_request metadata_by_name(const std::string& name) {
    p::metadata_request md;
    md.topics.emplace().push_back({.topic_id = {}, .name = name});
    return md;
}

TEST_P(server_test, metadata_v10_plus_carries_stable_topic_ids_and_v12_looks_them_up) {
    auto c = client();
    auto created = c.call<p::metadata_response>(metadata_by_name("ids"), 12);  // auto-creates
    ASSERT_EQ(created.topics.size(), 1u);
    EXPECT_EQ(created.topics[0].error_code, 0);
    const p::uuid id = created.topics[0].topic_id;
    EXPECT_NE(id, p::uuid{});
    EXPECT_EQ(c.call<p::metadata_response>(metadata_by_name("ids"), 10).topics.at(0).topic_id, id);
    p::metadata_request all;
    all.topics.reset();
    auto listed = c.call<p::metadata_response>(all, 9);
    EXPECT_EQ(listed.topics.at(0).topic_id, p::uuid{}) << "v9 has no topic id";
    EXPECT_EQ(c.call<p::metadata_response>(all, 11).topics.at(0).topic_id, id);

    // v12 by id: unknown ids first with a null name, then the known topics; never auto-created.
    p::uuid unknown = id;
    unknown[0] ^= 0xff;
    p::metadata_request by_id;
    by_id.topics.emplace();
    by_id.topics->push_back({.topic_id = id, .name = std::nullopt});
    by_id.topics->push_back({.topic_id = unknown, .name = std::nullopt});
    auto r = c.call<p::metadata_response>(by_id, 12);
    ASSERT_EQ(r.topics.size(), 2u);
    EXPECT_EQ(r.topics[0].error_code, 100);  // UNKNOWN_TOPIC_ID
    EXPECT_EQ(r.topics[0].name, std::nullopt);
    EXPECT_EQ(r.topics[0].topic_id, unknown);
    EXPECT_EQ(r.topics[1].error_code, 0);
    EXPECT_EQ(r.topics[1].name, std::optional<std::string>("ids"));
    EXPECT_EQ(r.topics[1].partitions.size(), 1u);
    // v10-11 may not use ids: every topic gets INVALID_REQUEST.
    auto v11 = c.call<p::metadata_response>(by_id, 11);
    ASSERT_EQ(v11.topics.size(), 2u);
    EXPECT_EQ(v11.topics[0].error_code, 42);
    EXPECT_EQ(v11.topics[1].error_code, 42);

    auto other = c.call<p::metadata_response>(metadata_by_name("other"), 12);
    EXPECT_NE(other.topics.at(0).topic_id, id) << "one id per topic";
}

TEST_P(server_test, metadata_authorized_operations_when_asked) {
    auto c = client();
    auto md = metadata_by_name("ops");
    auto plain = c.call<p::metadata_response>(md, 12);
    EXPECT_EQ(plain.topics.at(0).topic_authorized_operations, INT32_MIN);
    md.include_topic_authorized_operations = true;
    md.include_cluster_authorized_operations = true;
    auto v10 = c.call<p::metadata_response>(md, 10);
    // READ WRITE CREATE DELETE ALTER DESCRIBE DESCRIBE_CONFIGS ALTER_CONFIGS (bits 3-8, 10, 11).
    EXPECT_EQ(v10.topics.at(0).topic_authorized_operations, 0b1101'1111'1000);
    // CREATE ALTER DESCRIBE CLUSTER_ACTION DESCRIBE_CONFIGS ALTER_CONFIGS IDEMPOTENT_WRITE (5, 7-12).
    EXPECT_EQ(v10.cluster_authorized_operations, 0b1'1111'1010'0000);
    EXPECT_EQ(c.call<p::metadata_response>(md, 12).topics.at(0).topic_authorized_operations, 0b1101'1111'1000);
}

TEST_P(server_test, produce_v12_fetch_v12_and_list_offsets_v7_v8) {
    auto c = client();
    auto first = batch_at({100, 300, 200});
    auto pr = c.call<p::produce_response>(produce_req("flex", 0, first), 12);
    ASSERT_EQ(pr.responses.at(0).partition_responses.at(0).error_code, 0);
    EXPECT_EQ(pr.responses[0].partition_responses[0].base_offset, 0);
    EXPECT_EQ(pr.responses[0].partition_responses[0].log_start_offset, 0);
    auto second = batch_at({50, 300});
    auto pr9 = c.call<p::produce_response>(produce_req("flex", 0, second), 9);
    EXPECT_EQ(pr9.responses.at(0).partition_responses.at(0).base_offset, 3);

    auto fr = fetch_req("flex", 0, 0);
    fr.cluster_id = "someone-else's";  // tagged (v12+); only KRaft fetches check it
    fr.topics[0].partitions[0].current_leader_epoch = 0;
    fr.topics[0].partitions[0].last_fetched_epoch = 0;
    auto fetched = c.call<p::fetch_response>(fr, 12);
    const auto& pd = fetched.responses.at(0).partitions.at(0);
    EXPECT_EQ(pd.error_code, 0);
    EXPECT_EQ(pd.high_watermark, 5);
    EXPECT_EQ(pd.last_stable_offset, 5);
    ASSERT_TRUE(pd.records);
    EXPECT_EQ(pd.records->size(), first.size() + second.size());

    auto list = [&](int64_t ts, int16_t version) {
        p::list_offsets_request lo;
        lo.replica_id = -1;
        lo.topics.push_back({"flex", {{.partition_index = 0, .current_leader_epoch = -1, .timestamp = ts}}});
        return c.call<p::list_offsets_response>(lo, version).topics.at(0).partitions.at(0);
    };
    auto max = list(-3, 7);  // KIP-734: the first record with the largest timestamp
    EXPECT_EQ(max.error_code, 0);
    EXPECT_EQ(max.offset, 1);
    EXPECT_EQ(max.timestamp, 300);
    EXPECT_EQ(max.leader_epoch, 0);
    auto by_time = list(150, 7);
    EXPECT_EQ(by_time.offset, 1);
    EXPECT_EQ(by_time.timestamp, 300) << "the timestamp of the record found";
    auto none = list(301, 6);
    EXPECT_EQ(none.error_code, 0);
    EXPECT_EQ(none.offset, -1) << "no record at or after: unknown offset, as Kafka";
    EXPECT_EQ(none.timestamp, -1);
    EXPECT_EQ(list(301, 0).old_style_offsets, (std::vector<int64_t>{5})) << "v0 keeps the high watermark";
    auto latest = list(-1, 8);
    EXPECT_EQ(latest.offset, 5);
    EXPECT_EQ(latest.timestamp, -1);
    EXPECT_EQ(list(-4, 8).offset, 0) << "earliest local = log start without tiered storage";
    EXPECT_EQ(list(-7, 8).error_code, 42);
}

TEST_P(server_test, flexible_requests_with_unknown_tagged_fields_in_header_and_body) {
    auto c = client();
    c.call<p::metadata_response>(metadata_by_name("tagged"), 12);
    // Metadata v12 by hand: request header v2 with an unknown tag, then a body with two unknown tags.
    bytes frame{0, 0, 0, 0,                  // size, patched below
                0, 3, 0, 12, 0, 0, 0, 77,    // api key 3, version 12, correlation id 77
                0, 1, 'x',                   // client id (int16 length even in header v2)
                1, 9, 1, 0xff,               // header tags: tag 9, one byte
                0,                           // topics: null (all)
                1, 0,                        // allow auto-creation, no topic authorized operations
                2, 5, 3, 'a', 'b', 'c', 0x7f, 0};  // tags 5 (3 bytes) and 127 (empty)
    store_be<int32_t>(frame.data(), static_cast<int32_t>(frame.size() - 4));
    c.send_raw(frame);
    int32_t cid = 0;
    auto r = c.receive<p::metadata_response>(12, &cid);
    EXPECT_EQ(cid, 77);
    ASSERT_EQ(r.topics.size(), 1u);
    EXPECT_EQ(r.topics[0].name, std::optional<std::string>("tagged"));
}

TEST_P(server_test, bytes_after_a_request_body_are_ignored_as_kafka_does) {
    auto c = client();
    c.call<p::metadata_response>(metadata_by_name("extra"), 12);
    // As librdkafka 2.15 sends an "all topics" Metadata v12 (captured on the wire): the null topic array is
    // a 4-byte placeholder of which Kafka reads one byte; the other three bytes and the real flags follow.
    bytes frame{0, 0, 0, 0,                                   // size, patched below
                0, 3, 0, 12, 0, 0, 0, 3,                      // api key 3, version 12, correlation id 3
                0, 7, 'r', 'd', 'k', 'a', 'f', 'k', 'a', 0,   // client id, no header tags
                0, 0, 0, 0, 1, 0, 0};
    store_be<int32_t>(frame.data(), static_cast<int32_t>(frame.size() - 4));
    c.send_raw(frame);
    int32_t cid = 0;
    auto r = c.receive<p::metadata_response>(12, &cid);
    EXPECT_EQ(cid, 3);
    ASSERT_EQ(r.topics.size(), 1u);
    EXPECT_EQ(r.topics[0].name, std::optional<std::string>("extra"));
    EXPECT_EQ(c.call<p::api_versions_response>(p::api_versions_request{}, 3).error_code, 0) << "still connected";
}

INSTANTIATE_TEST_SUITE_P(smp, server_test, runtime::testing::smp_values());

}  // namespace
}  // namespace eddy::kafka::server
