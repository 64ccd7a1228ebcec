// DescribeGroups (key 15), v0-5 (flexible from v5). An unknown group is answered, as Kafka does below v6,
// with no error and state "Dead". Member metadata and assignments are filled only while the group is
// Stable. v3+ may ask for the authorized operations: with no authorizer, every operation a group
// supports, for each group answered without error.
#include "kafka/protocol/messages/describe_groups.h"
#include "kafka/server/acl_operations.h"
#include "kafka/server/handler.h"
#include "kafka/server/handlers/group_common.h"

namespace eddy::kafka::server {
namespace {

struct describe_groups_handler {
    using request = protocol::describe_groups_request;
    using response = protocol::describe_groups_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 5;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        std::vector<coord::group_description> described;
        if (auto* groups = group_service_of(ctx)) {
            described = co_await groups->describe_groups(req.groups);
        } else {
            for (const auto& id : req.groups) {
                described.push_back({.error = coord::errc::coordinator_not_available, .group_id = id});
            }
        }
        for (auto& d : described) {
            auto& out = resp.groups.emplace_back();
            // GROUP_ID_NOT_FOUND exists only from v6; older versions report a Dead group with no error.
            bool missing = d.error == coord::errc::group_id_not_found;
            out.error_code = missing && ctx.version() < 6 ? int16_t{0} : group_error(d.error);
            out.group_id = std::move(d.group_id);
            out.group_state = std::string(coord::to_string(missing ? coord::group_state::dead : d.state));
            out.protocol_type = std::move(d.protocol_type);
            out.protocol_data = std::move(d.protocol_name);
            if (req.include_authorized_operations && out.error_code == 0) {
                out.authorized_operations = authorized_operations(acl_resource::group);
            }
            for (auto& m : d.members) {
                auto& om = out.members.emplace_back();
                om.member_id = std::move(m.member_id);
                om.group_instance_id = std::move(m.group_instance_id);
                om.client_id = std::move(m.client_id);
                om.client_host = std::move(m.client_host);
                om.member_metadata = std::move(m.metadata);
                om.member_assignment = std::move(m.assignment);
            }
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_describe_groups_handler() { return make_handler<describe_groups_handler>(); }

}  // namespace eddy::kafka::server
