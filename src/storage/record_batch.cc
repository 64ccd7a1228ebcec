#include "storage/record_batch.h"

#include <algorithm>

#include "base/assert.h"
#include "bytes/compression.h"
#include "bytes/crc32c.h"
#include "bytes/varint.h"
#include "storage/errc.h"

namespace eddy::storage {

result<batch_header> parse_header(bytes_view d) {
    if (d.size() < batch_header_size)
        return make_error(errc::corrupt_batch, "batch header needs {} bytes, have {}", batch_header_size, d.size());
    batch_header h;
    const uint8_t* p = d.data();
    h.base_offset = load_be<int64_t>(p + 0);
    h.batch_length = load_be<int32_t>(p + 8);
    h.partition_leader_epoch = load_be<int32_t>(p + 12);
    h.magic = static_cast<int8_t>(p[16]);
    h.crc = load_be<uint32_t>(p + 17);
    h.attributes = load_be<int16_t>(p + 21);
    h.last_offset_delta = load_be<int32_t>(p + 23);
    h.base_timestamp = load_be<int64_t>(p + 27);
    h.max_timestamp = load_be<int64_t>(p + 35);
    h.producer_id = load_be<int64_t>(p + 43);
    h.producer_epoch = load_be<int16_t>(p + 51);
    h.base_sequence = load_be<int32_t>(p + 53);
    h.records_count = load_be<int32_t>(p + 57);
    if (h.magic != batch_magic_v2) return make_error(errc::unsupported_magic, "magic {}", h.magic);
    if (h.batch_length < static_cast<int32_t>(batch_header_size - batch_log_overhead))
        return make_error(errc::corrupt_batch, "batchLength {} shorter than the header", h.batch_length);
    return h;
}

namespace {

// Record framing, decoded straight from pointers: every append walks each record of the batch, so the
// varints take an inline path for one and two bytes (framing values are mostly below 2^14) and only
// longer or malformed ones go to varint::decode_unsigned_slow. Nothing is allocated, and everything is
// inlined into the walks so their cursors stay in registers.
//
// Zig-zag varints are read as their raw unsigned value u: a 5-byte varint is < 2^32, so its int32 value
// is u / 2 when u is even (>= 0) and -(u + 1) / 2 when odd (-1 only for u == 1). The walks compare raw
// values and so decode only what they need.

// An unsigned LEB128 of at most max_len bytes in [p, end); advances p. False when truncated or overlong.
[[gnu::always_inline]] inline bool take_unsigned(const uint8_t*& p, const uint8_t* end, size_t max_len, uint64_t& v) {
    if (p < end) [[likely]] {
        const uint8_t b0 = p[0];
        if (b0 < 0x80) {
            v = b0;
            p += 1;
            return true;
        }
        if (end - p >= 2 && p[1] < 0x80) {
            v = (b0 & 0x7fu) | (uint64_t{p[1]} << 7);
            p += 2;
            return true;
        }
    }
    auto d = varint::decode_unsigned_slow(bytes_view(p, static_cast<size_t>(end - p)), max_len);
    if (!d) return false;
    v = d->value;
    p += d->length;
    return true;
}

// A length-prefixed byte string in [p, end): length -1 is null (allowed only when nullable, and then
// out is reset), other lengths must be >= 0 and in bounds. Advances p past it.
[[gnu::always_inline]] inline bool take_bytes(const uint8_t*& p, const uint8_t* end, bool nullable,
                                              std::optional<bytes_view>& out) {
    uint64_t u;
    if (!take_unsigned(p, end, varint::max_len32, u)) return false;
    if (u & 1) {
        out.reset();
        return u == 1 && nullable;
    }
    if ((u >> 1) > static_cast<uint64_t>(end - p)) return false;
    out = bytes_view(p, u >> 1);
    p += u >> 1;
    return true;
}

// Decodes the record at p, whose bytes must lie within [p, end): length prefix >= 1 and in bounds,
// attributes, timestampDelta, offsetDelta, key, value, headers (non-null keys), nothing left over.
// Advances p past it; returns nullptr, or why the record is malformed. Fields r does not keep are
// dropped by the compiler once this is inlined.
[[gnu::always_inline]] inline const char* decode_record(const uint8_t*& p, const uint8_t* end, record_view& r) {
    const uint8_t* const begin = p;
    uint64_t u;
    if (!take_unsigned(p, end, varint::max_len32, u) || u < 2 || (u & 1) || (u >> 1) > static_cast<uint64_t>(end - p))
        return "bad record length";
    const uint8_t* const rec_end = p + (u >> 1);
    r.raw = bytes_view(begin, rec_end);
    // The fields have their own cursor and p moves on by the length alone, so the next record's
    // decoding need not wait for this one's fields (the CPU overlaps them).
    const uint8_t* q = p + 1;  // attributes (unused in v2)
    p = rec_end;
    uint64_t ts;
    if (!take_unsigned(q, rec_end, varint::max_len64, ts) || !take_unsigned(q, rec_end, varint::max_len32, u))
        return "bad record timestamp/offset delta";
    r.timestamp_delta = varint::zigzag_decode(ts);
    r.offset_delta = static_cast<int32_t>(varint::zigzag_decode(u));
    if (!take_bytes(q, rec_end, true, r.key) || !take_bytes(q, rec_end, true, r.value)) return "bad record key/value";
    if (!take_unsigned(q, rec_end, varint::max_len32, u) || (u & 1)) return "bad record header count";
    r.header_count = static_cast<int32_t>(u >> 1);
    std::optional<bytes_view> field;
    for (uint64_t i = u >> 1; i > 0; --i) {
        if (!take_bytes(q, rec_end, false, field) || !take_bytes(q, rec_end, true, field)) return "bad record header";
    }
    if (q != rec_end) return "record has trailing bytes";
    return nullptr;
}

// A varint of one or two bytes at q, the common case of every framing field; false when it is longer
// (or malformed). Reads q[0] and q[1]: the caller makes sure both are inside the buffer.
[[gnu::always_inline]] inline bool take_short(const uint8_t*& q, uint64_t& v) {
    const uint64_t b0 = q[0];
    if (b0 < 0x80) {
        v = b0;
        q += 1;
        return true;
    }
    const uint64_t b1 = q[1];
    if (b1 >= 0x80) return false;
    v = (b0 & 0x7f) | (b1 << 7);
    q += 2;
    return true;
}

// The common record, checked with about two thirds of the instructions of decode_record: every varint
// of one or two bytes, and the record ending at least 8 bytes before end, so that no read needs a bounds
// check of its own (a read past the record stays inside the batch, and what it read fails a later check).
// Returns false when the record is not of that kind, leaving p alone: decode_record then decides. It never
// accepts what decode_record rejects. On true, p is past the record and od is the raw (zig-zag) offset
// delta.
[[gnu::always_inline]] inline bool take_common_record(const uint8_t*& p, const uint8_t* end, uint64_t& od) {
    if (end - p < 16) return false;
    const uint8_t* q = p;
    uint64_t u;
    if (!take_short(q, u) || (u & 1) || u < 2) return false;
    const int64_t len = static_cast<int64_t>(u >> 1);
    if (end - q < len + 8) return false;
    const uint8_t* const rec_end = q + len;
    q += 1;  // attributes
    if (!take_short(q, u) || !take_short(q, od)) return false;  // timestampDelta, offsetDelta
    // A length -1 (null, when nullable) or in bounds, then that many bytes.
    auto skip_bytes = [&](bool nullable) __attribute__((always_inline)) {
        if (!take_short(q, u)) return false;
        if (u & 1) return nullable && u == 1;
        if (static_cast<int64_t>(u >> 1) > rec_end - q) return false;
        q += u >> 1;
        return true;
    };
    if (!skip_bytes(true) || !skip_bytes(true)) return false;  // key, value
    // The header count and the headers (key not null), each starting inside the record, the last ending
    // where the record does.
    if (q >= rec_end || !take_short(q, u) || (u & 1)) return false;
    for (uint64_t i = u >> 1; i > 0; --i)
        if (q >= rec_end || !skip_bytes(false) || !skip_bytes(true)) return false;
    if (q != rec_end) return false;
    p = rec_end;
    return true;
}

// The framing check of validate_batch: decode_record's rules for every record of the records section
// (plain, after the header), the offset delta rule of mode, and exactly recordsCount records filling it.
// REQUIRES: check_counts(h, mode) passed.
template <validation mode>
result<void> check_records(bytes_view records, const batch_header& h) {
    const uint8_t* p = records.data();
    const uint8_t* const end = records.data() + records.size();
    const uint64_t count = static_cast<uint64_t>(h.records_count);
    int64_t prev = -1;
    uint64_t n = 0;
    record_view r;
    for (; p != end; ++n) {
        if (n >= count) return make_error(errc::corrupt_batch, "more records than recordsCount {}", h.records_count);
        int64_t d;
        if (uint64_t od; take_common_record(p, end, od)) {
            // A producer's delta is n: zig-zag 2n (two bytes at most here, so no int32 wrap-around).
            if (mode == validation::producer && od == 2 * n) continue;
            d = static_cast<int32_t>(varint::zigzag_decode(od));
        } else {
            if (const char* why = decode_record(p, end, r))
                return make_error(errc::corrupt_batch, "record {}: {}", n, why);
            d = r.offset_delta;
        }
        // Producer: deltas are exactly 0..n-1. Stored (compaction leaves gaps): increasing, <= lastOffsetDelta.
        if (mode == validation::producer ? d != static_cast<int64_t>(n) : (d <= prev || d > h.last_offset_delta))
            return make_error(errc::corrupt_batch, "record {} has offset delta {}", n, d);
        prev = d;
    }
    if (n != count) return make_error(errc::corrupt_batch, "recordsCount {} but {} records", h.records_count, n);
    return {};
}

result<void> check_records(bytes_view records, const batch_header& h, validation mode) {
    return mode == validation::producer ? check_records<validation::producer>(records, h)
                                        : check_records<validation::stored>(records, h);
}

result<void> check_counts(const batch_header& h, validation mode) {
    if (h.records_count < 0 || h.last_offset_delta < 0)
        return make_error(errc::corrupt_batch, "negative recordsCount {} or lastOffsetDelta {}", h.records_count,
                          h.last_offset_delta);
    if (mode == validation::producer) {
        if (h.records_count == 0) return make_error(errc::corrupt_batch, "producer batch without records");
        if (h.last_offset_delta != h.records_count - 1)
            return make_error(errc::corrupt_batch, "lastOffsetDelta {} != recordsCount {} - 1", h.last_offset_delta,
                              h.records_count);
    } else if (static_cast<int64_t>(h.records_count) > static_cast<int64_t>(h.last_offset_delta) + 1) {
        return make_error(errc::corrupt_batch, "recordsCount {} > lastOffsetDelta {} + 1", h.records_count,
                          h.last_offset_delta);
    }
    return {};
}

}  // namespace

result<std::vector<record_view>> parse_records(bytes_view batch) {
    EDDY_TRY_ASSIGN(auto h, parse_header(batch));
    if (h.size_bytes() > batch.size()) return make_error(errc::corrupt_batch, "truncated batch");
    const size_t count = static_cast<size_t>(std::max(h.records_count, 0));
    std::vector<record_view> out;
    // recordsCount comes from the client: never reserve more than the bytes can hold (a record takes at
    // least 7 bytes), or a forged count would allocate gigabytes.
    constexpr size_t min_record_bytes = 7;
    out.reserve(std::min(count, batch.size() / min_record_bytes));
    const uint8_t* p = batch.data() + batch_header_size;
    const uint8_t* const end = batch.data() + h.size_bytes();
    while (p != end) {
        if (out.size() >= count) return make_error(errc::corrupt_batch, "more records than recordsCount {}", h.records_count);
        if (const char* why = decode_record(p, end, out.emplace_back()))
            return make_error(errc::corrupt_batch, "record {}: {}", out.size() - 1, why);
    }
    if (out.size() != count) return make_error(errc::corrupt_batch, "recordsCount {} but {} records", h.records_count, out.size());
    return out;
}

result<batch_header> validate_batch(bytes_view data, validation mode, size_t max_batch_bytes) {
    EDDY_TRY_ASSIGN(auto h, parse_header(data));
    if (h.size_bytes() > max_batch_bytes)
        return make_error(errc::message_too_large, "batch of {} bytes, limit {}", h.size_bytes(), max_batch_bytes);
    if (h.size_bytes() > data.size())
        return make_error(errc::corrupt_batch, "batch of {} bytes truncated to {}", h.size_bytes(), data.size());
    bytes_view batch = data.first(h.size_bytes());
    uint32_t crc = crc32c::value(batch.subspan(batch_crc_range_pos));
    if (crc != h.crc) return make_error(errc::crc_mismatch, "stored {:#010x}, computed {:#010x}", h.crc, crc);
    EDDY_TRY(check_counts(h, mode));
    auto records = batch.subspan(batch_header_size);
    if (!h.is_compressed()) {
        EDDY_TRY(check_records(records, h, mode));
        return h;
    }
    // A producer's compressed batch is decompressed and checked like a plain one, as Kafka's broker does:
    // the offset deltas inside decide the offsets consumers see. Stored batches passed this on append.
    if (mode == validation::producer) {
        auto codec = compression_from_attributes(h.attributes);
        if (!codec) return make_error(errc::corrupt_batch, "{}", codec.error().message());
        auto plain = decompress(*codec, records, max_decompressed_records);
        if (!plain) return make_error(errc::corrupt_batch, "records do not decompress: {}", plain.error().message());
        EDDY_TRY(check_records(*plain, h, mode));
    }
    return h;
}

void set_base_offset(mutable_bytes_view batch, offset base) {
    EDDY_ASSERT(batch.size() >= 8);
    store_be<int64_t>(batch.data(), base.value());
}

void update_crc(mutable_bytes_view batch) {
    EDDY_ASSERT(batch.size() >= batch_header_size);
    store_be<uint32_t>(batch.data() + batch_crc_pos, crc32c::value(batch.subspan(batch_crc_range_pos)));
}

namespace {

void write_header(bytes& out, const batch_header& h) {
    out.resize(batch_header_size);
    uint8_t* p = out.data();
    store_be<int64_t>(p + 0, h.base_offset);
    store_be<int32_t>(p + 8, 0);  // patched by finish()
    store_be<int32_t>(p + 12, h.partition_leader_epoch);
    p[16] = static_cast<uint8_t>(batch_magic_v2);
    store_be<uint32_t>(p + 17, 0);
    store_be<int16_t>(p + 21, h.attributes);
    store_be<int32_t>(p + 23, h.last_offset_delta);
    store_be<int64_t>(p + 27, h.base_timestamp);
    store_be<int64_t>(p + 35, h.max_timestamp);
    store_be<int64_t>(p + 43, h.producer_id);
    store_be<int16_t>(p + 51, h.producer_epoch);
    store_be<int32_t>(p + 53, h.base_sequence);
    store_be<int32_t>(p + 57, h.records_count);
}

void finish(bytes& out) {
    store_be<int32_t>(out.data() + 8, static_cast<int32_t>(out.size() - batch_log_overhead));
    update_crc(out);
}

void encode_nullable(bytes& out, const std::optional<std::string>& s) {
    if (!s) {
        varint::encode_varint(out, -1);
        return;
    }
    varint::encode_varint(out, static_cast<int32_t>(s->size()));
    out.insert(out.end(), s->begin(), s->end());
}

}  // namespace

bytes build_batch(std::span<const record_input> records, const batch_options& opts) {
    EDDY_ASSERT(!records.empty());
    EDDY_ASSERT((opts.attributes & 0x7) == 0, "build_batch writes uncompressed batches");
    batch_header h;
    h.base_offset = opts.base_offset;
    h.attributes = opts.attributes;
    h.last_offset_delta = static_cast<int32_t>(records.size() - 1);
    h.base_timestamp = records.front().timestamp.value();
    h.max_timestamp = h.base_timestamp;
    for (auto& r : records) h.max_timestamp = std::max(h.max_timestamp, r.timestamp.value());
    h.producer_id = opts.producer_id;
    h.producer_epoch = opts.producer_epoch;
    h.base_sequence = opts.base_sequence;
    h.records_count = static_cast<int32_t>(records.size());
    bytes out;
    write_header(out, h);
    bytes body;
    for (size_t i = 0; i < records.size(); ++i) {
        const auto& r = records[i];
        body.clear();
        body.push_back(0);  // attributes
        varint::encode_varlong(body, r.timestamp.value() - h.base_timestamp);
        varint::encode_varint(body, static_cast<int32_t>(i));
        encode_nullable(body, r.key);
        encode_nullable(body, r.value);
        varint::encode_varint(body, static_cast<int32_t>(r.headers.size()));
        for (auto& [k, v] : r.headers) {
            encode_nullable(body, k);
            encode_nullable(body, v);
        }
        varint::encode_varint(out, static_cast<int32_t>(body.size()));
        out.insert(out.end(), body.begin(), body.end());
    }
    finish(out);
    return out;
}

bytes rebuild_batch(const batch_header& tmpl, std::span<const bytes_view> raw_records) {
    batch_header h = tmpl;
    h.records_count = static_cast<int32_t>(raw_records.size());
    bytes out;
    write_header(out, h);
    for (auto r : raw_records) out.insert(out.end(), r.begin(), r.end());
    finish(out);
    return out;
}

}  // namespace eddy::storage
