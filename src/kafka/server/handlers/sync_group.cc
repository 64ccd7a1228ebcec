// SyncGroup (key 14), v0-5 (flexible from v4). The leader sends every member's assignment; each member's
// answer (the leader's too) waits until the leader's has arrived, then carries that member's opaque
// assignment. v5 requests name the protocol type and name, which must match the group's
// (INCONSISTENT_GROUP_PROTOCOL otherwise), and v5 answers carry them (null on errors).
#include "kafka/protocol/messages/sync_group.h"
#include "kafka/server/handler.h"
#include "kafka/server/handlers/group_common.h"

namespace eddy::kafka::server {
namespace {

struct sync_group_handler {
    using request = protocol::sync_group_request;
    using response = protocol::sync_group_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 5;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        auto* groups = group_service_of(ctx);
        if (groups == nullptr) {
            resp.error_code = coordinator_not_available;
            co_return resp;
        }
        coord::sync_request s;
        s.group_id = std::move(req.group_id);
        s.generation_id = req.generation_id;
        s.member_id = std::move(req.member_id);
        s.group_instance_id = std::move(req.group_instance_id);
        s.protocol_type = std::move(req.protocol_type);
        s.protocol_name = std::move(req.protocol_name);
        for (auto& a : req.assignments) s.assignments.emplace_back(std::move(a.member_id), std::move(a.assignment));
        auto r = co_await groups->sync_group(std::move(s));
        resp.error_code = group_error(r.error);
        resp.protocol_type = std::move(r.protocol_type);
        resp.protocol_name = std::move(r.protocol_name);
        resp.assignment = std::move(r.assignment);
        co_return resp;
    }
};

}  // namespace

handler_entry make_sync_group_handler() { return make_handler<sync_group_handler>(); }

}  // namespace eddy::kafka::server
