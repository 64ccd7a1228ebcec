#include "http/handlers/rest_topics.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "coord/broker.h"
#include "http/rest/common.h"
#include "kafka/server/configs.h"

namespace eddy::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;
using namespace rest;

json::object partition_json(int32_t partition, int32_t node_id) {
    json::object replica{{"broker", node_id}, {"leader", true}, {"in_sync", true}};
    return json::object{{"partition", partition}, {"leader", node_id}, {"replicas", json::array{replica}}};
}

json::array partitions_json(const coord::topic_info& t, int32_t node_id) {
    json::array out;
    for (int32_t p = 0; p < t.partitions; ++p) out.push_back(partition_json(p, node_id));
    return out;
}

// The topic (never created here), or 40401.
awaitable<outcome<coord::topic_info>> existing_topic(coord::broker& broker, request_context& ctx) {
    std::string name(ctx.params.get("topic"));
    auto t = co_await broker.describe_topic(std::move(name), false);
    if (!t) co_return topic_not_found();
    co_return std::move(*t);
}

// The topic and a partition of it, or 40401 / 40402.
awaitable<outcome<std::pair<coord::topic_info, partition_id>>> existing_partition(coord::broker& broker,
                                                                                  request_context& ctx) {
    auto p = parse_partition_param(ctx.params.get("partition"));
    auto t = co_await existing_topic(broker, ctx);
    if (!t) co_return fail(t.error());
    if (!p || p->value() >= t->partitions) co_return partition_not_found();
    co_return std::make_pair(std::move(*t), *p);
}

}  // namespace

void add_rest_topic_routes(router& r, coord::broker& broker, int32_t node_id) {
    r.add(verb::get, "/topics", [&broker](request_context&) -> awaitable<response> {
        json::array names;
        for (const auto& t : co_await broker.list_topics()) names.push_back(json::string(t.name));
        co_return json_ok(names);
    });
    r.add(verb::get, "/topics/{topic}", [&broker, node_id](request_context& ctx) -> awaitable<response> {
        auto t = co_await existing_topic(broker, ctx);
        if (!t) co_return to_response(t.error());
        json::object configs;
        for (const auto& c : kafka::server::topic_configs(broker.options(), *t)) configs[c.name] = c.value;
        co_return json_ok(json::object{
            {"name", t->name}, {"configs", std::move(configs)}, {"partitions", partitions_json(*t, node_id)}});
    });
    r.add(verb::get, "/topics/{topic}/partitions", [&broker, node_id](request_context& ctx) -> awaitable<response> {
        auto t = co_await existing_topic(broker, ctx);
        if (!t) co_return to_response(t.error());
        co_return json_ok(partitions_json(*t, node_id));
    });
    r.add(verb::get, "/topics/{topic}/partitions/{partition}",
          [&broker, node_id](request_context& ctx) -> awaitable<response> {
              auto tp = co_await existing_partition(broker, ctx);
              if (!tp) co_return to_response(tp.error());
              co_return json_ok(partition_json(tp->second.value(), node_id));
          });
    r.add(verb::get, "/topics/{topic}/partitions/{partition}/offsets",
          [&broker](request_context& ctx) -> awaitable<response> {
              auto tp = co_await existing_partition(broker, ctx);
              if (!tp) co_return to_response(tp.error());
              const auto& [t, p] = *tp;
              auto begin = co_await broker.list_offset(t.name, p, coord::earliest_timestamp);
              auto end = co_await broker.list_offset(t.name, p, coord::latest_timestamp);
              if (!begin) co_return to_response(from_error(begin.error()));
              if (!end) co_return to_response(from_error(end.error()));
              co_return json_ok(json::object{{"beginning_offset", begin->value()}, {"end_offset", end->value()}});
          });
    r.add(verb::get, "/brokers", [node_id](request_context&) -> awaitable<response> {
        co_return json_ok(json::object{{"brokers", json::array{node_id}}});
    });
}

}  // namespace eddy::http
