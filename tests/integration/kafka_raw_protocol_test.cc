// A spawned `eddy serve` (--smp 1 and 2) driven with raw Kafka requests encoded by our own codecs:
// ApiVersions, CreateTopics, Metadata, Produce acks=1, Fetch, ListOffsets, and pipelined requests
// answered in order. Complements the third-party client suites (kcat, librdkafka, kafkajs).
#include <gtest/gtest.h>

#include "eddy_server.h"
#include "kafka/protocol/messages/api_versions.h"
#include "kafka/protocol/messages/create_topics.h"
#include "kafka/protocol/messages/fetch.h"
#include "kafka/protocol/messages/list_offsets.h"
#include "kafka/protocol/messages/metadata.h"
#include "kafka/protocol/messages/produce.h"
#include "kafka/server/tests/raw_client.h"
#include "storage/record_batch.h"

namespace eddy::testing {
namespace {

namespace p = kafka::protocol;

class kafka_raw_protocol_test : public ::testing::TestWithParam<uint32_t> {};

TEST_P(kafka_raw_protocol_test, produce_fetch_list_offsets_and_pipelining) {
    eddy_server server({.smp = GetParam(), .extra_args = {}});
    ASSERT_TRUE(server.start()) << server.log();
    kafka::testing::raw_client c("127.0.0.1", server.kafka_port());

    auto versions = c.call<p::api_versions_response>(p::api_versions_request{}, 3);
    EXPECT_EQ(versions.error_code, 0);
    EXPECT_GE(versions.api_keys.size(), 10u);

    p::create_topics_request ct;
    ct.timeout_ms = 5000;
    ct.topics.push_back({"raw", 2, 1, {}, {}});
    auto created = c.call<p::create_topics_response>(ct, 4);
    ASSERT_EQ(created.topics.at(0).error_code, 0);

    p::metadata_request md;
    md.topics.reset();
    auto meta = c.call<p::metadata_response>(md, 8);
    ASSERT_EQ(meta.topics.size(), 1u);
    EXPECT_EQ(meta.topics[0].partitions.size(), 2u);
    EXPECT_EQ(meta.brokers.at(0).port, server.kafka_port());

    std::vector<storage::record_input> recs{{std::string("k"), std::string("v"), timestamp_ms{1}, {}}};
    auto batch = storage::build_batch(recs);
    p::produce_request pr;
    pr.acks = 1;
    pr.timeout_ms = 5000;
    pr.topic_data.push_back({"raw", {{1, bytes_view(batch)}}});
    std::vector<int32_t> sent;
    for (int i = 0; i < 5; ++i) sent.push_back(c.send(pr, 7));
    p::fetch_request fr;
    fr.max_wait_ms = 100;
    fr.min_bytes = 1;
    fr.max_bytes = 1 << 20;
    fr.topics.push_back({"raw", {{1, -1, 0, -1, -1, 1 << 20}}});
    sent.push_back(c.send(fr, 11));
    for (int i = 0; i < 5; ++i) {
        int32_t cid = 0;
        auto r = c.receive<p::produce_response>(7, &cid);
        EXPECT_EQ(cid, sent[static_cast<size_t>(i)]);
        EXPECT_EQ(r.responses.at(0).partition_responses.at(0).base_offset, i);
    }
    int32_t cid = 0;
    auto fetched = c.receive<p::fetch_response>(11, &cid);
    EXPECT_EQ(cid, sent.back());
    EXPECT_EQ(fetched.responses.at(0).partitions.at(0).high_watermark, 5);
    ASSERT_TRUE(fetched.responses[0].partitions[0].records);
    EXPECT_GE(fetched.responses[0].partitions[0].records->size(), batch.size());

    p::list_offsets_request lo;
    lo.replica_id = -1;
    lo.topics.push_back({"raw", {{1, -1, -1, 1}, {0, -1, -2, 1}}});
    auto offsets = c.call<p::list_offsets_response>(lo, 2);
    EXPECT_EQ(offsets.topics.at(0).partitions.at(0).offset, 5);
    EXPECT_EQ(offsets.topics.at(0).partitions.at(1).offset, 0);

    // Data and topics survive a restart.
    ASSERT_EQ(server.terminate(), 0);
    ASSERT_TRUE(server.start()) << server.log();
    kafka::testing::raw_client c2("127.0.0.1", server.kafka_port());
    auto again = c2.call<p::list_offsets_response>(lo, 2);
    EXPECT_EQ(again.topics.at(0).partitions.at(0).offset, 5);
}

INSTANTIATE_TEST_SUITE_P(smp, kafka_raw_protocol_test, ::testing::Values(1u, 2u));

}  // namespace
}  // namespace eddy::testing
