// CreatePartitions (key 37), v0-3 (flexible from v2; v3 only adds a quota error, and there are no
// quotas). Explicit assignments are ignored (one node holds every replica).
#include "coord/broker.h"
#include "kafka/protocol/messages/create_partitions.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler.h"

namespace eddy::kafka::server {
namespace {

struct create_partitions_handler {
    using request = protocol::create_partitions_request;
    using response = protocol::create_partitions_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 3;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        for (auto& t : req.topics) {
            auto& tr = resp.results.emplace_back();
            tr.name = t.name;
            auto r = co_await ctx.broker().create_partitions(t.name, t.count, req.validate_only);
            if (!r) {
                tr.error_code = to_kafka_error(r.error());
                tr.error_message = r.error().message();
            }
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_create_partitions_handler() { return make_handler<create_partitions_handler>(); }

}  // namespace eddy::kafka::server
