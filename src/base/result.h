// result<T>: the return type of every fallible function. An error carries a std::error_code (from a
// module's errc enum) plus human-readable context. Aliased to tl::expected so it can become
// std::expected once the toolchain has it.
#pragma once

#include <string>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <tl/expected.hpp>

namespace eddy {

struct error {
    std::error_code code;
    std::string context;

    // "context: message" (or just the message when there is no context).
    [[nodiscard]] std::string message() const {
        if (context.empty()) return code.message();
        return fmt::format("{}: {}", context, code.message());
    }
};

template <typename T>
using result = tl::expected<T, error>;

using unexpected = tl::unexpected<error>;

// make_error(errc::foo, "while {}", x) -> an unexpected ready to return from a result-returning function.
template <typename E, typename... Args>
    requires std::is_error_code_enum_v<E> || std::is_error_condition_enum_v<E>
[[nodiscard]] unexpected make_error(E e, fmt::format_string<Args...> f, Args&&... args) {
    return unexpected(error{make_error_code(e), fmt::format(f, std::forward<Args>(args)...)});
}

template <typename E>
    requires std::is_error_code_enum_v<E>
[[nodiscard]] unexpected make_error(E e) {
    return unexpected(error{make_error_code(e), {}});
}

[[nodiscard]] inline unexpected make_error(std::error_code ec, std::string context = {}) {
    return unexpected(error{ec, std::move(context)});
}

// An errno value as an error, e.g. make_errno_error(errno, "open {}", path).
template <typename... Args>
[[nodiscard]] unexpected make_errno_error(int err, fmt::format_string<Args...> f, Args&&... args) {
    return unexpected(error{std::error_code(err, std::generic_category()),
                            fmt::format(f, std::forward<Args>(args)...)});
}

}  // namespace eddy

// EDDY_TRY(expr): evaluates a result<void>-like expression and returns its error from the enclosing
// function. EDDY_TRY_ASSIGN(lhs, expr): same, assigning the value on success.
#define EDDY_CONCAT_INNER(a, b) a##b
#define EDDY_CONCAT(a, b) EDDY_CONCAT_INNER(a, b)
#define EDDY_TRY(expr)                                                         \
    do {                                                                       \
        auto&& eddy_try_r_ = (expr);                                           \
        if (!eddy_try_r_) return ::eddy::unexpected(std::move(eddy_try_r_).error()); \
    } while (0)
#define EDDY_TRY_ASSIGN_IMPL(tmp, lhs, expr)                      \
    auto tmp = (expr);                                            \
    if (!tmp) return ::eddy::unexpected(std::move(tmp).error()); \
    lhs = std::move(*tmp)
#define EDDY_TRY_ASSIGN(lhs, expr) EDDY_TRY_ASSIGN_IMPL(EDDY_CONCAT(eddy_try_v_, __LINE__), lhs, expr)
