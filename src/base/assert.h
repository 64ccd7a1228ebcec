// EDDY_ASSERT: invariants of our own code. Always on (release too). Never used on user input: bad input
// is an error value, not an assertion.
#pragma once

#include <source_location>
#include <string_view>

namespace eddy::detail {
[[noreturn]] void assert_failed(std::string_view expr, std::string_view msg, std::source_location loc);
}

#define EDDY_ASSERT(cond, ...)                                                                 \
    do {                                                                                       \
        if (!(cond)) [[unlikely]]                                                              \
            ::eddy::detail::assert_failed(#cond, "" __VA_ARGS__, std::source_location::current()); \
    } while (0)

#define EDDY_UNREACHABLE(msg) ::eddy::detail::assert_failed("unreachable", msg, std::source_location::current())
