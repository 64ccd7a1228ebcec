// Metadata (key 3), v0-8. This node is the only broker, the controller, and the leader of every
// partition. Requested topics that do not exist are created when both the request (v4+) and the broker
// allow it; v0 asks for all topics with an empty list, v1+ with null.
#include "coord/broker.h"
#include "kafka/protocol/messages/metadata.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler.h"

namespace eddy::kafka::server {
namespace {

using protocol::metadata_response;

metadata_response::metadata_response_topic describe(const coord::topic_info& t, int32_t node) {
    metadata_response::metadata_response_topic out;
    out.name = t.name;
    out.topic_id = t.id;
    for (int32_t i = 0; i < t.partitions; ++i) {
        metadata_response::metadata_response_partition p;
        p.partition_index = i;
        p.leader_id = node;
        p.leader_epoch = 0;
        p.replica_nodes = {node};
        p.isr_nodes = {node};
        out.partitions.push_back(std::move(p));
    }
    return out;
}

struct metadata_handler {
    using request = protocol::metadata_request;
    using response = protocol::metadata_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 8;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        const auto& srv = ctx.server();
        response resp;
        resp.brokers.push_back({srv.node_id, srv.advertised_host, srv.advertised_port, std::nullopt});
        resp.cluster_id = srv.cluster_id;
        resp.controller_id = srv.node_id;
        bool all = !req.topics || (ctx.version() == 0 && req.topics->empty());
        if (all) {
            for (const auto& t : co_await ctx.broker().list_topics()) resp.topics.push_back(describe(t, srv.node_id));
            co_return resp;
        }
        bool create = ctx.version() < 4 || req.allow_auto_topic_creation;
        for (const auto& rt : *req.topics) {
            std::string name = rt.name.value_or("");
            auto t = co_await ctx.broker().describe_topic(name, create);
            if (t) {
                resp.topics.push_back(describe(*t, srv.node_id));
            } else {
                metadata_response::metadata_response_topic out;
                out.name = name;
                out.error_code = to_kafka_error(t.error());
                resp.topics.push_back(std::move(out));
            }
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_metadata_handler() { return make_handler<metadata_handler>(); }

}  // namespace eddy::kafka::server
