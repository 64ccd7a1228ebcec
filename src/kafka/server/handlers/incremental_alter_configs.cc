// IncrementalAlterConfigs (key 44), v0-1: SET (0) and DELETE (1) of topic config overrides, all or
// nothing per resource. APPEND/SUBTRACT (list configs) are INVALID_REQUEST; broker configs are static.
#include "coord/broker.h"
#include "kafka/protocol/messages/incremental_alter_configs.h"
#include "kafka/server/configs.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler.h"

namespace eddy::kafka::server {
namespace {

constexpr int8_t op_set = 0;
constexpr int8_t op_delete = 1;

struct incremental_alter_configs_handler {
    using request = protocol::incremental_alter_configs_request;
    using response = protocol::incremental_alter_configs_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 1;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        for (auto& res : req.resources) {
            auto& out = resp.responses.emplace_back();
            if (!begin_topic_resource(out, res)) continue;
            std::vector<coord::config_change> changes;
            bool bad = false;
            for (auto& c : res.configs) {
                if (c.config_operation == op_set && c.value) {
                    changes.push_back({c.name, *c.value});
                } else if (c.config_operation == op_delete) {
                    changes.push_back({c.name, std::nullopt});
                } else {
                    bad = true;
                }
            }
            if (bad) {
                out.error_code = kerr::invalid_request;
                out.error_message = "only SET and DELETE operations are supported";
                continue;
            }
            auto r = co_await ctx.broker().alter_config(res.resource_name, std::move(changes), req.validate_only);
            if (!r) {
                out.error_code = to_kafka_error(r.error());
                out.error_message = r.error().message();
            }
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_incremental_alter_configs_handler() { return make_handler<incremental_alter_configs_handler>(); }

}  // namespace eddy::kafka::server
