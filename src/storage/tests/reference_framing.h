// A deliberately plain reference for the rules of validate_batch, written against the public varint and
// CRC functions only, for differential tests and the record_batch fuzz target: the fast walk in
// record_batch.cc must accept exactly what this accepts.
#pragma once

#include <algorithm>
#include <optional>

#include "bytes/compression.h"
#include "bytes/crc32c.h"
#include "bytes/varint.h"
#include "storage/record_batch.h"

namespace eddy::storage::testing {

// Does the framing of batch (header already parsed as h, CRC and counts already checked) hold: every
// record's length in bounds, well-formed fields, non-null header keys, no trailing bytes, offset deltas
// per mode, exactly recordsCount records filling the batch?
inline bool reference_framing_ok(bytes_view batch, const batch_header& h, validation mode) {
    if (h.size_bytes() > batch.size()) return false;
    bytes_view rest = batch.subspan(batch_header_size, h.size_bytes() - batch_header_size);
    int64_t n = 0;
    int64_t prev = -1;
    while (!rest.empty()) {
        auto len = varint::decode_varint(rest);
        if (!len || len->value < 1 || static_cast<uint64_t>(len->value) > rest.size() - len->length) return false;
        bytes_view rec = rest.subspan(len->length, static_cast<size_t>(len->value));
        rest = rest.subspan(len->length + static_cast<size_t>(len->value));
        rec = rec.subspan(1);  // attributes
        auto next = [&](bool is_long) -> std::optional<int64_t> {
            auto v = is_long ? varint::decode_varlong(rec) : varint::decode_varint(rec);
            if (!v) return std::nullopt;
            rec = rec.subspan(v->length);
            return v->value;
        };
        auto skip = [&](bool nullable) {
            auto l = next(false);
            if (!l || *l < -1 || (*l == -1 && !nullable)) return false;
            if (*l == -1) return true;
            if (static_cast<uint64_t>(*l) > rec.size()) return false;
            rec = rec.subspan(static_cast<size_t>(*l));
            return true;
        };
        if (!next(true)) return false;
        auto delta = next(false);
        if (!delta) return false;
        if (mode == validation::producer ? *delta != n : (*delta <= prev || *delta > h.last_offset_delta)) return false;
        prev = *delta;
        if (!skip(true) || !skip(true)) return false;
        auto headers = next(false);
        if (!headers || *headers < 0) return false;
        for (int64_t i = 0; i < *headers; ++i)
            if (!skip(false) || !skip(true)) return false;
        if (!rec.empty()) return false;
        ++n;
    }
    return n == std::max(h.records_count, 0);
}

// Would validate_batch(data, mode, max_batch_bytes) succeed?
inline bool reference_accepts(bytes_view data, validation mode, size_t max_batch_bytes = SIZE_MAX) {
    auto h = parse_header(data);
    if (!h || h->size_bytes() > max_batch_bytes || h->size_bytes() > data.size()) return false;
    bytes_view batch = data.first(h->size_bytes());
    if (crc32c::value(batch.subspan(batch_crc_range_pos)) != h->crc) return false;
    if (h->records_count < 0 || h->last_offset_delta < 0) return false;
    if (mode == validation::producer) {
        if (h->records_count == 0 || h->last_offset_delta != h->records_count - 1) return false;
    } else if (int64_t{h->records_count} > int64_t{h->last_offset_delta} + 1) {
        return false;
    }
    if (!h->is_compressed()) return reference_framing_ok(batch, *h, mode);
    if (mode == validation::stored) return true;  // stored compressed batches are not decompressed
    // A producer's compressed records are checked as the same batch written plain would be.
    auto codec = compression_from_attributes(h->attributes);
    if (!codec) return false;
    auto plain = decompress(*codec, batch.subspan(batch_header_size), max_decompressed_records);
    if (!plain) return false;
    bytes whole(batch_header_size + plain->size());
    std::copy_n(batch.begin(), batch_header_size, whole.begin());
    std::copy(plain->begin(), plain->end(), whole.begin() + batch_header_size);
    batch_header ph = *h;
    ph.batch_length = static_cast<int32_t>(whole.size() - batch_log_overhead);
    return reference_framing_ok(whole, ph, mode);
}

}  // namespace eddy::storage::testing
