#include "coord/lag_monitor.h"

#include <limits>
#include <set>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.h"
#include "coord/group_lag.h"
#include "coord/group_service.h"
#include "runtime/gate.h"
#include "runtime/run_on.h"
#include "runtime/semaphore.h"

namespace eddy::coord {
namespace {

namespace asio = boost::asio;
constexpr log::logger lag_log{"consumer_lag"};

}  // namespace

struct lag_monitor::home_state {
    explicit home_state(const asio::any_io_executor& ex) : timer(ex) {}

    observability::gauge_family messages;
    observability::gauge_family seconds;
    std::set<observability::label_values> published;
    asio::steady_timer timer;
    runtime::gate gate;
    runtime::semaphore one_pass{1};  // passes never interleave, so `published` matches the gauges
    bool stopping = false;
};

lag_monitor::lag_monitor(runtime::shard_set& shards, broker& b, group_service& groups, const io::clock& clock,
                         observability::metric_registry& registry, lag_monitor_options options)
    : shards_(shards), broker_(b), groups_(groups), clock_(clock), registry_(registry), options_(options) {}

lag_monitor::~lag_monitor() = default;

asio::awaitable<result<void>> lag_monitor::start() {
    auto messages = registry_.add_gauge("eddy_consumer_group_lag_messages",
                                        "records a consumer group has not consumed yet: log end offset minus "
                                        "committed offset",
                                        {"group", "topic", "partition"});
    if (!messages) co_return unexpected(std::move(messages).error());
    auto seconds = registry_.add_gauge("eddy_consumer_group_lag_seconds",
                                       "age of the oldest record a consumer group has not consumed yet (0 when "
                                       "caught up)",
                                       {"group", "topic", "partition"});
    if (!seconds) co_return unexpected(std::move(seconds).error());
    auto up = [this, m = std::move(*messages), s = std::move(*seconds)]() {
        home_ = std::make_unique<home_state>(shards_.at(options_.home).executor());
        home_->messages = m;
        home_->seconds = s;
        auto holder = home_->gate.enter();
        if (!holder) return;
        auto loop = [this, h = std::make_shared<runtime::gate::holder>(std::move(*holder))]() -> asio::awaitable<void> {
            while (!home_->stopping) {
                co_await refresh_now();
                // stop() may have cancelled the timer during the pass, before this wait began.
                if (home_->stopping) break;
                home_->timer.expires_after(options_.interval);
                boost::system::error_code ec;
                co_await home_->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            }
        };
        asio::co_spawn(home_->timer.get_executor(), std::move(loop), asio::detached);
    };
    co_await runtime::run_on(shards_.at(options_.home), std::move(up));
    co_return result<void>{};
}

asio::awaitable<void> lag_monitor::stop() {
    auto down = [this]() -> asio::awaitable<void> {
        if (!home_) co_return;
        home_->stopping = true;
        home_->timer.cancel();
        co_await home_->gate.close();
        for (const auto& labels : home_->published) {
            home_->messages.remove(labels);
            home_->seconds.remove(labels);
        }
        home_.reset();
    };
    co_await runtime::run_on(shards_.at(options_.home), std::move(down));
}

asio::awaitable<void> lag_monitor::refresh_now() {
    auto pass = [this]() -> asio::awaitable<void> {
        auto* h = home_.get();
        if (h == nullptr || h->stopping) co_return;
        auto holder = h->gate.enter();
        if (!holder) co_return;
        auto units = co_await h->one_pass.acquire();
        if (!units) co_return;
        std::set<observability::label_values> seen;
        auto listed = co_await groups_.list_groups(std::vector<group_state>{});
        // While the coordinator is unavailable the last values stay (they go stale rather than vanish).
        if (listed.error != errc::none) co_return;
        for (const auto& g : listed.groups) {
            if (h->stopping) co_return;
            auto lags = co_await group_lag(broker_, groups_, clock_, g.group_id);
            if (!lags) {
                lag_log.debug("lag of group {}: {}", g.group_id, lags.error().message());
                continue;
            }
            for (const auto& l : *lags) {
                observability::label_values labels{g.group_id, l.tp.topic, std::to_string(l.tp.partition.value())};
                h->messages.get(labels).set(static_cast<double>(l.lag_messages));
                h->seconds.get(labels).set(l.lag_seconds.value_or(std::numeric_limits<double>::quiet_NaN()));
                h->published.insert(labels);  // at once, so a pass cut short by stop() leaves nothing behind
                seen.insert(std::move(labels));
            }
        }
        for (const auto& labels : h->published) {
            if (seen.contains(labels)) continue;
            h->messages.remove(labels);
            h->seconds.remove(labels);
        }
        h->published = std::move(seen);
    };
    co_await runtime::run_on(shards_.at(options_.home), std::move(pass));
}

}  // namespace eddy::coord
