// storage::log: the durable log of one partition, a sequence of segments in
// <data>/topics/<topic>/<partition>/. Owned by one shard; synchronous and single-threaded (the only
// cross-thread call is run_flush(), which the runtime runs on its blocking pool, for group commit and for
// the fsyncs a segment roll leaves behind).
//
// Public API in brief:
//   auto l = log::open(fs, clock, dir, cfg);              // creates or recovers (torn tail truncated)
//   auto a = l->append(batches);  a->base .. a->last        // one or more RecordBatch v2, assigned offsets
//   auto r = l->read(from, max_bytes);  r->data             // whole batches, the one holding `from` first
//   l->offset_for_timestamp(t);                             // first offset with timestamp >= t
//   l->flush();  l->flushed_offset();                       // fsync (or prepare/run/complete_flush, or
//                                                           //  group_commit for "ack after durable")
//   l->log_start_offset(), l->log_end_offset()              // [start, end) is readable
//   l->roll(), l->apply_retention(), l->truncate_prefix(o)  // maintenance; compaction: storage/compaction.h
//   l->wait_for_data(from, cb)                              // cb once log_end_offset() > from
//
// Guarantees: offsets are assigned contiguously and never reused; everything flushed survives a crash;
// after recovery the log is a prefix of what was appended (possibly longer than the flushed prefix, never
// corrupt); damage other than a torn tail is errc::corrupt_log, never served. After an fsync failure or an
// unrecoverable write failure the log refuses appends and flushes (errc::log_failed) until reopened.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "io/clock.h"
#include "io/file.h"
#include "storage/log_config.h"
#include "storage/segment.h"

namespace eddy::storage {

struct append_result {
    offset base;               // offset of the first record appended
    offset last;               // offset of the last record appended
    timestamp_ms append_time;  // broker wall clock, recorded in the time index
};

struct read_result {
    byte_buffer data;                // whole batches, back to back, as stored
    std::vector<batch_info> batches;  // one per batch in data
    offset next_offset;              // where the next read should start
    offset log_start;
    offset log_end;
};

class log {
public:
    // Opens (recovering) or creates the log in dir. REQUIRES: fs and clock outlive the log.
    [[nodiscard]] static result<std::unique_ptr<log>> open(io::filesystem& fs, io::clock& clock, std::string dir,
                                                          log_config cfg);
    // Does not flush: dropping a log models a crash. Call close() for a clean shutdown.
    ~log();
    log(const log&) = delete;
    log& operator=(const log&) = delete;

    // Validates every batch (producer rules, max_message_bytes, keys on compacted logs) before writing any,
    // assigns offsets from log_end_offset(), and writes them in one write (page cache only; see flush).
    [[nodiscard]] result<append_result> append(bytes_view batches);
    // Same, patching base offsets in the caller's buffer instead of copying it.
    [[nodiscard]] result<append_result> append_in_place(mutable_bytes_view batches);

    // Whole batches from the one holding `from` (or the first after it, where compaction left a gap), up
    // to max_bytes but always at least one batch, and only batches whose last offset < upto (default:
    // log end; pass flushed_offset() to serve durable data only). errc::offset_out_of_range when from is
    // outside [log_start_offset, log_end_offset]; from == log end gives an empty result.
    [[nodiscard]] result<read_result> read(offset from, size_t max_bytes, std::optional<offset> upto = {});
    // read()'s batches as a stretch of a segment file, for sending without reading them (sendfile): only
    // headers are read. nullopt when that cannot serve them (the file has no OS handle, or the log checks
    // CRCs on read and some of those bytes were not checked in this process yet): call read() then, which
    // checks them, so the next read_slice there succeeds. A slice of size 0 when there is nothing to read.
    [[nodiscard]] result<std::optional<file_slice>> read_slice(offset from, size_t max_bytes,
                                                               std::optional<offset> upto = {});
    // First offset whose record timestamp >= t (never below log start); nullopt when there is none.
    [[nodiscard]] result<std::optional<offset>> offset_for_timestamp(timestamp_ms t);
    // The largest batch maxTimestamp in the log (ListOffsets MAX_TIMESTAMP); -1 when it holds no batch.
    // Segments are whole, so a batch below the log start may still count.
    [[nodiscard]] int64_t max_timestamp() const;
    // The broker append time of the batch holding o, when known (closed segments read it from disk).
    [[nodiscard]] result<std::optional<timestamp_ms>> append_time_of(offset o);

