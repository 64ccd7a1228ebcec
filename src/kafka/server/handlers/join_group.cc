// JoinGroup (key 11), v0-9 (flexible from v6). v4+ first joins get MEMBER_ID_REQUIRED with a generated
// member id (KIP-394); v5 carries group_instance_id (static membership). v7+ answer the protocol type and
// name as nullable strings (null on errors, as Kafka does); v8 adds the member's reason (logged); v9 lets
// the leader of a Stable group that rejoins as a static member skip the assignment (KIP-814; below v9 it
// is told the old leader id instead). The answer waits until the join phase ends (all known members
// rejoined, or the rebalance timeout), so this request can take seconds; the answers of later requests
// on the connection queue behind it, as Kafka's do.
#include "base/log.h"
#include "kafka/protocol/messages/join_group.h"
#include "kafka/server/handler.h"
#include "kafka/server/handlers/group_common.h"

namespace eddy::kafka::server {
namespace {

constexpr log::logger join_log{"groups"};

// v7+ nullable protocol fields: an empty value is sent as null.
std::optional<std::string> null_if_empty(std::string s) {
    return s.empty() ? std::nullopt : std::optional<std::string>(std::move(s));
}

struct join_group_handler {
    using request = protocol::join_group_request;
    using response = protocol::join_group_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 9;

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
        j.client_host = std::string(ctx.client_host());
        return j;
    }

    static void fill(request_context& ctx, response& resp, coord::join_result r) {
        resp.error_code = group_error(r.error);
        resp.generation_id = r.generation_id;
        if (ctx.version() >= 7) {
            resp.protocol_type = r.error == coord::errc::none ? null_if_empty(std::move(r.protocol_type)) : std::nullopt;
            resp.protocol_name = r.error == coord::errc::none ? null_if_empty(r.protocol_name.value_or("")) : std::nullopt;
        } else {
            // Not nullable before v7: an empty string when there is none.
            resp.protocol_name = r.protocol_name.value_or("");
        }
        resp.leader = std::move(r.leader_id);
        resp.skip_assignment = r.skip_assignment;
        resp.member_id = std::move(r.member_id);
        for (auto& m : r.members) {
            auto& out = resp.members.emplace_back();
            out.member_id = std::move(m.member_id);
            out.group_instance_id = std::move(m.group_instance_id);
            out.metadata = std::move(m.metadata);
        }
    }

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        auto* groups = group_service_of(ctx);
        if (groups == nullptr) {
            coord::join_result r;
            r.error = coord::errc::coordinator_not_available;
            r.member_id = req.member_id;
            fill(ctx, resp, std::move(r));
            co_return resp;
        }
        if (req.reason) join_log.info("group {}: member '{}' joins: {}", req.group_id, req.member_id, *req.reason);
        auto join = to_coord(ctx, req);
        fill(ctx, resp, co_await groups->join_group(std::move(join)));
        co_return resp;
    }
};

}  // namespace

handler_entry make_join_group_handler() { return make_handler<join_group_handler>(); }

}  // namespace eddy::kafka::server
