#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "bytes/varint.h"

namespace eddy {
namespace {

TEST(varint, unsigned_known_encodings) {
    bytes out;
    varint::encode_unsigned(out, 300);
    EXPECT_EQ(out, (bytes{0xac, 0x02}));
    auto d = varint::decode_unsigned(out);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->value, 300u);
    EXPECT_EQ(d->length, 2u);
}

TEST(varint, zigzag_matches_kafka) {
    // Kafka: 0->0, -1->1, 1->2, -2->3
    EXPECT_EQ(varint::zigzag_encode(0), 0u);
    EXPECT_EQ(varint::zigzag_encode(-1), 1u);
    EXPECT_EQ(varint::zigzag_encode(1), 2u);
    EXPECT_EQ(varint::zigzag_encode(-2), 3u);
    EXPECT_EQ(varint::zigzag_decode(3), -2);
}

TEST(varint, round_trips_edges_and_random) {
    std::vector<int64_t> values{0, 1, -1, 63, -64, 64, -65, std::numeric_limits<int64_t>::max(),
                                std::numeric_limits<int64_t>::min()};
    std::mt19937_64 rng(42);
    for (int i = 0; i < 10000; ++i) values.push_back(static_cast<int64_t>(rng()) >> (rng() % 64));
    for (int64_t v : values) {
        bytes out;
        size_t n = varint::encode_varlong(out, v);
        EXPECT_EQ(n, out.size());
        EXPECT_EQ(n, varint::varlong_size(v));
        auto d = varint::decode_varlong(out);
        ASSERT_TRUE(d) << v;
        EXPECT_EQ(d->value, v);
        EXPECT_EQ(d->length, n);
    }
    for (int32_t v : {0, 1, -1, std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min()}) {
        bytes out;
        varint::encode_varint(out, v);
        auto d = varint::decode_varint(out);
        ASSERT_TRUE(d);
        EXPECT_EQ(d->value, v);
    }
}

TEST(varint, rejects_truncated_and_overlong) {
    EXPECT_FALSE(varint::decode_unsigned(bytes{0x80}));
    EXPECT_FALSE(varint::decode_unsigned(bytes{}));
    // Six bytes are too long for a 32-bit varint.
    EXPECT_FALSE(varint::decode_varint(bytes{0x80, 0x80, 0x80, 0x80, 0x80, 0x01}));
    // The fifth byte of a 32-bit varint may carry only 4 bits.
    EXPECT_FALSE(varint::decode_varint(bytes{0xff, 0xff, 0xff, 0xff, 0x7f}));
    EXPECT_TRUE(varint::decode_varint(bytes{0xff, 0xff, 0xff, 0xff, 0x0f}));
    // Eleven bytes are too long for a varlong.
    bytes eleven(10, 0x80);
    eleven.push_back(0x01);
    EXPECT_FALSE(varint::decode_varlong(eleven));
}

}  // namespace
}  // namespace eddy
