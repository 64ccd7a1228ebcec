// Test fixture: a running shard_set with 1 or 2 shards (the test parameter), and helpers to run a
// test body as a coroutine on shard 0 and wait for conditions with a deadline.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "runtime/run_on.h"
#include "runtime/shard.h"
#include "runtime/timer.h"

namespace eddy::runtime::testing {

class sharded_test : public ::testing::TestWithParam<uint32_t> {
protected:
    void SetUp() override {
        shards_ = std::make_unique<shard_set>(GetParam(), shard_options{.loop_lag_interval = {}, .on_lag = {}});
        shards_->start();
    }
    void TearDown() override { shards_.reset(); }

    [[nodiscard]] uint32_t smp() const { return GetParam(); }
    [[nodiscard]] shard& at(uint32_t i) const { return shards_->at(shard_id{i}); }

    // Runs fn (returning an awaitable or a value) on shard 0 and blocks until it finishes.
    template <typename F>
    auto run(F fn) {
        return block_on(at(0), std::move(fn));
    }

    std::unique_ptr<shard_set> shards_;
};

// Yields on the current shard until pred() holds or the deadline passes; returns pred().
inline boost::asio::awaitable<bool> yield_until(std::function<bool()> pred,
                                                std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    auto end = std::chrono::steady_clock::now() + deadline;
    while (!pred() && std::chrono::steady_clock::now() < end) co_await yield();
    co_return pred();
}

// Polls pred() from a non-shard thread until it holds or the deadline passes; returns pred().
inline bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    auto end = std::chrono::steady_clock::now() + deadline;
    while (!pred() && std::chrono::steady_clock::now() < end) std::this_thread::yield();
    return pred();
}

inline auto smp_values() { return ::testing::Values(1u, 2u); }

}  // namespace eddy::runtime::testing
