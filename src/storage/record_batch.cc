#include "storage/record_batch.h"

#include <algorithm>

#include "base/assert.h"
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

// Reads one record at in; returns it and the bytes consumed (length prefix included).
result<record_view> parse_record(bytes_view in) {
    auto len = varint::decode_varint(in);
    if (!len || len->value < 0 || static_cast<uint64_t>(len->value) > in.size() - len->length)
        return make_error(errc::corrupt_batch, "bad record length");
    record_view r;
    r.raw = in.first(len->length + static_cast<size_t>(len->value));
    bytes_view b = r.raw.subspan(len->length);
    auto take_varint = [&](bool is_long) -> std::optional<int64_t> {
        auto v = is_long ? varint::decode_varlong(b) : varint::decode_varint(b);
        if (!v) return std::nullopt;
        b = b.subspan(v->length);
        return v->value;
    };
    auto take_bytes = [&](std::optional<bytes_view>& out) -> bool {
        auto n = take_varint(false);
        if (!n || *n < -1) return false;
        if (*n == -1) {
            out.reset();
            return true;
        }
        if (static_cast<uint64_t>(*n) > b.size()) return false;
        out = b.first(static_cast<size_t>(*n));
        b = b.subspan(static_cast<size_t>(*n));
        return true;
    };
    if (b.empty()) return make_error(errc::corrupt_batch, "empty record");
    b = b.subspan(1);  // attributes (unused in v2)
    auto ts = take_varint(true);
    auto od = take_varint(false);
    if (!ts || !od) return make_error(errc::corrupt_batch, "bad record timestamp/offset delta");
    r.timestamp_delta = *ts;
    r.offset_delta = static_cast<int32_t>(*od);
    if (!take_bytes(r.key) || !take_bytes(r.value)) return make_error(errc::corrupt_batch, "bad record key/value");
    auto hc = take_varint(false);
    if (!hc || *hc < 0) return make_error(errc::corrupt_batch, "bad record header count");
    r.header_count = static_cast<int32_t>(*hc);
    for (int64_t i = 0; i < *hc; ++i) {
        std::optional<bytes_view> hk, hv;
        if (!take_bytes(hk) || !hk || !take_bytes(hv)) return make_error(errc::corrupt_batch, "bad record header");
    }
    if (!b.empty()) return make_error(errc::corrupt_batch, "record has {} trailing bytes", b.size());
    return r;
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

namespace {

// Walks the records of a batch whose header h was parsed from it, calling fn(index, record) for each;
// checks that exactly recordsCount records fill the batch. fn returns result<void>.
template <typename F>
result<void> for_each_record(bytes_view batch, const batch_header& h, F&& fn) {
    if (h.size_bytes() > batch.size()) return make_error(errc::corrupt_batch, "truncated batch");
    bytes_view rest = batch.subspan(batch_header_size, h.size_bytes() - batch_header_size);
    const size_t count = static_cast<size_t>(std::max(h.records_count, 0));
    size_t n = 0;
    while (!rest.empty()) {
        if (n >= count) return make_error(errc::corrupt_batch, "more records than recordsCount {}", h.records_count);
        EDDY_TRY_ASSIGN(auto r, parse_record(rest));
        rest = rest.subspan(r.raw.size());
        EDDY_TRY(fn(n, r));
        ++n;
    }
    if (n != count) return make_error(errc::corrupt_batch, "recordsCount {} but {} records", h.records_count, n);
    return {};
}

}  // namespace

result<std::vector<record_view>> parse_records(bytes_view batch) {
    EDDY_TRY_ASSIGN(auto h, parse_header(batch));
    std::vector<record_view> out;
    // recordsCount comes from the client: never reserve more than the bytes can hold (a record takes at
    // least 7 bytes), or a forged count would allocate gigabytes.
    constexpr size_t min_record_bytes = 7;
    out.reserve(std::min(static_cast<size_t>(std::max(h.records_count, 0)), batch.size() / min_record_bytes));
    EDDY_TRY(for_each_record(batch, h, [&](size_t, const record_view& r) -> result<void> {
        out.push_back(r);
        return {};
    }));
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
    if (h.is_compressed()) return h;
    // Validation walks the records without keeping them: it runs on every produced batch.
    int64_t prev = -1;
    EDDY_TRY(for_each_record(batch, h, [&](size_t i, const record_view& r) -> result<void> {
        int64_t d = r.offset_delta;
        bool ok = mode == validation::producer ? d == static_cast<int64_t>(i) : (d > prev && d <= h.last_offset_delta);
        if (!ok) return make_error(errc::corrupt_batch, "record {} has offset delta {}", i, d);
        prev = d;
        return {};
    }));
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
