#include "runtime/semaphore.h"

#include <boost/asio/this_coro.hpp>

#include "runtime/errc.h"

namespace eddy::runtime {

boost::asio::awaitable<result<semaphore::units>> semaphore::acquire(size_t n) {
    if (broken_) co_return make_error(errc::semaphore_broken);
    if (auto u = try_acquire(n)) co_return std::move(*u);
    waiter w{n, wakeup(co_await boost::asio::this_coro::executor)};
    auto pos = waiters_.insert(waiters_.end(), &w);
    // If this frame is destroyed while queued (shutdown), the node must leave the queue with it.
    struct unlink {
        semaphore* s;
        std::list<waiter*>::iterator pos;
        waiter* w;
        ~unlink() {
            if (!w->woken.notified()) {
                s->waiters_.erase(pos);
            } else if (w->granted && !w->taken) {
                s->release(w->n);  // granted, but the frame died before taking the units
            }
        }
    } guard{this, pos, &w};
    co_await w.woken.wait();
    if (!w.granted) co_return make_error(errc::semaphore_broken);
    w.taken = true;
    co_return units(this, n);
}

std::optional<semaphore::units> semaphore::try_acquire(size_t n) {
    if (broken_ || !waiters_.empty() || available_ < n) return std::nullopt;
    available_ -= n;
    return units(this, n);
}

void semaphore::release(size_t n) {
    available_ += n;
    grant_waiters();
}

void semaphore::grant_waiters() {
    while (!waiters_.empty() && waiters_.front()->n <= available_) {
        waiter* w = waiters_.front();
        waiters_.pop_front();
        available_ -= w->n;
        w->granted = true;
        w->woken.notify();
    }
}

void semaphore::break_all() {
    broken_ = true;
    while (!waiters_.empty()) {
        waiter* w = waiters_.front();
        waiters_.pop_front();
        w->woken.notify();
    }
}

}  // namespace eddy::runtime
