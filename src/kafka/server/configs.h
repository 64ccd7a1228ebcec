// Effective configuration as DescribeConfigs shows it: topic configs (overrides over broker defaults)
// and the broker's own settings. Shared by the config handlers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "coord/broker.h"

namespace eddy::kafka::server {

struct config_value {
    std::string name;
    std::string value;
    bool is_default = true;  // false when the topic overrides it
    bool read_only = false;
};

inline constexpr int8_t resource_topic = 2;
inline constexpr int8_t resource_broker = 4;

// Every known topic config, overrides applied, sorted by name.
[[nodiscard]] std::vector<config_value> topic_configs(const coord::broker_options& defaults, const coord::topic_info& t);
// The broker-level settings clients look for (num.partitions, message.max.bytes, ...); read-only.
[[nodiscard]] std::vector<config_value> broker_configs(const coord::broker_options& o);

}  // namespace eddy::kafka::server
