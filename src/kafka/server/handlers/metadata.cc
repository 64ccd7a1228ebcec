// Metadata (key 3), v0-12 (flexible from v9). This node is the only broker, the controller, and the leader
// of every partition (leader epoch 0). Requested topics that do not exist are created when both the
// request (v4+) and the broker allow it; v0 asks for all topics with an empty list, v1+ with null.
// v10+ answer each topic's id (the catalog's persistent UUID; all zero for a topic in error). v12 may ask
// by topic id (KIP-516): as in Kafka, a request naming any non-zero id is answered for its ids only
// (UNKNOWN_TOPIC_ID, with a null name, for unknown ones) and never creates topics; v10-11 must name every
// topic and send no id (INVALID_REQUEST on each topic otherwise). v8+ may ask for authorized operations:
// with no authorizer, everything a topic (or, v8-10, the cluster) supports.
#include <map>

#include "coord/broker.h"
#include "kafka/protocol/messages/metadata.h"
#include "kafka/server/acl_operations.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler.h"

namespace eddy::kafka::server {
namespace {

using protocol::metadata_response;
using topic_entry = metadata_response::metadata_response_topic;

constexpr protocol::uuid zero_id{};

topic_entry describe(const coord::topic_info& t, int32_t node) {
    topic_entry out;
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

topic_entry topic_error(std::optional<std::string> name, const protocol::uuid& id, int16_t code) {
    topic_entry out;
    out.error_code = code;
    out.name = std::move(name);
    out.topic_id = id;
    return out;
}

struct metadata_handler {
    using request = protocol::metadata_request;
    using response = protocol::metadata_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 12;

    // v12 lookups by id: unknown ids first (as Kafka orders them), then the known topics.
    static boost::asio::awaitable<void> by_id(request_context& ctx, const request& req, response& resp) {
        std::map<protocol::uuid, coord::topic_info> known;
        for (auto& t : co_await ctx.broker().list_topics()) known.emplace(t.id, std::move(t));
        std::vector<const coord::topic_info*> found;
        for (const auto& rt : *req.topics) {
            if (rt.topic_id == zero_id) continue;
            auto it = known.find(rt.topic_id);
            if (it == known.end()) {
                resp.topics.push_back(topic_error(std::nullopt, rt.topic_id, kerr::unknown_topic_id));
            } else {
                found.push_back(&it->second);
            }
        }
        for (const auto* t : found) resp.topics.push_back(describe(*t, ctx.server().node_id));
    }

    static boost::asio::awaitable<void> by_name(request_context& ctx, const request& req, response& resp) {
        bool create = ctx.version() < 4 || req.allow_auto_topic_creation;
        for (const auto& rt : *req.topics) {
            std::string name = rt.name.value_or("");
            auto t = co_await ctx.broker().describe_topic(name, create);
            if (t) {
                resp.topics.push_back(describe(*t, ctx.server().node_id));
            } else {
                resp.topics.push_back(topic_error(name, zero_id, to_kafka_error(t.error())));
            }
        }
    }

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        const auto& srv = ctx.server();
        response resp;
        resp.brokers.push_back({srv.node_id, srv.advertised_host, srv.advertised_port, std::nullopt});
        resp.cluster_id = srv.cluster_id;
        resp.controller_id = srv.node_id;
        bool all = !req.topics || (ctx.version() == 0 && req.topics->empty());
        bool any_id = false;
        if (!all) {
            for (const auto& rt : *req.topics) {
                any_id = any_id || rt.topic_id != zero_id;
                if (ctx.version() < 12 && (!rt.name || rt.topic_id != zero_id)) {
                    // Kafka fails the whole request; its error response puts the error on every topic.
                    for (const auto& bad : *req.topics) {
                        resp.topics.push_back(topic_error(bad.name.value_or(""), bad.topic_id, kerr::invalid_request));
                    }
                    co_return resp;
                }
            }
        }
        if (all) {
            for (const auto& t : co_await ctx.broker().list_topics()) resp.topics.push_back(describe(t, srv.node_id));
        } else if (any_id) {
            co_await by_id(ctx, req, resp);
        } else {
            co_await by_name(ctx, req, resp);
        }
        if (req.include_topic_authorized_operations) {
            for (auto& t : resp.topics) {
                if (t.error_code != kerr::unknown_topic_id) {
                    t.topic_authorized_operations = authorized_operations(acl_resource::topic);
                }
            }
        }
        if (req.include_cluster_authorized_operations) {
            resp.cluster_authorized_operations = authorized_operations(acl_resource::cluster);
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_metadata_handler() { return make_handler<metadata_handler>(); }

}  // namespace eddy::kafka::server
