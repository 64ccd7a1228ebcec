// FindCoordinator (key 10), v0-4 (flexible from v3; v4 batches keys, KIP-699). This single broker
// coordinates every group. Transactions are not supported, so key type 1 gets COORDINATOR_NOT_AVAILABLE;
// other key types (share groups, v6+) are INVALID_REQUEST, as Kafka answers them below v6. v0-3 answer
// at top level, with an error message; v4+ per key, and, like Kafka, without one.
#include <string_view>

#include "kafka/protocol/messages/find_coordinator.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler.h"
#include "kafka/server/handlers/group_common.h"

namespace eddy::kafka::server {
namespace {

constexpr int8_t key_type_group = 0;
constexpr int8_t key_type_transaction = 1;

struct find_coordinator_handler {
    using request = protocol::find_coordinator_request;
    using response = protocol::find_coordinator_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 4;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        const auto& srv = ctx.server();
        int16_t error = kerr::none;
        std::string_view message;
        if (req.key_type != key_type_group && req.key_type != key_type_transaction) {
            error = kerr::invalid_request;
            message = "unknown coordinator key type";
        } else if (req.key_type == key_type_transaction) {
            error = coordinator_not_available;
            message = "transactions are not supported";
        } else if (group_service_of(ctx) == nullptr) {
            error = coordinator_not_available;
            message = "no group coordinator";
        }
        const bool ok = error == kerr::none;
        response resp;
        auto fill = [&](auto& out) {
            out.error_code = error;
            out.node_id = ok ? srv.node_id : -1;
            out.host = ok ? srv.advertised_host : "";
            out.port = ok ? srv.advertised_port : -1;
        };
        if (ctx.version() >= 4) {
            for (auto& key : req.coordinator_keys) {
                auto& c = resp.coordinators.emplace_back();
                c.key = std::move(key);
                c.error_message = std::nullopt;
                fill(c);
            }
        } else {
            fill(resp);
            resp.error_message = ok ? std::nullopt : std::optional<std::string>(message);
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_find_coordinator_handler() { return make_handler<find_coordinator_handler>(); }

}  // namespace eddy::kafka::server
