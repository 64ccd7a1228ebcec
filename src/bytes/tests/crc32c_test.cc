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

}  // namespace
}  // namespace eddy
