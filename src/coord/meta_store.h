// meta_store: the durable home of the broker's coordination records (record.h): the topic catalog and
// producer-id blocks. It is one storage::log at <data_dir>/meta/__eddy_meta, outside topics/ so it is
// never served as a topic. Each record is one Kafka record (key, value; a null value is a tombstone) in
// a RecordBatch v2, so the log's recovery and CRC checks protect it like any partition.
//
// Lives on the broker's control shard (0); not thread-safe. Appends are flushed before append()
// returns: admin requests are rare and must not be acknowledged before they are durable.
//
// The log is compacted by key (latest record per key; tombstones dropped after delete_retention_ms), so
// topic churn does not grow it, or the start-up replay, without bound. append() runs a whole compaction
// pass inline once the log has grown by compact_growth_bytes and doubled since the last pass: the pass
// rolls the active segment first (only closed segments are compacted), so what it keeps is in log order
// and load() rebuilds the same state.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "coord/record.h"
#include "io/clock.h"
#include "io/file.h"
#include "storage/compaction.h"
#include "storage/log.h"

namespace eddy::coord {

class meta_store {
public:
    // Opens (recovering) or creates the log. REQUIRES: fs and clock outlive the store.
    [[nodiscard]] static result<std::unique_ptr<meta_store>> open(io::filesystem& fs, io::clock& clock,
                                                                 const std::string& data_dir,
                                                                 uint64_t compact_growth_bytes = 1 << 20);
    // Every record in log order.
    [[nodiscard]] result<std::vector<record>> load();
    // Appends records in one batch and fsyncs. A no-op for an empty list.
    [[nodiscard]] result<void> append(const std::vector<record>& records);
    [[nodiscard]] result<void> close() { return log_->close(); }
    // A whole compaction pass now (append() calls it when the log has grown enough).
    [[nodiscard]] result<void> compact();

    [[nodiscard]] uint64_t size_bytes() const { return log_->size_bytes(); }
    [[nodiscard]] size_t segment_count() const { return log_->segment_count(); }
    [[nodiscard]] const storage::compaction_stats& compaction_stats() const { return compactor_.stats(); }

private:
    meta_store(std::unique_ptr<storage::log> l, uint64_t compact_growth_bytes);
    std::unique_ptr<storage::log> log_;
    storage::compactor compactor_;
    uint64_t compact_growth_bytes_;
    uint64_t size_after_compaction_ = 0;
};

// <data_dir>/meta/__eddy_meta
[[nodiscard]] std::string meta_log_directory(const std::string& data_dir);

}  // namespace eddy::coord
