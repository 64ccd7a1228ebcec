// group_log: the durable home of consumer-group records (committed offsets, group metadata), Kafka's
// __consumer_offsets. One compacted storage::log with a single partition, by default in
// <data_dir>/meta/__consumer_offsets/0 (under meta/, so it is never listed as a user topic).
//
// Each append writes the given coord::records as one uncompressed RecordBatch v2 (key = record key,
// value = record value, null for a tombstone); when_durable() acknowledges through storage::group_commit,
// so one fsync covers every append made meanwhile. read_all() returns every record in log order, which
// is what group_coordinator::load() expects. Compaction (by key, storage/compaction.h) keeps the newest
// record of every key and drops tombstones after delete_retention_ms, so the log stays about the size of
// the live state.
//
// Lives on one shard (the group service's home); not thread-safe. The fsync itself runs wherever the
// run_blocking hook sends it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "coord/record.h"
#include "io/clock.h"
#include "io/file.h"
#include "storage/compaction.h"
#include "storage/group_commit.h"
#include "storage/log.h"

namespace eddy::coord {

// The settings of the offsets log: compacted, small segments so compaction (closed segments only)
// reaches recent history, and a large batch limit because one OffsetCommit may carry many partitions.
[[nodiscard]] storage::log_config default_group_log_config();

// <data_dir>/meta/__consumer_offsets/0
[[nodiscard]] std::string group_log_directory(std::string_view data_dir);

class group_log {
public:
    using executor = storage::group_commit::executor;

    // Opens (recovering) or creates the log in dir, creating missing directories.
    // REQUIRES: fs and clock outlive the object; cfg is compacted.
    [[nodiscard]] static result<std::unique_ptr<group_log>> open(io::filesystem& fs, io::clock& clock, std::string dir,
                                                                storage::log_config cfg, executor run_blocking,
                                                                executor post_back);
    ~group_log();
    group_log(const group_log&) = delete;
    group_log& operator=(const group_log&) = delete;

    // Every record from the log start to its end, in offset order.
    [[nodiscard]] result<std::vector<record>> read_all();
    // Appends records as one batch (page cache only). Returns the log end after the append.
    // REQUIRES: !records.empty().
    [[nodiscard]] result<offset> append(const std::vector<record>& records);
    // Calls done once everything appended so far is durable (at once when it already is).
    void when_durable(storage::group_commit::callback done);
    // One bounded step of compaction; true while the pass has more to do.
    [[nodiscard]] result<bool> compact_step();

    [[nodiscard]] bool failed() const { return log_->failed(); }
    [[nodiscard]] bool flush_in_flight() const { return commit_.in_flight(); }
    [[nodiscard]] storage::log& log() { return *log_; }

    // Syncs and closes the log. REQUIRES: no fsync in flight.
    [[nodiscard]] result<void> close();

private:
    group_log(io::clock& clock, std::unique_ptr<storage::log> l, executor run_blocking, executor post_back);

    io::clock& clock_;
    std::unique_ptr<storage::log> log_;
    storage::group_commit commit_;
    storage::compactor compactor_;
};

}  // namespace eddy::coord
