// The table of consumer instances: lifecycle, expiry, subscriptions and assignments, commits and seeks.
// Membership is in consumer_member.cc, reads in consumer_read.cc.
#include "http/rest/consumer_table.h"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.h"
#include "coord/topic_catalog.h"
#include "http/rest/consumer_instance.h"
#include "runtime/run_on.h"

namespace eddy::http::rest {
namespace {

namespace asio = boost::asio;

constexpr log::logger rest_log{"rest"};
constexpr size_t max_pattern_length = 256;
constexpr size_t max_name_length = 249;

std::string generated_name(std::mt19937_64& rng) {
    uint64_t hi = rng(), lo = rng();
    return fmt::format("rest-consumer-{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xffff,
                       hi & 0xffff, lo >> 48, lo & 0xffffffffffffULL);
}

// Instance names appear in URLs (base_uri): Kafka's topic-name characters only.
bool valid_name(std::string_view name) {
    if (name.empty() || name.size() > max_name_length) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-';
    });
}

outcome<std::shared_ptr<consumer_instance>> find(home_state& h, const std::string& group, const std::string& name) {
    auto it = h.instances.find({group, name});
    if (it == h.instances.end()) return instance_not_found();
    it->second->last_used = h.clock.monotonic();
    return it->second;
}

struct member_identity {
    std::string member_id;
    int32_t generation = -1;
};

member_identity identity_of(const consumer_instance& inst) {
    if (inst.is_member()) return {inst.member_id, inst.generation};
    return {};
}

failure commit_failure(coord::errc e, const tp& p) {
    auto err = make_error(e, "committing {}-{}", p.topic, p.partition);
    return from_error(err.value());
}

asio::awaitable<outcome<void>> commit_entries(home_state& h, const std::string& group, const member_identity& who,
                                              std::vector<coord::offset_commit_entry> entries) {
    if (entries.empty()) co_return outcome<void>{};
    coord::offset_commit_request req;
    req.group_id = group;
    req.generation_id = who.generation;
    req.member_id = who.member_id;
    req.offsets = std::move(entries);
    auto results = co_await h.groups.commit_offsets(std::move(req));
    for (const auto& r : results) {
        if (r.error != coord::errc::none) co_return fail(commit_failure(r.error, r.tp));
    }
    co_return outcome<void>{};
}

std::vector<coord::offset_commit_entry> position_entries(const std::map<tp, partition_position>& assignment,
                                                         const std::map<tp, offset>* skip_unchanged) {
    std::vector<coord::offset_commit_entry> out;
    for (const auto& [p, pos] : assignment) {
        if (!pos.next) continue;
        if (skip_unchanged != nullptr) {
            auto it = skip_unchanged->find(p);
            if (it != skip_unchanged->end() && it->second == *pos.next) continue;
        }
        out.push_back(coord::offset_commit_entry{p, *pos.next, -1, std::nullopt});
    }
    return out;
}

}  // namespace

asio::awaitable<void> release(home_state& h, consumer_instance& inst, bool leave_group) {
    auto who = identity_of(inst);
    auto entries = position_entries(inst.assignment, nullptr);
    inst.assignment.clear();
    inst.auto_committed.clear();
    inst.assignment_changed();
    if (leave_group) {
        inst.member_id.clear();
        inst.generation = -1;
    }
    if (inst.config.auto_commit) {
        if (auto r = co_await commit_entries(h, inst.group, who, std::move(entries)); !r) {
            rest_log.warn("consumer {}/{}: automatic commit failed: {}", inst.group, inst.name, r.error().message);
        }
    }
    if (leave_group && !who.member_id.empty()) {
        std::vector<coord::leave_member> members{coord::leave_member{who.member_id, std::nullopt}};
        auto left = co_await h.groups.leave_group(inst.group, std::move(members));
        if (left.error != coord::errc::none) {
            rest_log.debug("consumer {}/{}: leaving the group: {}", inst.group, inst.name,
                           make_error_code(left.error).message());
        }
    }
}