    // fsync of everything appended so far (and of what rolls left, see roll()); flushed_offset() ==
    // log_end_offset() after success.
    [[nodiscard]] result<void> flush();
    // The same in three steps, so the fsyncs can run on another thread:
    //   t = prepare_flush() (owner) -> run_flush(t) (any thread, blocks) -> complete_flush(t, r) (owner).
    // Tickets may overlap (a flush() while group commit's is on the blocking pool): each one does all the
    // roll work pending when it was prepared, and that work is idempotent.
    struct flush_ticket {
        // What rolls left, per segment in log order: renames of its files to their final names, then
        // syncs of its files; the directory is synced after everything when there is any.
        struct roll_step {
            offset base;
            std::vector<std::pair<std::string, std::string>> renames;
            std::vector<std::shared_ptr<io::file>> syncs;
        };
        std::shared_ptr<io::file> file;  // the active segment's .log; null when there is nothing to sync
        offset upto;
        std::vector<roll_step> rolled;
        io::filesystem* fs = nullptr;  // with the directory, set when rolled is not empty
        std::string dir;
    };
    [[nodiscard]] flush_ticket prepare_flush();
    [[nodiscard]] static result<void> run_flush(const flush_ticket& t);
    void complete_flush(const flush_ticket& t, const result<void>& r);
    // Lets the owner run the fsyncs a roll leaves off its thread: after each roll the log calls start(),
    // which must soon run a flush ticket (prepare_flush -> run_flush on another thread -> complete_flush),
    // as group_commit does (it installs itself here). Pass nullptr to remove. Without it roll() flushes
    // inline. REQUIRES: start does not call back into the log synchronously.
    void set_background_flush(std::function<void()> start) { background_flush_ = std::move(start); }
    // Is roll work (a closed segment not yet synced, a new segment not yet under its final name) waiting
    // for a flush? False once the log has failed.
    [[nodiscard]] bool roll_work_pending() const { return !failed_ && !unsettled_.empty(); }
    // Should the owner flush now, per the flush policy? (always: anything unflushed; interval: unflushed
    // and the interval has passed since the last flush; never: no.)
    [[nodiscard]] bool flush_due() const;

    [[nodiscard]] offset log_start_offset() const { return start_; }
    [[nodiscard]] offset log_end_offset() const { return next_; }
    [[nodiscard]] offset flushed_offset() const { return flushed_; }
    [[nodiscard]] uint64_t size_bytes() const;
    // Bytes appended since the log was opened (monotonic; group commit derives its bytes per fsync).
    [[nodiscard]] uint64_t appended_bytes() const { return appended_bytes_; }
    [[nodiscard]] size_t segment_count() const { return segments_.size(); }
    [[nodiscard]] bool failed() const { return failed_; }
    [[nodiscard]] const std::string& dir() const { return dir_; }
    [[nodiscard]] const log_config& config() const { return cfg_; }
    [[nodiscard]] result<void> set_config(const log_config& cfg);

