// FindCoordinator (key 10), v0-2. This single broker coordinates every group. Transactions are not
// supported, so key type 1 gets COORDINATOR_NOT_AVAILABLE. The v4+ batched form (coordinator_keys) is
// answered too, for when the advertised range grows.
#include "kafka/protocol/messages/find_coordinator.h"
#include "kafka/server/handler.h"
#include "kafka/server/handlers/group_common.h"

namespace eddy::kafka::server {
namespace {

struct find_coordinator_handler {
    using request = protocol::find_coordinator_request;
    using response = protocol::find_coordinator_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 2;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        const auto& srv = ctx.server();
        bool available = group_service_of(ctx) != nullptr && req.key_type == 0;
        response resp;
        auto fill = [&](auto& out) {
            out.error_code = available ? int16_t{0} : coordinator_not_available;
            out.error_message = available ? std::optional<std::string>() : std::optional<std::string>("no coordinator");
            out.node_id = available ? srv.node_id : -1;
            out.host = available ? srv.advertised_host : "";
            out.port = available ? srv.advertised_port : -1;
        };
        if (ctx.version() >= 4) {
            for (auto& key : req.coordinator_keys) {
                auto& c = resp.coordinators.emplace_back();
                c.key = std::move(key);
                fill(c);
            }
        } else {
            fill(resp);
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_find_coordinator_handler() { return make_handler<find_coordinator_handler>(); }

}  // namespace eddy::kafka::server
