#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "bytes/compression.h"
#include "bytes/varint.h"
#include "storage/errc.h"
#include "storage/record_batch.h"
#include "storage/tests/reference_framing.h"

namespace eddy::storage {
namespace {

bytes sample(size_t n = 3) {
    std::vector<record_input> rs;
    for (size_t i = 0; i < n; ++i)
        rs.push_back({"k" + std::to_string(i), "value-" + std::to_string(i), timestamp_ms{1000 + int64_t(i)}, {}});
    rs.back().headers.push_back({"h", "v"});
    rs.front().value.reset();
    return build_batch(rs, {.producer_id = 7, .producer_epoch = 1, .base_sequence = 0});
}

TEST(record_batch, build_then_validate_roundtrip) {
    auto b = sample();
    auto h = validate_batch(b, validation::producer);
    ASSERT_TRUE(h) << h.error().message();
    EXPECT_EQ(h->size_bytes(), b.size());
    EXPECT_EQ(h->records_count, 3);
    EXPECT_EQ(h->last_offset_delta, 2);
    EXPECT_EQ(h->base_timestamp, 1000);
    EXPECT_EQ(h->max_timestamp, 1002);
    EXPECT_EQ(h->producer_id, 7);
    auto rs = parse_records(b);
    ASSERT_TRUE(rs);
    ASSERT_EQ(rs->size(), 3u);
    EXPECT_FALSE((*rs)[0].value.has_value());
    EXPECT_EQ(as_string_view(*(*rs)[1].key), "k1");
    EXPECT_EQ(as_string_view(*(*rs)[2].value), "value-2");
    EXPECT_EQ((*rs)[2].header_count, 1);
    EXPECT_EQ((*rs)[2].timestamp_delta, 2);
}

TEST(record_batch, base_offset_patch_keeps_crc_valid) {
    auto b = sample();
    set_base_offset(b, offset{123456789});
    auto h = validate_batch(b, validation::producer);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->base(), offset{123456789});
    EXPECT_EQ(h->last(), offset{123456791});
}

TEST(record_batch, every_flipped_byte_in_crc_range_is_detected) {
    auto good = sample();
    for (size_t i = batch_crc_range_pos; i < good.size(); ++i) {
        auto b = good;
        b[i] ^= 0x01;
        auto r = validate_batch(b, validation::producer);
        ASSERT_FALSE(r) << "byte " << i;
        EXPECT_EQ(r.error().code, errc::crc_mismatch) << "byte " << i;
    }
}

TEST(record_batch, bad_magic_and_truncation) {
    auto b = sample();
    b[16] = 1;
    EXPECT_EQ(validate_batch(b, validation::producer).error().code, errc::unsupported_magic);
    b = sample();
    for (size_t cut : {size_t{0}, size_t{11}, size_t{60}, b.size() - 1}) {
        auto r = validate_batch(bytes_view(b).first(cut), validation::producer);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, errc::corrupt_batch) << cut;
    }
    // batchLength smaller than a header
    store_be<int32_t>(b.data() + 8, 10);
    EXPECT_EQ(parse_header(b).error().code, errc::corrupt_batch);
}

TEST(record_batch, size_limit) {
    auto b = sample();
    EXPECT_EQ(validate_batch(b, validation::producer, b.size() - 1).error().code, errc::message_too_large);
    EXPECT_TRUE(validate_batch(b, validation::producer, b.size()));
}

// Rewrites a header field and fixes the CRC, so only the semantic check can catch the lie.
bytes with_field(bytes b, size_t pos, int32_t v) {
    store_be<int32_t>(b.data() + pos, v);
    update_crc(b);
    return b;
}

TEST(record_batch, lying_counts_are_rejected) {
    auto b = sample();
    EXPECT_EQ(validate_batch(with_field(b, 57, 4), validation::producer).error().code, errc::corrupt_batch);
    EXPECT_EQ(validate_batch(with_field(b, 57, 2), validation::producer).error().code, errc::corrupt_batch);
    EXPECT_EQ(validate_batch(with_field(b, 57, -1), validation::producer).error().code, errc::corrupt_batch);
    EXPECT_EQ(validate_batch(with_field(b, 23, 5), validation::producer).error().code, errc::corrupt_batch);
    // A stored (compacted) batch may have gaps: lastOffsetDelta 5 with 3 records is fine there.
    EXPECT_TRUE(validate_batch(with_field(b, 23, 5), validation::stored));
    EXPECT_EQ(validate_batch(with_field(b, 23, 1), validation::stored).error().code, errc::corrupt_batch);
}