namespace {

// Removes the instance from the table and ends it: a member loop or read in progress notices `closed`.
asio::awaitable<void> close_instance(home_state& h, std::shared_ptr<consumer_instance> inst) {
    if (inst->closed) co_return;
    h.instances.erase({inst->group, inst->name});
    h.options.probe.instances(h.instances.size());
    inst->closed = true;
    inst->mode = instance_mode::none;
    ++inst->membership_epoch;
    inst->wake();
    co_await release(h, *inst, true);
}

asio::awaitable<void> expire(home_state& h) {
    auto now = h.clock.monotonic();
    std::vector<std::shared_ptr<consumer_instance>> expired;
    for (const auto& [_, inst] : h.instances) {
        if (inst->last_used + h.options.instance_timeout <= now) expired.push_back(inst);
    }
    for (auto& inst : expired) {
        rest_log.info("consumer {}/{} expired after {} ms idle", inst->group, inst->name,
                      h.options.instance_timeout.count());
        co_await close_instance(h, inst);
    }
}

asio::awaitable<void> sweep_loop(home_state& h) {
    auto holder = h.gate.enter();
    if (!holder) co_return;
    while (!h.stopping) {
        h.sweep_timer.expires_after(h.options.sweep_interval);
        boost::system::error_code ec;
        co_await h.sweep_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (h.stopping) break;
        co_await expire(h);
    }
}

// Unsubscribe (leaving the group) or drop an explicit assignment.
asio::awaitable<void> drop_subscription(home_state& h, consumer_instance& inst) {
    bool member = inst.mode == instance_mode::subscribed;
    inst.mode = instance_mode::none;
    inst.topics.clear();
    inst.pattern.reset();
    inst.pattern_re.reset();
    ++inst.membership_epoch;
    inst.wake();
    co_await release(h, inst, member);
}

void start_member_loop(home_state& h, const std::shared_ptr<consumer_instance>& inst) {
    if (inst->loop_running) {
        inst->wake();
        return;
    }
    inst->loop_running = true;
    asio::co_spawn(h.executor, member_loop(h, inst), [inst](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            rest_log.error("consumer {}/{}: member loop failed: {}", inst->group, inst->name, ex.what());
        }
    });
}

// The topic's partition count, or 40401.
asio::awaitable<outcome<int32_t>> partitions_of(home_state& h, const std::string& topic) {
    auto t = co_await h.broker.describe_topic(topic, false);
    if (!t) co_return topic_not_found();
    co_return t->partitions;
}

asio::awaitable<outcome<void>> check_partitions(home_state& h, const std::vector<tp>& parts) {
    std::map<std::string, int32_t> counts;
    for (const auto& p : parts) {
        if (!counts.contains(p.topic)) {
            auto n = co_await partitions_of(h, p.topic);
            if (!n) co_return fail(n.error());
            counts[p.topic] = *n;
        }
        if (p.partition.value() >= counts[p.topic]) co_return partition_not_found();
    }
    co_return outcome<void>{};
}

std::vector<tp> to_tps(const std::vector<topic_partition_ref>& refs) {
    std::vector<tp> out;
    for (const auto& r : refs) out.push_back(tp{r.topic, r.partition});
    return out;
}

}  // namespace

asio::awaitable<outcome<void>> commit_positions(home_state& h, consumer_instance& inst, bool only_changed) {
    auto entries = position_entries(inst.assignment, only_changed ? &inst.auto_committed : nullptr);
    auto r = co_await commit_entries(h, inst.group, identity_of(inst), entries);
    if (r) {
        for (const auto& e : entries) inst.auto_committed[e.tp] = e.value;
    }
    co_return r;
}

