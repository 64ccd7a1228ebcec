// JoinGroup (key 11), v0-5. v4+ first joins get MEMBER_ID_REQUIRED with a generated member id (KIP-394);
// v5 carries group_instance_id (static membership). The answer waits until the join phase ends (all
// known members rejoined, or the rebalance timeout), so this request can take seconds; the answers of
// later requests on the connection queue behind it, as Kafka's do.
#include "kafka/protocol/messages/join_group.h"
#include "kafka/server/handler.h"
#include "kafka/server/handlers/group_common.h"

namespace eddy::kafka::server {
namespace {

struct join_group_handler {
    using request = protocol::join_group_request;
    using response = protocol::join_group_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 5;

    static coord::join_request to_coord(request_context& ctx, request& req) {
        coord::join_request j;
        j.group_id = std::move(req.group_id);
        j.member_id = std::move(req.member_id);
        j.group_instance_id = std::move(req.group_instance_id);
        j.protocol_type = std::move(req.protocol_type);
        for (auto& p : req.protocols) {
            j.protocols.push_back(coord::group_protocol{.name = std::move(p.name), .metadata = std::move(p.metadata)});
        }
        j.session_timeout = std::chrono::milliseconds(req.session_timeout_ms);
        // v0 has no rebalance timeout (the codec's default is -1): the coordinator then uses the session timeout.
        j.rebalance_timeout = std::chrono::milliseconds(ctx.version() >= 1 ? req.rebalance_timeout_ms : -1);
        j.api_version = ctx.version();
        j.client_id = ctx.header().client_id.value_or("");
        return j;
    }

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        auto* groups = group_service_of(ctx);
        if (groups == nullptr) {
            resp.error_code = coordinator_not_available;
            resp.member_id = req.member_id;
            resp.protocol_name = "";
            co_return resp;
        }
        auto join = to_coord(ctx, req);
        auto r = co_await groups->join_group(std::move(join));
        resp.error_code = group_error(r.error);
        resp.generation_id = r.generation_id;
        resp.protocol_type = r.protocol_type;
        // Nullable only from v7; older versions carry an empty string when there is none.
        resp.protocol_name = r.protocol_name.value_or("");
        resp.leader = std::move(r.leader_id);
        resp.member_id = std::move(r.member_id);
        for (auto& m : r.members) {
            auto& out = resp.members.emplace_back();
            out.member_id = std::move(m.member_id);
            out.group_instance_id = std::move(m.group_instance_id);
            out.metadata = std::move(m.metadata);
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_join_group_handler() { return make_handler<join_group_handler>(); }

}  // namespace eddy::kafka::server
