#include "coord/broker.h"

#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.h"
#include "coord/errc.h"
#include "coord/meta_store.h"
#include "runtime/run_on.h"
#include "runtime/semaphore.h"
#include "runtime/wakeup.h"

namespace eddy::coord {
namespace {

constexpr log::logger broker_log{"broker"};

}  // namespace

// Everything on shard 0. `pending` collects the records the catalog and allocator emit during one
// change; flush() makes them durable before the change is acknowledged.
struct broker::control_state {
    explicit control_state(const broker_options& o)
        : catalog(catalog_options{o.default_partitions, 10'000}, o.topic_id_seed.value_or(std::random_device{}()),
                  [this](record r) { pending.push_back(std::move(r)); }),
          pids([this](record r) { pending.push_back(std::move(r)); }) {}

    result<void> flush() {
        auto recs = std::move(pending);
        pending.clear();
        return meta->append(recs);
    }

    std::vector<record> pending;
    topic_catalog catalog;
    producer_id_allocator pids;
    std::unique_ptr<meta_store> meta;
    runtime::semaphore admin{1};
};

broker::broker(runtime::shard_set& shards, runtime::blocking_pool& pool, io::filesystem& fs, io::clock& clock,
               broker_options options)
    : shards_(shards), pool_(pool), fs_(fs), clock_(clock), options_(std::move(options)), partitions_(shards) {
    if (options_.registry == nullptr) return;
    if (auto f = storage::partition_families::register_in(*options_.registry)) {
        partition_families_ = std::move(*f);
    } else {
        broker_log.error("partition metrics not registered: {}", f.error().message());
    }
    if (auto f = storage::storage_families::register_in(*options_.registry)) {
        storage_families_ = std::move(*f);
        storage_probe_.emplace(*storage_families_);
    } else {
        broker_log.error("storage metrics not registered: {}", f.error().message());
    }
}

broker::~broker() = default;

shard_id broker::owner(const std::string& topic, partition_id p) const {
    return runtime::shard_for(topic, p, shards_.size());
}

boost::asio::awaitable<result<void>> broker::start() {
    auto* fs = &fs_;
    auto* clock = &clock_;
    auto* pool = &pool_;
    partition_metrics metrics{partition_families_ ? &*partition_families_ : nullptr,
                              storage_probe_ ? &*storage_probe_ : nullptr};
    co_await partitions_.start(fs, clock, pool, options_.data_dir, options_.housekeeping_interval, metrics);
    started_ = true;
    auto load = [this]() { return load_and_recover(); };
    auto r = co_await runtime::run_on(shards_.at(shard_id{0}), std::move(load));
    if (!r) co_return r;
    co_await partitions_.invoke_on_all([](partition_manager& pm) { pm.start_background(); });
    co_return result<void>{};
}

boost::asio::awaitable<void> broker::stop() {
    if (!started_) co_return;
    co_await partitions_.stop();
    auto close = [this] {
        if (control_ && control_->meta) {
            if (auto r = control_->meta->close(); !r) broker_log.warn("closing meta log: {}", r.error().message());
        }
        control_.reset();
    };
    co_await runtime::run_on(shards_.at(shard_id{0}), std::move(close));
    started_ = false;
}

boost::asio::awaitable<result<void>> broker::load_and_recover() {
    auto t0 = std::chrono::steady_clock::now();
    for (auto sub : {"topics", "meta"}) {
        if (auto r = fs_.create_directories(io::join_path(options_.data_dir, sub)); !r) co_return r;
    }
    control_ = std::make_unique<control_state>(options_);
    auto meta = meta_store::open(fs_, clock_, options_.data_dir);
    if (!meta) co_return unexpected(std::move(meta).error());
    control_->meta = std::move(*meta);
    auto recs = control_->meta->load();
    if (!recs) co_return unexpected(std::move(recs).error());
    if (auto r = control_->catalog.load(*recs); !r) co_return r;
    if (auto r = control_->pids.load(*recs); !r) co_return r;
    // Partition directories without a catalog entry (written before the catalog existed, or left by a
    // crash) are adopted rather than ignored.
    auto found = storage::discover_partitions(fs_, options_.data_dir);
    if (!found) co_return unexpected(std::move(found).error());
    std::map<std::string, int32_t> orphans;
    for (const auto& loc : *found) {
        if (control_->catalog.find(loc.topic) != nullptr) continue;
        auto& n = orphans[loc.topic];
        n = std::max(n, loc.partition.value() + 1);
    }
    for (const auto& [name, n] : orphans) {
        create_topic_request req;
        req.name = name;
        req.num_partitions = n;
        if (auto r = control_->catalog.create_topic(req); !r) {
            broker_log.warn("ignoring directory of topic {}: {}", name, r.error().message());
        } else {
            broker_log.info("adopted topic {} ({} partitions) found on disk", name, n);
        }
    }
    if (auto r = control_->flush(); !r) co_return r;
    size_t opened = 0;
    for (const auto* t : control_->catalog.list()) {
        if (auto r = co_await open_partitions(*t, 0); !r) co_return r;
        opened += static_cast<size_t>(t->partitions);
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    broker_log.info("recovered {} topics, {} partitions in {} on {} shards in {} ms", control_->catalog.size(), opened,
                    options_.data_dir, shards_.size(), ms);
    co_return result<void>{};
}

boost::asio::awaitable<result<void>> broker::open_partitions(topic_info t, int32_t from) {
    auto settings = effective_settings(options_.log_defaults, t.config);
    for (int32_t i = from; i < t.partitions; ++i) {
        partition_id p{i};
        auto open = [name = t.name, p, settings](partition_manager& pm) { return pm.open(name, p, settings); };
        auto r = co_await partitions_.invoke_on(owner(t.name, p), std::move(open));
        if (!r) co_return make_error(r.error().code, fmt::format("opening {}/{}: {}", t.name, i, r.error().context));
    }
    co_return result<void>{};
}

boost::asio::awaitable<result<void>> broker::configure_partitions(topic_info t) {
    auto settings = effective_settings(options_.log_defaults, t.config);
    for (int32_t i = 0; i < t.partitions; ++i) {
        partition_id p{i};
        auto conf = [name = t.name, p, settings](partition_manager& pm) { return pm.configure(name, p, settings); };
        auto r = co_await partitions_.invoke_on(owner(t.name, p), std::move(conf));
        if (!r) co_return r;
    }
    co_return result<void>{};
}

boost::asio::awaitable<std::vector<topic_info>> broker::list_topics() {
    auto list = [this] {
        std::vector<topic_info> out;
        for (const auto* t : control_->catalog.list()) out.push_back(*t);
        return out;
    };
    co_return co_await runtime::run_on(shards_.at(shard_id{0}), std::move(list));
}

boost::asio::awaitable<result<topic_info>> broker::create_on_control(create_topic_request req) {
    auto units = co_await control_->admin.acquire();
    if (!units) co_return unexpected(std::move(units).error());
    auto t = control_->catalog.create_topic(req);
    if (!t || req.validate_only) co_return t;
    if (auto r = control_->flush(); !r) co_return unexpected(std::move(r).error());
    if (auto r = co_await open_partitions(*t, 0); !r) co_return unexpected(std::move(r).error());
    broker_log.info("created topic {} with {} partitions", t->name, t->partitions);
    co_return t;
}

boost::asio::awaitable<result<topic_info>> broker::describe_topic(std::string name, bool create) {
    auto fn = [this, name = std::move(name), create]() -> awaitable<result<topic_info>> {
        if (auto r = topic_catalog::validate_topic_name(name); !r) co_return unexpected(std::move(r).error());
        if (const auto* t = control_->catalog.find(name)) co_return *t;
        if (!create || !options_.auto_create_topics) {
            co_return make_error(errc::unknown_topic_or_partition, "{}", name);
        }
        create_topic_request req;
        req.name = name;
        auto t = co_await create_on_control(std::move(req));
        if (!t && t.error().code == make_error_code(errc::topic_already_exists)) {
            if (const auto* found = control_->catalog.find(name)) co_return *found;
        }
        co_return t;
    };
    co_return co_await runtime::run_on(shards_.at(shard_id{0}), std::move(fn));
}

boost::asio::awaitable<result<topic_info>> broker::create_topic(create_topic_request req) {
    auto fn = [this, req = std::move(req)]() mutable { return create_on_control(std::move(req)); };
    co_return co_await runtime::run_on(shards_.at(shard_id{0}), std::move(fn));
}

boost::asio::awaitable<result<void>> broker::delete_topic(std::string name) {
    auto fn = [this, name = std::move(name)]() -> awaitable<result<void>> {
        auto units = co_await control_->admin.acquire();
        if (!units) co_return unexpected(std::move(units).error());
        const auto* t = control_->catalog.find(name);
        if (t == nullptr) co_return make_error(errc::unknown_topic_or_partition, "{}", name);
        int32_t count = t->partitions;
        if (auto r = control_->catalog.delete_topic(name); !r) co_return r;
        if (auto r = control_->flush(); !r) co_return r;
        for (int32_t i = 0; i < count; ++i) {
            partition_id p{i};
            auto rm = [name, p](partition_manager& pm) { return pm.remove(name, p, true); };
            if (auto r = co_await partitions_.invoke_on(owner(name, p), std::move(rm)); !r) {
                broker_log.warn("removing {}/{}: {}", name, i, r.error().message());
            }
        }
        (void)fs_.remove_all(io::join_path(io::join_path(options_.data_dir, "topics"), name));
        // Its partitions are closed: nothing updates their series any more.
        if (options_.registry != nullptr) options_.registry->remove_series("topic", name);
        broker_log.info("deleted topic {}", name);
        co_return result<void>{};
    };
    co_return co_await runtime::run_on(shards_.at(shard_id{0}), std::move(fn));
}

boost::asio::awaitable<result<void>> broker::create_partitions(std::string name, int32_t total, bool validate_only) {
    auto fn = [this, name = std::move(name), total, validate_only]() -> awaitable<result<void>> {
        auto units = co_await control_->admin.acquire();
        if (!units) co_return unexpected(std::move(units).error());
        const auto* t = control_->catalog.find(name);
        int32_t before = t != nullptr ? t->partitions : 0;
        if (auto r = control_->catalog.create_partitions(name, total, validate_only); !r || validate_only) co_return r;
        if (auto r = control_->flush(); !r) co_return r;
        co_return co_await open_partitions(*control_->catalog.find(name), before);
    };
    co_return co_await runtime::run_on(shards_.at(shard_id{0}), std::move(fn));
}

boost::asio::awaitable<result<void>> broker::commit_config(std::string name, std::vector<config_change> changes,
                                                           bool validate_only) {
    auto units = co_await control_->admin.acquire();
    if (!units) co_return unexpected(std::move(units).error());
    if (auto r = control_->catalog.alter_config(name, changes, validate_only); !r || validate_only) co_return r;
    if (auto r = control_->flush(); !r) co_return r;
    co_return co_await configure_partitions(*control_->catalog.find(name));
}

boost::asio::awaitable<result<void>> broker::alter_config(std::string name, std::vector<config_change> changes,
                                                          bool validate_only) {
    auto fn = [this, name = std::move(name), changes = std::move(changes), validate_only]() mutable {
        return commit_config(std::move(name), std::move(changes), validate_only);
    };
    co_return co_await runtime::run_on(shards_.at(shard_id{0}), std::move(fn));
}

boost::asio::awaitable<result<void>> broker::replace_config(std::string name, config_entries entries,
                                                            bool validate_only) {
    auto fn = [this, name = std::move(name), entries = std::move(entries), validate_only]() -> awaitable<result<void>> {
        const auto* t = control_->catalog.find(name);
        if (t == nullptr) co_return make_error(errc::unknown_topic_or_partition, "{}", name);
        // Every current override not named again is removed; the named ones are set.
        std::vector<config_change> changes;
        for (const auto& [k, v] : t->config.overrides()) {
            bool kept = std::any_of(entries.begin(), entries.end(), [&](const auto& e) { return e.first == k; });
            if (!kept) changes.push_back(config_change{k, std::nullopt});
        }
        for (auto& [k, v] : entries) changes.push_back(config_change{k, v});
        co_return co_await commit_config(name, std::move(changes), validate_only);
    };
    co_return co_await runtime::run_on(shards_.at(shard_id{0}), std::move(fn));
}

boost::asio::awaitable<producer_identity> broker::init_producer_id() {
    auto fn = [this]() -> awaitable<producer_identity> {
        auto units = co_await control_->admin.acquire();
        auto id = control_->pids.init_producer_id();
        if (auto r = control_->flush(); !r) broker_log.error("persisting producer id block: {}", r.error().message());
        co_return id;
    };
    co_return co_await runtime::run_on(shards_.at(shard_id{0}), std::move(fn));
}

boost::asio::awaitable<result<produce_outcome>> broker::produce(produce_request_data req) {
    auto buf = std::make_shared<bytes>(std::move(req.batches));
    const mutable_bytes_view batches = req.borrowed.empty() ? mutable_bytes_view(*buf) : req.borrowed;
    for (int attempt = 0;; ++attempt) {
        auto fn = [topic = req.topic, p = req.partition, acks = req.acks, buf,
                   batches](partition_manager& pm) -> awaitable<result<produce_outcome>> {
            if (!pm.has(topic, p)) co_return make_error(errc::unknown_topic_or_partition, "{}/{}", topic, p);
            co_return co_await pm.produce(topic, p, batches, acks);
        };
        auto r = co_await partitions_.invoke_on(owner(req.topic, req.partition), std::move(fn));
        if (r || attempt > 0 || r.error().code != make_error_code(errc::unknown_topic_or_partition)) co_return r;
        auto t = co_await describe_topic(req.topic, options_.auto_create_topics);
        if (!t) co_return unexpected(std::move(t).error());
        if (req.partition.value() < 0 || req.partition.value() >= t->partitions) co_return r;
    }
}

boost::asio::awaitable<result<fetch_outcome>> broker::read(std::string topic, partition_id p, offset from,
                                                           size_t max_bytes) {
    auto sid = owner(topic, p);
    auto fn = [topic = std::move(topic), p, from, max_bytes](partition_manager& pm) {
        return pm.read(topic, p, from, max_bytes);
    };
    co_return co_await partitions_.invoke_on(sid, std::move(fn));
}

namespace {

// The reads of one shard's share of a read_many, run on that shard.
std::vector<result<fetch_outcome>> read_in_order(partition_manager& pm, const std::vector<read_request>& reqs,
                                                 size_t budget, bool file_slices) {
    std::vector<result<fetch_outcome>> out;
    out.reserve(reqs.size());
    for (const auto& q : reqs) {
        out.push_back(pm.read(q.topic, q.partition, q.from, std::min(q.max_bytes, budget), file_slices));
        if (out.back()) budget -= std::min(budget, out.back()->size());
    }
    return out;
}

// Collects the per-shard results of a read_many on the calling shard.
struct read_join {
    explicit read_join(const boost::asio::any_io_executor& ex, size_t n) : done(ex), results(n) {}
    runtime::wakeup done;
    std::vector<result<fetch_outcome>> results;
    size_t pending = 0;
    std::exception_ptr error;
};

}  // namespace

boost::asio::awaitable<std::vector<result<fetch_outcome>>> broker::read_many(std::vector<read_request> reqs,
                                                                            size_t total_max_bytes,
                                                                            bool file_slices) {
    auto ex = co_await boost::asio::this_coro::executor;
    auto join = std::make_shared<read_join>(ex, reqs.size());
    std::vector<std::vector<size_t>> by_shard(shards_.size());
    for (size_t i = 0; i < reqs.size(); ++i) by_shard[owner(reqs[i].topic, reqs[i].partition).value()].push_back(i);
    const shard_id here = runtime::current_shard()->id();
    for (uint32_t s = 0; s < by_shard.size(); ++s) {
        if (by_shard[s].empty() || shard_id{s} == here) continue;
        std::vector<read_request> share;
        for (size_t i : by_shard[s]) share.push_back(std::move(reqs[i]));
        auto fn = [share = std::move(share), total_max_bytes, file_slices](partition_manager& pm) {
            return read_in_order(pm, share, total_max_bytes, file_slices);
        };
        ++join->pending;
        boost::asio::co_spawn(ex, partitions_.invoke_on(shard_id{s}, std::move(fn)),
                              [join, idx = by_shard[s]](std::exception_ptr e, std::vector<result<fetch_outcome>> r) {
                                  if (e && !join->error) join->error = e;
                                  for (size_t k = 0; k < r.size() && k < idx.size(); ++k) join->results[idx[k]] = std::move(r[k]);
                                  if (--join->pending == 0) join->done.notify();
                              });
    }
    // This shard's partitions are read meanwhile, without a hop.
    const auto& mine = by_shard[here.value()];
    if (!mine.empty()) {
        std::vector<read_request> share;
        for (size_t i : mine) share.push_back(std::move(reqs[i]));
        auto r = read_in_order(partitions_.local(), share, total_max_bytes, file_slices);
        for (size_t k = 0; k < r.size(); ++k) join->results[mine[k]] = std::move(r[k]);
    }
    if (join->pending > 0) co_await join->done.wait();
    if (join->error) std::rethrow_exception(join->error);
    co_return std::move(join->results);
}

boost::asio::awaitable<result<listed_offset>> broker::lookup_offset(std::string topic, partition_id p,
                                                                    int64_t timestamp) {
    auto sid = owner(topic, p);
    auto fn = [topic = std::move(topic), p, timestamp](partition_manager& pm) {
        return pm.list_offset(topic, p, timestamp);
    };
    co_return co_await partitions_.invoke_on(sid, std::move(fn));
}

boost::asio::awaitable<result<offset>> broker::list_offset(std::string topic, partition_id p, int64_t timestamp) {
    auto r = co_await lookup_offset(std::move(topic), p, timestamp);
    if (!r) co_return unexpected(std::move(r).error());
    co_return r->value;
}

boost::asio::awaitable<result<offset>> broker::delete_records(std::string topic, partition_id p, int64_t before) {
    auto sid = owner(topic, p);
    auto fn = [topic = std::move(topic), p, before](partition_manager& pm) {
        return pm.delete_records(topic, p, before);
    };
    co_return co_await partitions_.invoke_on(sid, std::move(fn));
}

boost::asio::awaitable<result<partition_stats>> broker::describe_partition(std::string topic, partition_id p) {
    auto sid = owner(topic, p);
    auto fn = [topic = std::move(topic), p](partition_manager& pm) { return pm.stats(topic, p); };
    auto r = co_await partitions_.invoke_on(sid, std::move(fn));
    if (r) r->owner = sid;
    co_return r;
}

namespace {
// The waiting side of a cross-shard long-poll: lives on the waiting shard; owners post to it.
struct poll_state {
    explicit poll_state(const boost::asio::any_io_executor& ex) : timer(ex) {}
    boost::asio::steady_timer timer;
    bool fired = false;
};
}  // namespace

boost::asio::awaitable<void> broker::wait_for_any(std::vector<watch_point> points,
                                                  std::chrono::steady_clock::time_point deadline) {
    auto ex = co_await boost::asio::this_coro::executor;
    auto st = std::make_shared<poll_state>(ex);
    st->timer.expires_at(deadline);
    // The owners' callbacks hold only a weak reference, so the state is always destroyed here.
    std::weak_ptr<poll_state> weak = st;
    std::vector<std::pair<size_t, uint64_t>> registered;
    for (size_t i = 0; i < points.size() && !st->fired; ++i) {
        auto reg = [pt = points[i], weak, ex](partition_manager& pm) {
            return pm.wait_for_data(pt.topic, pt.partition, pt.from, [weak, ex] {
                boost::asio::post(ex, [weak] {
                    if (auto s = weak.lock()) {
                        s->fired = true;
                        s->timer.cancel();
                    }
                });
            });
        };
        auto r = co_await partitions_.invoke_on(owner(points[i].topic, points[i].partition), std::move(reg));
        if (r && *r == 0) st->fired = true;
        if (r && *r != 0) registered.emplace_back(i, *r);
    }
    while (!st->fired && std::chrono::steady_clock::now() < deadline) {
        boost::system::error_code ec;
        co_await st->timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        if (!ec) break;  // deadline reached
    }
    for (auto [i, id] : registered) {
        auto cancel = [pt = points[i], id = id](partition_manager& pm) { pm.cancel_wait(pt.topic, pt.partition, id); };
        co_await partitions_.invoke_on(owner(points[i].topic, points[i].partition), std::move(cancel));
    }
}

boost::asio::awaitable<void> broker::housekeeping_now() {
    co_await partitions_.invoke_on_all([](partition_manager& pm) { pm.housekeeping(); });
}

}  // namespace eddy::coord
