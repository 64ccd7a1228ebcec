#include "coord/group_service.h"

#include <algorithm>
#include <functional>
#include <random>
#include <type_traits>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.h"
#include "runtime/run_on.h"
#include "runtime/timer.h"
#include "runtime/wakeup.h"

namespace eddy::coord {
namespace {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

constexpr log::logger groups_log{"groups"};

// A value produced by a callback on the home shard and awaited by one coroutine there. The first set()
// wins, so a stop can answer a waiting join before the coordinator ever does.
template <typename T>
class completion {
public:
    explicit completion(const asio::any_io_executor& ex) : wake_(ex) {}
    void set(T v) {
        if (value_) return;
        value_.emplace(std::move(v));
        wake_.notify();
    }
    asio::awaitable<T> wait() {
        co_await wake_.wait();
        T out = std::move(*value_);
        co_return out;
    }

private:
    runtime::wakeup wake_;
    std::optional<T> value_;
};

template <typename T>
struct is_awaitable : std::false_type {};
template <typename T, typename E>
struct is_awaitable<asio::awaitable<T, E>> : std::true_type {};

}  // namespace

// Everything the service keeps on its home shard.
struct group_service::home_state {
    explicit home_state(const asio::any_io_executor& ex) : executor(ex), tick_timer(ex), compact_timer(ex) {}

    // Appends what the coordinator emitted and waits until everything appended is durable. False when
    // the log cannot take it; the service then stops serving.
    asio::awaitable<bool> persist();
    // Moves the tick timer earlier when the coordinator's next deadline is sooner than planned.
    void reschedule();
    [[nodiscard]] steady::duration tick_delay() const;
    asio::awaitable<void> tick_loop();
    asio::awaitable<void> compaction_loop();
    asio::awaitable<result<void>> compact_pass();
    void fail(const std::string& what);

    // Registers a way to answer a waiting join/sync if the service stops first; returns its key.
    uint64_t on_abort(std::function<void()> fn) {
        aborts.emplace(next_abort, std::move(fn));
        return next_abort++;
    }

