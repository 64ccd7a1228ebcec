// DescribeConfigs (key 32), v0-4 (flexible from v4): topic resources (2) show every known topic config
// with overrides marked (source DYNAMIC_TOPIC_CONFIG) and defaults (source DEFAULT_CONFIG); broker
// resources (4) show the broker settings clients look for, such as num.partitions. Synonyms and
// documentation are not reported (empty list, null).
#include <algorithm>

#include "coord/broker.h"
#include "kafka/protocol/messages/describe_configs.h"
#include "kafka/server/configs.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler.h"

namespace eddy::kafka::server {
namespace {

using protocol::describe_configs_response;

struct describe_configs_handler {
    using request = protocol::describe_configs_request;
    using response = protocol::describe_configs_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 4;

    static void fill(describe_configs_response::describe_configs_result& out, const std::vector<config_value>& values,
                     const std::optional<std::vector<std::string>>& keys, bool broker) {
        for (const auto& v : values) {
            if (keys && !keys->empty() && std::find(keys->begin(), keys->end(), v.name) == keys->end()) continue;
            auto& c = out.configs.emplace_back();
            c.name = v.name;
            c.value = v.value;
            c.read_only = v.read_only;
            c.is_default = v.is_default;
            c.config_source = broker ? source_static_broker : topic_config_source(v);
            c.documentation = std::nullopt;
        }
    }

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        const auto& opts = ctx.broker().options();
        for (const auto& res : req.resources) {
            auto& out = resp.results.emplace_back();
            out.resource_type = res.resource_type;
            out.resource_name = res.resource_name;
            out.error_message = std::nullopt;
            if (res.resource_type == resource_broker) {
                fill(out, broker_configs(opts), res.configuration_keys, true);
            } else if (res.resource_type == resource_topic) {
                auto t = co_await ctx.broker().describe_topic(res.resource_name, false);
                if (!t) {
                    out.error_code = to_kafka_error(t.error());
                    out.error_message = t.error().message();
                    continue;
                }
                fill(out, topic_configs(opts, *t), res.configuration_keys, false);
            } else {
                out.error_code = kerr::invalid_request;
                out.error_message = "unsupported resource type";
            }
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_describe_configs_handler() { return make_handler<describe_configs_handler>(); }

}  // namespace eddy::kafka::server
