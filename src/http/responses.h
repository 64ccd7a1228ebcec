// Building responses: JSON bodies, the error shape, and reading JSON request bodies.
//
// Errors on every HTTP endpoint have one shape, Confluent's: {"error_code": N, "message": "..."}, where N
// is the HTTP status or a Confluent sub-code such as 40401 (topic not found) or 42201 (invalid request).
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "base/result.h"
#include "http/request.h"

namespace eddy::http {

inline constexpr std::string_view json_content_type = "application/json";

// A response with `body` as text of `content_type`.
[[nodiscard]] response text_response(status code, std::string body, std::string_view content_type);
// A JSON response (serialized compactly).
[[nodiscard]] response json_response(status code, const boost::json::value& body,
                                     std::string_view content_type = json_content_type);
// {"error_code": error_code, "message": message}; error_code 0 means "use the status code".
[[nodiscard]] response error_response(status code, std::string_view message, int error_code = 0,
                                      std::string_view content_type = json_content_type);

// The media type of a Content-Type value, lower-cased, without parameters ("application/json").
[[nodiscard]] std::string media_type(std::string_view content_type);

// Limits on the JSON parser (bodies are already bounded by the connection's body limit).
inline constexpr unsigned max_json_depth = 64;

// Parses `body` as JSON (errc::bad_json with the parser's reason when it is not).
[[nodiscard]] result<boost::json::value> parse_json(std::string_view body);

}  // namespace eddy::http