// Found by record_batch_fuzz: a forged recordsCount made parsing reserve gigabytes (std::bad_alloc).
TEST(record_batch, huge_forged_count_is_an_error_not_an_allocation) {
    auto b = sample();
    auto forged = with_field(with_field(b, 57, 0x7fffff00), 23, 0x7ffffeff);
    EXPECT_EQ(validate_batch(forged, validation::producer).error().code, errc::corrupt_batch);
    EXPECT_EQ(validate_batch(forged, validation::stored).error().code, errc::corrupt_batch);
}

// The batch with its records section compressed by codec (attributes set, length and CRC updated).
bytes compressed(const bytes& plain, compression codec) {
    auto packed = compress(codec, bytes_view(plain).subspan(batch_header_size));
    EXPECT_TRUE(packed);
    bytes out(batch_header_size + packed->size());
    std::copy_n(plain.begin(), batch_header_size, out.begin());
    std::copy(packed->begin(), packed->end(), out.begin() + batch_header_size);
    store_be<int32_t>(out.data() + 8, static_cast<int32_t>(out.size() - batch_log_overhead));
    store_be<int16_t>(out.data() + 21, static_cast<int16_t>(codec));
    update_crc(out);
    return out;
}

TEST(record_batch, compressed_producer_batches_are_checked_inside) {
    for (auto codec : {compression::gzip, compression::snappy, compression::lz4, compression::zstd}) {
        EXPECT_TRUE(validate_batch(compressed(sample(), codec), validation::producer)) << static_cast<int>(codec);
    }
    // Offset deltas inside a compressed batch are the producer's to get right: a gap is refused.
    auto b = sample(3);
    auto rs = *parse_records(b);
    batch_header h = *parse_header(b);
    std::vector<bytes_view> first_and_last{rs[0].raw, rs[2].raw};
    auto gapped = rebuild_batch(h, first_and_last);  // deltas 0 and 2, recordsCount 2
    store_be<int32_t>(gapped.data() + 23, 1);        // lastOffsetDelta 1 = recordsCount - 1, as a producer's
    update_crc(gapped);
    ASSERT_EQ(validate_batch(gapped, validation::producer).error().code, errc::corrupt_batch) << "plain";
    EXPECT_EQ(validate_batch(compressed(gapped, compression::zstd), validation::producer).error().code,
              errc::corrupt_batch)
        << "the same records compressed";
    // Garbage that is not the codec's format is corrupt, not a crash; stored batches are not decompressed.
    auto opaque = sample();
    store_be<int16_t>(opaque.data() + 21, 1);  // gzip bit over plain records
    update_crc(opaque);
    EXPECT_EQ(validate_batch(opaque, validation::producer).error().code, errc::corrupt_batch);
    EXPECT_TRUE(validate_batch(opaque, validation::stored));
    auto miscounted = validate_batch(with_field(opaque, 23, 9), validation::producer);
    ASSERT_FALSE(miscounted);
    EXPECT_EQ(miscounted.error().code, errc::corrupt_batch) << "the counts are checked before decompressing";
}

TEST(record_batch, bad_record_framing) {
    auto b = sample(1);
    // The single record starts at 61 with its varint length; make it claim more bytes than exist.
    b[batch_header_size] = static_cast<uint8_t>(varint::zigzag_encode(60));
    update_crc(b);
    EXPECT_EQ(validate_batch(b, validation::producer).error().code, errc::corrupt_batch);
}

