// DeleteRecords (key 21), v0-2 (flexible from v2). Offset -1 means the high watermark; the answer is the
// new low watermark.
#include "coord/broker.h"
#include "kafka/protocol/messages/delete_records.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler.h"

namespace eddy::kafka::server {
namespace {

struct delete_records_handler {
    using request = protocol::delete_records_request;
    using response = protocol::delete_records_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 2;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        for (auto& t : req.topics) {
            auto& tr = resp.topics.emplace_back();
            tr.name = t.name;
            for (auto& p : t.partitions) {
                auto& pr = tr.partitions.emplace_back();
                pr.partition_index = p.partition_index;
                auto r = co_await ctx.broker().delete_records(t.name, partition_id{p.partition_index}, p.offset);
                if (r) {
                    pr.low_watermark = r->value();
                } else {
                    pr.low_watermark = -1;
                    pr.error_code = to_kafka_error(r.error());
                }
            }
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_delete_records_handler() { return make_handler<delete_records_handler>(); }

}  // namespace eddy::kafka::server
