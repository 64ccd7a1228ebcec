// The in-memory shape of a consumer group, shared by group_coordinator.cc (membership) and
// group_offsets.cc (offsets, admin, persistence). Private to coord.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "coord/group_coordinator.h"

namespace eddy::coord {

struct group_coordinator::member {
    std::string id;
    std::optional<std::string> instance_id;
    std::string client_id;
    std::string client_host;
    std::vector<group_protocol> protocols;
    milliseconds session_timeout{0};
    milliseconds rebalance_timeout{0};
    bytes assignment;
    join_callback awaiting_join;  // set while the member waits for the join phase to end
    sync_callback awaiting_sync;  // set while the member waits for the leader's assignment
    duration heartbeat_deadline{};
    uint64_t join_order = 0;  // leader choice: the earliest joined member still present

    [[nodiscard]] const bytes* metadata_for(std::string_view protocol) const {
        for (const auto& p : protocols) {
            if (p.name == protocol) return &p.metadata;
        }
        return nullptr;
    }
};

struct group_coordinator::group {
    std::string id;
    group_state state = group_state::empty;
    int32_t generation = 0;
    std::string protocol_type;
    std::optional<std::string> protocol_name;
    std::optional<std::string> leader_id;
    timestamp_ms state_timestamp;
    std::map<std::string, member, std::less<>> members;
    std::map<std::string, std::string, std::less<>> static_members;  // instance id -> member id
    std::map<std::string, duration, std::less<>> pending_members;    // MEMBER_ID_REQUIRED issued -> expiry
    std::set<std::string, std::less<>> pending_sync;  // members yet to SyncGroup in this generation
    uint64_t next_join_order = 0;

    // PreparingRebalance: when the join phase ends at the latest.
    duration join_deadline{};
    // The initial rebalance delay of a group leaving Empty (Kafka's InitialDelayedJoin): the join phase
    // lasts at least the delay, and each new member extends it by the delay while rebalance time remains.
    bool initial_delay = false;
    bool member_added_during_delay = false;
    duration delay_remaining{};
    // CompletingRebalance/Stable: when members still in pending_sync are removed.
    duration sync_deadline{};

    std::map<topic_partition, committed_offset> offsets;

    [[nodiscard]] bool all_members_joined() const {
        if (!pending_members.empty()) return false;
        for (const auto& [_, m] : members) {
            if (!m.awaiting_join) return false;
        }
        return true;
    }
    [[nodiscard]] milliseconds max_rebalance_timeout() const {
        milliseconds t{0};
        for (const auto& [_, m] : members) t = std::max(t, m.rebalance_timeout);
        return t;
    }
};

// Runs deferred completions when the outermost public call returns, so callbacks see a consistent
// state and may re-enter the coordinator.
class group_coordinator::drain_guard {
public:
    explicit drain_guard(group_coordinator& c) : c_(c) { ++c_.depth_; }
    ~drain_guard() {
        if (--c_.depth_ == 0) c_.drain();
    }
    drain_guard(const drain_guard&) = delete;
    drain_guard& operator=(const drain_guard&) = delete;

private:
    group_coordinator& c_;
};

}  // namespace eddy::coord
