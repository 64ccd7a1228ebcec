#include "http/handlers/v1_topics.h"

#include <limits>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <fmt/format.h>

#include "http/handlers/v1_common.h"
#include "http/responses.h"

namespace eddy::http {
namespace {

namespace json = boost::json;
template <typename T>
using awaitable = boost::asio::awaitable<T>;

// Kafka's topic id in the canonical UUID form.
std::string uuid_text(const coord::topic_id& id) {
    std::string out;
    for (size_t i = 0; i < id.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += fmt::format("{:02x}", id[i]);
    }
    return out;
}

json::object configs_of(const coord::topic_info& t) {
    json::object o;
    for (const auto& [k, v] : t.config.overrides()) o[k] = v;
    return o;
}

// The body of GET /v1/topics/{topic} (and of a 201 from POST).
awaitable<result<json::object>> describe(coord::broker& b, const std::string& name) {
    auto t = co_await b.describe_topic(name, false);
    if (!t) co_return unexpected(std::move(t).error());
    json::array parts;
    for (int32_t i = 0; i < t->partitions; ++i) {
        auto s = co_await b.describe_partition(name, partition_id{i});
        if (!s) co_return unexpected(std::move(s).error());
        parts.push_back(json::object{
            {"partition", i},
            {"log_start_offset", s->log_start.value()},
            {"log_end_offset", s->log_end.value()},
            {"high_watermark", s->log_end.value()},
            {"size_bytes", s->size_bytes},
            {"segments", s->segments},
            {"shard", s->owner.value()},
        });
    }
    co_return json::object{
        {"name", t->name},
        {"topic_id", uuid_text(t->id)},
        {"partitions", t->partitions},
        {"configs", configs_of(*t)},
        {"partition_details", std::move(parts)},
    };
}

// The request of POST /v1/topics; the string is what is wrong with the body (answered 422).
tl::expected<coord::create_topic_request, std::string> parse_create(const json::value& body) {
    const auto* o = body.if_object();
    if (o == nullptr) return tl::unexpected(std::string("the body must be a JSON object"));
    coord::create_topic_request req;
    for (const auto& [key, v] : *o) {
        if (key == "name") {
            if (!v.is_string()) return tl::unexpected(std::string("\"name\" must be a string"));
            req.name = std::string(v.get_string());
        } else if (key != "partitions" && key != "configs") {
            return tl::unexpected(fmt::format("unknown field \"{}\" (expected name, partitions, configs)",
                                              std::string_view(key)));
        }
    }
    if (!o->contains("name")) return tl::unexpected(std::string("\"name\" is required"));
    if (const auto* p = o->if_contains("partitions")) {
        if (!p->is_int64() || p->get_int64() < 1 || p->get_int64() > std::numeric_limits<int32_t>::max()) {
            return tl::unexpected(std::string("\"partitions\" must be a positive integer"));
        }
        req.num_partitions = static_cast<int32_t>(p->get_int64());
    }
    if (const auto* c = o->if_contains("configs")) {
        if (!c->is_object()) return tl::unexpected(std::string("\"configs\" must be an object"));
        for (const auto& [k, v] : c->get_object()) {
            auto value = v1::config_value(v);
            if (!value) {
                return tl::unexpected(fmt::format("config \"{}\" must be a string, integer or boolean",
                                                  std::string_view(k)));
            }
            req.configs.emplace_back(std::string(k), std::move(*value));
        }
    }
    return req;
}

// The changes of PATCH /v1/topics/{topic}/configs (a JSON merge patch: null removes an override).
tl::expected<std::vector<coord::config_change>, std::string> parse_patch(const json::value& body) {
    const auto* o = body.if_object();
    if (o == nullptr) return tl::unexpected(std::string("the body must be a JSON object of config keys"));
    std::vector<coord::config_change> changes;
    for (const auto& [k, v] : *o) {
        if (v.is_null()) {
            changes.push_back(coord::config_change{std::string(k), std::nullopt});
            continue;
        }
        auto value = v1::config_value(v);
        if (!value) {
            return tl::unexpected(fmt::format("config \"{}\" must be a string, integer, boolean or null",
                                              std::string_view(k)));
        }
        changes.push_back(coord::config_change{std::string(k), std::move(*value)});
    }
    return changes;
}

awaitable<response> list_topics(coord::broker& b) {
    auto topics = co_await b.list_topics();
    json::array out;
    for (const auto& t : topics) out.push_back(json::object{{"name", t.name}, {"partitions", t.partitions}});
    co_return json_response(status::ok, json::object{{"topics", std::move(out)}});
}

awaitable<response> create_topic(coord::broker& b, const request& req) {
    auto body = v1::read_json_body(req);
    if (!body) co_return std::move(body).error();
    auto create = parse_create(*body);
    if (!create) co_return error_response(status::unprocessable_entity, create.error());
    std::string name = create->name;
    auto t = co_await b.create_topic(std::move(*create));
    if (!t) co_return v1::error_from(t.error());
    auto d = co_await describe(b, name);
    if (!d) co_return v1::error_from(d.error());
    auto res = json_response(status::created, *d);
    res.set(beast_http::field::location, "/v1/topics/" + name);
    co_return res;
}

awaitable<response> describe_topic(coord::broker& b, std::string name) {
    auto d = co_await describe(b, name);
    if (!d) co_return v1::error_from(d.error());
    co_return json_response(status::ok, *d);
}

awaitable<response> delete_topic(coord::broker& b, std::string name) {
    if (auto r = co_await b.delete_topic(name); !r) co_return v1::error_from(r.error());
    response res{status::no_content, 11};
    co_return res;
}

awaitable<response> patch_configs(coord::broker& b, const request& req, std::string name) {
    auto body = v1::read_json_body(req);
    if (!body) co_return std::move(body).error();
    auto changes = parse_patch(*body);
    if (!changes) co_return error_response(status::unprocessable_entity, changes.error());
    if (auto r = co_await b.alter_config(name, std::move(*changes), false); !r) co_return v1::error_from(r.error());
    auto t = co_await b.describe_topic(name, false);
    if (!t) co_return v1::error_from(t.error());
    co_return json_response(status::ok, json::object{{"name", name}, {"configs", configs_of(*t)}});
}

}  // namespace

void add_v1_topic_routes(router& r, coord::broker& broker) {
    auto* b = &broker;
    r.add(verb::get, "/v1/topics", [b](request_context&) { return list_topics(*b); });
    r.add(verb::post, "/v1/topics", [b](request_context& ctx) { return create_topic(*b, ctx.req); });
    r.add(verb::get, "/v1/topics/{topic}", [b](request_context& ctx) {
        return describe_topic(*b, std::string(ctx.params.get("topic")));
    });
    r.add(verb::delete_, "/v1/topics/{topic}", [b](request_context& ctx) {
        return delete_topic(*b, std::string(ctx.params.get("topic")));
    });
    r.add(verb::patch, "/v1/topics/{topic}/configs", [b](request_context& ctx) {
        return patch_configs(*b, ctx.req, std::string(ctx.params.get("topic")));
    });
}

}  // namespace eddy::http
