// sharded<T>: one instance of T per shard, each created, used and destroyed on its own shard. The usual
// shape of per-shard state (a shard's partitions, its metrics cells, its connection table): no locks,
// and a shard reaches another shard's instance only through invoke_on, a cross-shard call.
//
// Lifecycle: construct (anywhere), co_await start(args...) (from a shard), use, co_await stop() (from a
// shard). stop() awaits `T::stop()` first when T has one returning an awaitable.
#pragma once

#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "base/assert.h"
#include "runtime/run_on.h"
#include "runtime/shard.h"

namespace eddy::runtime {

template <typename T>
class sharded {
public:
    // REQUIRES: shards outlives this object.
    explicit sharded(shard_set& shards) : shards_(shards), instances_(shards.size()) {}
    sharded(const sharded&) = delete;
    sharded& operator=(const sharded&) = delete;
    // REQUIRES: stop() has completed (or start() was never called).
    ~sharded() {
        for (const auto& p : instances_) EDDY_ASSERT(p == nullptr, "sharded<T> destroyed before stop()");
    }

    // Constructs T(args...) on every shard, in shard order; each shard gets its own copy of args.
    // Not a coroutine on purpose (see unwrap.h).
    template <typename... Args>
    [[nodiscard]] boost::asio::awaitable<void> start(Args&&... args) {
        auto packed = std::make_tuple(std::forward<Args>(args)...);
        return start_impl(std::move(packed));
    }

    // Stops (if T has stop()) and destroys every instance on its own shard, in reverse shard order.
    [[nodiscard]] boost::asio::awaitable<void> stop() {
        for (uint32_t i = shards_.size(); i-- > 0;) {
            auto destroy = [this, i]() -> boost::asio::awaitable<void> {
                if (instances_[i] == nullptr) co_return;
                if constexpr (has_stop) co_await instances_[i]->stop();
                instances_[i].reset();
            };
            co_await run_on(shards_.at(shard_id{i}), std::move(destroy));
        }
    }

    // This shard's instance. REQUIRES: called on a shard of this set, after start().
    [[nodiscard]] T& local() {
        auto* self = current_shard();
        EDDY_ASSERT(self != nullptr && &self->set() == &shards_, "sharded<T>::local() off its shards");
        auto& p = instances_[self->id().value()];
        EDDY_ASSERT(p != nullptr, "sharded<T>::local() before start()");
        return *p;
    }

    // Runs fn(T&) on shard id's instance, there. Not a coroutine on purpose (see unwrap.h).
    template <typename F, typename D = std::decay_t<F>>
    [[nodiscard]] auto invoke_on(shard_id id, F&& fn) {
        auto call = [this, fn = D(std::forward<F>(fn))]() mutable { return fn(local()); };
        return run_on(shards_.at(id), std::move(call));
    }

    // Runs fn(T&) on every shard (in shard order) and waits for all. fn must return void or awaitable<void>.
    template <typename F, typename D = std::decay_t<F>>
    [[nodiscard]] boost::asio::awaitable<void> invoke_on_all(F&& fn) {
        return invoke_on_all_impl(D(std::forward<F>(fn)));
    }

    [[nodiscard]] uint32_t size() const { return shards_.size(); }

private:
    template <typename U>
    static auto probe_stop(U* u) -> decltype(u->stop(), std::true_type{});
    static std::false_type probe_stop(...);
    static constexpr bool has_stop = decltype(probe_stop(static_cast<T*>(nullptr)))::value;

    template <typename Tuple>
    boost::asio::awaitable<void> start_impl(Tuple args) {
        for (uint32_t i = 0; i < shards_.size(); ++i) {
            auto make = [this, i, args]() mutable {
                instances_[i] = std::apply([](auto&... a) { return std::make_unique<T>(a...); }, args);
            };
            co_await run_on(shards_.at(shard_id{i}), std::move(make));
        }
    }

    template <typename F>
    boost::asio::awaitable<void> invoke_on_all_impl(F fn) {
        for (uint32_t i = 0; i < shards_.size(); ++i) {
            auto call = [this, &fn]() { return fn(local()); };  // fn outlives the call: we await it here
            co_await run_on(shards_.at(shard_id{i}), std::move(call));
        }
    }

    shard_set& shards_;
    std::vector<std::unique_ptr<T>> instances_;  // slot i is touched only on shard i
};

}  // namespace eddy::runtime
