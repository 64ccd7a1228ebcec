// Error codes of the config module. The context of each error names the flag or file:line and key.
#pragma once

#include <system_error>

namespace eddy::config {

enum class errc : int {
    invalid_value = 1,  // a value that does not parse or is out of range
    unknown_key,        // a config-file key or flag that does not exist
    syntax,             // a config-file line that is not `key = value`, `[table]`, blank or comment
    duplicate_key,      // the same key twice in one file
    conflict,           // values that are fine alone but not together (e.g. two listeners on one address)
};

const std::error_category& error_category();
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), error_category()}; }

}  // namespace eddy::config

template <>
struct std::is_error_code_enum<eddy::config::errc> : std::true_type {};
