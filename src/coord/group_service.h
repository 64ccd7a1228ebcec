// group_service: the consumer-group coordinator (group_coordinator.h) running inside the process. It
// owns the coordinator on one shard (its "home", shard 0 by default), persists everything the
// coordinator emits in the compacted offsets log (group_log.h), rebuilds the state from that log at
// start, and drives time: a timer on the home shard calls tick() at next_deadline().
//
// Every request method is an awaitable that may be called from any shard; it runs on the home shard and
// resumes the caller on its own. JoinGroup and SyncGroup complete when the coordinator calls back, which
// may be after other members' requests or a timeout.
//
// Durability: no answer is given before every record emitted up to that moment is durable (appended to
// the offsets log and fsynced through group commit). So an acknowledged OffsetCommit survives kill -9,
// and no client ever sees state that a crash could take back. If the log fails (fsync error), the
// service stops serving and answers COORDINATOR_NOT_AVAILABLE from then on; the in-memory state may be
// ahead of the disk for the requests that failed.
//
// Topic existence is not checked here: OffsetCommit's handler asks the catalog first.
//
// Lifecycle: construct anywhere, co_await start() on any shard, use, co_await stop() (in-flight requests
// finish; joins and syncs still waiting answer COORDINATOR_NOT_AVAILABLE), destroy.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "base/ids.h"
#include "base/result.h"
#include "coord/group_coordinator.h"
#include "coord/group_log.h"
#include "io/clock.h"
#include "io/file.h"
#include "runtime/blocking_pool.h"
#include "runtime/gate.h"
#include "runtime/service.h"
#include "runtime/shard.h"

namespace eddy::coord {

struct group_service_options {
    std::string data_dir;                  // the log lives in group_log_directory(data_dir)
    group_config groups;
    storage::log_config log = default_group_log_config();
    shard_id home{0};
    // The timer wakes at least this often even with no deadline due (so a manual clock advanced by a
    // test is noticed), and compaction runs every compaction_interval.
    std::chrono::milliseconds max_tick_interval{1'000};
    std::chrono::milliseconds compaction_interval{60'000};
    std::optional<uint64_t> seed;          // member-id generator seed; random when unset
};

class group_service final : public runtime::service {
public:
    template <typename T>
    using awaitable = boost::asio::awaitable<T>;

    // REQUIRES: shards, pool, fs and clock outlive the service; options.home < shards.size().
    group_service(runtime::shard_set& shards, runtime::blocking_pool& pool, io::filesystem& fs, io::clock& clock,
                  group_service_options options);
    ~group_service() override;

    [[nodiscard]] std::string_view name() const override { return "groups"; }
    // Opens the offsets log and loads it. Fails on an unreadable log or an undecodable record.
    [[nodiscard]] awaitable<result<void>> start() override;
    awaitable<void> stop() override;

    // The Kafka group APIs. errc values are Kafka error codes; coordinator_not_available when the
    // service is stopped or its log has failed.
    [[nodiscard]] awaitable<join_result> join_group(join_request req);
    [[nodiscard]] awaitable<sync_result> sync_group(sync_request req);
    [[nodiscard]] awaitable<errc> heartbeat(heartbeat_request req);
    [[nodiscard]] awaitable<leave_result> leave_group(std::string group_id, std::vector<leave_member> members);
    [[nodiscard]] awaitable<list_groups_result> list_groups(std::vector<group_state> states);
    [[nodiscard]] awaitable<std::vector<group_description>> describe_groups(std::vector<std::string> ids);
    [[nodiscard]] awaitable<std::vector<std::pair<std::string, errc>>> delete_groups(std::vector<std::string> ids);
    [[nodiscard]] awaitable<std::vector<partition_result>> commit_offsets(offset_commit_request req);
    [[nodiscard]] awaitable<offset_fetch_result> fetch_offsets(std::string group_id,
                                                               std::optional<std::vector<topic_partition>> partitions);
    [[nodiscard]] awaitable<offset_delete_result> delete_offsets(std::string group_id,
                                                                 std::vector<topic_partition> partitions);

    // Runs tick() now (tests with a manual clock), then waits for durability.
    [[nodiscard]] awaitable<void> tick_now();
    // A whole compaction pass of the offsets log now (tests, admin).
    [[nodiscard]] awaitable<result<void>> compact_now();
    // Segments of the offsets log (tests).
    [[nodiscard]] awaitable<size_t> log_segments();

private:
    struct home_state;

    // Runs fn(home_state&) on the home shard inside the gate; `unavailable` when the service is not serving.
    template <typename R, typename F>
    awaitable<R> on_home(F fn, R unavailable);

    runtime::shard_set& shards_;
    runtime::blocking_pool& pool_;
    io::filesystem& fs_;
    io::clock& clock_;
    group_service_options options_;
    std::unique_ptr<home_state> home_;  // touched only on the home shard
};

}  // namespace eddy::coord