asio::awaitable<outcome<offset>> reset_position(home_state& h, const consumer_instance& inst, const tp& p) {
    if (inst.config.reset == offset_reset::none) {
        co_return fail(failure{status::internal_server_error, code::kafka_error,
                               fmt::format("Kafka error: Undefined offset with no reset policy for partitions: [{}-{}]",
                                           p.topic, p.partition)});
    }
    auto ts = inst.config.reset == offset_reset::earliest ? coord::earliest_timestamp : coord::latest_timestamp;
    auto o = co_await h.broker.list_offset(p.topic, p.partition, ts);
    if (!o) co_return fail(from_error(o.error()));
    co_return *o;
}

asio::awaitable<outcome<void>> resolve_positions(home_state& h, consumer_instance& inst) {
    std::vector<tp> unknown;
    std::map<tp, uint64_t> versions;
    for (const auto& [p, pos] : inst.assignment) {
        if (!pos.next) {
            unknown.push_back(p);
            versions[p] = pos.version;
        }
    }
    if (unknown.empty()) co_return outcome<void>{};
    auto fetched = co_await h.groups.fetch_offsets(inst.group, unknown);
    if (fetched.error != coord::errc::none) co_return fail(commit_failure(fetched.error, unknown.front()));
    // Only partitions nobody touched meanwhile (a seek or a new assignment wins).
    auto untouched = [&](const tp& p) -> partition_position* {
        auto it = inst.assignment.find(p);
        if (it == inst.assignment.end() || it->second.next || it->second.version != versions[p]) return nullptr;
        return &it->second;
    };
    std::vector<tp> to_reset;
    for (const auto& f : fetched.offsets) {
        if (auto* pos = untouched(f.tp)) {
            if (f.value.value() >= 0) {
                pos->next = f.value;
                ++pos->version;
            } else {
                to_reset.push_back(f.tp);
            }
        }
    }
    for (const auto& p : to_reset) {
        auto o = co_await reset_position(h, inst, p);
        if (!o) co_return fail(o.error());
        if (auto* pos = untouched(p)) {
            pos->next = *o;
            ++pos->version;
        }
    }
    co_return outcome<void>{};
}

consumer_table::consumer_table(runtime::shard_set& shards, coord::broker& broker, coord::group_service& groups,
                               io::clock& clock, consumer_options options)
    : shards_(shards), options_(options),
      home_(std::make_unique<home_state>(shards.at(options.home).executor(), broker, groups, clock, options)) {}

consumer_table::~consumer_table() = default;

asio::awaitable<result<void>> consumer_table::start() {
    auto* h = home_.get();
    auto begin = [h] { asio::co_spawn(h->executor, sweep_loop(*h), asio::detached); };
    co_await runtime::run_on(shards_.at(options_.home), std::move(begin));
    co_return result<void>{};
}

asio::awaitable<void> consumer_table::stop() {
    auto* h = home_.get();
    auto down = [h]() -> asio::awaitable<void> {
        h->stopping = true;
        h->sweep_timer.cancel();
        std::vector<std::shared_ptr<consumer_instance>> all;
        for (const auto& [_, inst] : h->instances) all.push_back(inst);
        for (auto& inst : all) co_await close_instance(*h, inst);
        co_await h->gate.close();
    };
    co_await runtime::run_on(shards_.at(options_.home), std::move(down));
}

template <typename T, typename F>
asio::awaitable<outcome<T>> consumer_table::on_home(F fn) {
    auto* h = home_.get();
    auto body = [h, fn = std::move(fn)]() mutable -> asio::awaitable<outcome<T>> {
        if (h->stopping) co_return unavailable("the server is shutting down");
        auto holder = h->gate.enter();
        if (!holder) co_return unavailable("the server is shutting down");
        co_return co_await fn(*h);
    };
    co_return co_await runtime::run_on(shards_.at(options_.home), std::move(body));
}

