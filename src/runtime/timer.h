// Timer helpers on the calling coroutine's executor (its shard's steady clock), and cooperative
// yielding for CPU loops so one long loop never stalls the other tasks on its shard.
#pragma once

#include <chrono>

#include <boost/asio/awaitable.hpp>

namespace eddy::runtime {

// Suspends the calling coroutine for d. Returns false when the wait was cancelled rather than elapsed.
// A coroutine suspended here when its shard stops is destroyed without resuming.
boost::asio::awaitable<bool> sleep_for(std::chrono::steady_clock::duration d);
boost::asio::awaitable<bool> sleep_until(std::chrono::steady_clock::time_point t);

// Lets every other ready task on the shard run, then resumes.
boost::asio::awaitable<void> yield();

// For CPU loops: `co_await budget.maybe_yield()` each iteration yields once the slice is used up.
// Checks the clock only every `check_every` calls, so it is cheap in tight loops.
class yield_budget {
public:
    explicit yield_budget(std::chrono::microseconds slice = std::chrono::microseconds{250}, unsigned check_every = 64)
        : slice_(slice), check_every_(check_every), start_(std::chrono::steady_clock::now()) {}

    boost::asio::awaitable<void> maybe_yield();

private:
    std::chrono::microseconds slice_;
    unsigned check_every_;
    unsigned calls_ = 0;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace eddy::runtime
