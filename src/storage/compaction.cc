#include "storage/compaction.h"

#include <algorithm>

#include "base/log.h"
#include "storage/errc.h"
#include "storage/log_recovery.h"

namespace eddy::storage {
namespace {

inline constexpr eddy::log::logger compaction_log{"storage"};

}  // namespace

bool compactor::begin() {
    if (log_.failed_ || !log_.cfg_.compacted() || log_.segments_.size() < 2) return false;
    to_clean_.clear();
    // Closed segments only, and none whose roll work is pending (it is not on disk for good yet).
    const size_t limit = std::min(log_.segments_.size() - 1, log_.first_unsettled());
    for (size_t i = 0; i < limit; ++i) to_clean_.push_back(log_.segments_[i]->base());
    next_clean_ = 0;
    latest_.clear();
    cursor_ = log_.start_;
    // Only durable records may supersede others: a newer value that a crash could still take away must
    // not be the reason an older, durable one is deleted.
    map_end_ = log_.flushed_;
    return true;
}

result<bool> compactor::step(size_t budget_bytes) {
    switch (phase_) {
    case phase::idle:
        if (!begin()) return false;
        phase_ = phase::mapping;
        return true;
    case phase::mapping:
        if (auto r = map_step(budget_bytes); !r) {
            phase_ = phase::idle;
            return unexpected(r.error());
        }
        if (cursor_ >= map_end_) phase_ = phase::rewriting;
        return true;
    case phase::rewriting:
        if (next_clean_ >= to_clean_.size()) {
            phase_ = phase::idle;
            latest_.clear();
            return false;
        }
        if (auto r = rewrite(to_clean_[next_clean_++]); !r) {
            phase_ = phase::idle;
            return unexpected(r.error());
        }
        return true;
    }
    return false;
}

result<void> compactor::map_step(size_t budget_bytes) {
    size_t used = 0;
    while (cursor_ < map_end_ && used < budget_bytes) {
        cursor_ = std::max(cursor_, log_.start_);  // retention may have moved the start meanwhile
        if (cursor_ >= map_end_) break;
        EDDY_TRY_ASSIGN(auto r, log_.read(cursor_, std::min<size_t>(budget_bytes, 1 << 20), map_end_));
        if (r.data.empty()) {
            cursor_ = map_end_;
            break;
        }
        for (size_t pos = 0; pos < r.data.size();) {
            EDDY_TRY_ASSIGN(auto h, parse_header(bytes_view(r.data).subspan(pos)));
            if (!h.is_compressed()) {
                EDDY_TRY_ASSIGN(auto records, parse_records(bytes_view(r.data).subspan(pos, h.size_bytes())));
                for (auto& rec : records)
                    if (rec.key) latest_[std::string(as_string_view(*rec.key))] = h.base_offset + rec.offset_delta;
            }
            pos += h.size_bytes();
        }
        used += r.data.size();
        cursor_ = r.next_offset;
    }
    return {};
}

bool compactor::keep_record(offset o, const record_view& r, int64_t batch_time, int64_t now) const {
    if (!r.key) return true;  // written before the log became compacted; nothing to compare it with
    auto it = latest_.find(std::string(as_string_view(*r.key)));
    if (it != latest_.end() && it->second > o.value()) return false;
    if (!r.value && now - batch_time > log_.cfg_.delete_retention_ms) return false;
    return true;
}

result<void> compactor::rewrite(offset base) {
    auto& segs = log_.segments_;
    auto it = std::find_if(segs.begin(), segs.end(), [&](auto& s) { return s->base() == base; });
    if (it == segs.end() || it + 1 == segs.end()) return {};  // deleted by retention meanwhile
    size_t index = static_cast<size_t>(it - segs.begin());
    segment& s = **it;
    int64_t now = log_.clock_.now_ms().value();
    EDDY_TRY_ASSIGN(auto positions, s.batch_positions());
    EDDY_TRY_ASSIGN(auto time_entries, s.time_index());
    std::vector<byte_buffer> out;
    std::vector<int64_t> times;
    bool changed = false;
    uint64_t removed = 0;
    for (uint64_t pos : positions) {
        EDDY_TRY_ASSIGN(auto b, s.read_batch_at(pos));
        auto h = validate_batch(b, validation::stored);
        if (!h) return make_error(errc::corrupt_log, "compacting {}: {}", s.dir(), h.error().message());
        auto ti = batch_holding(time_entries, static_cast<uint32_t>(h->base() - base));
        int64_t append_time = ti ? time_entries[*ti].append_time : -1;
        if (h->is_compressed()) {
            out.push_back(std::move(b));
            times.push_back(append_time);
            continue;
        }
        EDDY_TRY_ASSIGN(auto records, parse_records(b));
        std::vector<bytes_view> kept;
        int64_t batch_time = append_time >= 0 ? append_time : h->max_timestamp;
        for (auto& r : records)
            if (keep_record(h->base() + r.offset_delta, r, batch_time, now)) kept.push_back(r.raw);
        removed += records.size() - kept.size();
        if (kept.size() == records.size()) {
            out.push_back(std::move(b));
        } else {
            changed = true;
            if (kept.empty()) continue;
            const bytes rebuilt = rebuild_batch(*h, kept);
            out.emplace_back(rebuilt.begin(), rebuilt.end());
        }
        times.push_back(append_time);
    }
    if (!changed) return {};
    stats_.records_removed += removed;
    stats_.bytes_before += s.size_bytes();
    return swap_in(index, base, out, times);
}

result<void> compactor::swap_in(size_t index, offset base, const std::vector<byte_buffer>& batches,
                                const std::vector<int64_t>& append_times) {
    auto& fs = log_.fs_;
    const auto& dir = log_.dir_;
    auto& segs = log_.segments_;
    if (batches.empty()) {
        EDDY_TRY(segs[index]->remove_files());
        segs.erase(segs.begin() + static_cast<ptrdiff_t>(index));
        EDDY_TRY(fs.sync_directory(dir));
        log_.start_ = std::max(log_.start_, segs.front()->base());
        ++stats_.segments_removed;
        return {};
    }
    auto name = [&](std::string_view ext, std::string_view suffix) {
        return io::join_path(dir, segment_file_name(base, ext) + std::string(suffix));
    };
    for (auto ext : {".log", ".index", ".timeindex"}) {
        auto r = fs.remove(name(ext, ".cleaned"));  // an earlier attempt that failed half-way
        if (!r && r.error().code != std::errc::no_such_file_or_directory) return r;
    }
    uint64_t new_size = 0;
    {
        EDDY_TRY_ASSIGN(auto cleaned, segment::create(fs, dir, base, log_.cfg_, ".cleaned"));
        for (size_t i = 0; i < batches.size(); ++i) {
            EDDY_TRY_ASSIGN(auto h, parse_header(batches[i]));
            EDDY_TRY(cleaned->append(batches[i], std::span(&h, 1), append_times[i]));
        }
        EDDY_TRY(cleaned->sync_all());
        new_size = cleaned->size_bytes();
    }
    EDDY_TRY(fs.rename(name(".index", ".cleaned"), name(".index", ".swap")));
    EDDY_TRY(fs.rename(name(".timeindex", ".cleaned"), name(".timeindex", ".swap")));
    EDDY_TRY(fs.sync_directory(dir));
    EDDY_TRY(fs.rename(name(".log", ".cleaned"), name(".log", ".swap")));
    // Committed once this sync returns: recovery will finish the swap.
    EDDY_TRY(fs.sync_directory(dir));
    auto finished = complete_swap(fs, dir, base);
    auto reopened = finished ? segment::open(fs, dir, base, false, log_.cfg_)
                             : result<std::unique_ptr<segment>>(unexpected(finished.error()));
    if (!reopened) {
        // The old segment's files are gone or going; only a reopen (recovery) knows what is on disk now.
        compaction_log.error("{}: compaction swap of {} failed after commit: {}", dir, base,
                             reopened.error().message());
        log_.failed_ = true;
        return unexpected(reopened.error());
    }
    (*reopened)->seal();
    segs[index] = std::move(*reopened);
    ++stats_.segments_rewritten;
    stats_.bytes_after += new_size;
    return {};
}

result<compaction_stats> compact(log& l) {
    compactor c(l);
    while (true) {
        EDDY_TRY_ASSIGN(bool more, c.step());
        if (!more) break;
    }
    return c.stats();
}

}  // namespace eddy::storage
