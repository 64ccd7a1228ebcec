// Heartbeat (key 12), v0-4 (flexible from v4). REBALANCE_IN_PROGRESS tells the member to rejoin.
#include "kafka/protocol/messages/heartbeat.h"
#include "kafka/server/handler.h"
#include "kafka/server/handlers/group_common.h"

namespace eddy::kafka::server {
namespace {

struct heartbeat_handler {
    using request = protocol::heartbeat_request;
    using response = protocol::heartbeat_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 4;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        auto* groups = group_service_of(ctx);
        if (groups == nullptr) {
            resp.error_code = coordinator_not_available;
            co_return resp;
        }
        coord::heartbeat_request hb{.group_id = std::move(req.group_id),
                                    .generation_id = req.generation_id,
                                    .member_id = std::move(req.member_id),
                                    .group_instance_id = std::move(req.group_instance_id)};
        auto e = co_await groups->heartbeat(std::move(hb));
        resp.error_code = group_error(e);
        co_return resp;
    }
};

}  // namespace

handler_entry make_heartbeat_handler() { return make_handler<heartbeat_handler>(); }

}  // namespace eddy::kafka::server
