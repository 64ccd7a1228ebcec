// EDDY_ASSERT: invariants of our own code. Always on (release too). Never used on user input: bad input
// is an error value, not an assertion.
#pragma once

#include <cstdint>
#include <string_view>
#include <version>
#if defined(__cpp_lib_source_location)
#include <source_location>
#endif

namespace eddy {
#if defined(__cpp_lib_source_location)
using source_location = std::source_location;
#else
// clang 14 with libstdc++ 12 (the fuzz build) has no std::source_location; the same interface from builtins.
struct source_location {
    static constexpr source_location current(const char* file = __builtin_FILE(),
                                             const char* function = __builtin_FUNCTION(),
                                             uint_least32_t line = __builtin_LINE()) noexcept {
        return {file, function, line};
    }
    constexpr const char* file_name() const noexcept { return file_; }
    constexpr const char* function_name() const noexcept { return function_; }
    constexpr uint_least32_t line() const noexcept { return line_; }

    const char* file_ = "";
    const char* function_ = "";
    uint_least32_t line_ = 0;
};
#endif
}  // namespace eddy

namespace eddy::detail {
[[noreturn]] void assert_failed(std::string_view expr, std::string_view msg, source_location loc);
}

#define EDDY_ASSERT(cond, ...)                                                                 \
    do {                                                                                       \
        if (!(cond)) [[unlikely]]                                                              \
            ::eddy::detail::assert_failed(#cond, "" __VA_ARGS__, ::eddy::source_location::current()); \
    } while (0)

#define EDDY_UNREACHABLE(msg) ::eddy::detail::assert_failed("unreachable", msg, ::eddy::source_location::current())
