// partition_manager: the partitions one shard owns (runtime::shard_for decides which), with their logs,
// group commits and idempotent-producer state. One instance per shard (runtime::sharded); every method
// runs on that shard. broker.h is the API the rest of the process uses; it routes each call here on the
// owning shard.
//
// Invariants: a partition is in partitions_ only while its log is open; its producer state was replayed
// from the whole log when it was opened. produce() checks the producer state, appends and updates the
// state with no suspension in between (the log is single-threaded and the shard runs one task at a time).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "base/ids.h"
#include "base/result.h"
#include "coord/producer_state.h"
#include "coord/topic_config.h"
#include "io/clock.h"
#include "io/file.h"
#include "runtime/blocking_pool.h"
#include "runtime/gate.h"
#include "storage/compaction.h"
#include "storage/group_commit.h"
#include "storage/log.h"
#include "storage/partition_probe.h"
#include "storage/probe.h"

namespace eddy::coord {

// What a partition's log needs from the topic's configuration (broker defaults + topic overrides).
struct partition_settings {
    storage::log_config log;
    timestamp_type timestamps = timestamp_type::create_time;
};

struct produce_outcome {
    offset base;
    offset last;
    int64_t log_append_time = -1;  // -1 unless the topic uses LogAppendTime
    offset log_start;
};

struct fetch_outcome {
    byte_buffer data;    // whole batches, empty when there is nothing at the offset yet
    offset high_watermark;
    offset log_start;
    // Instead of data (read with file slices allowed, from a real file): where the batches lie in a
    // segment file, to be sent from there (sendfile).
    std::optional<storage::file_slice> slice;

    // Bytes of batches, in data or in the slice.
    [[nodiscard]] size_t size() const { return slice ? static_cast<size_t>(slice->size) : data.size(); }
};

// One partition's log as the admin API shows it, read on its owner shard.
struct partition_stats {
    offset log_start;
    offset log_end;  // also the high watermark: a single node commits everything it appends
    uint64_t size_bytes = 0;
    size_t segments = 0;
    shard_id owner{0};  // filled in by broker::describe_partition
};

// Where a shard's partitions record their metrics (both optional; owned by the broker).
struct partition_metrics {
    const storage::partition_families* partitions = nullptr;
    storage::storage_probe* storage = nullptr;
};

// How ListOffsets names special positions. Without tiered storage the earliest local offset (KIP-405)
// is the log start.
inline constexpr int64_t latest_timestamp = -1;
inline constexpr int64_t earliest_timestamp = -2;
inline constexpr int64_t max_timestamp = -3;  // KIP-734: the first record with the largest timestamp
inline constexpr int64_t earliest_local_timestamp = -4;

// A ListOffsets answer: an offset and the timestamp of the record there, -1 for positions that name no
// record (latest, earliest). Both -1 when no record qualifies.
struct listed_offset {
    offset value{-1};
    int64_t timestamp = -1;

    bool operator==(const listed_offset&) const = default;
};

class partition_manager {
public:
    // REQUIRES: fs, clock, pool and what metrics points to outlive this object. Constructed on its own shard.
    partition_manager(io::filesystem* fs, io::clock* clock, runtime::blocking_pool* pool, std::string data_dir,
                      std::chrono::milliseconds housekeeping_interval, partition_metrics metrics = {});
    ~partition_manager();
    partition_manager(const partition_manager&) = delete;
    partition_manager& operator=(const partition_manager&) = delete;

    // Starts this shard's periodic work (interval flushes, retention, compaction).
    void start_background();

    // Opens (recovering or creating) a partition and replays its producer state. A no-op if open.
    [[nodiscard]] result<void> open(const std::string& topic, partition_id p, const partition_settings& s);
    // Closes the partition; with delete_files its directory is removed as well.
    [[nodiscard]] boost::asio::awaitable<result<void>> remove(std::string topic, partition_id p, bool delete_files);
    [[nodiscard]] result<void> configure(const std::string& topic, partition_id p, const partition_settings& s);
    [[nodiscard]] bool has(const std::string& topic, partition_id p) const;
    [[nodiscard]] size_t size() const { return partitions_.size(); }

    // Validates and appends `batches` (one or more RecordBatch v2), patching them in place. With acks=all
    // (-1) and flush policy `always`, completes only once the appended data is durable; acks 1 and 0 start
    // that fsync without waiting for it. REQUIRES: batches stay valid until the append is done (the
    // synchronous part of this call).
    [[nodiscard]] boost::asio::awaitable<result<produce_outcome>> produce(std::string topic, partition_id p,
                                                                          mutable_bytes_view batches, int16_t acks);
    // Whole batches from `from`, up to max_bytes but at least one batch. max_bytes == 0: the offsets
    // only, no data (a Fetch whose byte budget is spent), yet an offset out of range is still an error.
    // With file_slices, batches the log can send from its files come back as a slice instead of data.
    [[nodiscard]] result<fetch_outcome> read(const std::string& topic, partition_id p, offset from,
                                             size_t max_bytes, bool file_slices = false);
    // latest_timestamp: the high watermark; earliest(_local)_timestamp: the log start; max_timestamp:
    // the first record with the largest timestamp; ts >= 0: the first record with timestamp >= ts.
    // Other negative values are INVALID_REQUEST.
    [[nodiscard]] result<listed_offset> list_offset(const std::string& topic, partition_id p, int64_t ts);
    [[nodiscard]] result<partition_stats> stats(const std::string& topic, partition_id p);
    // DeleteRecords: -1 means the high watermark. Returns the new log start.
    [[nodiscard]] result<offset> delete_records(const std::string& topic, partition_id p, int64_t before);
    // Calls cb (on this shard) once the log end passes `from`; 0 when it already has (cb was called).
    [[nodiscard]] result<uint64_t> wait_for_data(const std::string& topic, partition_id p, offset from,
                                                 std::function<void()> cb);
    void cancel_wait(const std::string& topic, partition_id p, uint64_t id);

    // Retention and compaction of every partition now (tests; the timer does this periodically).
    void housekeeping();
    // Flushes (synchronously) partitions whose interval policy says so.
    void flush_due();

    // Refuses new work, waits for in-flight produces, and closes every log.
    boost::asio::awaitable<void> stop();

private:
    struct partition {
        std::unique_ptr<storage::log> log;
        std::unique_ptr<storage::group_commit> commit;
        std::unique_ptr<storage::compactor> compactor;
        partition_producers producers;
        timestamp_type timestamps = timestamp_type::create_time;
        storage::partition_probe probe;
    };
    using key = std::pair<std::string, int32_t>;

    [[nodiscard]] partition* find(const std::string& topic, partition_id p);
    [[nodiscard]] result<produce_outcome> append(partition& part, mutable_bytes_view data);
    [[nodiscard]] static result<void> replay_producers(partition& part);
    boost::asio::awaitable<void> background_loop();

    io::filesystem& fs_;
    io::clock& clock_;
    runtime::blocking_pool& pool_;
    std::string data_dir_;
    std::chrono::milliseconds housekeeping_interval_;
    partition_metrics metrics_;
    std::map<key, std::unique_ptr<partition>> partitions_;
    runtime::gate gate_;
    std::unique_ptr<boost::asio::steady_timer> timer_;
    bool stopping_ = false;
};

// The effective log settings of a topic: broker defaults overridden by the topic's config.
[[nodiscard]] partition_settings effective_settings(const storage::log_config& defaults, const topic_config& c);

}  // namespace eddy::coord
