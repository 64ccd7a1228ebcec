#include "http/handlers/rest_consumers.h"

#include <charconv>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "http/responses.h"
#include "http/rest/common.h"
#include "http/rest/consumer_table.h"

namespace eddy::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;
using namespace rest;

constexpr std::string_view instance_path = "/consumers/{group}/instances/{instance}";

std::string route(std::string_view suffix) { return std::string(instance_path) + std::string(suffix); }

failure invalid_config(std::string_view what) {
    return failure{status::unprocessable_entity, code::invalid_consumer_config,
                   fmt::format("Invalid consumer configuration: {}", what)};
}

// A setting given as a JSON string or (leniently) as a bool or number.
outcome<std::optional<std::string>> setting(const json::object& o, std::string_view name) {
    const auto* v = o.if_contains(name);
    if (v == nullptr || v->is_null()) return std::optional<std::string>{};
    if (v->is_string()) return std::optional<std::string>{std::string(v->as_string())};
    if (v->is_bool()) return std::optional<std::string>{v->as_bool() ? "true" : "false"};
    if (v->is_number()) return std::optional<std::string>{json::serialize(*v)};
    return fail(invalid_config(fmt::format("{} must be a string", name)));
}

outcome<instance_config> parse_instance_config(const std::optional<json::object>& body) {
    instance_config cfg;
    if (!body) return cfg;
    const auto& o = *body;
    auto name = setting(o, "name");
    auto id = setting(o, "id");  // Confluent's legacy field; it overrides name
    auto format = setting(o, "format");
    auto reset = setting(o, "auto.offset.reset");
    auto commit = setting(o, "auto.commit.enable");
    for (const auto* s : {&name, &id, &format, &reset, &commit}) {
        if (!*s) return fail(s->error());
    }
    if (*id) cfg.name = **id;
    else if (*name) cfg.name = **name;
    if (*format) {
        auto f = parse_embedded_format(**format);
        if (!f) return fail(invalid_config(fmt::format("format '{}' is not supported (binary or json)", **format)));
        cfg.format = *f;
    }
    if (*reset) {
        if (**reset == "earliest") cfg.reset = offset_reset::earliest;
        else if (**reset == "latest") cfg.reset = offset_reset::latest;
        else if (**reset == "none") cfg.reset = offset_reset::none;
        else return fail(invalid_config(fmt::format("auto.offset.reset '{}' is not earliest, latest or none", **reset)));
    }
    if (*commit) {
        auto v = media_type(**commit);  // lower-cased and trimmed
        if (v != "true" && v != "false") return fail(invalid_config("auto.commit.enable must be true or false"));
        cfg.auto_commit = v == "true";
    }
    return cfg;
}

// Percent-encodes what is not an unreserved URI character, for base_uri.
std::string encode_segment(std::string_view s) {
    std::string out;
    for (char c : s) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                     c == '.' || c == '_' || c == '~';
        if (plain) out += c;
        else out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
    return out;
}

