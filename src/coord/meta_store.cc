#include "coord/meta_store.h"

#include "base/log.h"
#include "storage/record_batch.h"

namespace eddy::coord {
namespace {
constexpr log::logger meta_log{"meta"};
}  // namespace

std::string meta_log_directory(const std::string& data_dir) {
    return io::join_path(io::join_path(data_dir, "meta"), "__eddy_meta");
}

meta_store::meta_store(std::unique_ptr<storage::log> l, uint64_t compact_growth_bytes)
    : log_(std::move(l)), compactor_(*log_), compact_growth_bytes_(compact_growth_bytes),
      size_after_compaction_(log_->size_bytes()) {}

result<std::unique_ptr<meta_store>> meta_store::open(io::filesystem& fs, io::clock& clock,
                                                     const std::string& data_dir, uint64_t compact_growth_bytes) {
    storage::log_config cfg;
    cfg.cleanup = storage::cleanup_policy::compact;
    cfg.retention_ms = -1;
    cfg.segment_bytes = 64ull << 20;
    cfg.max_message_bytes = 64ull << 20;
    cfg.flush.mode = storage::flush_policy::kind::never;  // append() flushes itself
    EDDY_TRY_ASSIGN(auto l, storage::log::open(fs, clock, meta_log_directory(data_dir), cfg));
    return std::unique_ptr<meta_store>(new meta_store(std::move(l), compact_growth_bytes));
}

result<std::vector<record>> meta_store::load() {
    std::vector<record> out;
    offset at = log_->log_start_offset();
    while (at < log_->log_end_offset()) {
        EDDY_TRY_ASSIGN(auto r, log_->read(at, 1 << 20));
        if (r.batches.empty()) break;
        bytes_view data(r.data);
        for (size_t pos = 0; pos < data.size();) {
            EDDY_TRY_ASSIGN(auto h, storage::validate_batch(data.subspan(pos), storage::validation::stored));
            auto batch = data.subspan(pos, h.size_bytes());
            pos += h.size_bytes();
            if (h.is_compressed() || h.is_control()) continue;
            EDDY_TRY_ASSIGN(auto recs, storage::parse_records(batch));
            for (const auto& rv : recs) {
                if (!rv.key) continue;
                record rec{bytes(rv.key->begin(), rv.key->end()), std::nullopt};
                if (rv.value) rec.value = bytes(rv.value->begin(), rv.value->end());
                out.push_back(std::move(rec));
            }
        }
        at = r.next_offset;
    }
    return out;
}

result<void> meta_store::append(const std::vector<record>& records) {
    if (records.empty()) return {};
    std::vector<storage::record_input> in;
    in.reserve(records.size());
    for (const auto& r : records) {
        storage::record_input ri;
        ri.key = std::string(r.key.begin(), r.key.end());
        if (r.value) ri.value = std::string(r.value->begin(), r.value->end());
        in.push_back(std::move(ri));
    }
    auto batch = storage::build_batch(in);
    EDDY_TRY(log_->append(batch));
    EDDY_TRY(log_->flush());
    const uint64_t size = log_->size_bytes();
    if (size >= size_after_compaction_ + compact_growth_bytes_ && size >= 2 * size_after_compaction_) {
        // The records are durable already: a failed pass leaves a larger log, never a wrong one.
        if (auto r = compact(); !r) meta_log.warn("compaction of the meta log failed: {}", r.error().message());
    }
    return {};
}

result<void> meta_store::compact() {
    // Everything appended so far is flushed (append() flushes), so the pass may supersede all of it.
    if (log_->size_bytes() > 0) EDDY_TRY(log_->roll());
    while (true) {
        EDDY_TRY_ASSIGN(bool more, compactor_.step());
        if (!more) break;
    }
    size_after_compaction_ = log_->size_bytes();
    return {};
}

}  // namespace eddy::coord
