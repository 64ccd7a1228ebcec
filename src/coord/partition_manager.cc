#include "coord/partition_manager.h"

#include <algorithm>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.h"
#include "coord/errc.h"
#include "runtime/shard.h"
#include "runtime/wakeup.h"
#include "storage/errc.h"
#include "storage/record_batch.h"

namespace eddy::coord {
namespace {

constexpr log::logger broker_log{"broker"};
constexpr std::chrono::milliseconds tick_period{100};
constexpr size_t replay_chunk = 1 << 20;
constexpr size_t compaction_budget = 4 << 20;

storage::cleanup_policy to_storage(cleanup_policy c) {
    switch (c) {
    case cleanup_policy::delete_records: return storage::cleanup_policy::delete_records;
    case cleanup_policy::compact: return storage::cleanup_policy::compact;
    case cleanup_policy::compact_and_delete: return storage::cleanup_policy::compact_and_delete;
    }
    return storage::cleanup_policy::delete_records;
}

// Sets the LogAppendTime attribute bit and maxTimestamp of a batch, then its CRC (which covers both).
void stamp_log_append_time(mutable_bytes_view batch, int64_t now) {
    auto attrs = load_be<int16_t>(batch.data() + storage::batch_crc_range_pos);
    store_be<int16_t>(batch.data() + storage::batch_crc_range_pos, static_cast<int16_t>(attrs | 0x8));
    store_be<int64_t>(batch.data() + 35, now);
    storage::update_crc(batch);
}

}  // namespace

partition_settings effective_settings(const storage::log_config& defaults, const topic_config& c) {
    partition_settings s;
    s.log = defaults;
    if (auto v = c.retention_ms()) s.log.retention_ms = *v;
    if (auto v = c.retention_bytes()) s.log.retention_bytes = *v;
    if (auto v = c.segment_bytes()) s.log.segment_bytes = static_cast<uint64_t>(*v);
    if (auto v = c.segment_ms()) s.log.segment_ms = *v;
    // Kafka accepts any max.message.bytes >= 0; below the 61-byte batch header nothing fits either way,
    // and the log caps a batch at 1 GiB, so the value is clamped into what the log can hold.
    if (auto v = c.max_message_bytes())
        s.log.max_message_bytes = std::clamp<uint64_t>(static_cast<uint64_t>(*v), 61, 1ull << 30);
    if (auto v = c.cleanup()) s.log.cleanup = to_storage(*v);
    if (auto v = c.message_timestamp_type()) s.timestamps = *v;
    return s;
}

partition_manager::partition_manager(io::filesystem* fs, io::clock* clock, runtime::blocking_pool* pool,
                                     std::string data_dir, std::chrono::milliseconds housekeeping_interval,
                                     partition_metrics metrics)
    : fs_(*fs), clock_(*clock), pool_(*pool), data_dir_(std::move(data_dir)),
      housekeeping_interval_(housekeeping_interval), metrics_(metrics) {}

partition_manager::~partition_manager() = default;

void partition_manager::start_background() {
    auto* self = runtime::current_shard();
    EDDY_ASSERT(self != nullptr, "partition_manager::start_background off a shard");
    timer_ = std::make_unique<boost::asio::steady_timer>(self->executor());
    auto holder = gate_.enter();
    if (!holder) return;
    auto loop = [this, h = std::make_shared<runtime::gate::holder>(std::move(*holder))]() -> boost::asio::awaitable<void> {
        co_await background_loop();
    };
    boost::asio::co_spawn(self->executor(), std::move(loop), boost::asio::detached);
}

boost::asio::awaitable<void> partition_manager::background_loop() {
    auto last_housekeeping = std::chrono::steady_clock::now();
    while (!stopping_) {
        timer_->expires_after(tick_period);
        boost::system::error_code ec;
        co_await timer_->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        if (stopping_) break;
        flush_due();
        if (std::chrono::steady_clock::now() - last_housekeeping >= housekeeping_interval_) {
            housekeeping();
            last_housekeeping = std::chrono::steady_clock::now();
        }
    }
}

void partition_manager::flush_due() {
    for (auto& [k, part] : partitions_) {
        if (part->log->config().flush.mode != storage::flush_policy::kind::interval) continue;
        if (!part->log->flush_due() || part->commit->in_flight()) continue;
        part->commit->request(part->log->log_end_offset(), [topic = k.first, p = k.second](result<void> r) {
            if (!r) broker_log.error("interval flush of {}/{} failed: {}", topic, p, r.error().message());
        });
    }
}

void partition_manager::housekeeping() {
    for (auto& [k, part] : partitions_) {
        auto& l = *part->log;
        if (l.failed()) continue;
        if (auto r = l.apply_retention(); !r) {
            broker_log.warn("retention of {}/{} failed: {}", k.first, k.second, r.error().message());
        } else if (*r > 0) {
            broker_log.info("retention deleted {} segments of {}/{}", *r, k.first, k.second);
        }
        if (l.config().compacted() && !part->commit->in_flight()) {
            if (auto r = part->compactor->step(compaction_budget); !r) {
                broker_log.warn("compaction of {}/{} failed: {}", k.first, k.second, r.error().message());
            }
        }
        part->probe.log_changed(l);
    }
}

partition_manager::partition* partition_manager::find(const std::string& topic, partition_id p) {
    auto it = partitions_.find(key{topic, p.value()});
    return it == partitions_.end() ? nullptr : it->second.get();
}

bool partition_manager::has(const std::string& topic, partition_id p) const {
    return partitions_.count(key{topic, p.value()}) != 0;
}

result<void> partition_manager::replay_producers(partition& part) {
    auto& l = *part.log;
    offset at = l.log_start_offset();
    while (at < l.log_end_offset()) {
        EDDY_TRY_ASSIGN(auto r, l.read(at, replay_chunk));
        if (r.batches.empty()) break;
        size_t pos = 0;
        for (const auto& b : r.batches) {
            EDDY_TRY_ASSIGN(auto h, storage::parse_header(bytes_view(r.data).subspan(pos)));
            pos += h.size_bytes();
            if (h.producer_id >= 0 && !h.is_control()) {
                part.producers.replay(producer_batch{producer_id{h.producer_id}, h.producer_epoch, h.base_sequence,
                                                     h.last_offset_delta, b.base});
            }
        }
        at = r.next_offset;
    }
    return {};
}

result<void> partition_manager::open(const std::string& topic, partition_id p, const partition_settings& s) {
    if (has(topic, p)) return {};
    auto dir = storage::partition_directory(data_dir_, topic, p);
    EDDY_TRY_ASSIGN(auto l, storage::log::open(fs_, clock_, dir, s.log));
    auto part = std::make_unique<partition>();
    part->log = std::move(l);
    auto* self = runtime::current_shard();
    EDDY_ASSERT(self != nullptr, "partition_manager::open off a shard");
    auto hooks = pool_.hooks_for(self->executor());
    part->commit = std::make_unique<storage::group_commit>(*part->log, hooks.run_blocking, hooks.post_back);
    part->compactor = std::make_unique<storage::compactor>(*part->log);
    part->timestamps = s.timestamps;
    if (metrics_.storage != nullptr) part->commit->set_probe(metrics_.storage);
    if (metrics_.partitions != nullptr) part->probe = storage::partition_probe(*metrics_.partitions, topic, p);
    part->probe.log_changed(*part->log);
    EDDY_TRY(replay_producers(*part));
    partitions_.emplace(key{topic, p.value()}, std::move(part));
    return {};
}

boost::asio::awaitable<result<void>> partition_manager::remove(std::string topic, partition_id p,
                                                              bool delete_files) {
    auto it = partitions_.find(key{topic, p.value()});
    std::string dir = storage::partition_directory(data_dir_, topic, p);
    if (it != partitions_.end()) {
        auto part = std::move(it->second);
        partitions_.erase(it);
        // An fsync in flight still uses the log: let it finish before closing.
        while (part->commit->in_flight()) {
            auto done = std::make_shared<runtime::wakeup>(co_await boost::asio::this_coro::executor);
            part->commit->request(part->log->log_end_offset(), [done](result<void>) { done->notify(); });
            co_await done->wait();
        }
        if (auto r = part->log->close(); !r) broker_log.warn("closing {}: {}", dir, r.error().message());
    }
    if (delete_files) {
        if (auto r = fs_.remove_all(dir); !r) co_return unexpected(std::move(r).error());
    }
    co_return result<void>{};
}

result<void> partition_manager::configure(const std::string& topic, partition_id p, const partition_settings& s) {
    auto* part = find(topic, p);
    if (part == nullptr) return make_error(errc::unknown_topic_or_partition, "{}/{}", topic, p);
    EDDY_TRY(part->log->set_config(s.log));
    part->timestamps = s.timestamps;
    return {};
}

// Checks every batch's producer fields, appends, and records the producer state; no suspension inside.
result<produce_outcome> partition_manager::append(partition& part, mutable_bytes_view data) {
    auto& l = *part.log;
    std::vector<storage::batch_header> headers;
    for (size_t pos = 0; pos < data.size();) {
        EDDY_TRY_ASSIGN(auto h, storage::validate_batch(bytes_view(data).subspan(pos), storage::validation::producer,
                                                        l.config().max_message_bytes));
        headers.push_back(h);
        pos += h.size_bytes();
    }
    if (headers.empty()) return make_error(errc::invalid_record, "no record batch in produce data");
    const bool idempotent = headers.front().producer_id >= 0;
    if (idempotent && headers.size() != 1) return make_error(errc::invalid_record, "idempotent produce with {} batches", headers.size());
    if (headers.front().is_transactional()) return make_error(errc::invalid_record, "transactional batches are not supported");
    if (idempotent) {
        const auto& h = headers.front();
        EDDY_TRY_ASSIGN(auto d, part.producers.check(producer_id{h.producer_id}, h.producer_epoch, h.base_sequence,
                                                      h.last_offset_delta));
        if (d.duplicate) return produce_outcome{d.base_offset, d.last_offset, -1, l.log_start_offset()};
    }
    int64_t append_time = -1;
    if (part.timestamps == timestamp_type::log_append_time) {
        append_time = clock_.now_ms().value();
        size_t pos = 0;
        for (const auto& h : headers) {
            stamp_log_append_time(data.subspan(pos, h.size_bytes()), append_time);
            pos += h.size_bytes();
        }
    }
    EDDY_TRY_ASSIGN(auto a, l.append_in_place(data));
    uint64_t records = 0;
    for (const auto& h : headers) records += static_cast<uint64_t>(h.records_count);
    part.probe.appended(records, data.size());
    part.probe.log_changed(l);
    if (idempotent) {
        const auto& h = headers.front();
        part.producers.update(producer_batch{producer_id{h.producer_id}, h.producer_epoch, h.base_sequence,
                                             h.last_offset_delta, a.base});
    }
    return produce_outcome{a.base, a.last, append_time, l.log_start_offset()};
}

boost::asio::awaitable<result<produce_outcome>> partition_manager::produce(std::string topic, partition_id p,
                                                                           mutable_bytes_view batches, int16_t acks) {
    auto holder = gate_.enter();
    if (!holder) co_return make_error(errc::unknown_topic_or_partition, "shutting down");
    auto* part = find(topic, p);
    if (part == nullptr) co_return make_error(errc::unknown_topic_or_partition, "{}/{}", topic, p);
    auto out = append(*part, batches);
    if (!out || part->log->config().flush.mode != storage::flush_policy::kind::always) co_return out;
    if (acks != -1) {
        // acks=1 (the leader has it) and acks=0 are answered once the batch is in the log, as Kafka and
        // Redpanda do; the fsync covering it starts at once (shared by group commit) but is not awaited.
        part->commit->request(offset{out->last.value() + 1}, [](const result<void>&) {});
        co_return out;
    }
    // acks=all: durable before acknowledged; one fsync covers every batch appended meanwhile.
    auto done = std::make_shared<std::pair<runtime::wakeup, result<void>>>(
        runtime::wakeup(co_await boost::asio::this_coro::executor), result<void>{});
    part->commit->request(offset{out->last.value() + 1}, [done](result<void> r) {
        done->second = std::move(r);
        done->first.notify();
    });
    co_await done->first.wait();
    if (!done->second) co_return unexpected(std::move(done->second).error());
    co_return out;
}

result<fetch_outcome> partition_manager::read(const std::string& topic, partition_id p, offset from,
                                              size_t max_bytes, bool file_slices) {
    auto* part = find(topic, p);
    if (part == nullptr) return make_error(errc::unknown_topic_or_partition, "{}/{}", topic, p);
    auto& l = *part->log;
    fetch_outcome out{{}, l.log_end_offset(), l.log_start_offset()};
    if (from == l.log_end_offset()) return out;
    if (max_bytes == 0) {
        if (from < l.log_start_offset() || from > l.log_end_offset())
            return make_error(storage::errc::offset_out_of_range, "{}/{}: offset {} not in [{}, {}]", topic, p, from,
                              l.log_start_offset(), l.log_end_offset());
        return out;
    }
    if (file_slices) {
        EDDY_TRY_ASSIGN(auto slice, l.read_slice(from, max_bytes));
        if (slice) {
            part->probe.read(slice->records, slice->size);
            if (slice->size > 0) out.slice = std::move(*slice);
            return out;
        }
    }
    EDDY_TRY_ASSIGN(auto r, l.read(from, max_bytes));
    out.data = std::move(r.data);
    part->probe.read(storage::count_records(out.data), out.data.size());
    return out;
}

namespace {

// The timestamp of the record at o, which offset_for_timestamp found. A compressed batch is not
// decompressed: there the lookup answers the batch's base offset, whose timestamp is the base timestamp.
result<int64_t> record_timestamp(storage::log& l, offset o) {
    EDDY_TRY_ASSIGN(auto r, l.read(o, 1));
    EDDY_TRY_ASSIGN(auto h, storage::parse_header(r.data));
    if (h.is_log_append_time()) return h.max_timestamp;
    if (!h.is_compressed()) {
        EDDY_TRY_ASSIGN(auto records, storage::parse_records(bytes_view(r.data).first(h.size_bytes())));
        for (const auto& rec : records) {
            if (h.base() + rec.offset_delta == o) return h.base_timestamp + rec.timestamp_delta;
        }
    }
    return h.base_timestamp;
}

}  // namespace

result<listed_offset> partition_manager::list_offset(const std::string& topic, partition_id p, int64_t ts) {
    auto* part = find(topic, p);
    if (part == nullptr) return make_error(errc::unknown_topic_or_partition, "{}/{}", topic, p);
    auto& l = *part->log;
    if (ts == latest_timestamp) return listed_offset{l.log_end_offset()};
    if (ts == earliest_timestamp || ts == earliest_local_timestamp) return listed_offset{l.log_start_offset()};
    int64_t target = ts;
    if (ts == max_timestamp) {
        target = l.max_timestamp();
        if (target < 0) return listed_offset{};
    } else if (ts < 0) {
        return make_error(errc::invalid_request, "unsupported timestamp {}", ts);
    }
    EDDY_TRY_ASSIGN(auto o, l.offset_for_timestamp(timestamp_ms{target}));
    if (!o) return listed_offset{};
    if (ts == max_timestamp) return listed_offset{*o, target};
    EDDY_TRY_ASSIGN(int64_t found, record_timestamp(l, *o));
    return listed_offset{*o, found};
}

result<partition_stats> partition_manager::stats(const std::string& topic, partition_id p) {
    auto* part = find(topic, p);
    if (part == nullptr) return make_error(errc::unknown_topic_or_partition, "{}/{}", topic, p);
    const auto& l = *part->log;
    return partition_stats{l.log_start_offset(), l.log_end_offset(), l.size_bytes(), l.segment_count()};
}

result<offset> partition_manager::delete_records(const std::string& topic, partition_id p, int64_t before) {
    auto* part = find(topic, p);
    if (part == nullptr) return make_error(errc::unknown_topic_or_partition, "{}/{}", topic, p);
    auto& l = *part->log;
    offset target = before == -1 ? l.log_end_offset() : offset{before};
    if (before < -1) return make_error(storage::errc::offset_out_of_range, "{}", before);
    EDDY_TRY(l.truncate_prefix(target));
    part->probe.log_changed(l);
    return l.log_start_offset();
}

result<uint64_t> partition_manager::wait_for_data(const std::string& topic, partition_id p, offset from,
                                                  std::function<void()> cb) {
    auto* part = find(topic, p);
    if (part == nullptr) return make_error(errc::unknown_topic_or_partition, "{}/{}", topic, p);
    return part->log->wait_for_data(from, std::move(cb));
}

void partition_manager::cancel_wait(const std::string& topic, partition_id p, uint64_t id) {
    if (auto* part = find(topic, p)) part->log->cancel_wait(id);
}

boost::asio::awaitable<void> partition_manager::stop() {
    stopping_ = true;
    if (timer_) timer_->cancel();
    co_await gate_.close();
    // Let fsyncs still in flight (interval flushes) finish before the logs go away.
    for (auto& [k, part] : partitions_) {
        if (!part->commit->in_flight()) continue;
        auto done = std::make_shared<runtime::wakeup>(co_await boost::asio::this_coro::executor);
        part->commit->request(part->log->log_end_offset(), [done](result<void>) { done->notify(); });
        co_await done->wait();
    }
    for (auto& [k, part] : partitions_) {
        if (auto r = part->log->close(); !r) {
            broker_log.warn("closing {}/{}: {}", k.first, k.second, r.error().message());
        }
    }
    partitions_.clear();
}

}  // namespace eddy::coord
