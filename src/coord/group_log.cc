#include "coord/group_log.h"

#include <string>

#include "coord/errc.h"
#include "storage/record_batch.h"

namespace eddy::coord {

storage::log_config default_group_log_config() {
    storage::log_config cfg;
    cfg.cleanup = storage::cleanup_policy::compact;
    cfg.segment_bytes = 16ull << 20;
    cfg.segment_ms = 3600LL * 1000;
    cfg.retention_ms = -1;
    cfg.max_message_bytes = 64ull << 20;
    return cfg;
}

std::string group_log_directory(std::string_view data_dir) {
    return io::join_path(io::join_path(io::join_path(data_dir, "meta"), "__consumer_offsets"), "0");
}

result<std::unique_ptr<group_log>> group_log::open(io::filesystem& fs, io::clock& clock, std::string dir,
                                                   storage::log_config cfg, executor run_blocking,
                                                   executor post_back) {
    EDDY_TRY(fs.create_directories(dir));
    EDDY_TRY_ASSIGN(auto l, storage::log::open(fs, clock, std::move(dir), std::move(cfg)));
    return std::unique_ptr<group_log>(
        new group_log(clock, std::move(l), std::move(run_blocking), std::move(post_back)));
}

group_log::group_log(io::clock& clock, std::unique_ptr<storage::log> l, executor run_blocking, executor post_back)
    : clock_(clock), log_(std::move(l)), commit_(*log_, std::move(run_blocking), std::move(post_back)),
      compactor_(*log_) {}

group_log::~group_log() = default;

result<std::vector<record>> group_log::read_all() {
    std::vector<record> out;
    offset from = log_->log_start_offset();
    while (from < log_->log_end_offset()) {
        EDDY_TRY_ASSIGN(auto r, log_->read(from, 1 << 20));
        if (r.data.empty()) break;
        bytes_view data(r.data);
        for (size_t pos = 0; pos < data.size();) {
            EDDY_TRY_ASSIGN(auto h, storage::parse_header(data.subspan(pos)));
            auto batch = data.subspan(pos, h.size_bytes());
            pos += h.size_bytes();
            // Only this class writes the log, always uncompressed; anything else is damage.
            if (h.is_compressed() || h.is_control()) {
                return make_error(errc::corrupt_record, "{}: unexpected batch attributes {} at offset {}", log_->dir(),
                                  h.attributes, h.base_offset);
            }
            EDDY_TRY_ASSIGN(auto records, storage::parse_records(batch));
            for (const auto& rv : records) {
                if (!rv.key) return make_error(errc::corrupt_record, "{}: record without key", log_->dir());
                record rec{.key = bytes(rv.key->begin(), rv.key->end()), .value = std::nullopt};
                if (rv.value) rec.value = bytes(rv.value->begin(), rv.value->end());
                out.push_back(std::move(rec));
            }
        }
        if (r.next_offset <= from) break;
        from = r.next_offset;
    }
    return out;
}

result<offset> group_log::append(const std::vector<record>& records) {
    std::vector<storage::record_input> inputs;
    inputs.reserve(records.size());
    auto now = clock_.now_ms();
    for (const auto& r : records) {
        storage::record_input in;
        in.key = std::string(r.key.begin(), r.key.end());
        if (r.value) in.value = std::string(r.value->begin(), r.value->end());
        in.timestamp = now;
        inputs.push_back(std::move(in));
    }
    auto batch = storage::build_batch(inputs);
    EDDY_TRY(log_->append_in_place(batch));
    return log_->log_end_offset();
}

void group_log::when_durable(storage::group_commit::callback done) {
    commit_.request(log_->log_end_offset(), std::move(done));
}

result<bool> group_log::compact_step() { return compactor_.step(); }

result<void> group_log::close() { return log_->close(); }

}  // namespace eddy::coord
