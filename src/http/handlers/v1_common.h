// What the /v1 admin handlers (v1_topics.cc, v1_groups.cc) share: translating broker and group errors
// into HTTP statuses, and reading their JSON bodies.
//
// Statuses: unknown topic or partition 404 (error_code 40401, as in the REST Proxy), unknown group 404,
// topic exists 409, invalid names, partition counts and configs 422, coordinator unavailable 503,
// anything else 500.
#pragma once

#include <string_view>

#include <boost/json/value.hpp>

#include "base/result.h"
#include "http/request.h"

namespace eddy::http::v1 {

inline constexpr int topic_not_found_code = 40401;

[[nodiscard]] response error_from(const error& e);

// The request's JSON body: 415 when it declares a media type other than JSON, 400 when it does not parse.
// The value holds the response to send when reading failed.
[[nodiscard]] tl::expected<boost::json::value, response> read_json_body(const request& req);

// A config value as a string: JSON strings as they are, integers and booleans in decimal / true|false.
// nullopt for anything else.
[[nodiscard]] std::optional<std::string> config_value(const boost::json::value& v);

}  // namespace eddy::http::v1
