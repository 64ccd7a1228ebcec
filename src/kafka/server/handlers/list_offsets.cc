// ListOffsets (key 2), v0-8 (flexible from v6). Timestamp -1 is the high watermark (which is also the last
// stable offset: there are no transactions), -2 the log start, -3 (KIP-734, v7) the first record with the
// largest timestamp, -4 (KIP-405, v8) the earliest local offset, which is the log start without tiered
// storage; anything else the first record whose timestamp is at least that. v1+ answer the timestamp of
// the record found (-1 for -1, -2 and -4), and offset and timestamp -1 when no record qualifies; v0 answers
// with an offsets array, holding the high watermark in that case. Like Kafka, the special values are
// accepted at every version.
#include "coord/broker.h"
#include "kafka/protocol/messages/list_offsets.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler.h"

namespace eddy::kafka::server {
namespace {

struct list_offsets_handler {
    using request = protocol::list_offsets_request;
    using response = protocol::list_offsets_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 8;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        for (const auto& t : req.topics) {
            auto& tr = resp.topics.emplace_back();
            tr.name = t.name;
            for (const auto& p : t.partitions) {
                auto& pr = tr.partitions.emplace_back();
                pr.partition_index = p.partition_index;
                const partition_id part{p.partition_index};
                auto r = co_await ctx.broker().lookup_offset(t.name, part, p.timestamp);
                if (r && ctx.version() == 0 && r->value.value() < 0) {
                    r = co_await ctx.broker().lookup_offset(t.name, part, coord::latest_timestamp);
                }
                if (!r) {
                    pr.error_code = to_kafka_error(r.error());
                    continue;
                }
                pr.offset = r->value.value();
                pr.timestamp = r->timestamp;
                pr.leader_epoch = r->value.value() >= 0 ? 0 : -1;
                if (ctx.version() == 0) pr.old_style_offsets = {r->value.value()};
            }
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_list_offsets_handler() { return make_handler<list_offsets_handler>(); }

}  // namespace eddy::kafka::server
