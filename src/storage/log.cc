#include "storage/log.h"

#include <algorithm>
#include <charconv>

#include "base/assert.h"
#include "base/log.h"
#include "bytes/crc32c.h"
#include "io/memory_filesystem.h"
#include "storage/errc.h"
#include "storage/log_recovery.h"
#include "storage/segment_scan.h"

namespace eddy::storage {
namespace {

inline constexpr eddy::log::logger storage_log{"storage"};
constexpr std::string_view log_start_file = "log_start_offset";

}  // namespace

log::log(io::filesystem& fs, io::clock& clock, std::string dir, log_config cfg)
    : fs_(fs), clock_(clock), dir_(std::move(dir)), cfg_(std::move(cfg)) {}

log::~log() = default;

result<std::unique_ptr<log>> log::open(io::filesystem& fs, io::clock& clock, std::string dir, log_config cfg) {
    EDDY_TRY(cfg.validate());
    std::unique_ptr<log> l(new log(fs, clock, std::move(dir), std::move(cfg)));
    EDDY_TRY(l->recover());
    return l;
}

result<void> log::recover() {
    EDDY_TRY_ASSIGN(bool existed, fs_.exists(dir_));
    if (!existed) {
        EDDY_TRY(fs_.create_directories(dir_));
        // Make the new <partition> entry (and the <topic> entry, usually new too) durable.
        auto parent = io::parent_path(io::normalize_path(dir_));
        EDDY_TRY(fs_.sync_directory(parent.empty() ? "." : parent));
        auto grandparent = io::parent_path(parent);
        if (!grandparent.empty()) EDDY_TRY(fs_.sync_directory(grandparent));
    }
    EDDY_TRY(finish_interrupted_swaps(fs_, dir_));
    EDDY_TRY_ASSIGN(auto bases, clean_directory(fs_, dir_));
    EDDY_TRY_ASSIGN(auto persisted_start, read_log_start());
    EDDY_TRY(load_segments(bases));
    if (segments_.empty()) EDDY_TRY(new_segment(persisted_start.value_or(offset{0})));
    next_ = active().next_offset();
    start_ = std::max(segments_.front()->base(), persisted_start.value_or(offset{0}));
    if (start_ > next_) {
        // The persisted start is past the data that survived (it is written after a flush, so only damage
        // gets here): nothing below it may be served, so start over at it.
        storage_log.warn("{}: log start {} past recovered end {}; starting empty", dir_, start_, next_);
        EDDY_TRY(remove_front_segments(segments_.size()));
        EDDY_TRY(new_segment(start_));
        next_ = start_;
    }
    // What recovery kept may still sit only in the page cache of a process that died; make it durable.
    EDDY_TRY(active().sync_log());
    flushed_ = next_;
    last_flush_ = clock_.monotonic();
    return {};
}

result<void> log::load_segments(const std::vector<offset>& bases) {
    for (size_t i = 0; i < bases.size(); ++i) {
        bool is_active = i + 1 == bases.size();
        EDDY_TRY_ASSIGN(auto s, segment::open(fs_, dir_, bases[i], is_active, cfg_));
        if (!segments_.empty() && s->base() < segments_.back()->next_offset())
            return make_error(errc::corrupt_log, "{}: segment {} overlaps the previous one (ends at {})", dir_,
                              s->base(), segments_.back()->next_offset());
        if (!is_active) s->seal();
        segments_.push_back(std::move(s));
    }
    return {};
}

result<void> log::new_segment(offset base) {
    auto created = segment::create(fs_, dir_, base, cfg_);
    if (!created) {
        // Leave no half-created files behind (e.g. ENOSPC on the second file), so a later roll can retry.
        for (auto ext : {".log", ".index", ".timeindex"}) (void)fs_.remove(io::join_path(dir_, segment_file_name(base, ext)));
        return unexpected(created.error());
    }
    auto s = std::move(*created);
    // The new file's name must be durable before anything acknowledged lives in it.
    if (auto r = fs_.sync_directory(dir_); !r) {
        storage_log.error("{}: directory sync failed, log stops: {}", dir_, r.error().message());
        failed_ = true;
        return r;
    }
    segments_.push_back(std::move(s));
    return {};
}

result<std::optional<offset>> log::read_log_start() {
    auto path = io::join_path(dir_, log_start_file);
    EDDY_TRY_ASSIGN(bool present, fs_.exists(path));
    if (!present) return std::optional<offset>{};
    EDDY_TRY_ASSIGN(auto f, fs_.open(path, io::open_mode::read_only));
    bytes buf(12);
    EDDY_TRY_ASSIGN(size_t n, f->read_at(0, buf));
    if (n != 12 || crc32c::value(bytes_view(buf).first(8)) != load_be<uint32_t>(buf.data() + 8))
        return make_error(errc::corrupt_log, "{} is damaged", path);
    return std::optional<offset>{offset{load_be<int64_t>(buf.data())}};
}

result<void> log::persist_log_start(offset o) {
    auto tmp = io::join_path(dir_, std::string(log_start_file) + ".tmp");
    bytes buf;
    append_be<int64_t>(buf, o.value());
    append_be<uint32_t>(buf, crc32c::value(buf));
    {
        EDDY_TRY_ASSIGN(auto f, fs_.open(tmp, io::open_mode::create));
        EDDY_TRY(f->truncate(0));
        EDDY_TRY(f->write_at(0, buf));
        EDDY_TRY(f->sync());
    }
    EDDY_TRY(fs_.rename(tmp, io::join_path(dir_, log_start_file)));
    return fs_.sync_directory(dir_);
}

result<void> log::check_batches(bytes_view data, std::vector<batch_header>& out) const {
    if (data.empty()) return make_error(errc::corrupt_batch, "no record batch");
    for (size_t pos = 0; pos < data.size();) {
        auto h = validate_batch(data.subspan(pos), validation::producer, cfg_.max_message_bytes);
        if (!h) return unexpected(h.error());
        if (cfg_.compacted() && !h->is_compressed()) {
            EDDY_TRY_ASSIGN(auto records, parse_records(data.subspan(pos, h->size_bytes())));
            for (auto& r : records)
                if (!r.key) return make_error(errc::missing_key, "record at delta {}", r.offset_delta);
        }
        out.push_back(*h);
        pos += h->size_bytes();
    }
    return {};
}

bool log::should_roll(uint64_t bytes, offset last, int64_t now) const {
    const segment& s = *segments_.back();
    if (s.empty()) return false;
    if (s.size_bytes() + bytes > cfg_.segment_bytes) return true;
    if (last - s.base() > int64_t{UINT32_MAX}) return true;
    // Age counts from the first batch's append time; when a rebuild lost it, from that batch's
    // maxTimestamp (what Kafka uses).
    auto first = s.first_append_time();
    if (!first) first = s.first_max_timestamp();
    return first && now - *first >= cfg_.segment_ms;
}

result<append_result> log::append(bytes_view batches) {
    bytes copy(batches.begin(), batches.end());
    return append_in_place(copy);
}

result<append_result> log::append_in_place(mutable_bytes_view data) {
    if (failed_) return make_error(errc::log_failed, "{}", dir_);
    // Taken out of headers_ (and put back at the end) rather than used in place, in case a waiter fired
    // below appends again.
    std::vector<batch_header> headers = std::move(headers_);
    headers.clear();
    EDDY_TRY(check_batches(data, headers));
    offset o = next_;
    size_t pos = 0;
    for (auto& h : headers) {
        set_base_offset(data.subspan(pos), o);
        h.base_offset = o.value();
        o = h.last() + 1;
        pos += h.size_bytes();
    }
    int64_t now = clock_.now_ms().value();
    if (should_roll(data.size(), headers.back().last(), now)) EDDY_TRY(roll());
    if (auto r = active().append(data, headers, now); !r) {
        if (active().broken()) {
            failed_ = true;
            storage_log.error("{}: append failed and could not be rolled back: {}", dir_, r.error().message());
        }
        return unexpected(r.error());
    }
    append_result out{next_, headers.back().last(), timestamp_ms{now}};
    next_ = headers.back().last() + 1;
    appended_bytes_ += data.size();
    headers_ = std::move(headers);
    fire_waiters();
    return out;
}

void log::fire_waiters() {
    std::vector<std::function<void()>> ready;
    for (auto it = waiters_.begin(); it != waiters_.end();) {
        if (next_ > it->second.first) {
            ready.push_back(std::move(it->second.second));
            it = waiters_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto& cb : ready) cb();
}

log::waiter_id log::wait_for_data(offset from, std::function<void()> cb) {
    if (next_ > from) {
        cb();
        return 0;
    }
    auto id = next_waiter_++;
    waiters_.emplace(id, std::make_pair(from, std::move(cb)));
    return id;
}

bool log::cancel_wait(waiter_id id) { return waiters_.erase(id) > 0; }

size_t log::segment_index_for(offset o) const {
    auto it = std::upper_bound(segments_.begin(), segments_.end(), o,
                               [](offset v, const std::unique_ptr<segment>& s) { return v < s->base(); });
    if (it == segments_.begin()) return 0;
    return static_cast<size_t>(it - segments_.begin()) - 1;
}

result<void> log::check_readable(offset from) const {
    if (from < start_ || from > next_)
        return make_error(errc::offset_out_of_range, "{}: offset {} not in [{}, {}]", dir_, from, start_, next_);
    return {};
}

result<read_result> log::read(offset from, size_t max_bytes, std::optional<offset> upto) {
    EDDY_TRY(check_readable(from));
    read_result out{{}, {}, from, start_, next_};
    offset limit = upto ? std::min(*upto, next_) : next_;
    for (size_t i = segment_index_for(from); i < segments_.size(); ++i) {
        offset f = std::max(from, segments_[i]->base());
        EDDY_TRY_ASSIGN(out.data, segments_[i]->read(f, max_bytes, limit, &out.batches));
        if (!out.data.empty()) {
            out.next_offset = out.batches.back().last + 1;
            break;
        }
        if (segments_[i]->next_offset() >= limit) break;
    }
    return out;
}

result<std::optional<file_slice>> log::read_slice(offset from, size_t max_bytes, std::optional<offset> upto) {
    EDDY_TRY(check_readable(from));
    if (active().log_file()->native_handle() < 0) return std::optional<file_slice>{};
    const offset limit = upto ? std::min(*upto, next_) : next_;
    file_slice out;
    for (size_t i = segment_index_for(from); i < segments_.size(); ++i) {
        EDDY_TRY_ASSIGN(out, segments_[i]->read_slice(std::max(from, segments_[i]->base()), max_bytes, limit));
        // Bytes whose CRCs this process has not checked yet go through read(), which checks them.
        if (cfg_.verify_crc_on_read && out.pos + out.size > segments_[i]->verified_bytes())
            return std::optional<file_slice>{};
        if (out.size > 0 || segments_[i]->next_offset() >= limit) break;
    }
    return std::optional<file_slice>{std::move(out)};
}

result<std::optional<offset>> log::offset_for_timestamp(timestamp_ms t) {
    for (auto& s : segments_) {
        if (s->max_timestamp() < t.value()) continue;
        EDDY_TRY_ASSIGN(auto o, s->offset_for_timestamp(t.value()));
        if (o) return std::optional<offset>{std::max(*o, start_)};
    }
    return std::optional<offset>{};
}

int64_t log::max_timestamp() const {
    int64_t out = -1;
    for (const auto& s : segments_) out = std::max(out, s->max_timestamp());
    return out;
}

result<std::optional<timestamp_ms>> log::append_time_of(offset o) {
    if (o < start_ || o >= next_) return std::optional<timestamp_ms>{};
    EDDY_TRY_ASSIGN(int64_t t, segments_[segment_index_for(o)]->append_time_of(o));
    if (t < 0) return std::optional<timestamp_ms>{};
    return std::optional<timestamp_ms>{timestamp_ms{t}};
}

log::flush_ticket log::prepare_flush() {
    flush_ticket t{nullptr, next_, {}, nullptr, {}};
    for (offset base : unsettled_) {
        const segment& s = *segments_[segment_index_for(base)];
        flush_ticket::roll_step step{base, s.renames_to_final(), {}};
        if (std::find(unsynced_.begin(), unsynced_.end(), base) != unsynced_.end()) step.syncs = s.files();
        t.rolled.push_back(std::move(step));
    }
    if (!t.rolled.empty()) {
        t.fs = &fs_;
        t.dir = dir_;
    }
    if (flushed_ < next_ || !t.rolled.empty()) t.file = active().log_file();
    return t;
}

namespace {

// A rename another ticket (or a deletion after it settled) already did is done: its source is gone.
result<void> rename_once(io::filesystem& fs, const std::string& from, const std::string& to) {
    auto r = fs.rename(from, to);
    if (r || r.error().code != std::errc::no_such_file_or_directory) return r;
    EDDY_TRY_ASSIGN(bool present, fs.exists(from));
    if (present) return r;
    return {};
}

}  // namespace

result<void> log::run_flush(const flush_ticket& t) {
    // A segment takes its final name only after every segment before it is synced, so a crash never
    // leaves an unsynced closed segment before a named one.
    for (const auto& step : t.rolled) {
        for (const auto& [from, to] : step.renames) EDDY_TRY(rename_once(*t.fs, from, to));
        for (const auto& f : step.syncs) EDDY_TRY(f->sync());
    }
    if (t.file) EDDY_TRY(t.file->sync());
    if (!t.rolled.empty()) EDDY_TRY(t.fs->sync_directory(t.dir));
    return {};
}

void log::complete_flush(const flush_ticket& t, const result<void>& r) {
    if (!r) {
        // After a failed fsync the kernel may have dropped the dirty pages: what is on disk is unknown, so
        // stop here; reopening recovers from what the disk really holds.
        storage_log.error("{}: fsync failed, log stops: {}", dir_, r.error().message());
        failed_ = true;
        return;
    }
    for (const auto& step : t.rolled) {
        auto it = std::find(unsettled_.begin(), unsettled_.end(), step.base);
        if (it == unsettled_.end()) continue;  // settled by an overlapping ticket
        segment& s = *segments_[segment_index_for(step.base)];
        if (!step.renames.empty()) s.named_final();
        if (!step.syncs.empty()) std::erase(unsynced_, step.base);
        // A roll after this ticket was prepared may have closed the segment it only renamed.
        bool still = !s.renames_to_final().empty() ||
                     std::find(unsynced_.begin(), unsynced_.end(), step.base) != unsynced_.end();
        if (!still) unsettled_.erase(it);
    }
    flushed_ = std::max(flushed_, t.upto);
    last_flush_ = clock_.monotonic();
}

size_t log::first_unsettled() const {
    return unsettled_.empty() ? segments_.size() : segment_index_for(unsettled_.front());
}

result<void> log::flush() {
    if (failed_) return make_error(errc::log_failed, "{}", dir_);
    auto t = prepare_flush();
    auto r = run_flush(t);
    complete_flush(t, r);
    return r;
}

bool log::flush_due() const {
    if (failed_ || flushed_ >= next_) return false;
    switch (cfg_.flush.mode) {
    case flush_policy::kind::always: return true;
    case flush_policy::kind::never: return false;
    case flush_policy::kind::interval: return clock_.monotonic() - last_flush_ >= cfg_.flush.interval;
    }
    return false;
}

uint64_t log::size_bytes() const {
    uint64_t n = 0;
    for (auto& s : segments_) n += s->size_bytes();
    return n;
}

result<void> log::set_config(const log_config& cfg) {
    EDDY_TRY(cfg.validate());
    cfg_ = cfg;
    return {};
}

result<void> log::roll() {
    if (failed_) return make_error(errc::log_failed, "{}", dir_);
    if (active().empty()) return {};
    // Everything here writes to the page cache or creates files; the fsyncs go with the next flush.
    EDDY_TRY(active().write_indexes());
    auto created = segment::create(fs_, dir_, next_, cfg_, std::string(rolling_suffix));
    if (!created) {
        // Leave no half-created files behind (e.g. ENOSPC on the second file), so a later roll can retry.
        for (auto ext : {".log", ".index", ".timeindex"})
            (void)fs_.remove(io::join_path(dir_, segment_file_name(next_, ext) + std::string(rolling_suffix)));
        return unexpected(created.error());
    }
    offset closed = active().base();
    active().seal();
    if (unsettled_.empty() || unsettled_.back() != closed) unsettled_.push_back(closed);
    unsynced_.push_back(closed);
    segments_.push_back(std::move(*created));
    unsettled_.push_back(next_);
    if (background_flush_) {
        background_flush_();
        return {};
    }
    return flush();
}

result<void> log::remove_front_segments(size_t n) {
    for (size_t i = 0; i < n; ++i) EDDY_TRY(segments_[i]->remove_files());
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<ptrdiff_t>(n));
    if (n > 0) EDDY_TRY(fs_.sync_directory(dir_));
    return {};
}

result<size_t> log::apply_retention() {
    if (!cfg_.deletes()) return size_t{0};
    int64_t now = clock_.now_ms().value();
    size_t n = 0;
    uint64_t total = size_bytes();
    const size_t limit = std::min(segments_.size() - 1, first_unsettled());
    while (n < limit) {
        const segment& s = *segments_[n];
        bool expired = cfg_.retention_ms >= 0 && now - s.max_timestamp() > cfg_.retention_ms;
        bool too_big = cfg_.retention_bytes >= 0 && total - s.size_bytes() >= uint64_t(cfg_.retention_bytes);
        if (!expired && !too_big) break;
        total -= s.size_bytes();
        ++n;
    }
    if (n == 0) return size_t{0};
    EDDY_TRY(remove_front_segments(n));
    start_ = std::max(start_, segments_.front()->base());
    return n;
}

result<void> log::truncate_prefix(offset new_start) {
    if (failed_) return make_error(errc::log_failed, "{}", dir_);
    if (new_start > next_)
        return make_error(errc::offset_out_of_range, "{}: truncate to {} past log end {}", dir_, new_start, next_);
    if (new_start <= start_) return {};
    // The persisted start must never pass the durable end, or recovery would find it beyond the data.
    EDDY_TRY(flush());
    EDDY_TRY(persist_log_start(new_start));
    start_ = new_start;
    size_t n = 0;
    while (n + 1 < segments_.size() && segments_[n + 1]->base() <= new_start) ++n;
    return remove_front_segments(n);
}

result<void> log::close() {
    waiters_.clear();
    if (failed_) return make_error(errc::log_failed, "{}", dir_);
    EDDY_TRY(flush());
    EDDY_TRY(active().sync_all());
    flushed_ = next_;
    return {};
}

std::string partition_directory(std::string_view data_dir, std::string_view topic, partition_id p) {
    return io::join_path(io::join_path(io::join_path(data_dir, "topics"), topic), std::to_string(p.value()));
}

result<std::vector<partition_location>> discover_partitions(io::filesystem& fs, const std::string& data_dir) {
    std::vector<partition_location> out;
    auto topics_dir = io::join_path(data_dir, "topics");
    EDDY_TRY_ASSIGN(bool present, fs.exists(topics_dir));
    if (!present) return out;
    EDDY_TRY_ASSIGN(auto topics, fs.list(topics_dir));
    for (auto& t : topics) {
        auto tdir = io::join_path(topics_dir, t);
        auto parts = fs.list(tdir);
        if (!parts) continue;  // a stray file, not a topic directory
        for (auto& p : *parts) {
            int32_t v = 0;
            auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
            if (ec != std::errc{} || end != p.data() + p.size() || v < 0) continue;
            out.push_back({t, partition_id{v}, io::join_path(tdir, p)});
        }
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) {
        return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
    });
    return out;
}

}  // namespace eddy::storage
