// Kafka's murmur2 and default keyed partitioner: the hash values are the ones Kafka's own UtilsTest
// checks, so keyed records land where the Java producer (and Confluent's REST Proxy) puts them.
#include <gtest/gtest.h>

#include <string>

#include "coord/partitioner.h"

namespace eddy::coord {
namespace {

TEST(partitioner, murmur2_matches_kafka) {
    EXPECT_EQ(murmur2(as_bytes("21")), -973932308);
    EXPECT_EQ(murmur2(as_bytes("foobar")), -790332482);
    EXPECT_EQ(murmur2(as_bytes("a-little-bit-long-string")), -985981536);
    EXPECT_EQ(murmur2(as_bytes("a-little-bit-longer-string")), -1486304829);
    EXPECT_EQ(murmur2(as_bytes("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")), -58897971);
    EXPECT_EQ(murmur2(as_bytes("abc")), 479470107);
}

TEST(partitioner, keyed_partition_is_positive_hash_mod_count) {
    // toPositive masks the sign bit (it is not abs()): -973932308 & 0x7fffffff = 1173551340.
    EXPECT_EQ(partition_for_key(as_bytes("21"), 1000).value(), 1173551340 % 1000);
    EXPECT_EQ(partition_for_key(as_bytes("abc"), 7).value(), 479470107 % 7);
    for (int n = 1; n < 20; ++n) {
        auto p = partition_for_key(as_bytes("some-key"), n).value();
        EXPECT_GE(p, 0);
        EXPECT_LT(p, n);
    }
    EXPECT_EQ(partition_for_key(bytes_view{}, 3), partition_for_key(as_bytes(""), 3));
}

}  // namespace
}  // namespace eddy::coord
