#include <gtest/gtest.h>

#include <random>

#include "bytes/crc32c.h"

namespace eddy {
namespace {

TEST(crc32c, known_vectors) {
    EXPECT_EQ(crc32c::value(as_bytes("123456789")), 0xE3069283u);
    EXPECT_EQ(crc32c::value(bytes(32, 0)), 0x8A9136AAu);
    EXPECT_EQ(crc32c::value(bytes(32, 0xff)), 0x62A8AB43u);
    EXPECT_EQ(crc32c::value({}), 0u);
}

TEST(crc32c, hardware_matches_portable_and_extends) {
    std::mt19937 rng(7);
    for (size_t len : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 1000u, 1535u, 1536u, 1537u, 4099u, 20000u}) {
        bytes data(len);
        for (auto& b : data) b = static_cast<uint8_t>(rng());
        for (size_t off : {0u, 1u, 3u}) {
            if (off > len) continue;
            bytes_view v(data.data() + off, len - off);
            EXPECT_EQ(crc32c::extend(0, v), crc32c::extend_portable(0, v)) << len << "/" << off;
            size_t half = v.size() / 2;
            EXPECT_EQ(crc32c::extend(crc32c::extend(0, v.first(half)), v.subspan(half)), crc32c::value(v));
        }
    }
}

// Every length up to a few KiB (so every split between folded lanes, whole blocks and the tail) at every
// alignment, from random running CRCs: whatever path extend() takes must equal the table-driven one.
TEST(crc32c, all_lengths_and_alignments_match_portable) {
    std::mt19937 rng(11);
    bytes data(3000 + 16);
    for (auto& b : data) b = static_cast<uint8_t>(rng());
    for (size_t len = 0; len <= 3000; len += len < 600 ? 1 : 7) {
        for (size_t off = 0; off < 16; off += len < 600 ? 5 : 1) {
            uint32_t start = static_cast<uint32_t>(rng());
            bytes_view v(data.data() + off, len);
            ASSERT_EQ(crc32c::extend(start, v), crc32c::extend_portable(start, v)) << len << "/" << off;
        }
    }
    bytes big(1 << 20);
    for (auto& b : big) b = static_cast<uint8_t>(rng());
    EXPECT_EQ(crc32c::value(big), crc32c::extend_portable(0, big));
}

}  // namespace
}  // namespace eddy