asio::awaitable<outcome<std::string>> consumer_table::create(std::string group, instance_config cfg) {
    auto fn = [group = std::move(group), cfg = std::move(cfg)](home_state& h) mutable
        -> asio::awaitable<outcome<std::string>> {
        if (cfg.name.empty()) cfg.name = generated_name(h.rng);
        if (!valid_name(cfg.name)) {
            co_return fail(failure{status::unprocessable_entity, code::invalid_consumer_config,
                                   "Invalid consumer configuration: name must be 1-249 characters of [a-zA-Z0-9._-]"});
        }
        if (h.instances.contains({group, cfg.name})) {
            co_return fail(failure{status::conflict, code::instance_exists,
                                   "Consumer with specified consumer ID already exists in the specified consumer group."});
        }
        if (h.instances.size() >= h.options.max_instances) {
            co_return fail(failure{status::too_many_requests, code::too_many_instances,
                                   fmt::format("too many consumer instances (limit {})", h.options.max_instances)});
        }
        auto name = cfg.name;
        auto inst = std::make_shared<consumer_instance>(h.executor, group, name, std::move(cfg));
        inst->last_used = h.clock.monotonic();
        inst->next_auto_commit = inst->last_used + h.options.auto_commit_interval;
        h.instances.emplace(std::make_pair(std::move(group), name), std::move(inst));
        h.options.probe.instances(h.instances.size());
        co_return name;
    };
    co_return co_await on_home<std::string>(std::move(fn));
}

asio::awaitable<outcome<void>> consumer_table::remove(std::string group, std::string instance) {
    auto fn = [group = std::move(group), instance = std::move(instance)](home_state& h) -> asio::awaitable<outcome<void>> {
        auto inst = find(h, group, instance);
        if (!inst) co_return fail(inst.error());
        co_await close_instance(h, *inst);
        co_return outcome<void>{};
    };
    co_return co_await on_home<void>(std::move(fn));
}

asio::awaitable<outcome<void>> consumer_table::subscribe(std::string group, std::string instance,
                                                         subscription_request s) {
    auto fn = [group = std::move(group), instance = std::move(instance),
               s = std::move(s)](home_state& h) mutable -> asio::awaitable<outcome<void>> {
        auto found = find(h, group, instance);
        if (!found) co_return fail(found.error());
        auto inst = *found;
        if (inst->mode == instance_mode::assigned) {
            co_return illegal_state("Subscription to topics, partitions and pattern are mutually exclusive");
        }
        std::optional<std::regex> re;
        if (s.pattern) {
            if (s.pattern->size() > max_pattern_length) {
                co_return unprocessable(fmt::format("topic_pattern is longer than {} characters", max_pattern_length));
            }
            try {
                re.emplace(*s.pattern, std::regex::ECMAScript);
            } catch (const std::regex_error& e) {
                co_return unprocessable(fmt::format("invalid topic_pattern: {}", e.what()));
            }
        }
        for (const auto& t : s.topics) {
            if (auto ok = coord::topic_catalog::validate_topic_name(t); !ok) {
                co_return unprocessable(fmt::format("invalid topic name '{}'", t));
            }
        }
        if (s.topics.empty() && !s.pattern) {  // an empty subscription unsubscribes, as in Kafka
            co_await drop_subscription(h, *inst);
            co_return outcome<void>{};
        }
        std::sort(s.topics.begin(), s.topics.end());
        s.topics.erase(std::unique(s.topics.begin(), s.topics.end()), s.topics.end());
        inst->topics = std::move(s.topics);
        inst->pattern = std::move(s.pattern);
        inst->pattern_re = std::move(re);
        inst->mode = instance_mode::subscribed;
        ++inst->membership_epoch;
        inst->need_join = true;
        start_member_loop(h, inst);
        co_return outcome<void>{};
    };
    co_return co_await on_home<void>(std::move(fn));
}

