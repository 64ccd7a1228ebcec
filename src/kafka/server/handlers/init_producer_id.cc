// InitProducerId (key 22), v0-4 (flexible from v2), for idempotent producers: a fresh producer id with
// epoch 0. From v3 a producer may name its current id and epoch to recover (KIP-360); as in Kafka, an
// idempotent producer then also gets a fresh id (its sequences restart), and naming only one of the two
// is INVALID_REQUEST. Transactions are not supported: a transactional id is answered with
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED (53), which clients treat as fatal rather than retrying forever.
// Errors carry producer id and epoch -1.
#include "coord/broker.h"
#include "kafka/protocol/messages/init_producer_id.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler.h"

namespace eddy::kafka::server {
namespace {

constexpr int16_t transactional_id_authorization_failed = 53;
constexpr int64_t no_producer_id = -1;
constexpr int16_t no_producer_epoch = -1;

struct init_producer_id_handler {
    using request = protocol::init_producer_id_request;
    using response = protocol::init_producer_id_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 4;

    static response failure(int16_t code) {
        response resp;
        resp.error_code = code;
        resp.producer_id = no_producer_id;
        resp.producer_epoch = no_producer_epoch;
        return resp;
    }

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        if (req.transactional_id && !req.transactional_id->empty()) {
            co_return failure(transactional_id_authorization_failed);
        }
        // v0-2 leave both at their defaults (-1).
        if ((req.producer_id == no_producer_id) != (req.producer_epoch == no_producer_epoch)) {
            co_return failure(kerr::invalid_request);
        }
        auto id = co_await ctx.broker().init_producer_id();
        response resp;
        resp.producer_id = id.id.value();
        resp.producer_epoch = id.epoch;
        co_return resp;
    }
};

}  // namespace

handler_entry make_init_producer_id_handler() { return make_handler<init_producer_id_handler>(); }

}  // namespace eddy::kafka::server