// The format named by the Accept header: nullopt for "whatever the instance has" (no header, */*, the
// plain v2 type); 406 when nothing acceptable is listed.
outcome<std::optional<embedded_format>> accepted_format(const request& req) {
    auto accept = req[beast_http::field::accept];
    if (accept.empty()) return std::optional<embedded_format>{};
    bool any = false;
    size_t pos = 0;
    while (pos <= accept.size()) {
        auto comma = accept.find(',', pos);
        auto item = media_type(accept.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
        if (item == v2_binary) return std::optional<embedded_format>{embedded_format::binary};
        if (item == v2_json_embedded) return std::optional<embedded_format>{embedded_format::json};
        if (item == v2_json || item == json_content_type || item == "*/*" || item == "application/*") any = true;
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
    if (any) return std::optional<embedded_format>{};
    return fail(failure{status::not_acceptable, code::not_acceptable, "HTTP 406 Not Acceptable"});
}

outcome<int64_t> query_int(const request_context& ctx, std::string_view name, int64_t fallback) {
    auto v = ctx.query.get(name);
    if (!v) return fallback;
    int64_t out = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc{} || end != v->data() + v->size()) {
        return fail(failure{status::bad_request, code::bad_request, fmt::format("invalid {} '{}'", name, *v)});
    }
    return out;
}

// The JSON object body of a POST (nullopt when empty), after the content-type check.
outcome<std::optional<json::object>> post_body(const request_context& ctx) {
    if (auto bad = check_json_content_type(ctx.req)) return fail(*bad);
    return parse_object_body(ctx.req);
}

// {"topic", "partition", "offset", "metadata"?}; the offset must be >= 0.
outcome<tp_offset> parse_offset(const json::value& v) {
    auto tp = parse_topic_partition(v);
    if (!tp) return fail(tp.error());
    auto off = int_field(v.as_object(), "offset");
    if (!off) return fail(off.error());
    if (!*off || **off < 0) return unprocessable("'offset' must be an integer >= 0");
    auto metadata = string_field(v.as_object(), "metadata");
    if (!metadata) return fail(metadata.error());
    return tp_offset{std::move(tp->topic), tp->partition, offset{**off}, std::move(*metadata)};
}

outcome<std::vector<tp_offset>> parse_offsets(const json::object& o) {
    return parse_list<tp_offset>(o, "offsets", parse_offset);
}

// The list `field` of a body that must be there: `missing` when there is no body at all.
template <typename T, typename F>
outcome<std::vector<T>> required_list(const request_context& ctx, std::string_view field, F parse,
                                      const std::optional<failure>& missing = std::nullopt) {
    auto body = post_body(ctx);
    if (!body) return fail(body.error());
    if (!*body) return fail(missing.value_or(unprocessable(fmt::format("'{}' is required", field)).value()));
    return parse(**body);
}

outcome<std::vector<topic_partition_ref>> body_partitions(const request_context& ctx,
                                                          const std::optional<failure>& missing = std::nullopt) {
    auto parse = [](const json::object& o) { return parse_partitions(o, "partitions"); };
    return required_list<topic_partition_ref>(ctx, "partitions", parse, missing);
}

json::array partitions_json(const std::vector<topic_partition_ref>& parts) {
    json::array out;
    for (const auto& p : parts) out.push_back(json::object{{"topic", p.topic}, {"partition", p.partition.value()}});
    return out;
}

response done(const outcome<void>& r) { return r ? no_content() : to_response(r.error()); }

struct ids {
    std::string group;
    std::string instance;
};
ids ids_of(const request_context& ctx) {
    return {std::string(ctx.params.get("group")), std::string(ctx.params.get("instance"))};
}

void add_instance_routes(router& r, consumer_table& table) {
    r.add(verb::delete_, std::string(instance_path), [&table](request_context& ctx) -> awaitable<response> {
        auto [group, instance] = ids_of(ctx);
        auto removed = co_await table.remove(std::move(group), std::move(instance));
        co_return done(removed);
    });
    r.add(verb::post, route("/subscription"), [&table](request_context& ctx) -> awaitable<response> {
        auto body = post_body(ctx);
        if (!body) co_return to_response(body.error());
        if (!*body) co_return to_response(unprocessable("topics or topic_pattern is required").value());
        subscription_request s;
        auto topics = array_field(**body, "topics");
        auto pattern = string_field(**body, "topic_pattern");
        if (!topics) co_return to_response(topics.error());
        if (!pattern) co_return to_response(pattern.error());
        if (*topics != nullptr) {
            for (const auto& t : **topics) {
                if (!t.is_string()) co_return to_response(unprocessable("topics must be strings").value());
                s.topics.emplace_back(t.as_string());
            }
        } else if (*pattern) {
            s.pattern = std::move(*pattern);
        } else {
            co_return to_response(unprocessable("topics or topic_pattern is required").value());
        }
        auto [group, instance] = ids_of(ctx);
        auto r = co_await table.subscribe(std::move(group), std::move(instance), std::move(s));
        co_return done(r);
    });
    r.add(verb::get, route("/subscription"), [&table](request_context& ctx) -> awaitable<response> {
        auto [group, instance] = ids_of(ctx);
        auto topics = co_await table.subscription(std::move(group), std::move(instance));
        if (!topics) co_return to_response(topics.error());
        json::array names;
        for (auto& t : *topics) names.push_back(json::string(t));
        co_return json_ok(json::object{{"topics", std::move(names)}});
    });
    r.add(verb::delete_, route("/subscription"), [&table](request_context& ctx) -> awaitable<response> {
        auto [group, instance] = ids_of(ctx);
        auto r = co_await table.unsubscribe(std::move(group), std::move(instance));
        co_return done(r);
    });
    r.add(verb::post, route("/assignments"), [&table](request_context& ctx) -> awaitable<response> {
        auto parts = body_partitions(ctx);
        if (!parts) co_return to_response(parts.error());
        auto [group, instance] = ids_of(ctx);
        auto r = co_await table.assign(std::move(group), std::move(instance), std::move(*parts));
        co_return done(r);
    });
    r.add(verb::get, route("/assignments"), [&table](request_context& ctx) -> awaitable<response> {
        auto [group, instance] = ids_of(ctx);
        auto parts = co_await table.assignment(std::move(group), std::move(instance));
        if (!parts) co_return to_response(parts.error());
        co_return json_ok(json::object{{"partitions", partitions_json(*parts)}});
    });
}

void add_read_and_offset_routes(router& r, consumer_table& table) {
    r.add(verb::get, route("/records"), [&table](request_context& ctx) -> awaitable<response> {
        auto accept = accepted_format(ctx.req);
        if (!accept) co_return to_response(accept.error());
        auto timeout = query_int(ctx, "timeout", -1);
        if (!timeout) co_return to_response(timeout.error());
        auto max_bytes = query_int(ctx, "max_bytes", -1);
        if (!max_bytes) co_return to_response(max_bytes.error());
        read_request req{*accept, std::chrono::milliseconds(*timeout), *max_bytes};
        auto [group, instance] = ids_of(ctx);
        auto got = co_await table.read(std::move(group), std::move(instance), req);
        if (!got) co_return to_response(got.error());
        co_return text_response(status::ok, std::move(got->body), media_type_of(got->format));
    });
    r.add(verb::post, route("/offsets"), [&table](request_context& ctx) -> awaitable<response> {
        auto body = post_body(ctx);
        if (!body) co_return to_response(body.error());
        std::optional<std::vector<tp_offset>> offsets;
        if (*body && (*body)->contains("offsets")) {
            auto parsed = parse_offsets(**body);
            if (!parsed) co_return to_response(parsed.error());
            // The API names the last record consumed; the group stores the next one to read.
            for (auto& o : *parsed) o.value = o.value + 1;
            offsets = std::move(*parsed);
        }
        auto [group, instance] = ids_of(ctx);
        auto r = co_await table.commit(std::move(group), std::move(instance), std::move(offsets));
        if (!r) co_return to_response(r.error());
        co_return json_ok(json::array{});
    });
    r.add(verb::get, route("/offsets"), [&table](request_context& ctx) -> awaitable<response> {
        // Confluent answers a GET .../offsets without a body "partition not found".
        auto parts = body_partitions(ctx, partition_not_found().value());
        if (!parts) co_return to_response(parts.error());
        auto [group, instance] = ids_of(ctx);
        auto committed = co_await table.committed(std::move(group), std::move(instance), std::move(*parts));
        if (!committed) co_return to_response(committed.error());
        json::array out;
        for (const auto& c : *committed) {
            out.push_back(json::object{{"topic", c.topic},
                                       {"partition", c.partition.value()},
                                       {"offset", c.value.value()},
                                       {"metadata", c.metadata.value_or("")}});
        }
        co_return json_ok(json::object{{"offsets", std::move(out)}});
    });
}

void add_position_routes(router& r, consumer_table& table) {
    r.add(verb::post, route("/positions"), [&table](request_context& ctx) -> awaitable<response> {
        auto to = required_list<tp_offset>(ctx, "offsets", parse_offsets);
        if (!to) co_return to_response(to.error());
        auto [group, instance] = ids_of(ctx);
        auto r = co_await table.seek(std::move(group), std::move(instance), std::move(*to));
        co_return done(r);
    });
    for (bool beginning : {true, false}) {
        auto path = route(beginning ? "/positions/beginning" : "/positions/end");
        r.add(verb::post, path, [&table, beginning](request_context& ctx) -> awaitable<response> {
            auto parts = body_partitions(ctx);
            if (!parts) co_return to_response(parts.error());
            auto [group, instance] = ids_of(ctx);
            auto r = co_await table.seek_to_edge(std::move(group), std::move(instance), std::move(*parts), beginning);
            co_return done(r);
        });
    }
}

}  // namespace

void add_rest_consumer_routes(router& r, consumer_table& table) {
    r.add(verb::post, "/consumers/{group}", [&table](request_context& ctx) -> awaitable<response> {
        auto body = post_body(ctx);
        if (!body) co_return to_response(body.error());
        auto cfg = parse_instance_config(*body);
        if (!cfg) co_return to_response(cfg.error());
        std::string group(ctx.params.get("group"));
        auto id = co_await table.create(group, std::move(*cfg));
        if (!id) co_return to_response(id.error());
        auto host = ctx.req[beast_http::field::host];
        auto base_uri = fmt::format("http://{}/consumers/{}/instances/{}", host.empty() ? "localhost" : host,
                                    encode_segment(group), *id);
        co_return json_ok(json::object{{"instance_id", *id}, {"base_uri", base_uri}});
    });
    add_instance_routes(r, table);
    add_read_and_offset_routes(r, table);
    add_position_routes(r, table);
}

}  // namespace eddy::http
