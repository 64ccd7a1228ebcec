// OffsetFetch (key 9), v0-7: one group per request, flexible from v6. Null topics (v2+) means every
// committed offset of the group. A partition with nothing committed answers offset -1 and no error. A
// group-level error goes in the top-level error code (v2+) and, for v0-1, which have none, in every
// partition.
#include "kafka/protocol/messages/offset_fetch.h"
#include "kafka/server/handler.h"
#include "kafka/server/handlers/group_common.h"

namespace eddy::kafka::server {
namespace {

struct offset_fetch_handler {
    using request = protocol::offset_fetch_request;
    using response = protocol::offset_fetch_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 7;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        std::optional<std::vector<coord::topic_partition>> wanted;
        if (req.topics) {
            wanted.emplace();
            for (const auto& t : *req.topics) {
                for (auto p : t.partition_indexes) wanted->push_back({t.name, partition_id{p}});
            }
        }
        coord::offset_fetch_result r;
        if (auto* groups = group_service_of(ctx)) {
            r = co_await groups->fetch_offsets(req.group_id, wanted);
        } else {
            r.error = coord::errc::coordinator_not_available;
        }
        if (r.error != coord::errc::none && wanted) {
            // Echo the request so v0-1 clients see the error on every partition.
            for (const auto& tp : *wanted) r.offsets.push_back({.tp = tp, .error = r.error});
        }
        response resp;
        if (ctx.version() >= 2) resp.error_code = group_error(r.error);
        for (auto& o : r.offsets) {
            if (resp.topics.empty() || resp.topics.back().name != o.tp.topic) resp.topics.emplace_back().name = o.tp.topic;
            auto& pr = resp.topics.back().partitions.emplace_back();
            pr.partition_index = o.tp.partition.value();
            pr.committed_offset = o.value.value();
            pr.committed_leader_epoch = o.leader_epoch;
            // A null metadata is answered as an empty string: clients treat both alike, and v0-5 cannot say null.
            pr.metadata = o.metadata.value_or("");
            pr.error_code = group_error(o.error != coord::errc::none ? o.error : r.error);
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_offset_fetch_handler() { return make_handler<offset_fetch_handler>(); }

}  // namespace eddy::kafka::server
