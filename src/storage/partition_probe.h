// Per-partition metrics (docs/metrics.md): records and bytes appended and read, and the log's size,
// segment count, start and end offsets, each labelled {topic, partition}.
//
// partition_families is registered once (by the broker); coord's partition_manager keeps one
// partition_probe per open partition, on the partition's owner shard, and calls it once per append, read
// and log change (retention, DeleteRecords, compaction). Updates are the owner shard's own metric cells:
// no lock, no shared cache line. The log gauges are set by the owner, so they are simply the log's values.
// When a topic is deleted the broker drops every series of it with registry.remove_series("topic", name).
#pragma once

#include <cstdint>
#include <string>

#include "base/ids.h"
#include "base/result.h"
#include "bytes/bytes.h"
#include "observability/metric_registry.h"

namespace eddy::storage {

class log;

struct partition_families {
    observability::counter_family appended_records;  // eddy_partition_appended_records_total
    observability::counter_family appended_bytes;    // eddy_partition_appended_bytes_total
    observability::counter_family read_records;      // eddy_partition_read_records_total
    observability::counter_family read_bytes;        // eddy_partition_read_bytes_total
    observability::gauge_family size;                // eddy_partition_log_size_bytes
    observability::gauge_family segments;            // eddy_partition_log_segments
    observability::gauge_family start_offset;        // eddy_partition_log_start_offset
    observability::gauge_family end_offset;          // eddy_partition_log_end_offset

    [[nodiscard]] static result<partition_families> register_in(observability::metric_registry& registry);
};

// Records in whole RecordBatch v2 batches laid back to back (their recordsCount fields); a truncated
// last batch is not counted.
[[nodiscard]] uint64_t count_records(bytes_view batches);

// One partition's handles; lives on the partition's owner shard. An empty probe records nothing.
// REQUIRES: every update comes from the same thread, the owner's: a gauge's value is the sum of each
// thread's last set(), so log_changed() from two threads would add up.
class partition_probe {
public:
    partition_probe() = default;
    // Creates the partition's series (locks; call when the partition is opened).
    // REQUIRES: f outlives the probe.
    partition_probe(const partition_families& f, const std::string& topic, partition_id p);

    void appended(uint64_t records, uint64_t bytes) {
        if (!f_) return;
        appended_records_.add(records);
        appended_bytes_.add(bytes);
    }
    void read(uint64_t records, uint64_t bytes) {
        if (!f_) return;
        read_records_.add(records);
        read_bytes_.add(bytes);
    }
    // Publishes the log's start and end offsets, size and segment count.
    void log_changed(const storage::log& l);

private:
    const partition_families* f_ = nullptr;
    observability::counter appended_records_;
    observability::counter appended_bytes_;
    observability::counter read_records_;
    observability::counter read_bytes_;
    observability::gauge size_;
    observability::gauge segments_;
    observability::gauge start_offset_;
    observability::gauge end_offset_;
};

}  // namespace eddy::storage
