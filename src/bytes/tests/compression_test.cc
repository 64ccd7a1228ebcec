#include <gtest/gtest.h>

#include <random>

#include "bytes/compression.h"

namespace eddy {
namespace {

bytes sample(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    bytes b(n);
    // Half-compressible: runs of repeated bytes mixed with noise.
    for (size_t i = 0; i < n; ++i) b[i] = (i / 16) % 2 ? static_cast<uint8_t>(rng()) : static_cast<uint8_t>('a' + i % 7);
    return b;
}

class codec_test : public ::testing::TestWithParam<compression> {};

TEST_P(codec_test, round_trips) {
    for (size_t n : {0u, 1u, 100u, 70000u, 300000u}) {
        bytes in = sample(n, static_cast<uint32_t>(n));
        auto c = compress(GetParam(), in);
        ASSERT_TRUE(c) << c.error().message();
        auto d = decompress(GetParam(), *c, 1 << 20);
        ASSERT_TRUE(d) << to_string(GetParam()) << " " << n << ": " << d.error().message();
        EXPECT_EQ(*d, in);
    }
}

TEST_P(codec_test, bounded_output) {
    bytes in(200000, 'x');
    auto c = compress(GetParam(), in);
    ASSERT_TRUE(c);
    auto d = decompress(GetParam(), *c, 1000);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, compression_errc::output_too_large);
}

TEST_P(codec_test, garbage_and_truncation_are_errors) {
    if (GetParam() == compression::none) GTEST_SKIP();
    bytes in = sample(5000, 3);
    auto c = compress(GetParam(), in);
    ASSERT_TRUE(c);
    for (size_t cut = 0; cut < c->size(); cut += std::max<size_t>(1, c->size() / 50)) {
        auto d = decompress(GetParam(), bytes_view(*c).first(cut), 1 << 20);
        EXPECT_FALSE(d && *d == in) << "prefix " << cut << " decoded to the full input";
    }
    bytes garbage = sample(300, 9);
    (void)decompress(GetParam(), garbage, 1 << 20);  // must not crash; either outcome is fine
}

INSTANTIATE_TEST_SUITE_P(all, codec_test,
                         ::testing::Values(compression::none, compression::gzip, compression::snappy,
                                           compression::lz4, compression::zstd),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(snappy, xerial_framing_is_accepted) {
    bytes in = sample(100000, 5);
    auto x = compress_snappy_xerial(in, 32 * 1024);
    ASSERT_TRUE(x);
    EXPECT_EQ((*x)[0], 0x82);
    auto d = decompress(compression::snappy, *x, 1 << 20);
    ASSERT_TRUE(d) << d.error().message();
    EXPECT_EQ(*d, in);
}

TEST(compression, attributes) {
    EXPECT_EQ(*compression_from_attributes(0x13), compression::lz4);
    EXPECT_FALSE(compression_from_attributes(0x5));
}

}  // namespace
}  // namespace eddy