    // Closes the active segment and starts a new one at log end. No-op when it is empty. The fsyncs this
    // needs (the closed segment's three files, then the new segment's name) run with the next flush, which
    // the background flush (see set_background_flush) starts at once; without one, roll() flushes inline.
    // Until then the new segment's files carry rolling_suffix, so a crash can never leave a segment with
    // a durable name after a closed segment that was not synced (recovery deletes rolling files, and the
    // closed segment, last again, gets its torn tail cut like any active segment).
    [[nodiscard]] result<void> roll();
    // Deletes whole closed segments past retention_ms (by their max timestamp) or retention_bytes (oldest
    // first), never the active one nor one whose roll work is pending. No-op for cleanup_policy::compact.
    // Returns the number deleted.
    [[nodiscard]] result<size_t> apply_retention();
    // DeleteRecords: makes new_start the log start (persisted before returning) and deletes segments wholly
    // below it. errc::offset_out_of_range when new_start > log end; a no-op when <= log start.
    [[nodiscard]] result<void> truncate_prefix(offset new_start);

    using waiter_id = uint64_t;
    // Calls cb once log_end_offset() > from: immediately (returning 0) when already so, else from inside
    // the append that makes it so. Callbacks run on the owner and must not block. Dropped on close.
    waiter_id wait_for_data(offset from, std::function<void()> cb);
    bool cancel_wait(waiter_id id);

    // Syncs the active segment's files; the log is unusable afterwards.
    [[nodiscard]] result<void> close();

private:
    // errc::offset_out_of_range unless from is in [log start, log end].
    [[nodiscard]] result<void> check_readable(offset from) const;
    friend class compactor;
    log(io::filesystem& fs, io::clock& clock, std::string dir, log_config cfg);
    [[nodiscard]] result<void> recover();
    [[nodiscard]] result<void> load_segments(const std::vector<offset>& bases);
    [[nodiscard]] result<void> persist_log_start(offset o);
    [[nodiscard]] result<std::optional<offset>> read_log_start();
    [[nodiscard]] result<void> new_segment(offset base);
    [[nodiscard]] result<void> remove_front_segments(size_t n);
    [[nodiscard]] bool should_roll(uint64_t bytes, offset last, int64_t now) const;
    [[nodiscard]] result<void> check_batches(bytes_view data, std::vector<batch_header>& out) const;
    void fire_waiters();
    [[nodiscard]] segment& active() { return *segments_.back(); }
    // Index of the first segment with roll work pending (segments_.size() when none): segments from there
    // on are neither deleted nor compacted until a flush settles them.
    [[nodiscard]] size_t first_unsettled() const;
    // The segment holding offset o, or the first after it; segments_.size() when none.
    [[nodiscard]] size_t segment_index_for(offset o) const;

    io::filesystem& fs_;
    io::clock& clock_;
    std::string dir_;
    log_config cfg_;
    std::vector<std::unique_ptr<segment>> segments_;  // by base offset; back() is the active one
    offset start_{0};
    offset next_{0};
    offset flushed_{0};
    io::clock::duration last_flush_{0};
    bool failed_ = false;
    uint64_t appended_bytes_ = 0;
    // Base offsets of the segments with roll work pending (ascending; always the last few segments).
    // Such a segment's object knows which: renames_to_final() not empty, or in unsynced_.
    std::vector<offset> unsettled_;
    std::vector<offset> unsynced_;  // closed by a roll, files not yet synced
    std::function<void()> background_flush_;
    waiter_id next_waiter_ = 1;
    std::map<waiter_id, std::pair<offset, std::function<void()>>> waiters_;
    // The headers of the batches being appended, kept between appends so an append does not allocate.
    std::vector<batch_header> headers_;
};

// <data_dir>/topics/<topic>/<partition>
[[nodiscard]] std::string partition_directory(std::string_view data_dir, std::string_view topic, partition_id p);

struct partition_location {
    std::string topic;
    partition_id partition;
    std::string dir;
    bool operator==(const partition_location&) const = default;
};
// Every <data_dir>/topics/<topic>/<partition> directory (partition a decimal number), sorted by topic
// then partition. An absent topics/ directory means none.
[[nodiscard]] result<std::vector<partition_location>> discover_partitions(io::filesystem& fs,
                                                                        const std::string& data_dir);

}  // namespace eddy::storage
