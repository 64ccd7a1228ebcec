// The pure half of group_lag.h: which timestamp stands for "the oldest record not consumed yet" in the
// batches read at the committed offset, and the clamp of the seconds behind.
#include <gtest/gtest.h>

#include "coord/group_lag.h"
#include "storage/record_batch.h"

namespace eddy::coord {
namespace {

// A batch at base_offset whose records carry the given timestamps.
bytes batch_at(int64_t base_offset, std::vector<int64_t> timestamps, int16_t attributes = 0) {
    std::vector<storage::record_input> in;
    for (auto ts : timestamps) in.push_back({std::nullopt, std::string("v"), timestamp_ms{ts}, {}});
    return storage::build_batch(in, {.base_offset = base_offset, .attributes = attributes});
}

bytes concat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

std::optional<int64_t> at(const bytes& data, int64_t target) {
    auto ts = timestamp_at_or_after(data, offset{target});
    if (!ts) return std::nullopt;
    return ts->value();
}

TEST(lag_timestamp, the_record_at_the_target_offset_gives_its_own_timestamp) {
    auto data = concat({batch_at(10, {1000, 2500, 4000}), batch_at(13, {5000})});
    EXPECT_EQ(at(data, 10), 1000);
    EXPECT_EQ(at(data, 11), 2500);
    EXPECT_EQ(at(data, 12), 4000);
    EXPECT_EQ(at(data, 13), 5000);  // in the second batch
    EXPECT_EQ(at(data, 14), std::nullopt);
    EXPECT_EQ(at(data, 3), 1000);  // below the first batch (log start moved): its first record
}

TEST(lag_timestamp, log_append_time_batches_use_the_append_time) {
    auto data = batch_at(0, {1000, 2000, 3000}, 0x8);  // LogAppendTime: maxTimestamp holds the append time
    EXPECT_EQ(at(data, 0), 3000);
    EXPECT_EQ(at(data, 2), 3000);
}

TEST(lag_timestamp, compressed_batches_use_the_base_timestamp) {
    auto data = batch_at(20, {7000, 8000, 9000});
    // Only the header is read for a compressed batch, so flipping the codec bits (gzip) is enough here.
    store_be<int16_t>(data.data() + 21, 1);
    EXPECT_EQ(at(data, 20), 7000);  // exact: the first record
    EXPECT_EQ(at(data, 22), 7000);  // an upper bound on the lag, documented
}

TEST(lag_timestamp, a_batch_compaction_emptied_past_the_target_defers_to_the_next) {
    auto full = batch_at(30, {100, 200, 300});
    auto h = storage::parse_header(full);
    ASSERT_TRUE(h);
    auto records = storage::parse_records(full);
    ASSERT_TRUE(records);
    std::vector<bytes_view> kept{(*records)[0].raw, (*records)[1].raw};  // offset 32 compacted away
    auto data = concat({storage::rebuild_batch(*h, kept), batch_at(33, {400})});
    EXPECT_EQ(at(data, 31), 200);
    EXPECT_EQ(at(data, 32), 400);
}

TEST(lag_timestamp, missing_timestamps_and_garbage_are_unknown) {
    EXPECT_EQ(at(batch_at(0, {-1}), 0), std::nullopt);
    auto data = batch_at(0, {1000, 2000});
    EXPECT_EQ(at(bytes(data.begin(), data.begin() + 40), 0), std::nullopt);   // shorter than a header
    EXPECT_EQ(at(bytes(data.begin(), data.end() - 3), 0), std::nullopt);     // cut inside the records
    EXPECT_EQ(at(bytes{}, 0), std::nullopt);
    auto control = batch_at(0, {1000}, 0x20);
    EXPECT_EQ(at(concat({control, batch_at(1, {2000})}), 0), 2000);  // control batches hold no user record
}

TEST(lag_timestamp, seconds_behind_never_goes_negative) {
    EXPECT_DOUBLE_EQ(seconds_behind(timestamp_ms{10'500}, timestamp_ms{10'000}), 0.5);
    EXPECT_DOUBLE_EQ(seconds_behind(timestamp_ms{10'000}, timestamp_ms{12'000}), 0.0);
}

}  // namespace
}  // namespace eddy::coord
