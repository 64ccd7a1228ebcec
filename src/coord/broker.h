// broker: the Kafka broker's core as a service, callable from any shard. It owns
//   - on every shard, a partition_manager with the partitions that shard owns (runtime::shard_for);
//   - on the control shard (0), the topic catalog, the producer-id allocator and the meta log
//     (meta_store.h) that persists both; a semaphore there serializes admin changes.
// Data calls (produce, read, list offsets, delete records, waits) hop to the partition's owner; admin
// calls hop to shard 0, change the catalog, make its records durable, then open/close/reconfigure the
// partitions on their owners before answering, so an answered CreateTopics is visible everywhere.
//
// Errors are coord::errc / storage::errc values; kafka/server translates them to Kafka error codes.
// Start-up: the catalog is loaded, every catalog partition is opened (recovered) on its owner, and
// partition directories found on disk without a catalog entry are adopted as topics (data is never
// dropped because metadata is missing).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "base/ids.h"
#include "base/result.h"
#include "coord/partition_manager.h"
#include "coord/producer_state.h"
#include "coord/topic_catalog.h"
#include "io/clock.h"
#include "io/file.h"
#include "observability/metric_registry.h"
#include "runtime/blocking_pool.h"
#include "runtime/service.h"
#include "runtime/shard.h"
#include "runtime/sharded.h"

namespace eddy::coord {

struct broker_options {
    std::string data_dir;
    bool auto_create_topics = true;       // Metadata (allow_auto_topic_creation) and Produce create topics
    int32_t default_partitions = 1;       // num.partitions
    storage::log_config log_defaults;     // per-topic defaults, including the flush policy
    std::chrono::milliseconds housekeeping_interval{10'000};  // retention + compaction period per shard
    std::optional<uint64_t> topic_id_seed;  // random when unset
    // Receives the per-partition and storage metrics (storage/partition_probe.h, storage/probe.h); a
    // deleted topic's series are removed from it. Optional; REQUIRES: outlives the broker.
    observability::metric_registry* registry = nullptr;
};

struct produce_request_data {
    std::string topic;
    partition_id partition;
    bytes batches;  // the batches, owned; unused when `borrowed` is set
    int16_t acks = -1;
    // Batches that live elsewhere (a Kafka request frame), appended in place (base offsets patched) instead
    // of being copied. REQUIRES: they stay valid until produce() completes.
    mutable_bytes_view borrowed = {};
};

// One partition of broker::read_many.
struct read_request {
    std::string topic;
    partition_id partition;
    offset from;
    size_t max_bytes = 0;  // this partition's limit
};

// A partition to watch in a long-poll.
struct watch_point {
    std::string topic;
    partition_id partition;
    offset from;
};

class broker final : public runtime::service {
public:
    template <typename T>
    using awaitable = boost::asio::awaitable<T>;

    // REQUIRES: shards, pool, fs and clock outlive the broker.
    broker(runtime::shard_set& shards, runtime::blocking_pool& pool, io::filesystem& fs, io::clock& clock,
           broker_options options);
    ~broker() override;

    [[nodiscard]] std::string_view name() const override { return "broker"; }
    [[nodiscard]] awaitable<result<void>> start() override;
    awaitable<void> stop() override;
    [[nodiscard]] const broker_options& options() const { return options_; }

    // --- catalog (runs on shard 0) ---
    [[nodiscard]] awaitable<std::vector<topic_info>> list_topics();
    // The topic; creates it with default settings when absent and `create` is true.
    // INVALID_TOPIC_EXCEPTION for an invalid name, UNKNOWN_TOPIC_OR_PARTITION when absent.
    [[nodiscard]] awaitable<result<topic_info>> describe_topic(std::string name, bool create);
    [[nodiscard]] awaitable<result<topic_info>> create_topic(create_topic_request req);
    [[nodiscard]] awaitable<result<void>> delete_topic(std::string name);
    [[nodiscard]] awaitable<result<void>> create_partitions(std::string name, int32_t total, bool validate_only);
    // IncrementalAlterConfigs: applies the changes to the current overrides.
    [[nodiscard]] awaitable<result<void>> alter_config(std::string name, std::vector<config_change> changes,
                                                       bool validate_only);
    // AlterConfigs: the given entries replace every override.
    [[nodiscard]] awaitable<result<void>> replace_config(std::string name, config_entries entries, bool validate_only);
    [[nodiscard]] awaitable<producer_identity> init_producer_id();

