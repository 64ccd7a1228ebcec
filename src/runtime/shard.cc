#include "runtime/shard.h"

#include <pthread.h>

#include <array>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "base/assert.h"

namespace eddy::runtime {
namespace {

thread_local shard* tls_current_shard = nullptr;

// Measures how late a timer due every `interval` fires, until the shard stops.
asio::awaitable<void> lag_loop(shard& s, lag_histogram& hist, std::chrono::milliseconds interval, lag_callback cb) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    auto due = std::chrono::steady_clock::now() + interval;
    for (;;) {
        timer.expires_at(due);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        auto now = std::chrono::steady_clock::now();
        auto lag = std::chrono::duration_cast<std::chrono::nanoseconds>(now - due);
        hist.record(lag);
        if (cb) cb(s.id(), lag);
        due = now + interval;
    }
}

}  // namespace

shard* current_shard() noexcept { return tls_current_shard; }

shard_id this_shard() {
    EDDY_ASSERT(tls_current_shard != nullptr, "this_shard() called off a shard thread");
    return tls_current_shard->id();
}

uint64_t fnv1a_64(std::string_view data, uint64_t seed) {
    uint64_t h = seed;
    for (unsigned char c : data) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

shard_id shard_for(std::string_view topic, partition_id partition, uint32_t shard_count) {
    EDDY_ASSERT(shard_count > 0);
    auto p = static_cast<uint32_t>(partition.value());
    std::array<char, 5> tail{'\0', static_cast<char>(p >> 24), static_cast<char>(p >> 16),
                             static_cast<char>(p >> 8), static_cast<char>(p)};
    // The NUL separator keeps ("ab", 1) and ("a", ...) from sharing a byte string.
    uint64_t h = fnv1a_64(std::string_view(tail.data(), tail.size()), fnv1a_64(topic));
    return shard_id{static_cast<uint32_t>(h % shard_count)};
}

shard::shard(shard_set& set, shard_id id)
    : set_(&set), id_(id), ctx_(std::make_unique<context_type>()), work_(asio::make_work_guard(*ctx_)) {}

shard::~shard() = default;

void shard::thread_main() {
    auto name = fmt::format("eddy-shard-{}", id_.value());
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
    tls_current_shard = this;
    if (set_->options_.on_thread_start) set_->options_.on_thread_start(id_);
    ctx_->run();
    tls_current_shard = nullptr;
}

shard_set::shard_set(uint32_t count, shard_options options) : options_(std::move(options)) {
    EDDY_ASSERT(count > 0, "a shard_set needs at least one shard");
    shards_.reserve(count);
    for (uint32_t i = 0; i < count; ++i) shards_.push_back(std::unique_ptr<shard>(new shard(*this, shard_id{i})));
}

shard_set::~shard_set() {
    stop();
    // Shut every context down before freeing any: destroying a queued handler can touch another
    // shard's context (work guards), which must still exist then.
    for (auto& s : shards_) {
        tls_current_shard = s.get();
        s->ctx_->shutdown();
    }
    tls_current_shard = nullptr;
    for (auto& s : shards_) s->ctx_.reset();
}

void shard_set::start() {
    EDDY_ASSERT(!started_, "shard_set started twice");
    started_ = true;
    for (auto& s : shards_) {
        if (options_.loop_lag_interval.count() > 0) {
            asio::co_spawn(s->executor(), lag_loop(*s, s->lag_, options_.loop_lag_interval, options_.on_lag),
                           asio::detached);
        }
        s->thread_ = std::thread([p = s.get()] { p->thread_main(); });
    }
}

void shard_set::stop() {
    EDDY_ASSERT(tls_current_shard == nullptr || &tls_current_shard->set() != this,
                "shard_set::stop() called on one of its own shards");
    if (stopped_) return;
    stopped_ = true;
    for (auto& s : shards_) {
        s->work_.reset();
        s->ctx_->stop();
    }
    for (auto& s : shards_) {
        if (s->thread_.joinable()) s->thread_.join();
    }
}

shard& shard_set::at(shard_id id) const {
    EDDY_ASSERT(id.value() < shards_.size(), "shard id out of range");
    return *shards_[id.value()];
}

}  // namespace eddy::runtime
