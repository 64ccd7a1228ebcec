// The group membership of a subscribed consumer instance: one loop per instance on the home shard that
// joins (JoinGroup + SyncGroup, computing the assignment when it leads), heartbeats, and rejoins when the
// coordinator starts a rebalance or a subscribed topic's partitions change. See consumer_table.h.
#include <algorithm>
#include <set>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.h"
#include "http/rest/consumer_instance.h"
#include "http/rest/consumer_protocol.h"

namespace eddy::http::rest {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

constexpr log::logger rest_log{"rest"};

// Sleeps for d, or less when wake() is called (also before the sleep starts).
asio::awaitable<void> nap(consumer_instance& inst, milliseconds d) {
    if (!inst.wake_pending) {
        inst.loop_timer.expires_after(d);
        boost::system::error_code ec;
        co_await inst.loop_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    inst.wake_pending = false;
}

milliseconds back_off(int failures) {
    return std::min(milliseconds{2'000}, milliseconds{100} * (1 << std::min(failures, 5)));
}

// Whether what the loop started under `epoch` no longer applies (unsubscribed, resubscribed, closed).
bool stale(const home_state& h, const consumer_instance& inst, uint64_t epoch) {
    return h.stopping || inst.closed || inst.mode != instance_mode::subscribed || inst.membership_epoch != epoch;
}

// The topics the subscription names now: a pattern is matched against every topic.
asio::awaitable<std::vector<std::string>> subscribed_topics(home_state& h, const consumer_instance& inst) {
    if (!inst.pattern_re) co_return inst.topics;
    auto re = *inst.pattern_re;
    std::vector<std::string> out;
    for (const auto& t : co_await h.broker.list_topics()) {
        if (std::regex_match(t.name, re)) out.push_back(t.name);
    }
    co_return out;
}

// Partition counts of the topics that exist.
asio::awaitable<std::map<std::string, int32_t>> partition_counts(home_state& h, const std::set<std::string>& topics) {
    std::map<std::string, int32_t> out;
    for (const auto& t : topics) {
        auto info = co_await h.broker.describe_topic(t, false);
        if (info) out[t] = info->partitions;
    }
    co_return out;
}

enum class step { done, again, back_off };

step on_group_error(consumer_instance& inst, coord::errc e, std::string_view what) {
    switch (e) {
    case coord::errc::member_id_required:
    case coord::errc::rebalance_in_progress:
    case coord::errc::illegal_generation: return step::again;
    case coord::errc::unknown_member_id:
    case coord::errc::fenced_instance_id:
        inst.member_id.clear();
        inst.generation = -1;
        return step::again;
    default:
        rest_log.debug("consumer {}/{}: {}: {}", inst.group, inst.name, what, make_error_code(e).message());
        return step::back_off;
    }
}

// The leader's SyncGroup assignments: every member's subscription, assigned with the selected assignor.
asio::awaitable<std::vector<std::pair<std::string, bytes>>> lead(home_state& h, const coord::join_result& joined,
                                                                 std::map<std::string, int32_t>& counts) {
    std::vector<member_subscription> members;
    std::set<std::string> topics;
    for (const auto& m : joined.members) {
        auto subscribed = decode_subscription(m.metadata).value_or(std::vector<std::string>{});
        topics.insert(subscribed.begin(), subscribed.end());
        members.push_back(member_subscription{m.member_id, std::move(subscribed)});
    }
    counts = co_await partition_counts(h, topics);
    std::vector<std::pair<std::string, bytes>> out;
    for (const auto& [id, a] : assign(joined.protocol_name.value_or(""), members, counts)) {
        out.emplace_back(id, encode_assignment(a));
    }
    co_return out;
}

// One JoinGroup + SyncGroup round; on success the instance has its new assignment (positions unknown:
// the next read resolves them from the committed offsets).
asio::awaitable<step> join_and_sync(home_state& h, const std::shared_ptr<consumer_instance>& inst) {
    const uint64_t epoch = inst->membership_epoch;
    if (!inst->assignment.empty()) co_await release(h, *inst, false);
    auto topics = co_await subscribed_topics(h, *inst);
    if (stale(h, *inst, epoch)) co_return step::again;
    auto metadata = encode_subscription(topics);
    coord::join_request join;
    join.group_id = inst->group;
    join.member_id = inst->member_id;
    join.protocol_type = std::string(consumer_protocol_type);
    join.protocols = {coord::group_protocol{std::string(range_assignor), metadata},
                      coord::group_protocol{std::string(roundrobin_assignor), metadata}};
    join.session_timeout = h.options.session_timeout;
    join.rebalance_timeout = h.options.rebalance_timeout;
    join.client_id = inst->name;
    auto joined = co_await h.groups.join_group(std::move(join));
    if (stale(h, *inst, epoch)) co_return step::again;
    if (joined.error != coord::errc::none) {
        if (joined.error == coord::errc::member_id_required) inst->member_id = joined.member_id;
        co_return on_group_error(*inst, joined.error, "joining the group");
    }
    inst->member_id = joined.member_id;
    inst->generation = joined.generation_id;

    coord::sync_request sync;
    sync.group_id = inst->group;
    sync.generation_id = joined.generation_id;
    sync.member_id = joined.member_id;
    sync.protocol_type = std::string(consumer_protocol_type);
    sync.protocol_name = joined.protocol_name;
    std::map<std::string, int32_t> counts;
    if (joined.leader_id == joined.member_id) {
        sync.assignments = co_await lead(h, joined, counts);
    } else {
        counts = co_await partition_counts(h, std::set<std::string>(topics.begin(), topics.end()));
    }
    if (stale(h, *inst, epoch)) co_return step::again;
    auto synced = co_await h.groups.sync_group(std::move(sync));
    if (stale(h, *inst, epoch)) co_return step::again;
    if (synced.error != coord::errc::none) co_return on_group_error(*inst, synced.error, "syncing the group");
    auto assigned = decode_assignment(synced.assignment);
    if (!assigned) {
        rest_log.warn("consumer {}/{}: undecodable assignment from the group leader", inst->group, inst->name);
        co_return step::back_off;
    }
    inst->assignment.clear();
    for (const auto& [topic, partitions] : *assigned) {
        for (int32_t p : partitions) inst->assignment.emplace(tp{topic, partition_id{p}}, partition_position{});
    }
    inst->joined_topics = std::move(topics);
    inst->watched = std::move(counts);
    inst->need_join = false;
    inst->assignment_changed();
    rest_log.debug("consumer {}/{}: generation {}, {} partitions", inst->group, inst->name, inst->generation,
                   inst->assignment.size());
    co_return step::done;
}

// Whether the assignment is out of date: a pattern now matches other topics, a watched topic's partition
// count changed, or a subscribed topic that did not exist at the join does now.
asio::awaitable<bool> metadata_changed(home_state& h, consumer_instance& inst) {
    auto topics = co_await subscribed_topics(h, inst);
    if (topics != inst.joined_topics) co_return true;
    std::set<std::string> check(topics.begin(), topics.end());
    for (const auto& [t, _] : inst.watched) check.insert(t);
    auto now = co_await partition_counts(h, check);
    for (const auto& t : check) {
        auto before = inst.watched.find(t);
        auto after = now.find(t);
        bool had = before != inst.watched.end(), has = after != now.end();
        if (had != has || (had && before->second != after->second)) co_return true;
    }
    co_return false;
}

}  // namespace

asio::awaitable<void> member_loop(home_state& h, std::shared_ptr<consumer_instance> inst) {
    // Cleared as the loop ends, with no suspension in between: a subscribe that still sees it set can
    // rely on this loop to pick up its new subscription.
    struct running_flag {
        consumer_instance& inst;
        ~running_flag() { inst.loop_running = false; }
    } running{*inst};
    auto holder = h.gate.enter();
    if (!holder) co_return;
    int failures = 0;
    while (!h.stopping && !inst->closed && inst->mode == instance_mode::subscribed) {
        if (inst->need_join) {
            auto s = co_await join_and_sync(h, inst);
            if (s == step::back_off) co_await nap(*inst, back_off(failures++));
            if (s == step::done) failures = 0;
            continue;
        }
        co_await nap(*inst, h.options.heartbeat_interval);
        const uint64_t epoch = inst->membership_epoch;
        if (stale(h, *inst, epoch) || inst->need_join) continue;
        coord::heartbeat_request hb{inst->group, inst->generation, inst->member_id, std::nullopt};
        auto e = co_await h.groups.heartbeat(std::move(hb));
        if (stale(h, *inst, epoch)) continue;
        if (e == coord::errc::unknown_member_id || e == coord::errc::fenced_instance_id) {
            // The group dropped this member: its partitions are lost, not revoked, so nothing is committed.
            inst->assignment.clear();
            inst->assignment_changed();
        }
        if (e != coord::errc::none && e != coord::errc::coordinator_not_available) {
            (void)on_group_error(*inst, e, "heartbeat");
            inst->need_join = true;
            continue;
        }
        bool changed = co_await metadata_changed(h, *inst);
        if (changed && !stale(h, *inst, epoch)) inst->need_join = true;
    }
}

}  // namespace eddy::http::rest
