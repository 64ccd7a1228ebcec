// One segment of a partition log: <base>.log (record batches stored verbatim), <base>.index (sparse
// offset index) and <base>.timeindex (dense per-batch time index with append times), in the partition
// directory. See docs/formats/segment.md and docs/formats/index.md.
//
// Invariants: batches in the .log are back to back from position 0 to size_bytes(); every one passed
// validation; base offsets strictly increase and each batch's base > the previous batch's last offset;
// the offset index in memory describes exactly those batches; the time index is its file plus the entries
// not written yet (pending), summarized in memory one block of entries at a time; the index files hold a
// prefix-consistent copy (rewritten whole on recovery). Owned by one shard; not thread-safe, except that the shared log file
// may be synced from another thread (io::file allows that).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "io/file.h"
#include "storage/index.h"
#include "storage/log_config.h"
#include "storage/record_batch.h"

namespace eddy::storage {

// Suffix of the three files of a segment that a roll created and whose name is not final yet (see
// log::roll): recovery deletes such files.
inline constexpr std::string_view rolling_suffix = ".rolling";

// "<base, 20 digits><ext>", e.g. "00000000000000000042.log".
[[nodiscard]] std::string segment_file_name(offset base, std::string_view ext);
// Parses a "<20 digits>.log" name; nullopt for anything else.
[[nodiscard]] std::optional<offset> parse_segment_file_name(std::string_view name);

// What read() returns for each batch it serves.
struct batch_info {
    offset base;
    offset last;
    int64_t append_time = -1;  // broker wall-clock ms at append; -1 when unknown
};

// Whole batches lying in a segment file, to be sent from there without being read (sendfile).
struct file_slice {
    std::shared_ptr<io::file> file;     // keeps the file open: a segment deleted meanwhile stays readable
    uint64_t pos = 0;                   // where the first batch starts
    uint64_t size = 0;                  // bytes, the batches back to back
    std::vector<uint32_t> batch_sizes;  // each batch's size, in order
    uint64_t records = 0;               // records in them (from the headers)
};

class segment {
public:
    // Creates the three files (empty). Fails with EEXIST when the log file exists. A suffix (compaction's
    // ".cleaned") is appended to every file name.
    [[nodiscard]] static result<std::unique_ptr<segment>> create(io::filesystem& fs, const std::string& dir,
                                                                offset base, const log_config& cfg,
                                                                std::string suffix = {});
    // Opens existing files. The active segment is scanned whole: a torn or corrupt tail is truncated
    // (corruption followed by a valid batch is errc::corrupt_log). A closed segment's indexes are checked
    // and its tail verified; damaged or missing indexes are rebuilt; any bad batch is errc::corrupt_log.
    [[nodiscard]] static result<std::unique_ptr<segment>> open(io::filesystem& fs, const std::string& dir,
                                                              offset base, bool active, const log_config& cfg);

    [[nodiscard]] offset base() const { return base_; }
    // One past the last offset held; base() when empty.
    [[nodiscard]] offset next_offset() const { return next_; }
    [[nodiscard]] bool empty() const { return size_ == 0; }
    [[nodiscard]] uint64_t size_bytes() const { return size_; }
    // Bytes from the start of the .log whose batches' CRCs were checked in this process (see verified_).
    [[nodiscard]] uint64_t verified_bytes() const { return verified_; }
    // Largest maxTimestamp of any batch; -1 when empty.
    [[nodiscard]] int64_t max_timestamp() const { return max_ts_; }
    // Append time and maxTimestamp of the first batch (nullopt when empty or unknown).
    [[nodiscard]] std::optional<int64_t> first_append_time() const;
    [[nodiscard]] std::optional<int64_t> first_max_timestamp() const;
    [[nodiscard]] const std::vector<offset_index_entry>& offset_entries() const { return offsets_; }
    // The whole time index (the .timeindex file, then the entries not written yet).
    [[nodiscard]] result<std::vector<time_index_entry>> time_index();
    // Append time of the batch holding offset o; -1 when unknown or o is not in this segment.
    [[nodiscard]] result<int64_t> append_time_of(offset o);
    // Marks a closed segment: no more appends. REQUIRES: no time-index entry pending (write_indexes ran).
    void seal();
    [[nodiscard]] bool sealed() const { return sealed_; }
    // Has an earlier failed append left files this object could not restore? Then the log must stop.
    [[nodiscard]] bool broken() const { return broken_; }

    // Appends batches (back to back in data, described by headers, in one write).
    // REQUIRES: each passed validate_batch with its base offset already set; offsets increase from
    // next_offset(); last - base() fits in uint32; !broken(). On error nothing changes (files are rolled
    // back), or broken() becomes true when the rollback itself failed.
    [[nodiscard]] result<void> append(bytes_view data, std::span<const batch_header> headers, int64_t append_time);

