// Shards, the process model: a shard is one thread running one boost::asio::io_context. Everything a
// shard owns (partitions, their logs, operator and view state) is touched only from that thread, so the
// data path needs no locks. Work moves between shards as explicit messages (run_on.h).
//
// Lifecycle: construct a shard_set, start() it (threads begin running), hand work to shards, stop()
// (threads join; handlers still queued are destroyed, which also destroys suspended coroutine frames),
// destroy. Objects that live on a shard must be destroyed before the shard_set is.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "base/ids.h"
#include "runtime/loop_lag.h"

namespace eddy::runtime {

namespace asio = boost::asio;

class shard_set;

struct shard_options {
    // Period of each shard's loop-lag timer; zero disables the measurement.
    std::chrono::milliseconds loop_lag_interval{100};
    // Called on the shard for every lag sample (optional).
    lag_callback on_lag;
    // Called on each shard's thread before it runs any work, e.g. to bind the thread to its metric
    // slot (observability::set_current_shard), which this module cannot depend on (optional).
    std::function<void(shard_id)> on_thread_start;
};

// One shard. Owned by a shard_set; never moves. executor() and context() may be used from any thread
// (posting is thread-safe); everything else a shard holds belongs to its own thread.
class shard {
public:
    using executor_type = asio::io_context::executor_type;

    shard(const shard&) = delete;
    shard& operator=(const shard&) = delete;
    ~shard();

    [[nodiscard]] shard_id id() const { return id_; }
    [[nodiscard]] executor_type executor() const { return ctx_->get_executor(); }
    [[nodiscard]] asio::io_context& context() { return *ctx_; }
    [[nodiscard]] shard_set& set() const { return *set_; }
    [[nodiscard]] const lag_histogram& loop_lag() const { return lag_; }

private:
    friend class shard_set;
    // io_context whose shutdown (destroying queued handlers) can run before destruction, so that a
    // shard_set can shut all shards down before freeing any: handlers on one shard may hold work
    // guards on another.
    class context_type : public asio::io_context {
    public:
        context_type() : asio::io_context(1) {}
        using asio::io_context::shutdown;
    };

    shard(shard_set& set, shard_id id);
    void thread_main();

    shard_set* set_;
    shard_id id_;
    std::unique_ptr<context_type> ctx_;
    std::optional<asio::executor_work_guard<executor_type>> work_;
    std::thread thread_;
    lag_histogram lag_;
};

// The shard whose thread is calling, or nullptr on any other thread.
[[nodiscard]] shard* current_shard() noexcept;
// The id of the calling shard. REQUIRES: called on a shard thread.
[[nodiscard]] shard_id this_shard();

// 64-bit FNV-1a. Fixed forever: partition ownership is derived from it.
[[nodiscard]] uint64_t fnv1a_64(std::string_view data, uint64_t seed = 0xcbf29ce484222325ULL);
// The shard that owns (topic, partition) among shard_count shards: a stable hash of the topic name and
// the partition number (big-endian) modulo shard_count. Never changes across runs or versions.
// REQUIRES: shard_count > 0.
[[nodiscard]] shard_id shard_for(std::string_view topic, partition_id partition, uint32_t shard_count);

// N shards, one thread each.
class shard_set {
public:
    // REQUIRES: count > 0.
    explicit shard_set(uint32_t count, shard_options options = {});
    shard_set(const shard_set&) = delete;
    shard_set& operator=(const shard_set&) = delete;
    // Stops the shards if still running, then destroys queued handlers shard by shard.
    ~shard_set();

    // Starts one thread per shard (inheriting the caller's signal mask). REQUIRES: not started yet.
    void start();
    // Stops every shard's loop and joins the threads; handlers still queued (pending timers, posts)
    // never run. Idempotent. REQUIRES: not called on a shard thread.
    void stop();

    [[nodiscard]] uint32_t size() const { return static_cast<uint32_t>(shards_.size()); }
    // REQUIRES: id < size().
    [[nodiscard]] shard& at(shard_id id) const;
    [[nodiscard]] bool running() const { return started_ && !stopped_; }

private:
    friend class shard;
    std::vector<std::unique_ptr<shard>> shards_;
    shard_options options_;
    bool started_ = false;
    bool stopped_ = false;
};

}  // namespace eddy::runtime
