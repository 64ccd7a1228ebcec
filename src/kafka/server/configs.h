// Effective configuration as DescribeConfigs shows it: topic configs (overrides over broker defaults)
// and the broker's own settings. Shared by the config handlers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "coord/broker.h"
#include "kafka/server/errors.h"

namespace eddy::kafka::server {

struct config_value {
    std::string name;
    std::string value;
    bool is_default = true;  // false when the topic overrides it
    bool read_only = false;
};

inline constexpr int8_t resource_topic = 2;
inline constexpr int8_t resource_broker = 4;

// ConfigSource values of DescribeConfigs (v1+) and CreateTopics (v5+).
inline constexpr int8_t source_dynamic_topic = 1;
inline constexpr int8_t source_static_broker = 4;
inline constexpr int8_t source_default = 5;

[[nodiscard]] constexpr int8_t topic_config_source(const config_value& v) {
    return v.is_default ? source_default : source_dynamic_topic;
}

// Starts the response entry `out` for one resource of an AlterConfigs or IncrementalAlterConfigs request.
// Only topics can be altered (broker settings are static): returns false with INVALID_REQUEST set otherwise.
template <typename Out, typename Resource>
[[nodiscard]] bool begin_topic_resource(Out& out, const Resource& res) {
    out.resource_type = res.resource_type;
    out.resource_name = res.resource_name;
    out.error_message = std::nullopt;
    if (res.resource_type == resource_topic) return true;
    out.error_code = kerr::invalid_request;
    out.error_message = "only topic configs can be altered";
    return false;
}

// Every known topic config, overrides applied, sorted by name.
[[nodiscard]] std::vector<config_value> topic_configs(const coord::broker_options& defaults, const coord::topic_info& t);
// The broker-level settings clients look for (num.partitions, message.max.bytes, ...); read-only.
[[nodiscard]] std::vector<config_value> broker_configs(const coord::broker_options& o);

}  // namespace eddy::kafka::server
