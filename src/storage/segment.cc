#include "storage/segment.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "base/assert.h"
#include "base/log.h"
#include "bytes/crc32c.h"
#include "storage/errc.h"
#include "storage/segment_scan.h"

namespace eddy::storage {
namespace {

inline constexpr eddy::log::logger seg_log{"storage"};

uint32_t rel(offset o, offset base) { return static_cast<uint32_t>(o - base); }

// Pending time-index entries (one per batch) that trigger a write of the index files.
constexpr size_t index_write_batch = 64;
// Time-index entries per in-memory summary block (see segment::block_first_rel_): a lookup reads one block,
// 64 * 20 = 1280 bytes of the .timeindex file.
constexpr size_t time_block_entries = 64;

}  // namespace

std::string segment_file_name(offset base, std::string_view ext) { return fmt::format("{:020}{}", base.value(), ext); }

std::optional<offset> parse_segment_file_name(std::string_view name) {
    if (name.size() != 24 || !name.ends_with(".log")) return std::nullopt;
    int64_t v = 0;
    auto [p, ec] = std::from_chars(name.data(), name.data() + 20, v);
    if (ec != std::errc{} || p != name.data() + 20 || v < 0) return std::nullopt;
    return offset{v};
}

segment::segment(io::filesystem& fs, std::string dir, offset base, const log_config& cfg, std::string suffix)
    : fs_(fs), dir_(std::move(dir)), base_(base), next_(base), cfg_(cfg), suffix_(std::move(suffix)) {}

std::string segment::path(std::string_view ext) const {
    return io::join_path(dir_, segment_file_name(base_, ext) + suffix_);
}

std::string segment::final_path(std::string_view ext) const { return io::join_path(dir_, segment_file_name(base_, ext)); }

std::vector<std::pair<std::string, std::string>> segment::renames_to_final() const {
    if (suffix_.empty()) return {};
    std::vector<std::pair<std::string, std::string>> out;
    // The .log last: index files whose .log is missing are leftovers recovery deletes.
    for (auto ext : {".index", ".timeindex", ".log"}) out.emplace_back(path(ext), final_path(ext));
    return out;
}

result<void> segment::open_files(io::open_mode mode) {
    EDDY_TRY_ASSIGN(auto log, fs_.open(path(".log"), mode));
    log_ = std::move(log);
    auto idx_mode = mode == io::open_mode::create_new ? io::open_mode::create : mode;
    // Indexes are derived data: recreate them when missing.
    if (idx_mode == io::open_mode::read_write) idx_mode = io::open_mode::create;
    EDDY_TRY_ASSIGN(index_file_, fs_.open(path(".index"), idx_mode));
    EDDY_TRY_ASSIGN(time_file_, fs_.open(path(".timeindex"), idx_mode));
    return {};
}

result<std::unique_ptr<segment>> segment::create(io::filesystem& fs, const std::string& dir, offset base,
                                                 const log_config& cfg, std::string suffix) {
    std::unique_ptr<segment> s(new segment(fs, dir, base, cfg, std::move(suffix)));
    EDDY_TRY(s->open_files(io::open_mode::create_new));
    // Stale index files of a segment that was deleted half-way must not leak into the new one.
    EDDY_TRY(s->index_file_->truncate(0));
    EDDY_TRY(s->time_file_->truncate(0));
    return s;
}

result<std::unique_ptr<segment>> segment::open(io::filesystem& fs, const std::string& dir, offset base, bool active,
                                               const log_config& cfg) {
    std::unique_ptr<segment> s(new segment(fs, dir, base, cfg));
    EDDY_TRY(s->open_files(io::open_mode::read_write));
    if (active) {
        EDDY_TRY(s->recover_active());
    } else {
        EDDY_TRY(s->load_closed());
    }
    return s;
}

namespace {

result<byte_buffer> read_whole(io::file& f) {
    EDDY_TRY_ASSIGN(uint64_t n, f.size());
    return read_exact(f, 0, static_cast<size_t>(n));
}

}  // namespace

result<void> segment::recover_active() {
    EDDY_TRY_ASSIGN(uint64_t file_size, log_->size());
    // The active segment was never compacted, so its offsets must run without gaps.
    EDDY_TRY_ASSIGN(auto scan, scan_batches(*log_, 0, file_size, base_, true));
    if (scan.valid_batch_follows)
        return make_error(errc::corrupt_log, "{}: {} (valid data follows)", path(".log"), scan.detail);
    if (scan.why != scan_result::stop::clean_end) {
        seg_log.warn("{}: truncating torn tail at {} of {} bytes: {}", path(".log"), scan.end, file_size, scan.detail);
        EDDY_TRY(log_->truncate(scan.end));
    }
    EDDY_TRY_ASSIGN(auto old_time_bytes, read_whole(*time_file_));
    auto old_times = decode_time_index(old_time_bytes).value_or(std::vector<time_index_entry>{});
    rebuild_from(scan.batches, old_times);
    return rewrite_index_files();
}

result<void> segment::load_closed() {
    EDDY_TRY_ASSIGN(uint64_t file_size, log_->size());
    EDDY_TRY_ASSIGN(auto idx_bytes, read_whole(*index_file_));
    EDDY_TRY_ASSIGN(auto time_bytes, read_whole(*time_file_));
    auto idx = decode_offset_index(idx_bytes);
    auto times = decode_time_index(time_bytes);
    // Fast path: trust the indexes when they agree with a verified walk of the last indexed stretch.
    if (idx && times && (file_size == 0) == idx->empty() && (file_size == 0) == times->empty()) {
        uint64_t from = idx->empty() ? 0 : idx->back().position;
        offset from_base = base_ + (idx->empty() ? 0 : idx->back().relative_offset);
        bool ok = from <= file_size;
        if (ok && file_size > 0) {
            EDDY_TRY_ASSIGN(auto scan, scan_batches(*log_, from, file_size, from_base));
            ok = scan.why == scan_result::stop::clean_end && !scan.batches.empty() &&
                 scan.batches.front().second.base() == from_base &&
                 times->back().relative_offset == rel(scan.batches.back().second.base(), base_);
            if (ok) next_ = scan.batches.back().second.last() + 1;
        }
        if (ok) {
            offsets_ = std::move(*idx);
            offsets_written_ = offsets_.size();
            size_ = file_size;
            last_indexed_pos_ = offsets_.empty() ? 0 : offsets_.back().position;
            for (auto& t : *times) note_time(t);
            times_written_ = time_count_;
            return {};
        }
    }
    EDDY_TRY_ASSIGN(auto scan, scan_batches(*log_, 0, file_size, base_));
    if (scan.why != scan_result::stop::clean_end)
        return make_error(errc::corrupt_log, "closed segment {}: {}", path(".log"), scan.detail);
    seg_log.info("{}: rebuilding indexes", path(".log"));
    rebuild_from(scan.batches, times.value_or(std::vector<time_index_entry>{}));
    EDDY_TRY(rewrite_index_files());
    EDDY_TRY(index_file_->sync());
    return time_file_->sync();
}

void segment::rebuild_from(const std::vector<std::pair<uint64_t, batch_header>>& batches,
                           const std::vector<time_index_entry>& old_times) {
    offsets_.clear();
    pending_times_.clear();
    block_first_rel_.clear();
    block_prefix_max_.clear();
    offsets_written_ = 0;
    times_written_ = 0;
    time_count_ = 0;
    max_ts_ = -1;
    first_append_ = -1;
    first_max_ts_.reset();
    size_ = 0;
    last_indexed_pos_ = 0;
    next_ = base_;
    for (auto& [pos, h] : batches) {
        uint32_t r = rel(h.base(), base_);
        int64_t at = -1;
        auto it = std::lower_bound(old_times.begin(), old_times.end(), r,
                                   [](const time_index_entry& e, uint32_t v) { return e.relative_offset < v; });
        if (it != old_times.end() && it->relative_offset == r && it->max_timestamp == h.max_timestamp) at = it->append_time;
        add_entries(pos, h, at);
        size_ = pos + h.size_bytes();
        next_ = h.last() + 1;
    }
    verified_ = size_;  // every batch passed scan_batches' validation
}

result<void> segment::rewrite_index_files() {
    bytes buf;
    for (auto& e : offsets_) encode(buf, e);
    EDDY_TRY(index_file_->truncate(0));
    EDDY_TRY(index_file_->write_at(0, buf));
    EDDY_ASSERT(times_written_ == 0 && pending_times_.size() == time_count_);
    buf.clear();
    for (auto& e : pending_times_) encode(buf, e);
    EDDY_TRY(time_file_->truncate(0));
    EDDY_TRY(time_file_->write_at(0, buf));
    offsets_written_ = offsets_.size();
    times_written_ = time_count_;
    // A rebuild held every entry; keep no more than an append's worth of capacity.
    std::vector<time_index_entry>().swap(pending_times_);
    return {};
}

// The active segment's index files lag its in-memory indexes by up to index_write_batch entries: recovery
// of an active segment rebuilds them from the log anyway, so writing each entry at once would only add two
// syscalls per append.
result<void> segment::write_indexes() {
    bytes buf;
    if (offsets_.size() > offsets_written_) {
        for (size_t i = offsets_written_; i < offsets_.size(); ++i) encode(buf, offsets_[i]);
        EDDY_TRY(index_file_->write_at(offsets_written_ * offset_index_entry_size, buf));
        offsets_written_ = offsets_.size();
    }
    if (!pending_times_.empty()) {
        buf.clear();
        for (auto& e : pending_times_) encode(buf, e);
        EDDY_TRY(time_file_->write_at(times_written_ * time_index_entry_size, buf));
        times_written_ = time_count_;
        pending_times_.clear();
    }
    return {};
}

void segment::add_entries(uint64_t pos, const batch_header& h, int64_t append_time) {
    uint32_t r = rel(h.base(), base_);
    if (offsets_.empty() || pos - last_indexed_pos_ >= cfg_.index_interval_bytes) {
        offsets_.push_back({r, static_cast<uint32_t>(pos)});
        last_indexed_pos_ = pos;
    }
    add_time({h.max_timestamp, r, append_time});
}

void segment::add_time(const time_index_entry& e) {
    EDDY_ASSERT(!sealed_);
    note_time(e);
    pending_times_.push_back(e);
}

void segment::note_time(const time_index_entry& e) {
    if (time_count_ == 0) {
        first_append_ = e.append_time;
        first_max_ts_ = e.max_timestamp;
    }
    max_ts_ = std::max(max_ts_, e.max_timestamp);
    if (time_count_ % time_block_entries == 0) {
        block_first_rel_.push_back(e.relative_offset);
        block_prefix_max_.push_back(max_ts_);
    } else {
        block_prefix_max_.back() = max_ts_;
    }
    ++time_count_;
}

std::optional<int64_t> segment::first_append_time() const {
    if (first_append_ < 0) return std::nullopt;
    return first_append_;
}

std::optional<int64_t> segment::first_max_timestamp() const { return first_max_ts_; }

void segment::seal() {
    EDDY_ASSERT(pending_times_.empty());
    sealed_ = true;
    std::vector<time_index_entry>().swap(pending_times_);
}

result<std::vector<time_index_entry>> segment::time_entries(size_t from, size_t n) {
    EDDY_ASSERT(from + n <= time_count_);
    std::vector<time_index_entry> out;
    const size_t end = from + n;
    if (from < times_written_) {
        const size_t in_file = std::min(end, times_written_) - from;
        EDDY_TRY_ASSIGN(auto b, read_exact(*time_file_, from * time_index_entry_size, in_file * time_index_entry_size));
        auto e = decode_time_index(b);
        if (!e) return make_error(errc::corrupt_log, "{}: entries {}..{} are damaged", path(".timeindex"), from, end);
        out = std::move(*e);
    }
    out.reserve(n);
    for (size_t i = std::max(from, times_written_); i < end; ++i) out.push_back(pending_times_[i - times_written_]);
    return out;
}

result<std::vector<time_index_entry>> segment::entries_from(uint32_t rel_offset, size_t want) {
    auto it = std::upper_bound(block_first_rel_.begin(), block_first_rel_.end(), rel_offset);
    if (it == block_first_rel_.begin()) return std::vector<time_index_entry>{};
    // From the start of the block holding it: the entry sought and the `want` after it are in one read.
    const size_t from = static_cast<size_t>(it - block_first_rel_.begin() - 1) * time_block_entries;
    EDDY_TRY_ASSIGN(auto entries, time_entries(from, std::min(time_block_entries + want, time_count_ - from)));
    auto i = batch_holding(entries, rel_offset);
    // The block's first entry has the relative offset its summary names; a file that disagrees is damaged.
    if (!i || entries.front().relative_offset != *(it - 1))
        return make_error(errc::corrupt_log, "{}: entry {} does not match its summary", path(".timeindex"), from);
    entries.erase(entries.begin(), entries.begin() + static_cast<ptrdiff_t>(*i));
    if (entries.size() > want) entries.resize(want);
    return entries;
}

result<std::vector<time_index_entry>> segment::time_index() { return time_entries(0, time_count_); }

result<int64_t> segment::append_time_of(offset o) {
    if (o < base_ || o >= next_) return int64_t{-1};
    EDDY_TRY_ASSIGN(auto found, entries_from(rel(o, base_), 1));
    return found.empty() ? int64_t{-1} : found.front().append_time;
}

result<void> segment::fill_append_times(std::vector<batch_info>& infos, size_t from) {
    if (from >= infos.size()) return {};
    // Entries are one per batch in log order: the run from the first batch's, in one read.
    EDDY_TRY_ASSIGN(auto entries, entries_from(rel(infos[from].base, base_), infos.size() - from));
    for (size_t k = 0; k < entries.size(); ++k)
        if (entries[k].relative_offset == rel(infos[from + k].base, base_))
            infos[from + k].append_time = entries[k].append_time;
    return {};
}

result<void> segment::append(bytes_view data, std::span<const batch_header> headers, int64_t append_time) {
    EDDY_ASSERT(!broken_ && !sealed_ && !headers.empty());
    EDDY_ASSERT(headers.front().base() >= next_ && headers.back().last() - base_ <= int64_t{UINT32_MAX});
    const uint64_t pos = size_;
    const size_t n_offsets = offsets_.size();
    const size_t n_pending = pending_times_.size();
    const size_t n_blocks = block_first_rel_.size();
    const int64_t last_block_max = n_blocks ? block_prefix_max_.back() : -1;
    const uint64_t saved_indexed_pos = last_indexed_pos_;
    const size_t offsets_written = offsets_written_;
    const size_t times_written = times_written_;
    const auto saved = std::make_tuple(time_count_, max_ts_, first_append_, first_max_ts_);
    auto rollback = [&](error e) -> result<void> {
        offsets_.resize(n_offsets);
        // A failed write_indexes clears nothing, so every entry pending before this append still is.
        EDDY_ASSERT(times_written_ == times_written && pending_times_.size() >= n_pending);
        pending_times_.resize(n_pending);
        block_first_rel_.resize(n_blocks);
        block_prefix_max_.resize(n_blocks);
        if (n_blocks) block_prefix_max_.back() = last_block_max;
        last_indexed_pos_ = saved_indexed_pos;
        offsets_written_ = offsets_written;
        times_written_ = times_written;
        std::tie(time_count_, max_ts_, first_append_, first_max_ts_) = saved;
        // A failed write may have left part of its bytes behind; cut every file back to where it was.
        bool ok = log_->truncate(pos) && index_file_->truncate(offsets_written * offset_index_entry_size) &&
                  time_file_->truncate(times_written * time_index_entry_size);
        if (!ok) broken_ = true;
        return unexpected(std::move(e));
    };
    if (auto w = log_->write_at(pos, data); !w) return rollback(w.error());
    uint64_t p = pos;
    for (auto& h : headers) {
        add_entries(p, h, append_time);
        p += h.size_bytes();
    }
    if (pending_times_.size() >= index_write_batch) {
        if (auto w = write_indexes(); !w) return rollback(w.error());
    }
    size_ = pos + data.size();
    next_ = headers.back().last() + 1;
    if (verified_ == pos) verified_ = size_;  // the log validated the batches before appending them
    return {};
}

namespace {

// Batch headers read ahead in one read, so a walk over small batches does not cost a read each.
class header_reader {
public:
    static constexpr size_t window = 4096;
    explicit header_reader(io::file& f) : f_(f) {}

