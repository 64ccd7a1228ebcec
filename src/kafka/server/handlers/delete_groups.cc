// DeleteGroups (key 42), v0-2 (flexible from v2). Only groups without members can be deleted
// (NON_EMPTY_GROUP otherwise); their committed offsets go with them.
#include "kafka/protocol/messages/delete_groups.h"
#include "kafka/server/handler.h"
#include "kafka/server/handlers/group_common.h"

namespace eddy::kafka::server {
namespace {

struct delete_groups_handler {
    using request = protocol::delete_groups_request;
    using response = protocol::delete_groups_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 2;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        std::vector<std::pair<std::string, coord::errc>> results;
        if (auto* groups = group_service_of(ctx)) {
            results = co_await groups->delete_groups(std::move(req.groups_names));
        } else {
            for (auto& id : req.groups_names) results.emplace_back(std::move(id), coord::errc::coordinator_not_available);
        }
        for (auto& [id, e] : results) {
            auto& out = resp.results.emplace_back();
            out.group_id = std::move(id);
            out.error_code = group_error(e);
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_delete_groups_handler() { return make_handler<delete_groups_handler>(); }

}  // namespace eddy::kafka::server
