#include "kafka/server/configs.h"

#include <algorithm>
#include <map>

namespace eddy::kafka::server {
namespace {

std::string cleanup_name(storage::cleanup_policy c) {
    switch (c) {
    case storage::cleanup_policy::delete_records: return "delete";
    case storage::cleanup_policy::compact: return "compact";
    case storage::cleanup_policy::compact_and_delete: return "compact,delete";
    }
    return "delete";
}

}  // namespace

std::vector<config_value> topic_configs(const coord::broker_options& o, const coord::topic_info& t) {
    const auto& d = o.log_defaults;
    std::map<std::string, std::string> defaults{
        {"cleanup.policy", cleanup_name(d.cleanup)},
        {"retention.ms", std::to_string(d.retention_ms)},
        {"retention.bytes", std::to_string(d.retention_bytes)},
        {"segment.bytes", std::to_string(d.segment_bytes)},
        {"segment.ms", std::to_string(d.segment_ms)},
        {"max.message.bytes", std::to_string(d.max_message_bytes)},
        {"message.timestamp.type", "CreateTime"},
        {"compression.type", "producer"},
        {"min.insync.replicas", "1"},
        {"delete.retention.ms", std::to_string(d.delete_retention_ms)},
        {"min.compaction.lag.ms", "0"},
    };
    std::vector<config_value> out;
    for (const auto& [k, v] : defaults) {
        auto it = t.config.overrides().find(k);
        if (it != t.config.overrides().end()) {
            out.push_back({k, it->second, false, false});
        } else {
            out.push_back({k, v, true, false});
        }
    }
    return out;
}

std::vector<config_value> broker_configs(const coord::broker_options& o) {
    const auto& d = o.log_defaults;
    std::vector<config_value> out{
        {"auto.create.topics.enable", o.auto_create_topics ? "true" : "false", true, true},
        {"default.replication.factor", "1", true, true},
        {"log.cleanup.policy", cleanup_name(d.cleanup), true, true},
        {"log.flush.policy", d.flush.to_string(), true, true},
        {"log.retention.bytes", std::to_string(d.retention_bytes), true, true},
        {"log.retention.ms", std::to_string(d.retention_ms), true, true},
        {"log.segment.bytes", std::to_string(d.segment_bytes), true, true},
        {"message.max.bytes", std::to_string(d.max_message_bytes), true, true},
        {"min.insync.replicas", "1", true, true},
        {"num.partitions", std::to_string(o.default_partitions), true, true},
    };
    return out;
}

}  // namespace eddy::kafka::server
