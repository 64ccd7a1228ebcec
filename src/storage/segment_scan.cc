#include "storage/segment_scan.h"

#include <algorithm>

#include "storage/errc.h"

namespace eddy::storage {

result<byte_buffer> read_exact(io::file& f, uint64_t pos, size_t n) {
    byte_buffer buf(n);  // not zero-filled: the read fills it
    EDDY_TRY_ASSIGN(size_t got, f.read_at(pos, buf));
    if (got != n) return make_error(errc::corrupt_log, "short read: {} of {} bytes at {}", got, n, pos);
    return buf;
}

namespace {

constexpr size_t chunk_bytes = 1 << 20;

// A window of the file kept in memory so small batches do not cost a read each.
class window {
public:
    window(io::file& f, uint64_t file_size) : f_(f), file_size_(file_size) {}

    // Bytes [pos, pos+n), or an empty view when they run past the end of the file.
    result<bytes_view> get(uint64_t pos, size_t n) {
        if (pos + n > file_size_) return bytes_view{};
        if (pos < start_ || pos + n > start_ + data_.size()) {
            size_t want = static_cast<size_t>(std::min<uint64_t>(std::max(n, chunk_bytes), file_size_ - pos));
            EDDY_TRY_ASSIGN(data_, read_exact(f_, pos, want));
            start_ = pos;
        }
        return bytes_view(data_).subspan(static_cast<size_t>(pos - start_), n);
    }

private:
    io::file& f_;
    uint64_t file_size_;
    uint64_t start_ = 0;
    byte_buffer data_;
};

// Is there a valid batch (base offset >= min_base) starting anywhere after `bad`? Only runs when a scan
// stops early, so a byte-by-byte search is affordable; the magic byte filters almost every position.
result<bool> valid_batch_after(window& w, uint64_t bad, uint64_t file_size, offset min_base) {
    for (uint64_t p = bad + 1; p + batch_header_size <= file_size; ++p) {
        EDDY_TRY_ASSIGN(auto head, w.get(p, batch_header_size));
        if (static_cast<int8_t>(head[16]) != batch_magic_v2) continue;
        auto h = parse_header(head);
        if (!h || h->base() < min_base || p + h->size_bytes() > file_size) continue;
        EDDY_TRY_ASSIGN(auto whole, w.get(p, h->size_bytes()));
        if (validate_batch(whole, validation::stored)) return true;
    }
    return false;
}

}  // namespace

result<scan_result> scan_batches(io::file& f, uint64_t from, uint64_t file_size, offset min_base,
                                 bool contiguous) {
    scan_result out;
    window w(f, file_size);
    uint64_t pos = from;
    int64_t next_min = min_base.value();
    while (pos < file_size) {
        EDDY_TRY_ASSIGN(auto head, w.get(pos, batch_header_size));
        if (head.empty()) {
            out.why = scan_result::stop::incomplete;
            out.detail = fmt::format("partial header at {}", pos);
            break;
        }
        auto h = parse_header(head);
        if (!h) {
            out.why = scan_result::stop::invalid;
            out.detail = fmt::format("at {}: {}", pos, h.error().message());
            break;
        }
        EDDY_TRY_ASSIGN(auto whole, w.get(pos, h->size_bytes()));
        if (whole.empty()) {
            out.why = scan_result::stop::incomplete;
            out.detail = fmt::format("batch at {} needs {} bytes, file ends at {}", pos, h->size_bytes(), file_size);
            break;
        }
        auto v = validate_batch(whole, validation::stored);
        if (!v || h->base_offset < next_min || (contiguous && h->base_offset != next_min)) {
            out.why = scan_result::stop::invalid;
            out.detail = v ? fmt::format("at {}: base offset {}, expected {}", pos, h->base_offset, next_min)
                           : fmt::format("at {}: {}", pos, v.error().message());
            break;
        }
        out.batches.emplace_back(pos, *h);
        next_min = h->last().value() + 1;
        pos += h->size_bytes();
    }
    out.end = pos;
    if (out.why != scan_result::stop::clean_end) {
        EDDY_TRY_ASSIGN(out.valid_batch_follows, valid_batch_after(w, pos, file_size, offset{next_min}));
    }
    return out;
}

}  // namespace eddy::storage