asio::awaitable<outcome<std::vector<std::string>>> consumer_table::subscription(std::string group,
                                                                                std::string instance) {
    using R = std::vector<std::string>;
    auto fn = [group = std::move(group), instance = std::move(instance)](home_state& h) -> asio::awaitable<outcome<R>> {
        auto inst = find(h, group, instance);
        if (!inst) co_return fail(inst.error());
        R topics;
        if ((*inst)->mode == instance_mode::subscribed) {
            if ((*inst)->pattern) {
                for (const auto& t : co_await h.broker.list_topics()) {
                    if (std::regex_match(t.name, *(*inst)->pattern_re)) topics.push_back(t.name);
                }
            } else {
                topics = (*inst)->topics;
            }
        }
        co_return topics;
    };
    co_return co_await on_home<R>(std::move(fn));
}

asio::awaitable<outcome<void>> consumer_table::unsubscribe(std::string group, std::string instance) {
    auto fn = [group = std::move(group), instance = std::move(instance)](home_state& h) -> asio::awaitable<outcome<void>> {
        auto inst = find(h, group, instance);
        if (!inst) co_return fail(inst.error());
        co_await drop_subscription(h, **inst);
        co_return outcome<void>{};
    };
    co_return co_await on_home<void>(std::move(fn));
}

asio::awaitable<outcome<void>> consumer_table::assign(std::string group, std::string instance,
                                                      std::vector<topic_partition_ref> partitions) {
    auto fn = [group = std::move(group), instance = std::move(instance),
               parts = to_tps(partitions)](home_state& h) -> asio::awaitable<outcome<void>> {
        auto found = find(h, group, instance);
        if (!found) co_return fail(found.error());
        auto inst = *found;
        if (inst->mode == instance_mode::subscribed) {
            co_return illegal_state("Subscription to topics, partitions and pattern are mutually exclusive");
        }
        if (auto ok = co_await check_partitions(h, parts); !ok) co_return ok;
        co_await release(h, *inst, false);
        if (inst->closed) co_return instance_not_found();
        if (inst->mode == instance_mode::subscribed) {
            co_return illegal_state("Subscription to topics, partitions and pattern are mutually exclusive");
        }
        inst->mode = parts.empty() ? instance_mode::none : instance_mode::assigned;
        for (const auto& p : parts) inst->assignment.emplace(p, partition_position{});
        inst->assignment_changed();
        co_return outcome<void>{};
    };
    co_return co_await on_home<void>(std::move(fn));
}

asio::awaitable<outcome<std::vector<topic_partition_ref>>> consumer_table::assignment(std::string group,
                                                                                     std::string instance) {
    using R = std::vector<topic_partition_ref>;
    auto fn = [group = std::move(group), instance = std::move(instance)](home_state& h) -> asio::awaitable<outcome<R>> {
        auto inst = find(h, group, instance);
        if (!inst) co_return fail(inst.error());
        R out;
        for (const auto& [p, _] : (*inst)->assignment) out.push_back(topic_partition_ref{p.topic, p.partition});
        co_return out;
    };
    co_return co_await on_home<R>(std::move(fn));
}

asio::awaitable<outcome<read_result>> consumer_table::read(std::string group, std::string instance, read_request req) {
    auto fn = [group = std::move(group), instance = std::move(instance),
               req](home_state& h) -> asio::awaitable<outcome<read_result>> {
        auto inst = find(h, group, instance);
        if (!inst) co_return fail(inst.error());
        co_return co_await read_records(h, *inst, req);
    };
    co_return co_await on_home<read_result>(std::move(fn));
}

asio::awaitable<outcome<void>> consumer_table::commit(std::string group, std::string instance,
                                                      std::optional<std::vector<tp_offset>> offsets) {
    auto fn = [group = std::move(group), instance = std::move(instance),
               offsets = std::move(offsets)](home_state& h) -> asio::awaitable<outcome<void>> {
        auto found = find(h, group, instance);
        if (!found) co_return fail(found.error());
        auto inst = *found;
        if (!offsets) co_return co_await commit_positions(h, *inst, false);
        std::vector<tp> parts;
        std::vector<coord::offset_commit_entry> entries;
        for (const auto& o : *offsets) {
            parts.push_back(tp{o.topic, o.partition});
            entries.push_back(coord::offset_commit_entry{parts.back(), o.value, -1, o.metadata});
        }
        if (auto ok = co_await check_partitions(h, parts); !ok) co_return ok;
        co_return co_await commit_entries(h, inst->group, identity_of(*inst), std::move(entries));
    };
    co_return co_await on_home<void>(std::move(fn));
}

