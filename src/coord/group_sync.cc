// Group membership after the join phase: SyncGroup, Heartbeat, LeaveGroup, and the timeouts driven by
// tick(). JoinGroup and rebalancing are in group_coordinator.cc.
#include <algorithm>

#include "coord/group_coordinator.h"
#include "coord/group_internal.h"

namespace eddy::coord {

void group_coordinator::sync_group(sync_request req, sync_callback done) {
    drain_guard guard(*this);
    auto reply = [&](errc e) { defer([done = std::move(done), e] { done(sync_result{e, {}, {}, {}}); }); };
    group* g = find_group(req.group_id);
    if (!g) return reply(errc::unknown_member_id);
    if (errc e = validate_member(*g, req.member_id, req.group_instance_id, req.generation_id); e != errc::none) {
        return reply(e);
    }
    if ((req.protocol_type && *req.protocol_type != g->protocol_type) ||
        (req.protocol_name && *req.protocol_name != g->protocol_name.value_or(""))) {
        return reply(errc::inconsistent_group_protocol);
    }
    member& m = g->members.at(req.member_id);
    switch (g->state) {
    case group_state::empty:
    case group_state::dead:
        return reply(errc::unknown_member_id);
    case group_state::preparing_rebalance:
        return reply(errc::rebalance_in_progress);
    case group_state::stable: {
        g->pending_sync.erase(m.id);
        sync_result r{errc::none, g->protocol_type, g->protocol_name, m.assignment};
        defer([done = std::move(done), r = std::move(r)] { done(r); });
        return;
    }
    case group_state::completing_rebalance:
        break;
    }
    if (m.awaiting_sync) {
        defer([cb = std::move(m.awaiting_sync)] { cb(sync_result{errc::rebalance_in_progress, {}, {}, {}}); });
    }
    m.awaiting_sync = std::move(done);
    g->pending_sync.erase(m.id);
    if (g->leader_id != m.id) return;
    // The leader's assignment ends the rebalance; members it left out get an empty assignment.
    for (auto& [id, member] : g->members) {
        auto it = std::find_if(req.assignments.begin(), req.assignments.end(),
                               [&](const auto& a) { return a.first == id; });
        member.assignment = it == req.assignments.end() ? bytes{} : std::move(it->second);
    }
    g->state = group_state::stable;
    g->state_timestamp = clock_.now_ms();
    emit_group_metadata(*g);
    finish_sync(*g);
}

void group_coordinator::finish_sync(group& g) {
    for (auto& [_, m] : g.members) {
        if (!m.awaiting_sync) continue;
        sync_result r{errc::none, g.protocol_type, g.protocol_name, m.assignment};
        defer([cb = std::move(m.awaiting_sync), r = std::move(r)] { cb(r); });
        m.awaiting_sync = nullptr;
    }
}

errc group_coordinator::heartbeat(const heartbeat_request& req) {
    drain_guard guard(*this);
    group* g = find_group(req.group_id);
    if (!g || g->state == group_state::empty) return errc::unknown_member_id;
    if (g->state == group_state::dead) return errc::coordinator_not_available;
    if (errc e = validate_member(*g, req.member_id, req.group_instance_id, req.generation_id); e != errc::none) {
        return e;
    }
    member& m = g->members.at(req.member_id);
    m.heartbeat_deadline = clock_.monotonic() + m.session_timeout;
    return g->state == group_state::preparing_rebalance ? errc::rebalance_in_progress : errc::none;
}

leave_result group_coordinator::leave_group(std::string_view group_id, const std::vector<leave_member>& members) {
    drain_guard guard(*this);
    leave_result out;
    group* g = find_group(group_id);
    bool member_removed = false, pending_removed = false;
    for (const auto& lm : members) {
        errc e = errc::none;
        if (!g) {
            e = errc::unknown_member_id;
        } else if (lm.group_instance_id) {
            auto it = g->static_members.find(*lm.group_instance_id);
            if (it == g->static_members.end()) e = errc::unknown_member_id;
            else if (!lm.member_id.empty() && it->second != lm.member_id) e = errc::fenced_instance_id;
            else {
                std::string id = it->second;
                remove_member(*g, id, errc::unknown_member_id);
                member_removed = true;
            }
        } else if (g->pending_members.erase(lm.member_id) > 0) {
            pending_removed = true;
        } else if (g->members.contains(lm.member_id)) {
            remove_member(*g, lm.member_id, errc::unknown_member_id);
            member_removed = true;
        } else {
            e = errc::unknown_member_id;
        }
        out.members.emplace_back(lm, e);
    }
    if (member_removed) after_member_removed(*g);
    else if (pending_removed) try_complete_join(*g);
    return out;
}

void group_coordinator::tick() {
    drain_guard guard(*this);
    duration now = clock_.monotonic();
    for (auto& [_, g] : groups_) tick_group(*g, now);
}

void group_coordinator::tick_group(group& g, duration now) {
    bool pending_expired = std::erase_if(g.pending_members, [&](const auto& kv) { return kv.second <= now; }) > 0;
    // Members waiting in JoinGroup or SyncGroup are alive: their wait has its own deadline.
    std::vector<std::string> expired;
    for (const auto& [id, m] : g.members) {
        if (!m.awaiting_join && !m.awaiting_sync && m.heartbeat_deadline <= now) expired.push_back(id);
    }
    for (const auto& id : expired) remove_member(g, id, errc::unknown_member_id);
    if (!expired.empty()) after_member_removed(g);
    else if (pending_expired) try_complete_join(g);

    if (g.state == group_state::preparing_rebalance && g.join_deadline <= now) {
        if (g.initial_delay && g.member_added_during_delay && g.delay_remaining > duration{0}) {
            duration d = std::min(duration{config_.initial_rebalance_delay}, g.delay_remaining);
            g.delay_remaining -= d;
            g.member_added_during_delay = false;
            g.join_deadline = now + d;
        } else {
            complete_join(g);
        }
    }
    bool syncing = g.state == group_state::completing_rebalance || g.state == group_state::stable;
    if (syncing && !g.pending_sync.empty() && g.sync_deadline <= now) {
        std::vector<std::string> late(g.pending_sync.begin(), g.pending_sync.end());
        for (const auto& id : late) remove_member(g, id, errc::unknown_member_id);
        after_member_removed(g);
    }
}

std::optional<io::clock::duration> group_coordinator::next_deadline() const {
    std::optional<duration> best;
    auto consider = [&](duration d) {
        if (!best || d < *best) best = d;
    };
    for (const auto& [_, g] : groups_) {
        for (const auto& [id, d] : g->pending_members) consider(d);
        for (const auto& [id, m] : g->members) {
            if (!m.awaiting_join && !m.awaiting_sync) consider(m.heartbeat_deadline);
        }
        if (g->state == group_state::preparing_rebalance) consider(g->join_deadline);
        if (!g->pending_sync.empty()) consider(g->sync_deadline);
    }
    return best;
}

}  // namespace eddy::coord
