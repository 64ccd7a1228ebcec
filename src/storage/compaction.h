// Key-based compaction (cleanup_policy compact / compact_and_delete) of one log, run incrementally.
//
// A pass: (1) map: read the log from its start to the flushed offset seen when the pass began (only
// durable records may supersede others) and remember the newest offset of every key; (2) rewrite each segment that was closed when the pass began, one per
// step: keep a record only when it is the newest for its key, and drop tombstones (null values) once
// they are older than delete_retention_ms (by the batch's append time, or its maxTimestamp when that is
// unknown). Kept records keep their offsets: a batch is rebuilt with its original baseOffset,
// lastOffsetDelta, timestamps and producer fields, so offsets are never reused. Batches with nothing
// removed are copied verbatim; compressed batches are kept whole (their records are not inspected);
// a batch left empty is dropped, and a segment left empty is deleted.
//
// Crash safety (docs/formats/segment.md): the new segment is written as "<base>.{log,index,timeindex}
// .cleaned", synced; the index files are renamed to ".swap", the directory synced, then the log file to
// ".log.swap" (the commit point), the directory synced; then all three are renamed over the originals.
// Recovery deletes ".cleaned" leftovers and completes any swap whose ".log.swap" exists.
//
// Only closed segments are touched, so appends and reads go on between steps; the active segment is
// never rewritten. Runs on the log's owner shard, like every log call.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "storage/log.h"

namespace eddy::storage {

struct compaction_stats {
    uint64_t segments_rewritten = 0;
    uint64_t segments_removed = 0;
    uint64_t records_removed = 0;
    uint64_t bytes_before = 0;  // of the rewritten/removed segments
    uint64_t bytes_after = 0;
};

class compactor {
public:
    // REQUIRES: l outlives this object.
    explicit compactor(log& l) : log_(l) {}

    // Does a bounded amount of work (about budget_bytes of reading while mapping, or one segment
    // rewrite). Returns true while the pass has more to do, false when it is finished (or there was
    // nothing to compact). The next call after false starts a new pass.
    [[nodiscard]] result<bool> step(size_t budget_bytes = 1 << 20);
    [[nodiscard]] const compaction_stats& stats() const { return stats_; }

private:
    enum class phase { idle, mapping, rewriting };
    [[nodiscard]] bool begin();
    [[nodiscard]] result<void> map_step(size_t budget_bytes);
    [[nodiscard]] result<void> rewrite(offset base);
    [[nodiscard]] result<void> swap_in(size_t index, offset base, const std::vector<byte_buffer>& batches,
                                       const std::vector<int64_t>& append_times);
    [[nodiscard]] bool keep_record(offset o, const record_view& r, int64_t batch_time, int64_t now) const;

    log& log_;
    phase phase_ = phase::idle;
    offset cursor_{0};
    offset map_end_{0};
    std::unordered_map<std::string, int64_t> latest_;  // key -> newest offset
    std::vector<offset> to_clean_;
    size_t next_clean_ = 0;
    compaction_stats stats_;
};

// A whole pass at once (tests, CLI).
[[nodiscard]] result<compaction_stats> compact(log& l);

}  // namespace eddy::storage
