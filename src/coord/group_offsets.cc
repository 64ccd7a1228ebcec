// Committed offsets (OffsetCommit, OffsetFetch, OffsetDelete), group administration (ListGroups,
// DescribeGroups, DeleteGroups) and the group coordinator's persistence (records, load, snapshot).
#include <algorithm>

#include "coord/codec.h"
#include "coord/group_coordinator.h"
#include "coord/group_internal.h"

namespace eddy::coord {
namespace {

constexpr std::string_view consumer_protocol_type = "consumer";

// The topics of a ConsumerProtocolSubscription (every version starts: int16 version, int32 topic count,
// int16-length topic names). nullopt when the bytes do not parse.
std::optional<std::vector<std::string>> subscribed_topics(bytes_view metadata) {
    record_reader r(metadata);
    (void)r.i16();
    int32_t n = r.i32();
    if (r.failed() || n < 0) return std::nullopt;
    std::vector<std::string> topics;
    for (int32_t i = 0; i < n && !r.failed(); ++i) {
        auto t = r.nullable_str();
        if (!t) return std::nullopt;
        topics.push_back(std::move(*t));
    }
    if (r.failed()) return std::nullopt;
    return topics;
}

}  // namespace

std::vector<partition_result> group_coordinator::commit_offsets(const offset_commit_request& req) {
    drain_guard guard(*this);
    auto all = [&](errc e) {
        std::vector<partition_result> out;
        for (const auto& o : req.offsets) out.push_back(partition_result{o.tp, e});
        return out;
    };
    group* g = find_group(req.group_id);
    bool simple = req.generation_id < 0;
    if (!g) {
        if (!simple) return all(errc::illegal_generation);
        g = &get_or_create(req.group_id);
    } else if (g->state == group_state::dead) {
        return all(errc::coordinator_not_available);
    } else if (req.group_instance_id && g->static_members.contains(*req.group_instance_id) &&
               g->static_members.at(*req.group_instance_id) != req.member_id) {
        return all(errc::fenced_instance_id);
    } else if (!(simple && g->state == group_state::empty)) {
        if (!g->members.contains(req.member_id)) return all(errc::unknown_member_id);
        if (req.generation_id != g->generation) return all(errc::illegal_generation);
        if (g->state == group_state::completing_rebalance) return all(errc::rebalance_in_progress);
    }
    std::vector<partition_result> out;
    timestamp_ms now = clock_.now_ms();
    for (const auto& o : req.offsets) {
        if (o.metadata && o.metadata->size() > config_.max_offset_metadata_bytes) {
            out.push_back(partition_result{o.tp, errc::offset_metadata_too_large});
            continue;
        }
        committed_offset c{o.value, o.leader_epoch, o.metadata, now};
        emit(encode_offset_record(g->id, o.tp, c));
        g->offsets.insert_or_assign(o.tp, std::move(c));
        out.push_back(partition_result{o.tp, errc::none});
    }
    return out;
}

offset_fetch_result group_coordinator::fetch_offsets(
    std::string_view group_id, const std::optional<std::vector<topic_partition>>& partitions) const {
    offset_fetch_result out;
    const group* g = find_group(group_id);
    auto fill = [](fetched_offset& f, const committed_offset& c) {
        f.value = c.value;
        f.leader_epoch = c.leader_epoch;
        f.metadata = c.metadata;
    };
    if (!partitions) {
        if (!g) return out;
        for (const auto& [tp, c] : g->offsets) {
            fetched_offset& f = out.offsets.emplace_back();
            f.tp = tp;
            fill(f, c);
        }
        return out;
    }
    for (const auto& tp : *partitions) {
        fetched_offset& f = out.offsets.emplace_back();
        f.tp = tp;
        if (!g) continue;
        auto it = g->offsets.find(tp);
        if (it != g->offsets.end()) fill(f, it->second);
    }
    return out;
}

bool group_coordinator::is_subscribed(const group& g, std::string_view topic) const {
    if (!g.protocol_name) return true;  // no generation selected yet: assume the worst
    for (const auto& [_, m] : g.members) {
        const bytes* md = m.metadata_for(*g.protocol_name);
        auto topics = md ? subscribed_topics(*md) : std::nullopt;
        if (!topics) return true;  // unparseable subscription: assume the worst
        if (std::find(topics->begin(), topics->end(), topic) != topics->end()) return true;
    }
    return false;
}

offset_delete_result group_coordinator::delete_offsets(std::string_view group_id,
                                                       const std::vector<topic_partition>& partitions) {
    drain_guard guard(*this);
    offset_delete_result out;
    group* g = find_group(group_id);
    if (!g || g->state == group_state::dead) {
        out.error = errc::group_id_not_found;
        return out;
    }
    bool in_use = g->state != group_state::empty;
    if (in_use && g->protocol_type != consumer_protocol_type) {
        out.error = errc::non_empty_group;
        return out;
    }
    for (const auto& tp : partitions) {
        if (in_use && is_subscribed(*g, tp.topic)) {
            out.partitions.push_back(partition_result{tp, errc::group_subscribed_to_topic});
            continue;
        }
        if (g->offsets.erase(tp) > 0) emit(encode_offset_record(g->id, tp, std::nullopt));
        out.partitions.push_back(partition_result{tp, errc::none});
    }
    return out;
}

std::vector<group_listing> group_coordinator::list_groups(const std::vector<group_state>& states) const {
    std::vector<group_listing> out;
    for (const auto& [id, g] : groups_) {
        if (!states.empty() && std::find(states.begin(), states.end(), g->state) == states.end()) continue;
        out.push_back(group_listing{id, g->protocol_type, g->state});
    }
    return out;
}

group_description group_coordinator::describe_group(std::string_view group_id) const {
    group_description d;
    d.group_id = std::string(group_id);
    const group* g = find_group(group_id);
    if (!g) {
        d.error = errc::group_id_not_found;
        return d;
    }
    d.state = g->state;
    d.protocol_type = g->protocol_type;
    bool stable = g->state == group_state::stable;
    if (stable) d.protocol_name = g->protocol_name.value_or("");
    for (const auto& [id, m] : g->members) {
        described_member dm{id, m.instance_id, m.client_id, m.client_host, {}, {}};
        if (stable) {
            const bytes* md = m.metadata_for(d.protocol_name);
            if (md) dm.metadata = *md;
            dm.assignment = m.assignment;
        }
        d.members.push_back(std::move(dm));
    }
    return d;
}

std::vector<std::pair<std::string, errc>> group_coordinator::delete_groups(const std::vector<std::string>& ids) {
    drain_guard guard(*this);
    std::vector<std::pair<std::string, errc>> out;
    for (const auto& id : ids) {
        auto it = groups_.find(id);
        if (it == groups_.end()) {
            out.emplace_back(id, errc::group_id_not_found);
            continue;
        }
        group& g = *it->second;
        if (g.state != group_state::empty) {
            out.emplace_back(id, errc::non_empty_group);
            continue;
        }
        for (const auto& [tp, _] : g.offsets) emit(encode_offset_record(id, tp, std::nullopt));
        emit(encode_group_record(id, std::nullopt));
        groups_.erase(it);
        out.emplace_back(id, errc::none);
    }
    return out;
}

std::optional<group_state> group_coordinator::state_of(std::string_view group_id) const {
    const group* g = find_group(group_id);
    if (!g) return std::nullopt;
    return g->state;
}

int32_t group_coordinator::generation_of(std::string_view group_id) const {
    const group* g = find_group(group_id);
    return g ? g->generation : -1;
}

void group_coordinator::emit(record r) {
    if (sink_) sink_(std::move(r));
}

group_metadata_value group_coordinator::metadata_of(const group& g) const {
    group_metadata_value v;
    v.protocol_type = g.protocol_type;
    v.generation = g.generation;
    v.protocol_name = g.protocol_name;
    v.leader_id = g.leader_id;
    v.state_timestamp = g.state_timestamp;
    for (const auto& [id, m] : g.members) {
        const bytes* md = g.protocol_name ? m.metadata_for(*g.protocol_name) : nullptr;
        v.members.push_back(group_metadata_value::member{
            id, m.instance_id, m.client_id, m.client_host, static_cast<int32_t>(m.rebalance_timeout.count()),
            static_cast<int32_t>(m.session_timeout.count()), md ? *md : bytes{}, m.assignment});
    }
    return v;
}

void group_coordinator::emit_group_metadata(const group& g) { emit(encode_group_record(g.id, metadata_of(g))); }

void group_coordinator::restore_group(const std::string& id, const group_metadata_value& v) {
    group& g = get_or_create(id);
    g.members.clear();
    g.static_members.clear();
    g.pending_members.clear();
    g.pending_sync.clear();
    g.generation = v.generation;
    g.protocol_type = v.protocol_type;
    g.protocol_name = v.protocol_name;
    g.state_timestamp = v.state_timestamp;
    duration now = clock_.monotonic();
    for (const auto& mv : v.members) {
        member m;
        m.id = mv.member_id;
        m.instance_id = mv.group_instance_id;
        m.client_id = mv.client_id;
        m.client_host = mv.client_host;
        m.rebalance_timeout = milliseconds{mv.rebalance_timeout_ms};
        m.session_timeout = milliseconds{mv.session_timeout_ms};
        m.protocols.push_back(group_protocol{v.protocol_name.value_or(""), mv.subscription});
        m.assignment = mv.assignment;
        m.heartbeat_deadline = now + m.session_timeout;
        m.join_order = g.next_join_order++;
        if (m.instance_id) g.static_members[*m.instance_id] = m.id;
        g.members.emplace(m.id, std::move(m));
    }
    g.leader_id = v.leader_id && g.members.contains(*v.leader_id) ? v.leader_id : std::nullopt;
    g.state = g.members.empty() ? group_state::empty : group_state::stable;
}

result<void> group_coordinator::load(std::span<const record> records) {
    for (const auto& r : records) {
        auto type = type_of(r.key);
        if (type == record_type::offset_commit) {
            EDDY_TRY_ASSIGN(offset_record o, decode_offset_record(r));
            if (o.value) get_or_create(o.group_id).offsets.insert_or_assign(o.tp, *o.value);
            else if (group* g = find_group(o.group_id)) g->offsets.erase(o.tp);
        } else if (type == record_type::group_metadata) {
            EDDY_TRY_ASSIGN(group_record gr, decode_group_record(r));
            if (gr.value) {
                restore_group(gr.group_id, *gr.value);
            } else if (group* g = find_group(gr.group_id)) {
                if (g->offsets.empty()) groups_.erase(gr.group_id);
                else restore_group(gr.group_id, group_metadata_value{});
            }
        }
    }
    return {};
}

std::vector<record> group_coordinator::snapshot() const {
    std::vector<record> out;
    for (const auto& [id, g] : groups_) {
        for (const auto& [tp, c] : g->offsets) out.push_back(encode_offset_record(id, tp, c));
        if (g->generation > 0 || !g->members.empty()) out.push_back(encode_group_record(id, metadata_of(*g)));
    }
    return out;
}

}  // namespace eddy::coord
