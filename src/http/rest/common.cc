#include "http/rest/common.h"

#include <charconv>
#include <utility>

#include <boost/json/serialize.hpp>

#include "coord/errc.h"
#include "http/errc.h"
#include "http/responses.h"
#include "storage/errc.h"

namespace eddy::http::rest {

std::string_view to_string(embedded_format f) { return f == embedded_format::binary ? "binary" : "json"; }

std::string_view media_type_of(embedded_format f) {
    return f == embedded_format::binary ? v2_binary : v2_json_embedded;
}

std::optional<embedded_format> parse_embedded_format(std::string_view name) {
    if (name == "binary") return embedded_format::binary;
    if (name == "json") return embedded_format::json;
    return std::nullopt;
}

fail topic_not_found() { return fail(failure{status::not_found, code::topic_not_found, "Topic not found."}); }

fail partition_not_found() {
    return fail(failure{status::not_found, code::partition_not_found, "Partition not found."});
}

fail instance_not_found() {
    return fail(failure{status::not_found, code::instance_not_found, "Consumer instance not found."});
}

fail unprocessable(std::string message) {
    return fail(failure{status::unprocessable_entity, code::unprocessable, std::move(message)});
}

fail illegal_state(std::string_view what) {
    return fail(failure{status::conflict, code::illegal_state, fmt::format("Illegal state: {}", what)});
}

fail unavailable(std::string_view what) {
    return fail(failure{status::service_unavailable, code::unavailable, std::string(what)});
}

bool is_retriable(const error& e) {
    const auto& cat = e.code.category();
    if (cat == coord::error_category()) {
        auto c = static_cast<coord::errc>(e.code.value());
        return c == coord::errc::unknown_topic_or_partition || c == coord::errc::coordinator_not_available;
    }
    if (cat == storage::error_category()) {
        auto c = static_cast<storage::errc>(e.code.value());
        return c == storage::errc::log_failed || c == storage::errc::corrupt_log;
    }
    return false;
}

failure from_error(const error& e) {
    if (e.code == make_error_code(coord::errc::unknown_topic_or_partition) ||
        e.code == make_error_code(coord::errc::invalid_topic)) {
        return topic_not_found().value();
    }
    if (is_retriable(e)) {
        return failure{status::internal_server_error, code::kafka_retriable,
                       fmt::format("Retriable Kafka error: {}", e.message())};
    }
    return failure{status::internal_server_error, code::kafka_error, fmt::format("Kafka error: {}", e.message())};
}

namespace {

void append_json_text(std::string& out, const boost::json::value& v);

void append_json_text(std::string& out, const boost::json::array& a) {
    out += '[';
    bool first = true;
    for (const auto& e : a) {
        if (!std::exchange(first, false)) out += ',';
        append_json_text(out, e);
    }
    out += ']';
}

void append_json_text(std::string& out, const boost::json::value& v) {
    switch (v.kind()) {
    case boost::json::kind::double_: out += fmt::format("{}", v.get_double()); return;
    case boost::json::kind::array: append_json_text(out, v.get_array()); return;
    case boost::json::kind::object: {
        out += '{';
        bool first = true;
        for (const auto& [k, e] : v.get_object()) {
            if (!std::exchange(first, false)) out += ',';
            out += boost::json::serialize(k);
            out += ':';
            append_json_text(out, e);
        }
        out += '}';
        return;
    }
    default: out += boost::json::serialize(v); return;
    }
}

}  // namespace

std::string to_json_text(const boost::json::value& v) {
    std::string out;
    append_json_text(out, v);
    return out;
}

std::string to_json_text(const boost::json::array& a) {
    std::string out;
    append_json_text(out, a);
    return out;
}

response to_response(const failure& f) { return error_response(f.http, f.message, f.error_code, v2_json); }

response json_ok(const boost::json::value& body, status code, std::string_view content_type) {
    return json_response(code, body, content_type);
}

response no_content() {
    response res{status::no_content, 11};
    return res;
}

std::optional<failure> check_json_content_type(const request& req) {
    auto ct = req[beast_http::field::content_type];
    if (ct.empty() && req.body().empty()) return std::nullopt;
    auto type = media_type(ct);
    if (type == v2_json || type == json_content_type) return std::nullopt;
    if (type.starts_with("application/vnd.kafka.") && type.ends_with(".v2+json")) return std::nullopt;
    return failure{status::unsupported_media_type, code::unsupported_media_type, "HTTP 415 Unsupported Media Type"};
}

outcome<std::optional<boost::json::object>> parse_object_body(const request& req) {
    const auto& body = req.body();
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) return std::optional<boost::json::object>{};
    auto v = parse_json(body);
    if (!v) return fail(failure{status::bad_request, code::bad_request, v.error().message()});
    if (!v->is_object()) return unprocessable("the request body must be a JSON object");
    return std::optional<boost::json::object>{std::move(v->as_object())};
}

outcome<std::optional<std::string>> string_field(const boost::json::object& o, std::string_view name) {
    const auto* v = o.if_contains(name);
    if (v == nullptr || v->is_null()) return std::optional<std::string>{};
    if (!v->is_string()) return unprocessable(fmt::format("field '{}' must be a string", name));
    return std::optional<std::string>{std::string(v->as_string())};
}

outcome<std::optional<int64_t>> int_field(const boost::json::object& o, std::string_view name) {
    const auto* v = o.if_contains(name);
    if (v == nullptr || v->is_null()) return std::optional<int64_t>{};
    if (v->is_int64()) return std::optional<int64_t>{v->as_int64()};
    if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
        return std::optional<int64_t>{static_cast<int64_t>(v->as_uint64())};
    }
    return unprocessable(fmt::format("field '{}' must be an integer", name));
}

outcome<const boost::json::array*> array_field(const boost::json::object& o, std::string_view name) {
    const auto* v = o.if_contains(name);
    if (v == nullptr || v->is_null()) return static_cast<const boost::json::array*>(nullptr);
    if (!v->is_array()) return unprocessable(fmt::format("field '{}' must be an array", name));
    return &v->as_array();
}

outcome<topic_partition_ref> parse_topic_partition(const boost::json::value& v) {
    if (!v.is_object()) return unprocessable("each partition must be an object with 'topic' and 'partition'");
    const auto& o = v.as_object();
    auto topic = string_field(o, "topic");
    if (!topic) return fail(topic.error());
    auto p = int_field(o, "partition");
    if (!p) return fail(p.error());
    if (!*topic || topic->value().empty()) return unprocessable("'topic' is required");
    if (!*p || **p < 0 || **p > INT32_MAX) return unprocessable("'partition' must be an integer >= 0");
    return topic_partition_ref{std::move(**topic), partition_id{static_cast<int32_t>(**p)}};
}

outcome<std::vector<topic_partition_ref>> parse_partitions(const boost::json::object& o, std::string_view field) {
    return parse_list<topic_partition_ref>(o, field, parse_topic_partition);
}

outcome<partition_id> parse_partition_param(std::string_view s) {
    int32_t v = -1;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || v < 0) return partition_not_found();
    return partition_id{v};
}

}  // namespace eddy::http::rest