    asio::any_io_executor executor;
    std::chrono::milliseconds max_tick_interval{1'000};
    std::chrono::milliseconds compaction_interval{60'000};
    io::clock* clock = nullptr;
    std::unique_ptr<group_log> log;
    std::unique_ptr<group_coordinator> coordinator;
    std::vector<record> pending;  // emitted by the coordinator, not yet appended
    runtime::gate gate;
    asio::steady_timer tick_timer;
    asio::steady_timer compact_timer;
    bool serving = false;
    bool stopping = false;
    uint64_t next_abort = 0;
    std::map<uint64_t, std::function<void()>> aborts;
};

void group_service::home_state::fail(const std::string& what) {
    if (serving) groups_log.error("offsets log failed, group coordinator unavailable: {}", what);
    serving = false;
}

asio::awaitable<bool> group_service::home_state::persist() {
    if (!log || log->failed()) co_return false;
    if (!pending.empty()) {
        auto batch = std::exchange(pending, {});
        if (auto r = log->append(batch); !r) {
            fail(r.error().context.empty() ? r.error().code.message() : r.error().context);
            co_return false;
        }
    }
    if (log->log().flushed_offset() >= log->log().log_end_offset()) co_return true;
    auto done = std::make_shared<completion<result<void>>>(executor);
    log->when_durable([done](result<void> r) { done->set(std::move(r)); });
    auto r = co_await done->wait();
    if (!r) {
        fail(r.error().context.empty() ? r.error().code.message() : r.error().context);
        co_return false;
    }
    co_return true;
}

steady::duration group_service::home_state::tick_delay() const {
    steady::duration cap = max_tick_interval;
    auto deadline = coordinator ? coordinator->next_deadline() : std::nullopt;
    if (!deadline) return cap;
    auto left = std::chrono::duration_cast<steady::duration>(*deadline - clock->monotonic());
    return std::clamp(left, steady::duration::zero(), cap);
}

void group_service::home_state::reschedule() {
    if (stopping) return;
    auto want = steady::now() + tick_delay();
    // Changing the expiry cancels the wait in progress; the loop then ticks and recomputes.
    if (want < tick_timer.expiry()) tick_timer.expires_at(want);
}

asio::awaitable<void> group_service::home_state::tick_loop() {
    auto holder = gate.enter();
    if (!holder) co_return;
    while (!stopping) {
        tick_timer.expires_after(tick_delay());
        boost::system::error_code ec;
        co_await tick_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping) break;
        if (!serving) continue;
        coordinator->tick();
        (void)co_await persist();
    }
}

asio::awaitable<result<void>> group_service::home_state::compact_pass() {
    for (;;) {
        auto more = log->compact_step();
        if (!more) co_return unexpected(std::move(more).error());
        if (!*more || stopping) co_return result<void>{};
        co_await runtime::yield();
    }
}

asio::awaitable<void> group_service::home_state::compaction_loop() {
    auto holder = gate.enter();
    if (!holder) co_return;
    while (!stopping) {
        compact_timer.expires_after(compaction_interval);
        boost::system::error_code ec;
        co_await compact_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping) break;
        if (!serving) continue;
        if (auto r = co_await compact_pass(); !r) {
            groups_log.warn("compaction of the offsets log failed: {}", r.error().context);
        }
    }
}

group_service::group_service(runtime::shard_set& shards, runtime::blocking_pool& pool, io::filesystem& fs,
                             io::clock& clock, group_service_options options)
    : shards_(shards), pool_(pool), fs_(fs), clock_(clock), options_(std::move(options)),
      home_(std::make_unique<home_state>(shards.at(options_.home).executor())) {
    home_->max_tick_interval = options_.max_tick_interval;
    home_->compaction_interval = options_.compaction_interval;
    home_->clock = &clock_;
}

group_service::~group_service() = default;

asio::awaitable<result<void>> group_service::start() {
    auto* h = home_.get();
    auto open = [this, h]() -> result<void> {
        auto hooks = pool_.hooks_for(h->executor);
        EDDY_TRY_ASSIGN(h->log, group_log::open(fs_, clock_, group_log_directory(options_.data_dir), options_.log,
                                                std::move(hooks.run_blocking), std::move(hooks.post_back)));
        uint64_t seed = options_.seed ? *options_.seed : std::random_device{}();
        h->coordinator = std::make_unique<group_coordinator>(
            clock_, options_.groups, [h](record r) { h->pending.push_back(std::move(r)); }, seed);
        EDDY_TRY_ASSIGN(auto records, h->log->read_all());
        EDDY_TRY(h->coordinator->load(records));
        groups_log.info("loaded {} group records from {}", records.size(), h->log->log().dir());
        h->serving = true;
        asio::co_spawn(h->executor, h->tick_loop(), asio::detached);
        asio::co_spawn(h->executor, h->compaction_loop(), asio::detached);
        return {};
    };
    co_return co_await runtime::run_on(shards_.at(options_.home), std::move(open));
}

asio::awaitable<void> group_service::stop() {
    auto* h = home_.get();
    auto down = [h]() -> asio::awaitable<void> {
        h->serving = false;
        h->stopping = true;
        auto aborts = std::exchange(h->aborts, {});
        for (auto& [_, fn] : aborts) fn();
        h->tick_timer.cancel();
        h->compact_timer.cancel();
        co_await h->gate.close();
        if (h->log) {
            if (auto r = h->log->close(); !r) groups_log.warn("closing the offsets log: {}", r.error().context);
        }
        h->coordinator.reset();
        h->log.reset();
    };
    co_await runtime::run_on(shards_.at(options_.home), std::move(down));
}

template <typename R, typename F>
asio::awaitable<R> group_service::on_home(F fn, R unavailable) {
    auto* h = home_.get();
    auto body = [h, fn = std::move(fn), unavailable = std::move(unavailable)]() mutable -> asio::awaitable<R> {
        if (!h->serving) co_return unavailable;
        auto holder = h->gate.enter();
        if (!holder) co_return unavailable;
        std::optional<R> out;
        if constexpr (is_awaitable<std::invoke_result_t<F&, home_state&>>::value) {
            out.emplace(co_await fn(*h));
        } else {
            out.emplace(fn(*h));
        }
        h->reschedule();
        if (!co_await h->persist()) co_return unavailable;
        R value = std::move(*out);
        co_return value;
    };
    co_return co_await runtime::run_on(shards_.at(options_.home), std::move(body));
}

asio::awaitable<join_result> group_service::join_group(join_request req) {
    join_result unavailable{.error = errc::coordinator_not_available, .member_id = req.member_id};
    auto fn = [req = std::move(req)](home_state& h) mutable -> asio::awaitable<join_result> {
        auto done = std::make_shared<completion<join_result>>(h.executor);
        auto key = h.on_abort([done, member = req.member_id] {
            done->set(join_result{.error = errc::coordinator_not_available, .member_id = member});
        });
        h.coordinator->join_group(std::move(req), [done](join_result r) { done->set(std::move(r)); });
        h.reschedule();  // the join may have started a rebalance with its own deadline
        auto r = co_await done->wait();
        h.aborts.erase(key);
        co_return r;
    };
    co_return co_await on_home<join_result>(std::move(fn), std::move(unavailable));
}

asio::awaitable<sync_result> group_service::sync_group(sync_request req) {
    sync_result unavailable{.error = errc::coordinator_not_available};
    auto fn = [req = std::move(req)](home_state& h) mutable -> asio::awaitable<sync_result> {
        auto done = std::make_shared<completion<sync_result>>(h.executor);
        auto key = h.on_abort([done] { done->set(sync_result{.error = errc::coordinator_not_available}); });
        h.coordinator->sync_group(std::move(req), [done](sync_result r) { done->set(std::move(r)); });
        h.reschedule();
        auto r = co_await done->wait();
        h.aborts.erase(key);
        co_return r;
    };
    co_return co_await on_home<sync_result>(std::move(fn), std::move(unavailable));
}

asio::awaitable<errc> group_service::heartbeat(heartbeat_request req) {
    auto fn = [req = std::move(req)](home_state& h) { return h.coordinator->heartbeat(req); };
    co_return co_await on_home<errc>(std::move(fn), errc::coordinator_not_available);
}

asio::awaitable<leave_result> group_service::leave_group(std::string group_id, std::vector<leave_member> members) {
    leave_result unavailable{.error = errc::coordinator_not_available};
    for (const auto& m : members) unavailable.members.emplace_back(m, errc::coordinator_not_available);
    auto fn = [id = std::move(group_id), members = std::move(members)](home_state& h) {
        return h.coordinator->leave_group(id, members);
    };
    co_return co_await on_home<leave_result>(std::move(fn), std::move(unavailable));
}

asio::awaitable<list_groups_result> group_service::list_groups(std::vector<group_state> states) {
    auto fn = [states = std::move(states)](home_state& h) {
        return list_groups_result{.groups = h.coordinator->list_groups(states)};
    };
    co_return co_await on_home<list_groups_result>(std::move(fn),
                                                   list_groups_result{.error = errc::coordinator_not_available});
}

asio::awaitable<std::vector<group_description>> group_service::describe_groups(std::vector<std::string> ids) {
    using R = std::vector<group_description>;
    R unavailable;
    for (const auto& id : ids) {
        unavailable.push_back(group_description{.error = errc::coordinator_not_available, .group_id = id});
    }
    auto fn = [ids = std::move(ids)](home_state& h) {
        R out;
        for (const auto& id : ids) out.push_back(h.coordinator->describe_group(id));
        return out;
    };
    co_return co_await on_home<R>(std::move(fn), std::move(unavailable));
}

asio::awaitable<std::vector<std::pair<std::string, errc>>> group_service::delete_groups(std::vector<std::string> ids) {
    using R = std::vector<std::pair<std::string, errc>>;
    R unavailable;
    for (const auto& id : ids) unavailable.emplace_back(id, errc::coordinator_not_available);
    auto fn = [ids = std::move(ids)](home_state& h) { return h.coordinator->delete_groups(ids); };
    co_return co_await on_home<R>(std::move(fn), std::move(unavailable));
}

asio::awaitable<std::vector<partition_result>> group_service::commit_offsets(offset_commit_request req) {
    using R = std::vector<partition_result>;
    R unavailable;
    for (const auto& o : req.offsets) unavailable.push_back({.tp = o.tp, .error = errc::coordinator_not_available});
    auto fn = [req = std::move(req)](home_state& h) { return h.coordinator->commit_offsets(req); };
    co_return co_await on_home<R>(std::move(fn), std::move(unavailable));
}

asio::awaitable<offset_fetch_result> group_service::fetch_offsets(
    std::string group_id, std::optional<std::vector<topic_partition>> partitions) {
    offset_fetch_result unavailable{.error = errc::coordinator_not_available};
    auto fn = [id = std::move(group_id), partitions = std::move(partitions)](home_state& h) {
        return h.coordinator->fetch_offsets(id, partitions);
    };
    co_return co_await on_home<offset_fetch_result>(std::move(fn), std::move(unavailable));
}

asio::awaitable<offset_delete_result> group_service::delete_offsets(std::string group_id,
                                                                    std::vector<topic_partition> partitions) {
    offset_delete_result unavailable{.error = errc::coordinator_not_available};
    auto fn = [id = std::move(group_id), partitions = std::move(partitions)](home_state& h) {
        return h.coordinator->delete_offsets(id, partitions);
    };
    co_return co_await on_home<offset_delete_result>(std::move(fn), std::move(unavailable));
}

asio::awaitable<void> group_service::tick_now() {
    auto fn = [](home_state& h) {
        h.coordinator->tick();
        return true;
    };
    (void)co_await on_home<bool>(std::move(fn), false);
}

asio::awaitable<result<void>> group_service::compact_now() {
    auto fn = [](home_state& h) -> asio::awaitable<result<void>> { co_return co_await h.compact_pass(); };
    co_return co_await on_home<result<void>>(std::move(fn), make_error(errc::coordinator_not_available));
}

asio::awaitable<size_t> group_service::log_segments() {
    auto fn = [](home_state& h) { return h.log->log().segment_count(); };
    co_return co_await on_home<size_t>(std::move(fn), size_t{0});
}

}  // namespace eddy::coord