    // Whole batches starting with the first whose last offset >= from, at most max_bytes in total but
    // always at least one batch; only batches whose last offset < limit. Empty when none.
    [[nodiscard]] result<byte_buffer> read(offset from, size_t max_bytes, offset limit, std::vector<batch_info>* infos);
    // Where read() would take its batches from, without reading them: only their headers are read.
    // size 0 when there are none.
    [[nodiscard]] result<file_slice> read_slice(offset from, size_t max_bytes, offset limit);
    // The first offset at or after `from` whose record timestamp >= t, looking only in this segment.
    [[nodiscard]] result<std::optional<offset>> offset_for_timestamp(int64_t t);
    // Reads the batch that starts at position pos (for compaction and tests).
    [[nodiscard]] result<byte_buffer> read_batch_at(uint64_t pos);
    // Positions of every batch, in order (scans the headers).
    [[nodiscard]] result<std::vector<uint64_t>> batch_positions();

    [[nodiscard]] result<void> sync_log();
    // Syncs the .log, .index and .timeindex files (on close).
    [[nodiscard]] result<void> sync_all();
    // Writes index entries still held only in memory (to the page cache), so the files are complete.
    [[nodiscard]] result<void> write_indexes();
    [[nodiscard]] std::shared_ptr<io::file> log_file() const { return log_; }
    // The .log, .index and .timeindex files, for a sync on another thread.
    [[nodiscard]] std::vector<std::shared_ptr<io::file>> files() const { return {log_, index_file_, time_file_}; }
    // (current path, final path) of each file, indexes first, while the files carry a suffix (created with
    // rolling_suffix); empty once named_final().
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> renames_to_final() const;
    // Records that the files now have their final names (the renames ran elsewhere).
    void named_final() { suffix_.clear(); }
    // Closes and deletes the three files. REQUIRES: the segment is no longer used.
    [[nodiscard]] result<void> remove_files();
    [[nodiscard]] const std::string& dir() const { return dir_; }

private:
    segment(io::filesystem& fs, std::string dir, offset base, const log_config& cfg, std::string suffix = {});
    [[nodiscard]] result<void> open_files(io::open_mode mode);
    [[nodiscard]] result<void> recover_active();
    [[nodiscard]] result<void> load_closed();
    // Builds the in-memory indexes from scanned batches, keeping append times found in old_times.
    void rebuild_from(const std::vector<std::pair<uint64_t, batch_header>>& batches,
                      const std::vector<time_index_entry>& old_times);
    [[nodiscard]] result<void> rewrite_index_files();
    // The whole batches at the front of buf (read from position pos) whose last offset < limit; checks
    // their CRCs when configured.
    [[nodiscard]] result<byte_buffer> take_batches(byte_buffer buf, uint64_t pos, offset limit, std::vector<batch_info>* infos);
    void add_entries(uint64_t pos, const batch_header& h, int64_t append_time);
    void add_time(const time_index_entry& e);
    // Counts entry e into the summaries (count, largest maxTimestamp, first append time, blocks) without
    // keeping it: add_time for entries that are in the .timeindex file already.
    void note_time(const time_index_entry& e);
    // Fills append_time of infos[from..] (batches of this segment, in order).
    [[nodiscard]] result<void> fill_append_times(std::vector<batch_info>& infos, size_t from);
    // Entries [from, from + n) of the time index: those in the file read from it, the rest from pending_times_.
    [[nodiscard]] result<std::vector<time_index_entry>> time_entries(size_t from, size_t n);
    // Time-index entries from the last one whose relative offset <= rel on, at most want of them, in one
    // read (from the start of its summary block); empty when rel precedes every entry.
    [[nodiscard]] result<std::vector<time_index_entry>> entries_from(uint32_t rel, size_t want);
    [[nodiscard]] std::string path(std::string_view ext) const;
    [[nodiscard]] std::string final_path(std::string_view ext) const;

    io::filesystem& fs_;
    std::string dir_;
    offset base_;
    offset next_;
    const log_config& cfg_;
    std::string suffix_;
    std::shared_ptr<io::file> log_;
    std::shared_ptr<io::file> index_file_;
    std::shared_ptr<io::file> time_file_;
    uint64_t size_ = 0;
    // [0, verified_) of the .log is known to pass CRC checks in this process: scanned on open, appended
    // (validated first), or re-checked by a read. read_slice's callers serve only that without reading.
    uint64_t verified_ = 0;
    uint64_t last_indexed_pos_ = 0;
    std::vector<offset_index_entry> offsets_;
    // Time-index entries [times_written_, time_count_), not in the .timeindex file yet (fewer than
    // index_write_batch between appends; every entry while a recovery rebuilds the files).
    std::vector<time_index_entry> pending_times_;
    // Summaries of the time index by blocks of time_block_entries entries (block k = entries [k * 64,
    // k * 64 + 64), file and pending alike): the block's first relative offset, and the largest
    // maxTimestamp of all entries up to the block's end (monotonic). A lookup binary-searches these and
    // then reads one block, so memory is 12 bytes per 64 batches rather than an entry per batch.
    std::vector<uint32_t> block_first_rel_;
    std::vector<int64_t> block_prefix_max_;
    // offsets_[0, offsets_written_) and time-index entries [0, times_written_) are in the index files
    // (the files hold exactly these).
    size_t offsets_written_ = 0;
    size_t times_written_ = 0;
    bool sealed_ = false;
    size_t time_count_ = 0;  // time-index entries (batches)
    int64_t max_ts_ = -1;
    int64_t first_append_ = -1;
    std::optional<int64_t> first_max_ts_;
    bool broken_ = false;
};

}  // namespace eddy::storage
