#include "http/handlers/v1_common.h"

#include "coord/errc.h"
#include "http/responses.h"

namespace eddy::http::v1 {

response error_from(const error& e) {
    using coord::errc;
    const auto& c = e.code;
    auto is = [&](errc x) { return c == make_error_code(x); };
    if (is(errc::unknown_topic_or_partition)) return error_response(status::not_found, e.message(), topic_not_found_code);
    if (is(errc::group_id_not_found)) return error_response(status::not_found, e.message());
    if (is(errc::topic_already_exists) || is(errc::non_empty_group)) return error_response(status::conflict, e.message());
    if (is(errc::invalid_topic) || is(errc::invalid_partitions) || is(errc::invalid_replication_factor) ||
        is(errc::invalid_config) || is(errc::invalid_request) || is(errc::invalid_group_id)) {
        return error_response(status::unprocessable_entity, e.message());
    }
    if (is(errc::coordinator_not_available)) return error_response(status::service_unavailable, e.message());
    return error_response(status::internal_server_error, e.message());
}

tl::expected<boost::json::value, response> read_json_body(const request& req) {
    auto declared = req[beast_http::field::content_type];
    if (!declared.empty()) {
        auto type = media_type(declared);
        if (type != json_content_type && !type.ends_with("+json")) {
            return tl::unexpected(error_response(status::unsupported_media_type,
                                                 "expected Content-Type: application/json, got " + std::string(declared)));
        }
    }
    auto v = parse_json(req.body());
    if (!v) return tl::unexpected(error_response(status::bad_request, "malformed JSON: " + v.error().context));
    return std::move(*v);
}

std::optional<std::string> config_value(const boost::json::value& v) {
    if (v.is_string()) return std::string(v.get_string());
    if (v.is_int64()) return std::to_string(v.get_int64());
    if (v.is_uint64()) return std::to_string(v.get_uint64());
    if (v.is_bool()) return v.get_bool() ? "true" : "false";
    return std::nullopt;
}

}  // namespace eddy::http::v1
