#include "runtime/timer.h"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace eddy::runtime {

namespace asio = boost::asio;

asio::awaitable<bool> sleep_until(std::chrono::steady_clock::time_point t) {
    asio::steady_timer timer(co_await asio::this_coro::executor, t);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec;
}

asio::awaitable<bool> sleep_for(std::chrono::steady_clock::duration d) {
    return sleep_until(std::chrono::steady_clock::now() + d);
}

asio::awaitable<void> yield() {
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

asio::awaitable<void> yield_budget::maybe_yield() {
    if (++calls_ < check_every_) co_return;
    calls_ = 0;
    auto now = std::chrono::steady_clock::now();
    if (now - start_ < slice_) co_return;
    co_await yield();
    start_ = std::chrono::steady_clock::now();
}

}  // namespace eddy::runtime
