// semaphore: an async counting semaphore for backpressure (bounded memory, bounded concurrency).
// Waiters are served strictly in arrival order: a large request at the head is not overtaken by small
// ones behind it, so nobody starves. Units are handed to the head waiter at release time, so a caller
// arriving later cannot barge in between.
//
// Shard-local: a semaphore and its units are used only on the shard that owns it.
#pragma once

#include <cstddef>
#include <list>
#include <optional>
#include <utility>

#include <boost/asio/awaitable.hpp>

#include "base/result.h"
#include "runtime/wakeup.h"

namespace eddy::runtime {

class semaphore {
public:
    // Units taken from a semaphore; given back on destruction or return_all().
    class units {
    public:
        units() = default;
        units(units&& o) noexcept : sem_(std::exchange(o.sem_, nullptr)), count_(std::exchange(o.count_, 0)) {}
        units& operator=(units&& o) noexcept {
            if (this != &o) {
                return_all();
                sem_ = std::exchange(o.sem_, nullptr);
                count_ = std::exchange(o.count_, 0);
            }
            return *this;
        }
        units(const units&) = delete;
        units& operator=(const units&) = delete;
        ~units() { return_all(); }

        [[nodiscard]] size_t count() const { return count_; }
        void return_all() {
            if (sem_ != nullptr && count_ > 0) sem_->release(count_);
            sem_ = nullptr;
            count_ = 0;
        }

    private:
        friend class semaphore;
        units(semaphore* s, size_t n) : sem_(s), count_(n) {}
        semaphore* sem_ = nullptr;
        size_t count_ = 0;
    };

    explicit semaphore(size_t initial) : available_(initial) {}
    semaphore(const semaphore&) = delete;
    semaphore& operator=(const semaphore&) = delete;
    // REQUIRES: nobody is waiting and no units are outstanding.
    ~semaphore() = default;

    // Waits until n units are free and this caller is first in line, then takes them.
    // Fails with errc::semaphore_broken if the semaphore is or becomes broken. A request larger than
    // the units that will ever be free waits until break_all(), and everyone behind it waits too.
    [[nodiscard]] boost::asio::awaitable<result<units>> acquire(size_t n = 1);
    // Takes n units now if possible without overtaking a waiter.
    [[nodiscard]] std::optional<units> try_acquire(size_t n = 1);
    // Gives n units back (units normally do this themselves) and wakes waiters that now fit.
    void release(size_t n);
    // Fails every current and future acquire (used at shutdown).
    void break_all();

    [[nodiscard]] size_t available() const { return available_; }
    [[nodiscard]] size_t waiters() const { return waiters_.size(); }
    [[nodiscard]] bool broken() const { return broken_; }

private:
    struct waiter {
        size_t n;
        wakeup woken;
        bool granted = false;
        bool taken = false;
    };
    void grant_waiters();

    size_t available_;
    bool broken_ = false;
    std::list<waiter*> waiters_;  // FIFO; nodes live in the waiting coroutines' frames
};

}  // namespace eddy::runtime
