// OffsetCommit (key 8), v0-8 (flexible from v8). Partitions of unknown topics (or past a topic's
// partition count) get UNKNOWN_TOPIC_OR_PARTITION and are not stored; the rest go to the group
// coordinator in one call and are acknowledged once durable. Generation -1 with an empty member id is a
// "simple" commit (assign-mode consumers), accepted while the group has no members. Retention time (v2-4)
// and the v1 per-partition commit timestamp are ignored: offsets are kept until the group is deleted.
#include <map>

#include "coord/broker.h"
#include "kafka/protocol/messages/offset_commit.h"
#include "kafka/server/handler.h"
#include "kafka/server/handlers/group_common.h"

namespace eddy::kafka::server {
namespace {

struct offset_commit_handler {
    using request = protocol::offset_commit_request;
    using response = protocol::offset_commit_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 8;

    // Partition count per topic named in the request; absent topics are missing from the map.
    static boost::asio::awaitable<std::map<std::string, int32_t>> known_topics(request_context& ctx, const request& req) {
        std::map<std::string, int32_t> out;
        for (const auto& t : req.topics) {
            if (out.contains(t.name)) continue;
            auto info = co_await ctx.broker().describe_topic(t.name, false);
            if (info) out.emplace(t.name, info->partitions);
        }
        co_return out;
    }

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        auto* groups = group_service_of(ctx);
        auto topics = co_await known_topics(ctx, req);
        coord::offset_commit_request c{.group_id = req.group_id,
                                       .generation_id = ctx.version() >= 1 ? req.generation_id_or_member_epoch : -1,
                                       .member_id = req.member_id,
                                       .group_instance_id = req.group_instance_id};
        // Response slots in request order; those sent to the coordinator are filled from its answer.
        std::map<coord::topic_partition, int16_t*> slots;
        for (const auto& t : req.topics) {
            auto& tr = resp.topics.emplace_back();
            tr.name = t.name;
            auto known = topics.find(t.name);
            for (const auto& p : t.partitions) {
                auto& pr = tr.partitions.emplace_back();
                pr.partition_index = p.partition_index;
                if (known == topics.end() || p.partition_index < 0 || p.partition_index >= known->second) {
                    pr.error_code = group_error(coord::errc::unknown_topic_or_partition);
                    continue;
                }
                if (groups == nullptr) {
                    pr.error_code = coordinator_not_available;
                    continue;
                }
                coord::topic_partition tp{t.name, partition_id{p.partition_index}};
                c.offsets.push_back({.tp = tp,
                                     .value = offset{p.committed_offset},
                                     .leader_epoch = p.committed_leader_epoch,
                                     .metadata = p.committed_metadata});
            }
        }
        // Pointers into resp stay valid: no vector grows after this point.
        for (auto& tr : resp.topics) {
            for (auto& pr : tr.partitions) slots[{tr.name, partition_id{pr.partition_index}}] = &pr.error_code;
        }
        if (c.offsets.empty()) co_return resp;
        auto results = co_await groups->commit_offsets(std::move(c));
        for (const auto& r : results) {
            if (auto it = slots.find(r.tp); it != slots.end()) *it->second = group_error(r.error);
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_offset_commit_handler() { return make_handler<offset_commit_handler>(); }

}  // namespace eddy::kafka::server
