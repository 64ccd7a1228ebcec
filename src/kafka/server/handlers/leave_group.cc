// LeaveGroup (key 13), v0-5 (flexible from v4). v0-2 name one member at top level and answer its error
// at top level; v3+ name a batch of members (static ones by instance id) and answer per member; v5 adds
// each member's reason (logged).
#include "base/log.h"
#include "kafka/protocol/messages/leave_group.h"
#include "kafka/server/handler.h"
#include "kafka/server/handlers/group_common.h"

namespace eddy::kafka::server {
namespace {

constexpr log::logger leave_log{"groups"};

struct leave_group_handler {
    using request = protocol::leave_group_request;
    using response = protocol::leave_group_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 5;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        auto* groups = group_service_of(ctx);
        if (groups == nullptr) {
            resp.error_code = coordinator_not_available;
            co_return resp;
        }
        bool batched = ctx.version() >= 3;
        std::vector<coord::leave_member> members;
        if (batched) {
            for (auto& m : req.members) {
                if (m.reason) leave_log.info("group {}: member '{}' leaves: {}", req.group_id, m.member_id, *m.reason);
                members.push_back({.member_id = std::move(m.member_id), .group_instance_id = std::move(m.group_instance_id)});
            }
        } else {
            members.push_back({.member_id = std::move(req.member_id), .group_instance_id = std::nullopt});
        }
        auto r = co_await groups->leave_group(std::move(req.group_id), std::move(members));
        if (!batched) {
            resp.error_code = r.error != coord::errc::none || r.members.empty() ? group_error(r.error)
                                                                                : group_error(r.members[0].second);
            co_return resp;
        }
        resp.error_code = group_error(r.error);
        for (auto& [m, e] : r.members) {
            auto& out = resp.members.emplace_back();
            out.member_id = std::move(m.member_id);
            out.group_instance_id = std::move(m.group_instance_id);
            out.error_code = group_error(e);
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_leave_group_handler() { return make_handler<leave_group_handler>(); }

}  // namespace eddy::kafka::server
