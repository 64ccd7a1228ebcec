// AlterConfigs (key 33), v0-2 (flexible from v2): the given entries replace every override of a topic.
// Broker settings are static (from the config file and flags): INVALID_REQUEST.
#include "coord/broker.h"
#include "kafka/protocol/messages/alter_configs.h"
#include "kafka/server/configs.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler.h"

namespace eddy::kafka::server {
namespace {

struct alter_configs_handler {
    using request = protocol::alter_configs_request;
    using response = protocol::alter_configs_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 2;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        for (auto& res : req.resources) {
            auto& out = resp.responses.emplace_back();
            if (!begin_topic_resource(out, res)) continue;
            coord::config_entries entries;
            for (auto& c : res.configs) {
                if (c.value) entries.emplace_back(c.name, *c.value);
            }
            auto r = co_await ctx.broker().replace_config(res.resource_name, std::move(entries), req.validate_only);
            if (!r) {
                out.error_code = to_kafka_error(r.error());
                out.error_message = r.error().message();
            }
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_alter_configs_handler() { return make_handler<alter_configs_handler>(); }

}  // namespace eddy::kafka::server