    // The header of the batch at pos (the caller checked pos + header size <= file size).
    result<batch_header> at(uint64_t pos, uint64_t file_size) {
        if (pos < start_ || pos + batch_header_size > start_ + len_) {
            len_ = static_cast<size_t>(std::min<uint64_t>(window, file_size - pos));
            EDDY_TRY_ASSIGN(size_t got, f_.read_at(pos, mutable_bytes_view(buf_.data(), len_)));
            if (got < batch_header_size) return make_error(errc::corrupt_log, "short read at {}", pos);
            len_ = got;
            start_ = pos;
        }
        return parse_header(bytes_view(buf_.data() + (pos - start_), batch_header_size));
    }

private:
    io::file& f_;
    std::array<uint8_t, window> buf_;
    uint64_t start_ = 0;
    size_t len_ = 0;
};

struct located_batch {
    uint64_t pos;
    batch_header header;
};

// The headers of a segment's .log of file_size bytes, each checked to lie within the file. log_path names
// the file in errors (called only then).
template <typename PathFn>
class header_walk {
public:
    header_walk(io::file& f, uint64_t file_size, PathFn log_path) : reader_(f), size_(file_size), log_path_(log_path) {}

    result<batch_header> at(uint64_t pos) {
        if (pos + batch_header_size > size_) return make_error(errc::corrupt_log, "{}: no header at {}", log_path_(), pos);
        auto h = reader_.at(pos, size_);
        if (!h || pos + h->size_bytes() > size_)
            return make_error(errc::corrupt_log, "{}: bad header at {}", log_path_(), pos);
        return h;
    }

