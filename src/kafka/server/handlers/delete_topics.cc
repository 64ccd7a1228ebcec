// DeleteTopics (key 20), v0-3 (by name). The topic's logs are closed and removed from disk.
#include "coord/broker.h"
#include "kafka/protocol/messages/delete_topics.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler.h"

namespace eddy::kafka::server {
namespace {

struct delete_topics_handler {
    using request = protocol::delete_topics_request;
    using response = protocol::delete_topics_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 3;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        for (auto& name : req.topic_names) {
            auto& tr = resp.responses.emplace_back();
            tr.name = name;
            auto r = co_await ctx.broker().delete_topic(name);
            if (!r) tr.error_code = to_kafka_error(r.error());
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_delete_topics_handler() { return make_handler<delete_topics_handler>(); }

}  // namespace eddy::kafka::server
