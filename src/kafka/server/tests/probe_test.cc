// The Kafka listener's probe: error codes found in generated responses at every nesting level, and the
// series a probe exports after known requests and connections (docs/metrics.md).
#include "kafka/server/probe.h"

#include <gtest/gtest.h>

#include "kafka/protocol/messages/create_topics.h"
#include "kafka/protocol/messages/metadata.h"
#include "kafka/protocol/messages/offset_fetch.h"
#include "kafka/protocol/messages/produce.h"
#include "observability/prometheus_text.h"

namespace eddy::kafka::server {
namespace {

namespace p = protocol;
using namespace std::chrono_literals;

bool has_line(const std::string& text, const std::string& line) {
    return text.find(line + "\n") != std::string::npos;
}

TEST(error_codes, produce_response_counts_each_partition_error) {
    p::produce_response resp;
    auto& t = resp.responses.emplace_back();
    t.name = "a";
    for (int16_t code : {0, 3, 3, 87, 0, 3}) t.partition_responses.emplace_back().error_code = code;
    error_tally tally;
    tally_error_codes(resp, tally);
    EXPECT_EQ(tally.counts(), (std::vector<error_count>{{3, 3}, {87, 1}}));
}

TEST(error_codes, top_level_group_and_partition_codes_are_all_found) {
    p::offset_fetch_response resp;
    resp.error_code = 16;
    auto& g = resp.groups.emplace_back();
    g.error_code = 15;
    g.topics.emplace_back().partitions.emplace_back().error_code = 3;
    resp.topics.emplace_back().partitions.emplace_back().error_code = 0;
    error_tally tally;
    tally_error_codes(resp, tally);
    EXPECT_EQ(tally.counts(), (std::vector<error_count>{{16, 1}, {3, 1}, {15, 1}}));  // in field order
}

TEST(error_codes, fields_ending_in_error_code_count_and_others_do_not) {
    p::create_topics_response resp;
    auto& t = resp.topics.emplace_back();
    t.error_code = 36;
    t.topic_config_error_code = 40;
    t.num_partitions = 3;  // an int32 that is not an error
    t.replication_factor = 1;
    error_tally tally;
    tally_error_codes(resp, tally);
    EXPECT_EQ(tally.counts(), (std::vector<error_count>{{36, 1}, {40, 1}}));
    error_tally none;
    tally_error_codes(p::metadata_response{}, none);
    EXPECT_TRUE(none.empty());
}

TEST(kafka_probe, api_label_drops_the_request_suffix) {
    EXPECT_EQ(api_label("ProduceRequest"), "Produce");
    EXPECT_EQ(api_label("ApiVersionsRequest"), "ApiVersions");
    EXPECT_EQ(api_label("Odd"), "Odd");
}

TEST(kafka_probe, requests_errors_latency_and_connections_after_known_events) {
    observability::metric_registry reg(2);
    auto f = kafka_families::register_in(reg);
    ASSERT_TRUE(f) << f.error().message();
    kafka_probe shard0(*f);
    kafka_probe shard1(*f);
    observability::set_current_shard(0u);
    shard0.connection_opened();
    shard0.request_done(0, "ProduceRequest", 3ms, {});
    std::vector<error_count> errs{{3, 2}, {87, 1}};
    shard0.request_done(0, "ProduceRequest", 20ms, errs);
    shard0.request_done(1, "FetchRequest", 200us, std::vector<error_count>{{3, 1}});
    shard0.bad_request();
    observability::set_current_shard(1u);
    shard1.connection_opened();
    shard1.connection_opened();
    shard1.request_done(0, "ProduceRequest", 1ms, std::vector<error_count>{{3, 4}});
    shard1.connection_closed();
    shard1.connection_error();
    observability::clear_current_shard();

    auto text = observability::prometheus_text(reg);
    EXPECT_TRUE(has_line(text, "eddy_kafka_requests_total{api=\"Produce\"} 3")) << text;
    EXPECT_TRUE(has_line(text, "eddy_kafka_requests_total{api=\"Fetch\"} 1")) << text;
    EXPECT_TRUE(has_line(text, "eddy_kafka_request_errors_total{api=\"Produce\",code=\"3\"} 6")) << text;
    EXPECT_TRUE(has_line(text, "eddy_kafka_request_errors_total{api=\"Produce\",code=\"87\"} 1")) << text;
    EXPECT_TRUE(has_line(text, "eddy_kafka_request_errors_total{api=\"Fetch\",code=\"3\"} 1")) << text;
    EXPECT_TRUE(has_line(text, "eddy_kafka_request_duration_seconds_count{api=\"Produce\"} 3")) << text;
    EXPECT_TRUE(has_line(text, "eddy_kafka_request_duration_seconds_bucket{api=\"Produce\",le=\"0.001\"} 1")) << text;
    EXPECT_TRUE(has_line(text, "eddy_kafka_request_duration_seconds_bucket{api=\"Produce\",le=\"0.005\"} 2")) << text;
    EXPECT_TRUE(has_line(text, "eddy_kafka_request_duration_seconds_bucket{api=\"Fetch\",le=\"0.00025\"} 1")) << text;
    EXPECT_TRUE(has_line(text, "eddy_kafka_bad_requests_total 1")) << text;
    EXPECT_TRUE(has_line(text, "eddy_kafka_connection_errors_total 1")) << text;
    EXPECT_TRUE(has_line(text, "eddy_kafka_connections 2")) << text;
    EXPECT_TRUE(has_line(text, "eddy_kafka_connections_accepted_total 3")) << text;
}

TEST(kafka_probe, an_empty_probe_records_nothing) {
    kafka_probe probe;
    probe.connection_opened();
    probe.request_done(0, "ProduceRequest", 1ms, std::vector<error_count>{{3, 1}});
    probe.bad_request();
    probe.connection_closed();
}

}  // namespace
}  // namespace eddy::kafka::server
