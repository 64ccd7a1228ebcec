// Small helpers over Debian's librdkafka (C API) for integration tests that drive eddy serve with a
// client nobody here wrote: handles with explicit settings, topic admin, and reading a topic back.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace eddy::testing::rk {

using settings = std::vector<std::pair<std::string, std::string>>;

struct handle_deleter {
    void operator()(rd_kafka_t* h) const { rd_kafka_destroy(h); }
};
using handle = std::unique_ptr<rd_kafka_t, handle_deleter>;

// Creates a client; aborts the test binary on a configuration error (a bug in the test).
// conf_hook, when set, installs callbacks before creation.
[[nodiscard]] handle make(rd_kafka_type_t type, const std::string& bootstrap, const settings& s,
                          void (*conf_hook)(rd_kafka_conf_t*, void*) = nullptr, void* opaque = nullptr);

// CreateTopics / DeleteTopics; return the broker's error code for the topic (or a local error).
[[nodiscard]] rd_kafka_resp_err_t create_topic(const std::string& bootstrap, const std::string& topic,
                                               int partitions, const settings& configs = {});
[[nodiscard]] rd_kafka_resp_err_t delete_topic(const std::string& bootstrap, const std::string& topic);
// DescribeConfigs for a topic: name -> value, or an empty map with err set.
[[nodiscard]] std::map<std::string, std::string> describe_topic_configs(const std::string& bootstrap,
                                                                        const std::string& topic,
                                                                        rd_kafka_resp_err_t* err);
// Topic names in the broker's metadata (empty and err set on failure).
[[nodiscard]] std::vector<std::string> list_topics(const std::string& bootstrap, rd_kafka_resp_err_t* err);

struct record {
    int32_t partition = 0;
    int64_t offset = 0;
    std::string key;
    std::string value;
};

// Produces values (key = value) synchronously to one partition with acks=all; returns how many were
// acknowledged.
[[nodiscard]] size_t produce_values(const std::string& bootstrap, const std::string& topic, int32_t partition,
                                    const std::vector<std::string>& values, const settings& extra = {});

// Reads every partition of topic from its start until its high watermark (queried first), without a
// group. Stops at the deadline with what it has.
[[nodiscard]] std::vector<record> read_all(const std::string& bootstrap, const std::string& topic, int partitions,
                                           std::chrono::milliseconds deadline = std::chrono::seconds(30));

}  // namespace eddy::testing::rk
