#include <gtest/gtest.h>

#include "storage/index.h"
#include "storage/log_config.h"
#include "storage/segment.h"
#include "storage/errc.h"

namespace eddy::storage {
namespace {

TEST(offset_index, encode_decode_and_lookup) {
    std::vector<offset_index_entry> es{{0, 0}, {10, 4096}, {25, 8200}};
    bytes b;
    for (auto& e : es) encode(b, e);
    ASSERT_EQ(b.size(), 24u);
    EXPECT_EQ(decode_offset_index(b), es);
    EXPECT_EQ(lookup_position(es, 0), 0u);
    EXPECT_EQ(lookup_position(es, 9), 0u);
    EXPECT_EQ(lookup_position(es, 10), 4096u);
    EXPECT_EQ(lookup_position(es, 24), 4096u);
    EXPECT_EQ(lookup_position(es, 1000), 8200u);
    EXPECT_EQ(lookup_position({}, 5), 0u);
}

TEST(offset_index, damaged_files_are_rejected) {
    bytes b;
    encode(b, offset_index_entry{0, 0});
    encode(b, offset_index_entry{5, 100});
    EXPECT_FALSE(decode_offset_index(bytes_view(b).first(12)));  // torn entry
    bytes back;
    encode(back, offset_index_entry{0, 0});
    encode(back, offset_index_entry{0, 100});  // offsets must increase
    EXPECT_FALSE(decode_offset_index(back));
    bytes nonzero;
    encode(nonzero, offset_index_entry{0, 7});  // first entry must be position 0
    EXPECT_FALSE(decode_offset_index(nonzero));
    EXPECT_TRUE(decode_offset_index({})->empty());
}

TEST(time_index, encode_decode_prefix_max_search) {
    std::vector<time_index_entry> es{{100, 0, 5}, {90, 3, 6}, {150, 7, -1}};
    bytes b;
    for (auto& e : es) encode(b, e);
    ASSERT_EQ(b.size(), 60u);
    EXPECT_EQ(decode_time_index(b), es);
    std::vector<int64_t> pm{100, 100, 150};
    EXPECT_EQ(first_batch_at_or_after(pm, 50), 0u);
    EXPECT_EQ(first_batch_at_or_after(pm, 100), 0u);
    EXPECT_EQ(first_batch_at_or_after(pm, 101), 2u);
    EXPECT_EQ(first_batch_at_or_after(pm, 151), std::nullopt);
    EXPECT_EQ(batch_holding(es, 0), 0u);
    EXPECT_EQ(batch_holding(es, 6), 1u);
    EXPECT_EQ(batch_holding(es, 99), 2u);
    EXPECT_FALSE(decode_time_index(bytes_view(b).first(59)));
}

TEST(segment_names, format_and_parse) {
    EXPECT_EQ(segment_file_name(offset{42}, ".log"), "00000000000000000042.log");
    EXPECT_EQ(parse_segment_file_name("00000000000000000042.log"), offset{42});
    EXPECT_EQ(parse_segment_file_name("00000000000000000042.index"), std::nullopt);
    EXPECT_EQ(parse_segment_file_name("0000000000000000004x.log"), std::nullopt);
    EXPECT_EQ(parse_segment_file_name("00000000000000000042.log.swap"), std::nullopt);
}

TEST(log_config, validation_and_flush_policy) {
    log_config c;
    EXPECT_TRUE(c.validate());
    c.segment_bytes = 10;
    EXPECT_EQ(c.validate().error().code, errc::invalid_config);
    EXPECT_EQ(flush_policy::parse("always")->mode, flush_policy::kind::always);
    EXPECT_EQ(flush_policy::parse("never")->mode, flush_policy::kind::never);
    auto iv = flush_policy::parse("interval:250");
    ASSERT_TRUE(iv);
    EXPECT_EQ(iv->interval.count(), 250);
    EXPECT_EQ(iv->to_string(), "interval:250");
    EXPECT_FALSE(flush_policy::parse("interval:"));
    EXPECT_FALSE(flush_policy::parse("interval:-5"));
    EXPECT_FALSE(flush_policy::parse("sometimes"));
}

}  // namespace
}  // namespace eddy::storage
