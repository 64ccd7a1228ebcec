// OffsetDelete (key 47), v0. Deletes committed offsets of a group for partitions its members are not
// subscribed to (GROUP_SUBSCRIBED_TO_TOPIC otherwise); group-level errors (GROUP_ID_NOT_FOUND, ...) are
// top-level.
#include "kafka/protocol/messages/offset_delete.h"
#include "kafka/server/handler.h"
#include "kafka/server/handlers/group_common.h"

namespace eddy::kafka::server {
namespace {

struct offset_delete_handler {
    using request = protocol::offset_delete_request;
    using response = protocol::offset_delete_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 0;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        auto* groups = group_service_of(ctx);
        if (groups == nullptr) {
            resp.error_code = coordinator_not_available;
            co_return resp;
        }
        std::vector<coord::topic_partition> tps;
        for (const auto& t : req.topics) {
            for (const auto& p : t.partitions) tps.push_back({t.name, partition_id{p.partition_index}});
        }
        auto r = co_await groups->delete_offsets(std::move(req.group_id), std::move(tps));
        resp.error_code = group_error(r.error);
        if (r.error != coord::errc::none) co_return resp;
        for (const auto& p : r.partitions) {
            if (resp.topics.empty() || resp.topics.back().name != p.tp.topic) resp.topics.emplace_back().name = p.tp.topic;
            auto& out = resp.topics.back().partitions.emplace_back();
            out.partition_index = p.tp.partition.value();
            out.error_code = group_error(p.error);
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_offset_delete_handler() { return make_handler<offset_delete_handler>(); }

}  // namespace eddy::kafka::server
