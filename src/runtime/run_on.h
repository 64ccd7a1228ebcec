// Cross-shard calls. `co_await run_on(target, fn)` runs fn on the target shard and resumes the caller on
// its own executor with fn's result; an exception thrown by fn is rethrown in the caller. fn may return
// a value, void, or an awaitable (it is then awaited on the target). fn is moved to the target: pass
// values, not references to the caller's shard-local state.
//
// block_on(target, fn) does the same from a thread that is not a shard (main(), tests) and blocks.
//
// With g++ 12, name a lambda that captures non-trivial values before `co_await run_on(s, f)`; see unwrap.h.
#pragma once

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include "base/assert.h"
#include "runtime/shard.h"
#include "runtime/unwrap.h"

namespace eddy::runtime {

namespace detail {

template <typename T>
struct awaited {
    using type = T;
    static constexpr bool is_awaitable = false;
};
template <typename T, typename E>
struct awaited<asio::awaitable<T, E>> {
    using type = T;
    static constexpr bool is_awaitable = true;
};

template <typename F>
using call_result_t = std::invoke_result_t<F&>;

template <typename F>
using run_on_result_t = typename awaited<call_result_t<F>>::type;

// The coroutine that runs on the target. Non-void results travel in an optional because co_spawn
// needs a default-constructible value to report an exception. The result is built in a named local
// rather than as a temporary in the co_return expression: g++ 12 mishandles such temporaries.
template <typename R, typename F>
asio::awaitable<std::conditional_t<std::is_void_v<R>, void, std::optional<R>>> invoke_on_target(F& fn) {
    if constexpr (awaited<call_result_t<F>>::is_awaitable) {
        if constexpr (std::is_void_v<R>) {
            co_await fn();
        } else {
            std::optional<R> out;
            out.emplace(co_await fn());
            co_return std::move(out);
        }
    } else {
        if constexpr (std::is_void_v<R>) {
            fn();
        } else {
            std::optional<R> out;
            out.emplace(fn());
            co_return std::move(out);
        }
    }
}

}  // namespace detail

// What co_await run_on(..., fn) yields: fn's return type, or T when fn returns awaitable<T>.
template <typename F>
using run_on_result_t = detail::run_on_result_t<F>;

// Takes fn by forwarding reference and is not a coroutine, on purpose (see unwrap.h).
template <typename F, typename D = std::decay_t<F>>
asio::awaitable<run_on_result_t<D>> run_on(const shard& target, F&& fn) {
    using R = run_on_result_t<D>;
    auto entry = [fn = D(std::forward<F>(fn))]() mutable { return detail::invoke_on_target<R>(fn); };
    if constexpr (std::is_void_v<R>) {
        return asio::co_spawn(target.executor(), std::move(entry), asio::use_awaitable);
    } else {
        auto spawned = asio::co_spawn(target.executor(), std::move(entry), asio::use_awaitable);
        return detail::unwrap<R>(std::move(spawned));
    }
}

// run_on by id, among the calling shard's set. REQUIRES: called on a shard thread; id < set size.
template <typename F, typename D = std::decay_t<F>>
asio::awaitable<run_on_result_t<D>> run_on(shard_id id, F&& fn) {
    auto* self = current_shard();
    EDDY_ASSERT(self != nullptr, "run_on(shard_id) called off a shard thread");
    return run_on(self->set().at(id), std::forward<F>(fn));
}

// Runs fn on target and waits for it on the calling thread. REQUIRES: not called on a shard thread
// (it would deadlock waiting on itself); target's shard_set is running.
template <typename F, typename D = std::decay_t<F>>
run_on_result_t<D> block_on(const shard& target, F&& fn) {
    EDDY_ASSERT(current_shard() == nullptr, "block_on called on a shard thread");
    using R = run_on_result_t<D>;
    auto entry = [fn = D(std::forward<F>(fn))]() mutable { return detail::invoke_on_target<R>(fn); };
    auto fut = asio::co_spawn(target.executor(), std::move(entry), asio::use_future);
    if constexpr (std::is_void_v<R>) {
        fut.get();
    } else {
        return std::move(*fut.get());
    }
}

}  // namespace eddy::runtime
