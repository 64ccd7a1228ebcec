// CreateTopics (key 19), v0-7 (flexible from v5). Replication factor -1 or 1 (single node); explicit
// assignments give the partition count. The topic is open on its owner shards before the answer, so
// Metadata shows it at once. From v5 a created (or, with validate_only, validated) topic is answered with
// its partition count, replication factor and effective configs (KIP-525); v7 adds its topic id (all
// zero for validate_only, where no topic exists).
#include "coord/broker.h"
#include "coord/errc.h"
#include "kafka/protocol/messages/create_topics.h"
#include "kafka/server/configs.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler.h"

namespace eddy::kafka::server {
namespace {

using protocol::create_topics_response;

void describe_created(create_topics_response::creatable_topic_result& out, const coord::broker_options& opts,
                      const coord::topic_info& t) {
    out.topic_id = t.id;
    out.num_partitions = t.partitions;
    out.replication_factor = 1;
    auto& configs = out.configs.emplace();
    for (auto& v : topic_configs(opts, t)) {
        configs.push_back({.name = std::move(v.name),
                           .value = std::move(v.value),
                           .read_only = v.read_only,
                           .config_source = topic_config_source(v),
                           .is_sensitive = false});
    }
}

struct create_topics_handler {
    using request = protocol::create_topics_request;
    using response = protocol::create_topics_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 7;

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        for (auto& t : req.topics) {
            auto& tr = resp.topics.emplace_back();
            tr.name = t.name;
            coord::create_topic_request c;
            c.name = t.name;
            c.num_partitions = t.assignments.empty() ? t.num_partitions : static_cast<int32_t>(t.assignments.size());
            c.replication_factor = t.replication_factor;
            c.validate_only = req.validate_only;
            for (auto& cfg : t.configs) {
                if (cfg.value) c.configs.emplace_back(cfg.name, *cfg.value);
            }
            auto r = co_await ctx.broker().create_topic(std::move(c));
            if (!r) {
                tr.error_code = to_kafka_error(r.error());
                tr.error_message = r.error().message();
            } else {
                tr.error_message = std::nullopt;
                describe_created(tr, ctx.broker().options(), *r);
            }
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_create_topics_handler() { return make_handler<create_topics_handler>(); }

}  // namespace eddy::kafka::server
