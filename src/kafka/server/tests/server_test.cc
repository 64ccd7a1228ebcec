// The Kafka listener in-process (broker over an in-memory file system, 1 and 2 shards), driven through a
// real TCP socket with our own codecs: ApiVersions (+ KIP-511 fallback), Metadata with auto-creation,
// Produce/Fetch/ListOffsets, CreateTopics, pipelined requests answered in order, acks=0, and bad input.
#include <gtest/gtest.h>

#include <algorithm>

#include "kafka/protocol/messages/api_versions.h"
#include "kafka/protocol/messages/create_topics.h"
#include "kafka/protocol/messages/fetch.h"
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
    auto find = [&](int16_t key) {
        return std::find_if(resp.api_keys.begin(), resp.api_keys.end(), [&](auto& k) { return k.api_key == key; });
    };
    ASSERT_NE(find(18), resp.api_keys.end());
    EXPECT_EQ(find(18)->max_version, 3);
    ASSERT_NE(find(0), resp.api_keys.end());
    EXPECT_EQ(find(0)->min_version, 3);
    EXPECT_EQ(find(1)->max_version, 11);
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
    p::metadata_request md;
    c.send(md, 12);  // above what we advertise
    EXPECT_TRUE(c.closed_by_peer());
    auto c2 = client();
    bytes huge{0x7f, 0, 0, 0};  // a frame size far above the limit
    c2.send_raw(huge);
    EXPECT_TRUE(c2.closed_by_peer());
    auto c3 = client();
    EXPECT_EQ(c3.call<p::api_versions_response>(p::api_versions_request{}, 0).error_code, 0);
}

INSTANTIATE_TEST_SUITE_P(smp, server_test, runtime::testing::smp_values());

}  // namespace
}  // namespace eddy::kafka::server
