// decode_consumer_assignment: the ConsumerProtocolAssignment a group leader writes, and bytes that do
// not parse.
#include "coord/consumer_assignment.h"

#include <gtest/gtest.h>

#include "coord/codec.h"

namespace eddy::coord {
namespace {

// version, topics with partitions, then user data (nullable bytes).
bytes assignment(int16_t version, const std::vector<std::pair<std::string, std::vector<int32_t>>>& topics,
                 int32_t user_data_len = -1) {
    record_writer w;
    w.i16(version).i32(static_cast<int32_t>(topics.size()));
    for (const auto& [t, parts] : topics) {
        w.i16(static_cast<int16_t>(t.size())).raw(as_bytes(t)).i32(static_cast<int32_t>(parts.size()));
        for (auto p : parts) w.i32(p);
    }
    w.i32(user_data_len);
    for (int32_t i = 0; i < user_data_len; ++i) w.u8(7);
    return w.take();
}

TEST(consumer_assignment, decodes_every_topic_and_partition_in_order) {
    auto got = decode_consumer_assignment(assignment(0, {{"orders", {2, 0}}, {"audit", {1}}}));
    ASSERT_TRUE(got);
    std::vector<assigned_topic> want{{"orders", {partition_id{2}, partition_id{0}}}, {"audit", {partition_id{1}}}};
    EXPECT_EQ(*got, want);
    // Later versions append fields (user data, generation): they are ignored.
    got = decode_consumer_assignment(assignment(3, {{"t", {5}}}, 4));
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, (std::vector<assigned_topic>{{"t", {partition_id{5}}}}));
}

TEST(consumer_assignment, empty_bytes_mean_no_assignment_yet) {
    auto got = decode_consumer_assignment({});
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->empty());
}

TEST(consumer_assignment, truncated_or_forged_bytes_do_not_parse) {
    auto good = assignment(0, {{"orders", {0, 1, 2}}});
    for (size_t n = 1; n < good.size() - 4; ++n) {  // the last 4 bytes are the user data length
        EXPECT_FALSE(decode_consumer_assignment(bytes_view(good).first(n))) << n;
    }
    record_writer negative;
    negative.i16(0).i32(-2);
    EXPECT_FALSE(decode_consumer_assignment(negative.take()));
    record_writer forged;  // claims two billion partitions, has one
    forged.i16(0).i32(1).i16(1).u8('t').i32(2'000'000'000).i32(0);
    EXPECT_FALSE(decode_consumer_assignment(forged.take()));
}

}  // namespace
}  // namespace eddy::coord