    // From pos (a batch position, as the offset index gives), the first batch whose last offset >= from;
    // nullopt when there is none.
    result<std::optional<located_batch>> seek(uint64_t pos, offset from) {
        for (; pos < size_;) {
            EDDY_TRY_ASSIGN(auto h, at(pos));
            if (h.last() >= from) return std::optional<located_batch>{located_batch{pos, h}};
            pos += h.size_bytes();
        }
        return std::optional<located_batch>{};
    }

private:
    header_reader reader_;
    uint64_t size_;
    PathFn log_path_;
};

}  // namespace

result<byte_buffer> segment::read(offset from, size_t max_bytes, offset limit, std::vector<batch_info>* infos) {
    if (from >= next_ || size_ == 0) return byte_buffer{};
    header_walk walk(*log_, size_, [this] { return path(".log"); });
    EDDY_TRY_ASSIGN(auto first, walk.seek(lookup_position(offsets_, from < base_ ? 0 : rel(from, base_)), from));
    if (!first || first->header.last() >= limit) return byte_buffer{};
    // Always the whole first batch; then up to max_bytes, cut back to whole batches by take_batches.
    const uint64_t pos = first->pos;
    const size_t n = std::max<size_t>(first->header.size_bytes(), std::min<uint64_t>(max_bytes, size_ - pos));
    EDDY_TRY_ASSIGN(auto buf, read_exact(*log_, pos, n));
    return take_batches(std::move(buf), pos, limit, infos);
}

result<file_slice> segment::read_slice(offset from, size_t max_bytes, offset limit) {
    file_slice out;
    out.file = log_;
    if (from >= next_ || size_ == 0) return out;
    header_walk walk(*log_, size_, [this] { return path(".log"); });
    EDDY_TRY_ASSIGN(auto first, walk.seek(lookup_position(offsets_, from < base_ ? 0 : rel(from, base_)), from));
    if (!first) return out;
    out.pos = first->pos;
    batch_header h = first->header;
    while (h.last() < limit && (out.size == 0 || out.size + h.size_bytes() <= max_bytes)) {
        out.size += h.size_bytes();
        out.batch_sizes.push_back(static_cast<uint32_t>(h.size_bytes()));
        out.records += static_cast<uint64_t>(std::max(h.records_count, 0));
        if (out.pos + out.size >= size_) break;
        EDDY_TRY_ASSIGN(h, walk.at(out.pos + out.size));
    }
    return out;
}

result<byte_buffer> segment::take_batches(byte_buffer buf, uint64_t pos, offset limit, std::vector<batch_info>* infos) {
    size_t off = 0;
    const size_t first_info = infos ? infos->size() : 0;
    while (off + batch_header_size <= buf.size()) {
        auto bh = parse_header(bytes_view(buf).subspan(off));
        if (!bh) return make_error(errc::corrupt_log, "{}: bad header at {}", path(".log"), pos + off);
        if (off + bh->size_bytes() > buf.size() || bh->last() >= limit) break;
        // Bytes this process checked already (verified_) are not checked again, as read_slice serves them.
        if (cfg_.verify_crc_on_read && pos + off + bh->size_bytes() > verified_ &&
            crc32c::value(bytes_view(buf).subspan(off + batch_crc_range_pos, bh->size_bytes() - batch_crc_range_pos)) != bh->crc)
            return make_error(errc::corrupt_log, "{}: CRC mismatch in batch at {}", path(".log"), pos + off);
        if (infos) infos->push_back({bh->base(), bh->last(), -1});
        off += bh->size_bytes();
    }
    if (cfg_.verify_crc_on_read && pos <= verified_) verified_ = std::max<uint64_t>(verified_, pos + off);
    buf.resize(off);
    if (infos) EDDY_TRY(fill_append_times(*infos, first_info));
    return buf;
}

result<std::optional<offset>> segment::offset_for_timestamp(int64_t t) {
    if (max_ts_ < t) return std::optional<offset>{};
    // The first block whose entries reach t; every entry before it is below t, so the first batch reaching
    // t is the block's first entry with maxTimestamp >= t.
    auto block = first_batch_at_or_after(block_prefix_max_, t);
    if (!block) return std::optional<offset>{};
    const size_t from = *block * time_block_entries;
    EDDY_TRY_ASSIGN(auto entries, time_entries(from, std::min(time_block_entries, time_count_ - from)));
    auto it = std::find_if(entries.begin(), entries.end(), [&](auto& e) { return e.max_timestamp >= t; });
    if (it == entries.end())
        return make_error(errc::corrupt_log, "{}: entries from {} do not match their summary", path(".timeindex"), from);
    const uint32_t want_rel = it->relative_offset;
    offset want = base_ + want_rel;
    header_walk walk(*log_, size_, [this] { return path(".log"); });
    EDDY_TRY_ASSIGN(auto found, walk.seek(lookup_position(offsets_, want_rel), want));
    if (!found) return make_error(errc::corrupt_log, "{}: no batch holds offset {}", path(".log"), want.value());
    const batch_header& h = found->header;
    if (h.is_compressed()) return std::optional<offset>{h.base()};
    EDDY_TRY_ASSIGN(auto b, read_exact(*log_, found->pos, h.size_bytes()));
    auto records = parse_records(b);
    if (!records) return make_error(errc::corrupt_log, "{}: {}", path(".log"), records.error().message());
    for (auto& r : *records)
        if (h.base_timestamp + r.timestamp_delta >= t) return std::optional<offset>{h.base() + r.offset_delta};
    return std::optional<offset>{h.base()};  // maxTimestamp claimed more than the records hold
}

result<byte_buffer> segment::read_batch_at(uint64_t pos) {
    header_walk walk(*log_, size_, [this] { return path(".log"); });
    EDDY_TRY_ASSIGN(auto h, walk.at(pos));
    return read_exact(*log_, pos, h.size_bytes());
}

result<std::vector<uint64_t>> segment::batch_positions() {
    header_walk walk(*log_, size_, [this] { return path(".log"); });
    std::vector<uint64_t> out;
    for (uint64_t pos = 0; pos < size_;) {
        EDDY_TRY_ASSIGN(auto h, walk.at(pos));
        out.push_back(pos);
        pos += h.size_bytes();
    }
    return out;
}

result<void> segment::sync_log() { return log_->sync(); }

result<void> segment::sync_all() {
    if (!sealed_) EDDY_TRY(write_indexes());
    EDDY_TRY(log_->sync());
    EDDY_TRY(index_file_->sync());
    return time_file_->sync();
}

result<void> segment::remove_files() {
    log_.reset();
    index_file_.reset();
    time_file_.reset();
    // The .log goes first: index files without a .log are orphans recovery deletes.
    EDDY_TRY(fs_.remove(path(".log")));
    for (auto ext : {".index", ".timeindex"}) {
        auto r = fs_.remove(path(ext));
        if (!r && r.error().code != std::errc::no_such_file_or_directory) return r;
    }
    return {};
}

}  // namespace eddy::storage
