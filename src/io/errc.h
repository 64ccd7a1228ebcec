// Error codes of the io module that are not plain errno values.
#pragma once

#include <system_error>

namespace eddy::io {

enum class errc : int {
    injected_crash = 1,  // the fault-injecting file system has "crashed"; every call fails until restart
    closed,              // the file was closed
};

const std::error_category& error_category();
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), error_category()}; }

}  // namespace eddy::io

template <>
struct std::is_error_code_enum<eddy::io::errc> : std::true_type {};