TEST(record_batch, rebuild_keeps_offsets_and_drops_records) {
    auto b = sample(4);
    set_base_offset(b, offset{100});
    auto h = *validate_batch(b, validation::producer);
    auto rs = *parse_records(b);
    std::vector<bytes_view> keep{rs[1].raw, rs[3].raw};
    auto nb = rebuild_batch(h, keep);
    auto nh = validate_batch(nb, validation::stored);
    ASSERT_TRUE(nh) << nh.error().message();
    EXPECT_EQ(nh->base(), offset{100});
    EXPECT_EQ(nh->last(), offset{103});
    EXPECT_EQ(nh->records_count, 2);
    auto nrs = *parse_records(nb);
    EXPECT_EQ(nrs[0].offset_delta, 1);
    EXPECT_EQ(as_string_view(*nrs[1].key), "k3");
    EXPECT_FALSE(validate_batch(nb, validation::producer));
}

// Raw record bytes for framing tests: the length prefix (zig-zag varint) then the body as given.
bytes framed(const bytes& body, std::optional<int32_t> length = std::nullopt) {
    bytes out;
    varint::encode_varint(out, length.value_or(static_cast<int32_t>(body.size())));
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

// A record body: attributes, timestampDelta, offsetDelta, key, value, headers (nullopt = null; lengths
// may be forced to lie).
struct body_spec {
    int64_t timestamp_delta = 0;
    int32_t offset_delta = 0;
    std::optional<std::string> key = "k";
    std::optional<std::string> value = "v";
    std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> headers;
    std::optional<int32_t> header_count;  // overrides headers.size()
};

void put_string(bytes& out, const std::optional<std::string>& s) {
    varint::encode_varint(out, s ? static_cast<int32_t>(s->size()) : -1);
    if (s) out.insert(out.end(), s->begin(), s->end());
}

bytes body(const body_spec& b) {
    bytes out{0};
    varint::encode_varlong(out, b.timestamp_delta);
    varint::encode_varint(out, b.offset_delta);
    put_string(out, b.key);
    put_string(out, b.value);
    varint::encode_varint(out, b.header_count.value_or(static_cast<int32_t>(b.headers.size())));
    for (auto& [k, v] : b.headers) {
        put_string(out, k);
        put_string(out, v);
    }
    return out;
}

// A batch of raw records (offsets 0..n-1 claimed by the header), CRC correct.
bytes batch_of(const std::vector<bytes>& records) {
    batch_header h;
    h.last_offset_delta = static_cast<int32_t>(records.size()) - 1;
    std::vector<bytes_view> views(records.begin(), records.end());
    return rebuild_batch(h, views);
}

errc producer_error(const std::vector<bytes>& records) {
    auto b = batch_of(records);
    auto r = validate_batch(b, validation::producer);
    EXPECT_EQ(testing::reference_framing_ok(b, *parse_header(b), validation::producer), r.has_value());
    return r ? errc{} : static_cast<errc>(r.error().code.value());
}

TEST(record_batch, framing_lengths_must_fit_their_record) {
    auto ok = body(body_spec{});
    EXPECT_EQ(producer_error({framed(ok)}), errc{});
    EXPECT_EQ(producer_error({framed({}, 0)}), errc::corrupt_batch);                  // empty record
    EXPECT_EQ(producer_error({framed(ok, -1)}), errc::corrupt_batch);                 // negative length
    EXPECT_EQ(producer_error({framed(ok, static_cast<int32_t>(ok.size()) + 1)}), errc::corrupt_batch);
    auto trailing = ok;
    trailing.push_back(0);
    EXPECT_EQ(producer_error({framed(trailing)}), errc::corrupt_batch);
    // A length one short leaves the header count outside the record (where the next record starts).
    EXPECT_EQ(producer_error({framed(ok, static_cast<int32_t>(ok.size()) - 1),
                              bytes{ok.back()}}), errc::corrupt_batch);
}

TEST(record_batch, framing_fields) {
    EXPECT_EQ(producer_error({framed(body({.key = std::nullopt, .value = std::nullopt}))}), errc{});
    EXPECT_EQ(producer_error({framed(body({.headers = {{"h", std::nullopt}, {"", ""}}}))}), errc{});
    EXPECT_EQ(producer_error({framed(body({.headers = {{std::nullopt, "v"}}}))}), errc::corrupt_batch);
    EXPECT_EQ(producer_error({framed(body({.header_count = -1}))}), errc::corrupt_batch);
    EXPECT_EQ(producer_error({framed(body({.header_count = 0x7fffffff}))}), errc::corrupt_batch);
    EXPECT_EQ(producer_error({framed(body({.headers = {{"h", "v"}}, .header_count = 2}))}), errc::corrupt_batch);
    // Key length -2 (zig-zag 3): neither null nor a length.
    auto b = body(body_spec{});
    b[3] = 3;
    EXPECT_EQ(producer_error({framed(b)}), errc::corrupt_batch);
    // Timestamp deltas use the whole varlong range; offset deltas must count from 0.
    EXPECT_EQ(producer_error({framed(body({.timestamp_delta = INT64_MIN}))}), errc{});
    EXPECT_EQ(producer_error({framed(body({.offset_delta = 1}))}), errc::corrupt_batch);
}

TEST(record_batch, framing_multi_byte_varints) {
    // 300 records: offset deltas and lengths of one, two and three bytes (3-byte lengths take the slow path).
    std::vector<bytes> records;
    for (int32_t i = 0; i < 300; ++i)
        records.push_back(framed(body({.timestamp_delta = i * 1000, .offset_delta = i,
                                       .value = std::string(static_cast<size_t>(i % 3 == 0 ? 9000 : i), 'x')})));
    EXPECT_EQ(producer_error(records), errc{});
    std::swap(records[100], records[101]);
    EXPECT_EQ(producer_error(records), errc::corrupt_batch);
    // Overlong: a 6-byte varint where at most 5 are allowed.
    auto b = body(body_spec{});
    bytes overlong{0, 0};  // attributes, timestampDelta, then offsetDelta 0 in six bytes
    for (int i = 0; i < 5; ++i) overlong.push_back(0x80);
    overlong.push_back(0);
    for (size_t i = 3; i < b.size(); ++i) overlong.push_back(b[i]);
    EXPECT_EQ(producer_error({framed(overlong)}), errc::corrupt_batch);
}

TEST(record_batch, stored_mode_deltas_increase_within_last_offset_delta) {
    std::vector<bytes> records{framed(body({.offset_delta = 0})), framed(body({.offset_delta = 2})),
                               framed(body({.offset_delta = 5}))};
    batch_header h;
    h.last_offset_delta = 5;
    std::vector<bytes_view> views(records.begin(), records.end());
    EXPECT_TRUE(validate_batch(rebuild_batch(h, views), validation::stored));
    h.last_offset_delta = 4;
    EXPECT_FALSE(validate_batch(rebuild_batch(h, views), validation::stored));
    h.last_offset_delta = 5;
    std::swap(records[1], records[2]);
    views.assign(records.begin(), records.end());
    EXPECT_FALSE(validate_batch(rebuild_batch(h, views), validation::stored));
}

// Differential: random damage to valid batches (CRC and usually batchLength fixed up, so the checks
// past the CRC see it); validate_batch must agree with the plain reference, and whatever it accepts
// parse_records must read with the same record count.
TEST(record_batch, validation_agrees_with_the_reference_on_damaged_batches) {
    std::mt19937 rng(20261126);
    std::vector<bytes> seeds{sample(), sample(40)};
    {
        std::vector<record_input> rs;
        for (int i = 0; i < 90; ++i)
            rs.push_back({i % 7 ? std::optional<std::string>("key" + std::to_string(i)) : std::nullopt,
                          std::string(static_cast<size_t>(i * 3), 'v'), timestamp_ms{i * 100000}, {{"h", "x"}}});
        seeds.push_back(build_batch(rs));
    }
    const uint8_t specials[] = {0x00, 0x01, 0x02, 0x03, 0x7e, 0x7f, 0x80, 0x81, 0xfe, 0xff};
    size_t accepted = 0;
    for (int iter = 0; iter < 30000; ++iter) {
        bytes b = seeds[static_cast<size_t>(iter) % seeds.size()];
        int edits = 1 + static_cast<int>(rng() % 3);
        for (int e = 0; e < edits; ++e) {
            // Mostly the records; sometimes the counts and attributes in the header.
            size_t pos = rng() % 8 == 0 ? batch_crc_range_pos + rng() % (batch_header_size - batch_crc_range_pos)
                                        : batch_header_size + rng() % (b.size() - batch_header_size);
            switch (rng() % 4) {
            case 0: b[pos] = specials[rng() % std::size(specials)]; break;
            case 1: b[pos] ^= static_cast<uint8_t>(1u << (rng() % 8)); break;
            case 2:
                if (pos >= batch_header_size && b.size() > batch_header_size + 1) b.erase(b.begin() + static_cast<ptrdiff_t>(pos));
                break;
            default: b.insert(b.begin() + static_cast<ptrdiff_t>(pos), specials[rng() % std::size(specials)]);
            }
        }
        if (rng() % 16 != 0) store_be<int32_t>(b.data() + 8, static_cast<int32_t>(b.size() - batch_log_overhead));
        update_crc(b);
        for (auto mode : {validation::producer, validation::stored}) {
            auto got = validate_batch(b, mode);
            ASSERT_EQ(got.has_value(), testing::reference_accepts(b, mode)) << "iteration " << iter;
            if (!got || got->is_compressed()) continue;
            ++accepted;
            auto rs = parse_records(b);
            ASSERT_TRUE(rs) << rs.error().message();
            ASSERT_EQ(rs->size(), static_cast<size_t>(got->records_count));
        }
    }
    EXPECT_GT(accepted, 1000u);  // damage to values and keys leaves the framing intact
}

// Most records take a shortcut (record_batch.cc, take_common_record: one- and two-byte varints, no
// headers, not among the batch's last bytes) and every other record the full decoder. Every single-byte
// edit and every removed or inserted byte in a batch of such records, at every position of the records
// section, with the CRC and batchLength fixed up: validation must agree with the plain reference, so the
// shortcut never accepts what the full decoder would reject, on either side of its limits.
TEST(record_batch, common_record_shortcut_agrees_with_the_reference_on_every_edit) {
    std::vector<record_input> rs;
    for (int i = 0; i < 70; ++i) {
        // Offset and timestamp deltas cross from one to two bytes at 64; values from one- to two-byte
        // lengths at 64; some keys and values null.
        std::optional<std::string> key;
        if (i % 5 != 0) key = "key-" + std::to_string(i);
        std::optional<std::string> value;
        if (i % 7 != 3) value = std::string(static_cast<size_t>(40 + i), static_cast<char>('a' + i % 26));
        rs.push_back({key, value, timestamp_ms{1'700'000'000'000 + i * (i % 2 ? 1 : 300)}, {}});
    }
    const bytes seed = build_batch(rs);
    ASSERT_TRUE(validate_batch(seed, validation::producer));
    const uint8_t values[] = {0x00, 0x01, 0x02, 0x03, 0x7e, 0x7f, 0x80, 0x81, 0xfe, 0xff};
    size_t checked = 0;
    auto check = [&](bytes b, const char* what, size_t pos) {
        store_be<int32_t>(b.data() + 8, static_cast<int32_t>(b.size() - batch_log_overhead));
        update_crc(b);
        for (auto mode : {validation::producer, validation::stored}) {
            ASSERT_EQ(validate_batch(b, mode).has_value(), testing::reference_accepts(b, mode))
                << what << " at " << pos << (mode == validation::producer ? " (producer)" : " (stored)");
        }
        ++checked;
    };
    for (size_t pos = batch_header_size; pos < seed.size(); ++pos) {
        for (uint8_t v : values) {
            if (seed[pos] == v) continue;
            bytes b = seed;
            b[pos] = v;
            check(std::move(b), "set", pos);
            bytes ins(seed.size() + 1);
            std::copy_n(seed.begin(), pos, ins.begin());
            ins[pos] = v;
            std::copy(seed.begin() + static_cast<ptrdiff_t>(pos), seed.end(), ins.begin() + static_cast<ptrdiff_t>(pos) + 1);
            check(std::move(ins), "insert", pos);
        }
        bytes del = seed;
        del.erase(del.begin() + static_cast<ptrdiff_t>(pos));
        check(std::move(del), "erase", pos);
        if (HasFatalFailure()) return;
    }
    EXPECT_GT(checked, 100000u);
}

}  // namespace
}  // namespace eddy::storage
