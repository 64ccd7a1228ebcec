// ListOffsets (key 2), v0-5. Timestamp -1 is the high watermark (which is also the last stable offset:
// there are no transactions), -2 the log start, anything else the first offset whose timestamp is at
// least that (the high watermark when none is). v0 answers with an offsets array.
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
    static constexpr int16_t max_version = 5;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        for (const auto& t : req.topics) {
            auto& tr = resp.topics.emplace_back();
            tr.name = t.name;
            for (const auto& p : t.partitions) {
                auto& pr = tr.partitions.emplace_back();
                pr.partition_index = p.partition_index;
                auto r = co_await ctx.broker().list_offset(t.name, partition_id{p.partition_index}, p.timestamp);
                if (!r) {
                    pr.error_code = to_kafka_error(r.error());
                    continue;
                }
                pr.offset = r->value();
                pr.leader_epoch = 0;
                if (ctx.version() == 0) pr.old_style_offsets = {r->value()};
            }
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_list_offsets_handler() { return make_handler<list_offsets_handler>(); }

}  // namespace eddy::kafka::server
