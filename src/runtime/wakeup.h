// wakeup: a one-shot notification that one coroutine awaits and anyone on the same shard triggers.
// The building block of gate and semaphore. Built on a steady_timer that never expires by itself:
// notify() cancels it, which resumes the waiter through the executor (never inline).
//
// Shard-local: wait() and notify() must run on the executor the wakeup was created with.
#pragma once

#include <chrono>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace eddy::runtime {

class wakeup {
public:
    explicit wakeup(const boost::asio::any_io_executor& ex) : timer_(ex) {
        timer_.expires_at(std::chrono::steady_clock::time_point::max());
    }

    // Returns once notify() has been called (immediately if it already was).
    boost::asio::awaitable<void> wait() {
        while (!notified_) {
            boost::system::error_code ec;
            co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        }
    }

    void notify() {
        notified_ = true;
        timer_.cancel();
    }

    [[nodiscard]] bool notified() const { return notified_; }

private:
    boost::asio::steady_timer timer_;
    bool notified_ = false;
};

}  // namespace eddy::runtime
