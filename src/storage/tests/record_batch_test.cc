#include <gtest/gtest.h>

#include "bytes/varint.h"
#include "storage/errc.h"
#include "storage/record_batch.h"

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

TEST(record_batch, compressed_batches_checked_to_crc_only) {
    auto b = sample();
    store_be<int16_t>(b.data() + 21, 1);  // gzip: records are opaque now
    update_crc(b);
    EXPECT_TRUE(validate_batch(b, validation::producer));
    EXPECT_EQ(validate_batch(with_field(b, 23, 9), validation::producer).error().code, errc::corrupt_batch);
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

}  // namespace
}  // namespace eddy::storage
