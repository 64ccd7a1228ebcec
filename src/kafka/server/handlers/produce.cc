// Produce (key 0), v3-12 (RecordBatch v2 only; flexible from v9). Each partition's batches are appended on
// the partition's owner shard, in place in the request frame (no copy); with acks=all and the default flush
// policy the answer waits for the group-commit fsync, while acks=1 is answered once the batches are in the
// log (their fsync starts at once, unawaited: Kafka's and Redpanda's meaning of acks=1). acks=0 gets no
// response at all. The appends of all partitions are started before the
// connection may take the next request, so pipelined produces append in request order. v10's tagged
// leader hints go only with NOT_LEADER_OR_FOLLOWER, which a single node never answers; v11-12 change only
// transactional produce, which is not supported.
#include "base/log.h"
#include "coord/broker.h"
#include "coord/errc.h"
#include "kafka/protocol/messages/produce.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler.h"
#include "kafka/server/run_all.h"

#include <boost/asio/this_coro.hpp>

namespace eddy::kafka::server {
namespace {

constexpr log::logger produce_log{"kafka"};
using outcome = result<coord::produce_outcome>;

struct produce_handler {
    using request = protocol::produce_request;
    using response = protocol::produce_response;
    static constexpr int16_t min_version = 3;
    static constexpr int16_t max_version = 12;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        if (req.acks == 0) ctx.suppress_response();
        std::vector<task_fn<outcome>> tasks;
        auto* broker = &ctx.broker();
        for (const auto& t : req.topic_data) {
            for (const auto& p : t.partition_data) {
                auto data = std::make_shared<coord::produce_request_data>();
                data->topic = t.name;
                data->partition = partition_id{p.index};
                data->acks = req.acks;
                // The batches are appended where they lie in the request frame, which outlives this
                // handler and so every task it waits for.
                if (p.records) data->borrowed = ctx.writable(*p.records);
                tasks.push_back([broker, data]() -> boost::asio::awaitable<outcome> {
                    if (data->borrowed.empty()) co_return make_error(coord::errc::invalid_record, "no records");
                    co_return co_await broker->produce(std::move(*data));
                });
            }
        }
        auto group = task_group<outcome>::start(co_await boost::asio::this_coro::executor, std::move(tasks));
        ctx.release();  // every append has been issued, in order
        auto results = co_await group->wait();
        response resp;
        size_t i = 0;
        for (const auto& t : req.topic_data) {
            auto& tr = resp.responses.emplace_back();
            tr.name = t.name;
            for (const auto& p : t.partition_data) {
                auto& r = results[i++];
                auto& pr = tr.partition_responses.emplace_back();
                pr.index = p.index;
                if (r) {
                    pr.base_offset = r->base.value();
                    pr.log_append_time_ms = r->log_append_time;
                    pr.log_start_offset = r->log_start.value();
                } else {
                    pr.error_code = to_kafka_error(r.error());
                    pr.base_offset = -1;
                    pr.error_message = r.error().message();
                    produce_log.debug("produce {}/{}: {}", t.name, p.index, r.error().message());
                }
            }
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_produce_handler() { return make_handler<produce_handler>(); }

}  // namespace eddy::kafka::server
