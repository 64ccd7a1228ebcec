// blocking_pool: a few threads for blocking syscalls (fsync, open, large reads) so shards never block.
// `co_await pool.run(fn)` runs fn on a pool thread and resumes the caller on its own executor (its
// shard) with fn's result or exception. submit() is the callback form, and hooks_for() adapts the pool
// to APIs that take `run_blocking` / `post_back` functions (storage's group commit).
//
// Thread-safe. Shutdown order: stop the services that use the pool, then the pool, then the shards.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/assert.h"
#include "runtime/unwrap.h"

namespace eddy::runtime {

// A move-only void() callable (std::move_only_function is C++23).
class unique_task {
public:
    unique_task() = default;
    template <typename F>
        requires(!std::is_same_v<std::decay_t<F>, unique_task>)
    unique_task(F f) : impl_(std::make_unique<model<F>>(std::move(f))) {}  // NOLINT(google-explicit-constructor)

    void operator()() { impl_->call(); }
    explicit operator bool() const { return impl_ != nullptr; }

private:
    struct concept_t {
        virtual ~concept_t() = default;
        virtual void call() = 0;
    };
    template <typename F>
    struct model final : concept_t {
        explicit model(F f) : fn(std::move(f)) {}
        void call() override { fn(); }
        F fn;
    };
    std::unique_ptr<concept_t> impl_;
};

// The two hooks of callback-style APIs: run a job off the shard, and run its continuation back on it.
struct blocking_hooks {
    std::function<void(std::function<void()>)> run_blocking;
    std::function<void(std::function<void()>)> post_back;
};

class blocking_pool {
public:
    // REQUIRES: threads > 0.
    explicit blocking_pool(size_t threads = 4);
    blocking_pool(const blocking_pool&) = delete;
    blocking_pool& operator=(const blocking_pool&) = delete;
    ~blocking_pool();

    // Runs the jobs already queued, then joins the threads. Idempotent.
    void stop();

    // Queues job for a pool thread. REQUIRES: stop() has not been called.
    void submit(unique_task job);

    // Runs fn on a pool thread; the caller resumes on its own executor with fn's result, or with fn's
    // exception rethrown. REQUIRES: stop() has not been called.
    // Takes fn by forwarding reference and is not a coroutine, on purpose (see unwrap.h).
    template <typename F, typename D = std::decay_t<F>>
    boost::asio::awaitable<std::invoke_result_t<D&>> run(F&& fn);

    // Hooks whose post_back posts to ex (usually a shard's executor).
    [[nodiscard]] blocking_hooks hooks_for(boost::asio::any_io_executor ex);

    [[nodiscard]] size_t thread_count() const { return threads_.size(); }

private:
    void thread_main();

    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<unique_task> queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

template <typename F, typename D>
boost::asio::awaitable<std::invoke_result_t<D&>> blocking_pool::run(F&& fn) {
    using R = std::invoke_result_t<D&>;
    namespace asio = boost::asio;
    // Non-void values travel in an optional so a failed call needs no default-constructible R.
    using signature = std::conditional_t<std::is_void_v<R>, void(std::exception_ptr),
                                         void(std::exception_ptr, std::optional<R>)>;
    auto initiate = [this](auto handler, D f) {
        // Keeps the caller's executor alive (and its io_context running) until the result is back.
        auto work = asio::make_work_guard(handler);
        submit([handler = std::move(handler), work = std::move(work), f = std::move(f)]() mutable {
            std::exception_ptr err;
            if constexpr (std::is_void_v<R>) {
                try {
                    f();
                } catch (...) {
                    err = std::current_exception();
                }
                asio::post(work.get_executor(), [h = std::move(handler), err]() mutable { std::move(h)(err); });
            } else {
                std::optional<R> value;
                try {
                    value.emplace(f());
                } catch (...) {
                    err = std::current_exception();
                }
                asio::post(work.get_executor(), [h = std::move(handler), err, v = std::move(value)]() mutable {
                    std::move(h)(err, std::move(v));
                });
            }
            work.reset();
        });
    };
    auto started = asio::async_initiate<const asio::use_awaitable_t<>&, signature>(
        std::move(initiate), asio::use_awaitable, D(std::forward<F>(fn)));
    if constexpr (std::is_void_v<R>) {
        return started;
    } else {
        return detail::unwrap<R>(std::move(started));
    }
}

}  // namespace eddy::runtime
