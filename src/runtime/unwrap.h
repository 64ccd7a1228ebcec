// Helpers for carrying coroutine results through Asio completion signatures, which need
// default-constructible values: results travel as std::optional<R> and are unwrapped here.
//
// g++ 12 pitfall (clang is fine): inside a coroutine, a lambda with non-trivially-destructible captures
// written as a temporary within a co_await expression is destroyed twice:
//     co_await run_on(s, [name] { ... });                  // double free of `name` with g++ 12
//     auto f = [name] { ... }; co_await run_on(s, std::move(f));   // fine
// So name such lambdas before awaiting. The entry points here take callables by forwarding reference
// and are plain functions that hand only xvalues to coroutine parameters, so they add no copies.
#pragma once

#include <optional>
#include <utility>

#include <boost/asio/awaitable.hpp>

namespace eddy::runtime::detail {

// REQUIRES: called with an xvalue (std::move(a)), never a prvalue.
template <typename R>
boost::asio::awaitable<R> unwrap(boost::asio::awaitable<std::optional<R>> a) {
    auto r = co_await std::move(a);
    co_return std::move(*r);
}

}  // namespace eddy::runtime::detail
