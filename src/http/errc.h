// Error codes of the http module.
#pragma once

#include <system_error>

namespace eddy::http {

enum class errc : int {
    bad_pattern = 1,  // a route pattern that cannot be registered
    bad_path,         // a request path or query that cannot be decoded
    bad_json,         // a body that is not the JSON the endpoint expects
};

const std::error_category& error_category();
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), error_category()}; }

}  // namespace eddy::http

template <>
struct std::is_error_code_enum<eddy::http::errc> : std::true_type {};
