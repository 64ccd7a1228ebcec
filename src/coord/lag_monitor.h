// lag_monitor: exports every consumer group's lag as the gauges
//   eddy_consumer_group_lag_messages{group,topic,partition}
//   eddy_consumer_group_lag_seconds{group,topic,partition}
// computed by group_lag.h for every partition a group has committed an offset for.
//
// Why a refresher and not callback gauges: lag needs calls to the partitions' owner shards, and metric
// callbacks run on the scraping thread, where they must not block or touch the registry. So a loop on
// the home shard recomputes every group's lag each `interval` and sets plain gauges; a scrape shows the
// last completed pass, so the values are up to `interval` plus one pass old. The pass also removes the
// series of groups, committed offsets and topics that are gone. A lag_seconds the pass could not
// determine (the record at the committed offset unreadable or without a timestamp) is exported as NaN.
//
// Lives on its home shard: the loop, the gauges' updates and the list of published series are touched
// only there. Add it after the broker and the group service, so it stops before them.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "base/ids.h"
#include "base/result.h"
#include "io/clock.h"
#include "observability/metric_registry.h"
#include "runtime/service.h"
#include "runtime/shard.h"

namespace eddy::coord {

class broker;
class group_service;

struct lag_monitor_options {
    std::chrono::milliseconds interval{2'000};  // > 0: the staleness of the lag metrics
    shard_id home{0};
};

class lag_monitor final : public runtime::service {
public:
    // REQUIRES: everything passed outlives the monitor; options.home < shards.size().
    lag_monitor(runtime::shard_set& shards, broker& b, group_service& groups, const io::clock& clock,
                observability::metric_registry& registry, lag_monitor_options options = {});
    ~lag_monitor() override;

    [[nodiscard]] std::string_view name() const override { return "consumer_lag"; }
    // Registers the two gauge families and starts the loop (its first pass runs at once).
    [[nodiscard]] boost::asio::awaitable<result<void>> start() override;
    // Ends the loop, waits for a pass in progress, and removes every series it published.
    boost::asio::awaitable<void> stop() override;

    // Runs one complete pass now, after any pass in progress (tests).
    [[nodiscard]] boost::asio::awaitable<void> refresh_now();

private:
    struct home_state;

    runtime::shard_set& shards_;
    broker& broker_;
    group_service& groups_;
    const io::clock& clock_;
    observability::metric_registry& registry_;
    lag_monitor_options options_;
    std::unique_ptr<home_state> home_;  // touched only on the home shard
};

}  // namespace eddy::coord