asio::awaitable<outcome<std::vector<tp_offset>>> consumer_table::committed(std::string group, std::string instance,
                                                                           std::vector<topic_partition_ref> partitions) {
    using R = std::vector<tp_offset>;
    auto fn = [group = std::move(group), instance = std::move(instance),
               parts = to_tps(partitions)](home_state& h) -> asio::awaitable<outcome<R>> {
        auto found = find(h, group, instance);
        if (!found) co_return fail(found.error());
        auto fetched = co_await h.groups.fetch_offsets((*found)->group, parts);
        if (fetched.error != coord::errc::none) {
            co_return fail(from_error(make_error(fetched.error, "fetching committed offsets").value()));
        }
        R out;
        for (const auto& f : fetched.offsets) {
            if (f.error != coord::errc::none || f.value.value() < 0) continue;
            out.push_back(tp_offset{f.tp.topic, f.tp.partition, f.value, f.metadata.value_or("")});
        }
        co_return out;
    };
    co_return co_await on_home<R>(std::move(fn));
}

asio::awaitable<outcome<void>> consumer_table::seek(std::string group, std::string instance, std::vector<tp_offset> to) {
    auto fn = [group = std::move(group), instance = std::move(instance),
               to = std::move(to)](home_state& h) -> asio::awaitable<outcome<void>> {
        auto found = find(h, group, instance);
        if (!found) co_return fail(found.error());
        auto& inst = **found;
        for (const auto& o : to) {
            if (!inst.assignment.contains(tp{o.topic, o.partition})) {
                co_return illegal_state(fmt::format("No current assignment for partition {}-{}", o.topic, o.partition));
            }
        }
        for (const auto& o : to) {
            auto& pos = inst.assignment[tp{o.topic, o.partition}];
            pos.next = o.value;
            ++pos.version;
        }
        co_return outcome<void>{};
    };
    co_return co_await on_home<void>(std::move(fn));
}

asio::awaitable<outcome<void>> consumer_table::seek_to_edge(std::string group, std::string instance,
                                                            std::vector<topic_partition_ref> partitions, bool beginning) {
    auto fn = [group = std::move(group), instance = std::move(instance), parts = to_tps(partitions),
               beginning](home_state& h) -> asio::awaitable<outcome<void>> {
        auto found = find(h, group, instance);
        if (!found) co_return fail(found.error());
        auto inst = *found;
        for (const auto& p : parts) {
            if (!inst->assignment.contains(p)) {
                co_return illegal_state(fmt::format("No current assignment for partition {}-{}", p.topic, p.partition));
            }
        }
        for (const auto& p : parts) {
            auto ts = beginning ? coord::earliest_timestamp : coord::latest_timestamp;
            auto o = co_await h.broker.list_offset(p.topic, p.partition, ts);
            if (!o) co_return fail(from_error(o.error()));
            auto it = inst->assignment.find(p);
            if (it == inst->assignment.end()) continue;  // the assignment changed meanwhile
            it->second.next = *o;
            ++it->second.version;
        }
        co_return outcome<void>{};
    };
    co_return co_await on_home<void>(std::move(fn));
}

asio::awaitable<void> consumer_table::expire_now() {
    auto fn = [](home_state& h) -> asio::awaitable<outcome<void>> {
        co_await expire(h);
        co_return outcome<void>{};
    };
    (void)co_await on_home<void>(std::move(fn));
}

asio::awaitable<size_t> consumer_table::size() {
    auto fn = [](home_state& h) -> asio::awaitable<outcome<size_t>> { co_return h.instances.size(); };
    auto n = co_await on_home<size_t>(std::move(fn));
    co_return n ? *n : 0;
}

}  // namespace eddy::http::rest
