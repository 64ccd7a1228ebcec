// InitProducerId (key 22), v0-1, for idempotent producers: a fresh producer id with epoch 0. Transactions
// are not supported: a transactional id is answered with TRANSACTIONAL_ID_AUTHORIZATION_FAILED (53),
// which clients treat as fatal rather than retrying forever.
#include "coord/broker.h"
#include "kafka/protocol/messages/init_producer_id.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler.h"

namespace eddy::kafka::server {
namespace {

constexpr int16_t transactional_id_authorization_failed = 53;

struct init_producer_id_handler {
    using request = protocol::init_producer_id_request;
    using response = protocol::init_producer_id_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 1;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        if (req.transactional_id && !req.transactional_id->empty()) {
            resp.error_code = transactional_id_authorization_failed;
            co_return resp;
        }
        auto id = co_await ctx.broker().init_producer_id();
        resp.producer_id = id.id.value();
        resp.producer_epoch = id.epoch;
        co_return resp;
    }
};

}  // namespace

handler_entry make_init_producer_id_handler() { return make_handler<init_producer_id_handler>(); }

}  // namespace eddy::kafka::server