    // --- data (runs on the partition's owner) ---
    // Auto-creates the topic (when enabled) if it does not exist.
    [[nodiscard]] awaitable<result<produce_outcome>> produce(produce_request_data req);
    [[nodiscard]] awaitable<result<fetch_outcome>> read(std::string topic, partition_id p, offset from,
                                                        size_t max_bytes);
    // Reads several partitions (a Fetch) with one cross-shard call per owner shard, the shards in parallel
    // (the calling shard's own partitions inline). On each shard the partitions are read in the given
    // order, each limited to its max_bytes and to what that shard's earlier reads left of total_max_bytes;
    // once that is spent the rest get their offsets only. Results in the given order. Several shards may
    // together return up to shards x total_max_bytes: the caller applies the budget across them. With
    // file_slices, batches that can be sent from their segment file come back as slices (fetch_outcome).
    [[nodiscard]] awaitable<std::vector<result<fetch_outcome>>> read_many(std::vector<read_request> reqs,
                                                                        size_t total_max_bytes,
                                                                        bool file_slices = false);
    // ListOffsets: the offset and record timestamp for `timestamp`, see partition_manager::list_offset.
    [[nodiscard]] awaitable<result<listed_offset>> lookup_offset(std::string topic, partition_id p, int64_t timestamp);
    // The offset alone (-1 when no record qualifies): what callers naming positions (latest_timestamp,
    // earliest_timestamp) need.
    [[nodiscard]] awaitable<result<offset>> list_offset(std::string topic, partition_id p, int64_t timestamp);
    [[nodiscard]] awaitable<result<offset>> delete_records(std::string topic, partition_id p, int64_t before);
    // Log start and end, size and segment count of one partition, and its owner shard (admin API).
    [[nodiscard]] awaitable<result<partition_stats>> describe_partition(std::string topic, partition_id p);
    // Returns when any watched partition's log end passes its `from`, or at the deadline. Unknown
    // partitions are ignored (the re-read reports them).
    [[nodiscard]] awaitable<void> wait_for_any(std::vector<watch_point> points,
                                               std::chrono::steady_clock::time_point deadline);

    // Runs housekeeping (retention, compaction) on every shard now (tests).
    [[nodiscard]] awaitable<void> housekeeping_now();

private:
    struct control_state;

    [[nodiscard]] shard_id owner(const std::string& topic, partition_id p) const;
    [[nodiscard]] awaitable<result<void>> open_partitions(topic_info t, int32_t from);
    [[nodiscard]] awaitable<result<void>> configure_partitions(topic_info t);
    [[nodiscard]] awaitable<result<void>> load_and_recover();
    [[nodiscard]] awaitable<result<topic_info>> create_on_control(create_topic_request req);
    [[nodiscard]] awaitable<result<void>> commit_config(std::string name, std::vector<config_change> changes,
                                                        bool validate_only);

    runtime::shard_set& shards_;
    runtime::blocking_pool& pool_;
    io::filesystem& fs_;
    io::clock& clock_;
    broker_options options_;
    std::optional<storage::partition_families> partition_families_;
    std::optional<storage::storage_families> storage_families_;
    std::optional<storage::storage_probe> storage_probe_;
    runtime::sharded<partition_manager> partitions_;
    std::unique_ptr<control_state> control_;  // touched only on shard 0
    bool started_ = false;
};

}  // namespace eddy::coord
