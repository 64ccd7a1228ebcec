// task_group: starts several awaitables on one shard at once and later waits for all of them. start()
// runs each task up to its first suspension before starting the next, so work the tasks post to other
// shards is posted in the order given; that is what keeps pipelined Produce appends in request order
// (see handler.h). Shard-local: start and wait on the same executor.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>

#include "runtime/wakeup.h"

namespace eddy::kafka::server {

template <typename T>
using task_fn = std::function<boost::asio::awaitable<T>()>;

// REQUIRES: T is default-constructible (Asio reports a failed task with T()).
template <typename T>
class task_group : public std::enable_shared_from_this<task_group<T>> {
public:
    task_group(const boost::asio::any_io_executor& ex, std::vector<task_fn<T>> tasks)
        : ex_(ex), done_(ex), tasks_(std::move(tasks)), results_(tasks_.size()), left_(tasks_.size()) {}

    static std::shared_ptr<task_group> start(const boost::asio::any_io_executor& ex, std::vector<task_fn<T>> tasks) {
        auto g = std::make_shared<task_group>(ex, std::move(tasks));
        for (size_t i = 0; i < g->tasks_.size(); ++i) {
            boost::asio::co_spawn(ex, g->tasks_[i](), [g, i](std::exception_ptr e, T v) {
                if (e && !g->error_) g->error_ = e;
                g->results_[i].emplace(std::move(v));
                if (--g->left_ == 0) g->done_.notify();
            });
        }
        return g;
    }

    // The results in task order. An exception from a task is rethrown once all have finished.
    boost::asio::awaitable<std::vector<T>> wait() {
        if (left_ > 0) co_await done_.wait();
        if (error_) std::rethrow_exception(error_);
        std::vector<T> out;
        out.reserve(results_.size());
        for (auto& r : results_) out.push_back(std::move(*r));
        co_return out;
    }

private:
    boost::asio::any_io_executor ex_;
    runtime::wakeup done_;
    std::vector<task_fn<T>> tasks_;  // the closures the running coroutines refer to
    std::vector<std::optional<T>> results_;
    size_t left_;
    std::exception_ptr error_;
};

}  // namespace eddy::kafka::server
