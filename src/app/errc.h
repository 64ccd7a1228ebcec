// Error codes of the app module (process wiring).
#pragma once

#include <system_error>

namespace eddy::app {

enum class errc : int {
    data_dir_locked = 1,  // another process holds the data directory's LOCK file
    data_dir_invalid,     // the data directory path exists but is not a usable directory
};

const std::error_category& error_category();
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), error_category()}; }

}  // namespace eddy::app

template <>
struct std::is_error_code_enum<eddy::app::errc> : std::true_type {};
