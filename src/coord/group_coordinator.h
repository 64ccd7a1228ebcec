// The classic consumer-group coordinator (Kafka's GroupCoordinator) as a deterministic, single-threaded
// state machine: group membership and rebalances (Empty -> PreparingRebalance -> CompletingRebalance ->
// Stable), static membership, session and rebalance timeouts, and committed offsets.
//
// Driving it:
// - Requests are plain calls. JoinGroup and SyncGroup may have to wait for other members; their results
//   arrive through the callback, possibly before the call returns. Callbacks always run after the state
//   change that produced them is complete, so a callback may call back into the coordinator.
// - Time moves only through tick(): the runtime calls it from a timer (e.g. every 100 ms or at
//   next_deadline()); it expires sessions, ends join phases and the initial rebalance delay, and removes
//   members that never synced. Deadlines use clock.monotonic(); commit timestamps clock.now_ms().
// - Durable changes (committed offsets, group metadata, deletions) go to the record sink as they happen;
//   the caller must make them durable before answering the request that caused them. load() rebuilds
//   groups and offsets from those records at start-up (members restored from metadata get a fresh
//   session timeout, so static members can come back without a rebalance).
//
// Lives on the coordinator shard only; not thread-safe.
// Invariants: every member id is in at most one group's members or pending set; static_members maps
// each instance id to a current member of the same group; a group in Empty has no members; the leader
// (when set) is a member; only members of a CompletingRebalance/Stable group are in pending_sync.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "coord/group_records.h"
#include "coord/group_types.h"
#include "coord/record.h"
#include "io/clock.h"

namespace eddy::coord {

class group_coordinator {
public:
    // seed drives generated member ids (tests pass a constant).
    group_coordinator(io::clock& clock, group_config config = {}, record_sink sink = {}, uint64_t seed = 0);
    ~group_coordinator();
    group_coordinator(const group_coordinator&) = delete;
    group_coordinator& operator=(const group_coordinator&) = delete;

    void join_group(join_request req, join_callback done);
    void sync_group(sync_request req, sync_callback done);
    [[nodiscard]] errc heartbeat(const heartbeat_request& req);
    [[nodiscard]] leave_result leave_group(std::string_view group_id, const std::vector<leave_member>& members);

    // Groups whose state is in states (all when empty), sorted by id.
    [[nodiscard]] std::vector<group_listing> list_groups(const std::vector<group_state>& states = {}) const;
    [[nodiscard]] group_description describe_group(std::string_view group_id) const;
    // Per group: none, invalid_group_id, group_id_not_found or non_empty_group.
    [[nodiscard]] std::vector<std::pair<std::string, errc>> delete_groups(const std::vector<std::string>& ids);

    [[nodiscard]] std::vector<partition_result> commit_offsets(const offset_commit_request& req);
    // partitions == nullopt: every committed offset of the group.
    [[nodiscard]] offset_fetch_result fetch_offsets(std::string_view group_id,
                                                    const std::optional<std::vector<topic_partition>>& partitions) const;
    [[nodiscard]] offset_delete_result delete_offsets(std::string_view group_id,
                                                      const std::vector<topic_partition>& partitions);

    // Expires what is due at clock.monotonic().
    void tick();
    // The earliest pending deadline (monotonic), if any: when the next tick() has work.
    [[nodiscard]] std::optional<io::clock::duration> next_deadline() const;

    // Applies offset and group records in log order; others are skipped. Emits nothing.
    [[nodiscard]] result<void> load(std::span<const record> records);
    // The records a fully compacted log holds for the current state.
    [[nodiscard]] std::vector<record> snapshot() const;

    [[nodiscard]] std::optional<group_state> state_of(std::string_view group_id) const;
    [[nodiscard]] int32_t generation_of(std::string_view group_id) const;

private:
    using duration = io::clock::duration;
    struct member;
    struct group;
    class drain_guard;

    group* find_group(std::string_view id);
    const group* find_group(std::string_view id) const;
    group& get_or_create(std::string_view id);

    // Membership (group_coordinator.cc).
    void join_new_member(group& g, join_request& req, join_callback& done);
    void join_known_member(group& g, join_request& req, join_callback& done);
    void rejoin_static_member(group& g, join_request& req, join_callback& done, std::string old_id);
    member& add_member(group& g, const join_request& req, std::string id, join_callback done);
    void update_member(member& m, const join_request& req, join_callback done);
    void prepare_rebalance(group& g);
    void try_complete_join(group& g);
    void complete_join(group& g);
    void remove_member(group& g, const std::string& id, errc callback_error);
    void after_member_removed(group& g);
    void finish_sync(group& g);
    void tick_group(group& g, duration now);
    [[nodiscard]] join_result join_result_for(const group& g, const member& m) const;
    [[nodiscard]] bool supports_protocols(const group& g, const join_request& req) const;
    [[nodiscard]] std::string select_protocol(const group& g) const;
    [[nodiscard]] std::string new_member_id(std::string_view prefix);
    [[nodiscard]] errc validate_member(const group& g, const std::string& member_id,
                                       const std::optional<std::string>& instance_id, int32_t generation) const;

    // Persistence (group_offsets.cc).
    void emit(record r);
    void emit_group_metadata(const group& g);
    [[nodiscard]] group_metadata_value metadata_of(const group& g) const;
    void restore_group(const std::string& id, const group_metadata_value& v);
    [[nodiscard]] bool is_subscribed(const group& g, std::string_view topic) const;

    void defer(std::function<void()> fn) { ready_.push_back(std::move(fn)); }
    void drain();

    io::clock& clock_;
    group_config config_;
    record_sink sink_;
    std::mt19937_64 rng_;
    std::map<std::string, std::unique_ptr<group>, std::less<>> groups_;
    std::vector<std::function<void()>> ready_;  // completions waiting for the current call to finish
    int depth_ = 0;
};

}  // namespace eddy::coord
