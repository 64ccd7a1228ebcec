// ListGroups (key 16), v0-4, flexible from v3. Every group this coordinator knows, with its protocol
// type; v4 adds a state filter and reports each group's state.
#include "kafka/protocol/messages/list_groups.h"
#include "kafka/server/handler.h"
#include "kafka/server/handlers/group_common.h"

namespace eddy::kafka::server {
namespace {

std::optional<coord::group_state> parse_state(std::string_view s) {
    for (auto st : {coord::group_state::empty, coord::group_state::preparing_rebalance,
                    coord::group_state::completing_rebalance, coord::group_state::stable, coord::group_state::dead}) {
        if (coord::to_string(st) == s) return st;
    }
    return std::nullopt;
}

struct list_groups_handler {
    using request = protocol::list_groups_request;
    using response = protocol::list_groups_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 4;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        auto* groups = group_service_of(ctx);
        if (groups == nullptr) {
            resp.error_code = coordinator_not_available;
            co_return resp;
        }
        std::vector<coord::group_state> states;
        for (const auto& s : req.states_filter) {
            auto st = parse_state(s);
            if (!st) co_return resp;  // a state no group can be in: nothing matches
            states.push_back(*st);
        }
        auto listed = co_await groups->list_groups(std::move(states));
        resp.error_code = static_cast<int16_t>(listed.error);
        for (auto& g : listed.groups) {
            auto& out = resp.groups.emplace_back();
            out.group_id = std::move(g.group_id);
            out.protocol_type = std::move(g.protocol_type);
            out.group_state = std::string(coord::to_string(g.state));
            out.group_type = "classic";
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_list_groups_handler() { return make_handler<list_groups_handler>(); }

}  // namespace eddy::kafka::server
