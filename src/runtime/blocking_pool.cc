#include "runtime/blocking_pool.h"

#include <pthread.h>

namespace eddy::runtime {

blocking_pool::blocking_pool(size_t threads) {
    EDDY_ASSERT(threads > 0, "a blocking pool needs at least one thread");
    threads_.reserve(threads);
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { thread_main(); });
}

blocking_pool::~blocking_pool() { stop(); }

void blocking_pool::stop() {
    {
        std::lock_guard lk(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
}

void blocking_pool::submit(unique_task job) {
    {
        std::lock_guard lk(mu_);
        EDDY_ASSERT(!stopping_, "blocking_pool::submit after stop()");
        queue_.push_back(std::move(job));
    }
    cv_.notify_one();
}

blocking_hooks blocking_pool::hooks_for(boost::asio::any_io_executor ex) {
    return blocking_hooks{
        .run_blocking = [this](std::function<void()> job) { submit(std::move(job)); },
        .post_back = [ex = std::move(ex)](std::function<void()> job) { boost::asio::post(ex, std::move(job)); },
    };
}

void blocking_pool::thread_main() {
    pthread_setname_np(pthread_self(), "eddy-blocking");
    for (;;) {
        unique_task job;
        {
            std::unique_lock lk(mu_);
            cv_.wait(lk, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping and drained
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        job();
    }
}

}  // namespace eddy::runtime
