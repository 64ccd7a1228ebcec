// Group membership: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, rebalances and timeouts. Offsets,
// admin calls and persistence are in group_offsets.cc.
#include "coord/group_coordinator.h"

#include <algorithm>

#include <fmt/format.h>

#include "coord/group_internal.h"

namespace eddy::coord {

std::string_view to_string(group_state s) {
    switch (s) {
    case group_state::empty: return "Empty";
    case group_state::preparing_rebalance: return "PreparingRebalance";
    case group_state::completing_rebalance: return "CompletingRebalance";
    case group_state::stable: return "Stable";
    case group_state::dead: return "Dead";
    }
    return "Unknown";
}

group_coordinator::group_coordinator(io::clock& clock, group_config config, record_sink sink, uint64_t seed)
    : clock_(clock), config_(config), sink_(std::move(sink)), rng_(seed) {}

group_coordinator::~group_coordinator() = default;

void group_coordinator::drain() {
    while (!ready_.empty()) {
        auto batch = std::move(ready_);
        ready_.clear();
        for (auto& fn : batch) fn();
    }
}

group_coordinator::group* group_coordinator::find_group(std::string_view id) {
    auto it = groups_.find(id);
    return it == groups_.end() ? nullptr : it->second.get();
}

const group_coordinator::group* group_coordinator::find_group(std::string_view id) const {
    auto it = groups_.find(id);
    return it == groups_.end() ? nullptr : it->second.get();
}

group_coordinator::group& group_coordinator::get_or_create(std::string_view id) {
    auto it = groups_.find(id);
    if (it != groups_.end()) return *it->second;
    auto g = std::make_unique<group>();
    g->id = std::string(id);
    g->state_timestamp = clock_.now_ms();
    return *groups_.emplace(std::string(id), std::move(g)).first->second;
}

std::string group_coordinator::new_member_id(std::string_view prefix) {
    uint64_t hi = rng_(), lo = rng_();
    return fmt::format("{}-{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", prefix, hi >> 32, (hi >> 16) & 0xffff, hi & 0xffff,
                       lo >> 48, lo & 0xffffffffffffULL);
}

bool group_coordinator::supports_protocols(const group& g, const join_request& req) const {
    if (req.protocol_type.empty() || req.protocols.empty()) return false;
    if (g.members.empty()) return true;
    if (req.protocol_type != g.protocol_type) return false;
    return std::any_of(req.protocols.begin(), req.protocols.end(), [&](const group_protocol& p) {
        return std::all_of(g.members.begin(), g.members.end(),
                           [&](const auto& kv) { return kv.second.metadata_for(p.name) != nullptr; });
    });
}

// Kafka's choice: among the protocols every member supports, each member votes for the first one in
// its own preference order; the most votes win (ties: the earliest candidate of the oldest member).
std::string group_coordinator::select_protocol(const group& g) const {
    const member* oldest = nullptr;
    for (const auto& [_, m] : g.members) {
        if (!oldest || m.join_order < oldest->join_order) oldest = &m;
    }
    std::vector<std::string> candidates;
    for (const auto& p : oldest->protocols) {
        bool everyone = std::all_of(g.members.begin(), g.members.end(),
                                    [&](const auto& kv) { return kv.second.metadata_for(p.name) != nullptr; });
        if (everyone) candidates.push_back(p.name);
    }
    std::vector<int> votes(candidates.size(), 0);
    for (const auto& [_, m] : g.members) {
        for (const auto& p : m.protocols) {
            auto it = std::find(candidates.begin(), candidates.end(), p.name);
            if (it != candidates.end()) {
                ++votes[static_cast<size_t>(it - candidates.begin())];
                break;
            }
        }
    }
    auto best = std::max_element(votes.begin(), votes.end());  // first of equal maxima
    return candidates.empty() ? std::string() : candidates[static_cast<size_t>(best - votes.begin())];
}

errc group_coordinator::validate_member(const group& g, const std::string& member_id,
                                        const std::optional<std::string>& instance_id, int32_t generation) const {
    if (instance_id) {
        auto it = g.static_members.find(*instance_id);
        if (it != g.static_members.end() && it->second != member_id) return errc::fenced_instance_id;
    }
    if (!g.members.contains(member_id)) return errc::unknown_member_id;
    if (generation != g.generation) return errc::illegal_generation;
    return errc::none;
}

join_result group_coordinator::join_result_for(const group& g, const member& m) const {
    join_result r;
    r.generation_id = g.generation;
    r.protocol_type = g.protocol_type;
    r.protocol_name = g.protocol_name;
    r.leader_id = g.leader_id.value_or("");
    r.member_id = m.id;
    if (g.leader_id == m.id) {
        for (const auto& [id, other] : g.members) {
            const bytes* md = other.metadata_for(g.protocol_name.value_or(""));
            r.members.push_back(join_member{id, other.instance_id, md ? *md : bytes{}});
        }
    }
    return r;
}

void group_coordinator::join_group(join_request req, join_callback done) {
    drain_guard guard(*this);
    auto fail = [&](errc e) {
        join_result r;
        r.error = e;
        r.member_id = req.member_id;
        defer([done = std::move(done), r = std::move(r)] { done(r); });
    };
    if (req.group_id.empty()) return fail(errc::invalid_group_id);
    if (req.session_timeout < config_.min_session_timeout || req.session_timeout > config_.max_session_timeout) {
        return fail(errc::invalid_session_timeout);
    }
    if (req.rebalance_timeout.count() < 0) req.rebalance_timeout = req.session_timeout;
    group* g = find_group(req.group_id);
    if (!g && !req.member_id.empty()) return fail(errc::unknown_member_id);
    if (g ? !supports_protocols(*g, req) : (req.protocol_type.empty() || req.protocols.empty())) {
        return fail(errc::inconsistent_group_protocol);
    }
    if (!g) g = &get_or_create(req.group_id);
    if (req.member_id.empty()) join_new_member(*g, req, done);
    else join_known_member(*g, req, done);
}

void group_coordinator::join_new_member(group& g, join_request& req, join_callback& done) {
    if (req.group_instance_id) {
        auto it = g.static_members.find(*req.group_instance_id);
        if (it != g.static_members.end()) return rejoin_static_member(g, req, done, it->second);
    }
    if (g.members.size() + g.pending_members.size() >= static_cast<size_t>(config_.max_size)) {
        join_result r;
        r.error = errc::group_max_size_reached;
        defer([done = std::move(done), r = std::move(r)] { done(r); });
        return;
    }
    std::string id = new_member_id(req.group_instance_id ? *req.group_instance_id : req.client_id);
    if (!req.group_instance_id && req.api_version >= 4) {
        // KIP-394: the member must come back with this id, so a lost response cannot leak members.
        g.pending_members[id] = clock_.monotonic() + req.session_timeout;
        join_result r;
        r.error = errc::member_id_required;
        r.member_id = id;
        defer([done = std::move(done), r = std::move(r)] { done(r); });
        return;
    }
    add_member(g, req, std::move(id), std::move(done));
    if (g.state != group_state::preparing_rebalance) prepare_rebalance(g);
    try_complete_join(g);
}

void group_coordinator::join_known_member(group& g, join_request& req, join_callback& done) {
    auto fail = [&](errc e) {
        join_result r;
        r.error = e;
        r.member_id = req.member_id;
        defer([done = std::move(done), r = std::move(r)] { done(r); });
    };
    if (auto p = g.pending_members.find(req.member_id); p != g.pending_members.end()) {
        g.pending_members.erase(p);
        add_member(g, req, req.member_id, std::move(done));
        if (g.state != group_state::preparing_rebalance) prepare_rebalance(g);
        return try_complete_join(g);
    }
    if (req.group_instance_id) {
        auto it = g.static_members.find(*req.group_instance_id);
        if (it != g.static_members.end() && it->second != req.member_id) return fail(errc::fenced_instance_id);
    }
    auto it = g.members.find(req.member_id);
    if (it == g.members.end()) return fail(errc::unknown_member_id);
    member& m = it->second;
    bool same_protocols = m.protocols.size() == req.protocols.size() &&
                          std::equal(m.protocols.begin(), m.protocols.end(), req.protocols.begin(),
                                     [](const auto& a, const auto& b) {
                                         return a.name == b.name && a.metadata == b.metadata;
                                     });
    switch (g.state) {
    case group_state::preparing_rebalance:
        update_member(m, req, std::move(done));
        return try_complete_join(g);
    case group_state::completing_rebalance:
    case group_state::stable:
        // A follower repeating its join (e.g. a lost response) just gets the current generation back.
        if (same_protocols && (g.state == group_state::completing_rebalance || g.leader_id != m.id)) {
            m.heartbeat_deadline = clock_.monotonic() + m.session_timeout;
            defer([done = std::move(done), r = join_result_for(g, m)] { done(r); });
            return;
        }
        update_member(m, req, std::move(done));
        prepare_rebalance(g);
        return try_complete_join(g);
    case group_state::empty:
    case group_state::dead:
        return fail(errc::unknown_member_id);
    }
}

// old_id is a copy: the caller's string lives in g.static_members, which is rewritten below.
void group_coordinator::rejoin_static_member(group& g, join_request& req, join_callback& done,
                                             std::string old_id) {
    auto node = g.members.extract(old_id);
    member m = std::move(node.mapped());
    if (m.awaiting_join) {
        join_result fenced;
        fenced.error = errc::fenced_instance_id;
        fenced.member_id = old_id;
        defer([cb = std::move(m.awaiting_join), fenced] { cb(fenced); });
    }
    if (m.awaiting_sync) {
        defer([cb = std::move(m.awaiting_sync)] { cb(sync_result{errc::fenced_instance_id, {}, {}, {}}); });
    }
    m.awaiting_join = nullptr;
    m.awaiting_sync = nullptr;
    const std::string old_leader = g.leader_id.value_or("");
    m.id = new_member_id(*req.group_instance_id);
    g.static_members[*req.group_instance_id] = m.id;
    if (g.pending_sync.erase(old_id)) g.pending_sync.insert(m.id);
    if (g.leader_id == old_id) g.leader_id = m.id;
    member& nm = g.members.emplace(m.id, std::move(m)).first->second;

    if (g.state == group_state::stable) {
        // Same selected protocol: the member takes over its old slot and assignment, no rebalance.
        auto old_protocols = nm.protocols;
        nm.protocols = req.protocols;
        if (select_protocol(g) == g.protocol_name) {
            nm.session_timeout = req.session_timeout;
            nm.rebalance_timeout = req.rebalance_timeout;
            nm.client_id = req.client_id;
            nm.client_host = req.client_host;
            nm.heartbeat_deadline = clock_.monotonic() + nm.session_timeout;
            emit_group_metadata(g);
            auto r = join_result_for(g, nm);
            if (req.api_version >= 9) {
                // The leader learns it leads (and the members) but keeps the current assignment.
                r.skip_assignment = g.leader_id == nm.id;
            } else {
                // Before v9 nothing tells a leader not to reassign, and a Stable group would not pass on
                // a new assignment: answer with the leader id it knew, so it does not think it leads.
                r.leader_id = old_leader;
                r.members.clear();
            }
            defer([done = std::move(done), r = std::move(r)] { done(r); });
            return;
        }
        nm.protocols = std::move(old_protocols);
    }
    update_member(nm, req, std::move(done));
    if (g.state != group_state::preparing_rebalance) prepare_rebalance(g);
    try_complete_join(g);
}

group_coordinator::member& group_coordinator::add_member(group& g, const join_request& req, std::string id,
                                                         join_callback done) {
    if (g.members.empty()) g.protocol_type = req.protocol_type;
    member m;
    m.id = id;
    m.instance_id = req.group_instance_id;
    m.join_order = g.next_join_order++;
    if (m.instance_id) g.static_members[*m.instance_id] = id;
    if (g.state == group_state::preparing_rebalance && g.initial_delay) g.member_added_during_delay = true;
    member& added = g.members.emplace(std::move(id), std::move(m)).first->second;
    update_member(added, req, std::move(done));
    return added;
}

void group_coordinator::update_member(member& m, const join_request& req, join_callback done) {
    m.protocols = req.protocols;
    m.session_timeout = req.session_timeout;
    m.rebalance_timeout = req.rebalance_timeout;
    m.client_id = req.client_id;
    m.client_host = req.client_host;
    if (m.awaiting_join) {
        // A second join while the first still waits: the newer request is the one the client awaits.
        join_result r;
        r.error = errc::rebalance_in_progress;
        r.member_id = m.id;
        defer([cb = std::move(m.awaiting_join), r] { cb(r); });
    }
    m.awaiting_join = std::move(done);
}

void group_coordinator::prepare_rebalance(group& g) {
    if (g.state == group_state::completing_rebalance) {
        for (auto& [_, m] : g.members) {
            m.assignment.clear();
            if (m.awaiting_sync) {
                defer([cb = std::move(m.awaiting_sync)] { cb(sync_result{errc::rebalance_in_progress, {}, {}, {}}); });
                m.awaiting_sync = nullptr;
            }
        }
    }
    g.pending_sync.clear();
    duration now = clock_.monotonic();
    g.initial_delay = g.state == group_state::empty && config_.initial_rebalance_delay.count() > 0;
    if (g.initial_delay) {
        g.member_added_during_delay = false;
        g.delay_remaining = std::max(duration{0}, duration{g.max_rebalance_timeout() - config_.initial_rebalance_delay});
        g.join_deadline = now + config_.initial_rebalance_delay;
    } else {
        g.join_deadline = now + g.max_rebalance_timeout();
    }
    g.state = group_state::preparing_rebalance;
    g.state_timestamp = clock_.now_ms();
}

void group_coordinator::try_complete_join(group& g) {
    if (g.state == group_state::preparing_rebalance && !g.initial_delay && g.all_members_joined()) complete_join(g);
}

void group_coordinator::complete_join(group& g) {
    // Dynamic members that did not rejoin in time are gone; static ones keep their slot until their
    // session expires (they may be restarting).
    std::vector<std::string> gone;
    for (const auto& [id, m] : g.members) {
        if (!m.awaiting_join && !m.instance_id) gone.push_back(id);
    }
    for (const auto& id : gone) remove_member(g, id, errc::unknown_member_id);
    g.initial_delay = false;
    ++g.generation;
    g.state_timestamp = clock_.now_ms();
    if (g.members.empty()) {
        g.protocol_name.reset();
        g.leader_id.reset();
        g.state = group_state::empty;
        emit_group_metadata(g);
        return;
    }
    g.protocol_name = select_protocol(g);
    const member* leader = g.leader_id ? &g.members.at(*g.leader_id) : nullptr;
    if (!leader || !leader->awaiting_join) {
        // Prefer a member that is here to receive the member list.
        for (const auto& [_, m] : g.members) {
            if (!leader || (m.awaiting_join && (!leader->awaiting_join || m.join_order < leader->join_order))) {
                leader = &m;
            }
        }
        g.leader_id = leader->id;
    }
    g.state = group_state::completing_rebalance;
    duration now = clock_.monotonic();
    g.sync_deadline = now + g.max_rebalance_timeout();
    for (auto& [id, m] : g.members) {
        g.pending_sync.insert(id);
        m.heartbeat_deadline = now + m.session_timeout;
        if (m.awaiting_join) {
            defer([cb = std::move(m.awaiting_join), r = join_result_for(g, m)] { cb(r); });
            m.awaiting_join = nullptr;
        }
    }
}

void group_coordinator::remove_member(group& g, const std::string& id, errc callback_error) {
    auto it = g.members.find(id);
    if (it == g.members.end()) return;
    member& m = it->second;
    if (m.awaiting_join) {
        join_result r;
        r.error = callback_error;
        r.member_id = id;
        defer([cb = std::move(m.awaiting_join), r] { cb(r); });
    }
    if (m.awaiting_sync) {
        defer([cb = std::move(m.awaiting_sync), callback_error] { cb(sync_result{callback_error, {}, {}, {}}); });
    }
    if (m.instance_id) {
        auto s = g.static_members.find(*m.instance_id);
        if (s != g.static_members.end() && s->second == id) g.static_members.erase(s);
    }
    g.pending_sync.erase(id);
    if (g.leader_id == id) g.leader_id.reset();
    g.members.erase(it);
}

void group_coordinator::after_member_removed(group& g) {
    if (g.state == group_state::stable || g.state == group_state::completing_rebalance) prepare_rebalance(g);
    try_complete_join(g);
}

}  // namespace eddy::coord
