// OffsetFetch (key 9), v0-8 (flexible from v6). v0-7 fetch one group; v8 batches groups, each with its
// own error code and partitions (KIP-709). Null topics (v2+) means every committed offset of the group. A
// partition with nothing committed answers offset -1 and no error. A group-level error goes in the
// group's error code (the top-level one for v2-7) with no partitions; v0-1, which have no such field, get
// it on every requested partition. require_stable (v7+) needs no waiting: without transactions no offset
// commit is ever pending.
#include "kafka/protocol/messages/offset_fetch.h"
#include "kafka/server/handler.h"
#include "kafka/server/handlers/group_common.h"

namespace eddy::kafka::server {
namespace {

using protocol::offset_fetch_response;

// What a v8 group entry and the v0-7 body have in common: topics with partitions, filled alike.
template <typename Topics>
void fill_topics(Topics& topics, std::vector<coord::fetched_offset>& offsets, coord::errc group_error_value) {
    for (auto& o : offsets) {
        if (topics.empty() || topics.back().name != o.tp.topic) topics.emplace_back().name = o.tp.topic;
        auto& pr = topics.back().partitions.emplace_back();
        pr.partition_index = o.tp.partition.value();
        pr.committed_offset = o.value.value();
        pr.committed_leader_epoch = o.leader_epoch;
        // A null metadata is answered as an empty string: clients treat both alike, and v0-5 cannot say null.
        pr.metadata = std::move(o.metadata).value_or("");
        pr.error_code = group_error(o.error != coord::errc::none ? o.error : group_error_value);
    }
}

struct offset_fetch_handler {
    using request = protocol::offset_fetch_request;
    using response = protocol::offset_fetch_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 8;

    template <typename Topic>
    static std::optional<std::vector<coord::topic_partition>> wanted_of(const std::optional<std::vector<Topic>>& topics) {
        if (!topics) return std::nullopt;
        std::vector<coord::topic_partition> out;
        for (const auto& t : *topics) {
            for (auto p : t.partition_indexes) out.push_back({t.name, partition_id{p}});
        }
        return out;
    }

    static boost::asio::awaitable<coord::offset_fetch_result> fetch(request_context& ctx, std::string group_id,
                                                                    std::optional<std::vector<coord::topic_partition>> wanted) {
        coord::offset_fetch_result r;
        if (auto* groups = group_service_of(ctx)) {
            r = co_await groups->fetch_offsets(std::move(group_id), std::move(wanted));
        } else {
            r.error = coord::errc::coordinator_not_available;
        }
        co_return r;
    }

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        if (ctx.version() >= 8) {
            for (auto& g : req.groups) {
                auto& out = resp.groups.emplace_back();
                out.group_id = g.group_id;
                auto r = co_await fetch(ctx, std::move(g.group_id), wanted_of(g.topics));
                out.error_code = group_error(r.error);
                if (r.error == coord::errc::none) fill_topics(out.topics, r.offsets, r.error);
            }
            co_return resp;
        }
        auto wanted = wanted_of(req.topics);
        auto r = co_await fetch(ctx, std::move(req.group_id), wanted);
        if (r.error != coord::errc::none) {
            r.offsets.clear();
            // v0-1 have no group-level error: echo the request with the error on every partition.
            if (ctx.version() < 2 && wanted) {
                for (const auto& tp : *wanted) r.offsets.push_back({.tp = tp, .error = r.error});
            }
        }
        if (ctx.version() >= 2) resp.error_code = group_error(r.error);
        fill_topics(resp.topics, r.offsets, r.error);
        co_return resp;
    }
};

}  // namespace

handler_entry make_offset_fetch_handler() { return make_handler<offset_fetch_handler>(); }

}  // namespace eddy::kafka::server
