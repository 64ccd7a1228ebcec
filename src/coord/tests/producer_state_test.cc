#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "coord/errc.h"
#include "coord/producer_state.h"

namespace eddy::coord {
namespace {

template <typename T>
errc err(const result<T>& r) {
    return r ? errc::none : static_cast<errc>(r.error().code.value());
}

// A partition log in miniature: assigns offsets and keeps each batch's producer fields for replay.
struct fake_partition {
    partition_producers state;
    std::vector<producer_batch> log;
    int64_t next_offset = 0;

    // Produces a batch of n records: the broker's check -> append -> update sequence.
    result<sequence_decision> produce(producer_id id, producer_epoch epoch, int32_t seq, int32_t n) {
        auto d = state.check(id, epoch, seq, n - 1);
        if (!d || d->duplicate) return d;
        producer_batch b{id, epoch, seq, n - 1, offset{next_offset}};
        next_offset += n;
        state.update(b);
        log.push_back(b);
        sequence_decision appended;
        appended.base_offset = b.base_offset;
        appended.last_offset = b.base_offset + (n - 1);
        return appended;
    }
};

TEST(producer_id_allocator, hands_out_fresh_ids_and_survives_restart) {
    std::vector<record> log;
    producer_id_allocator a([&](record r) { log.push_back(std::move(r)); }, 3);
    EXPECT_EQ(a.init_producer_id().id, producer_id{0});
    EXPECT_EQ(a.init_producer_id().id, producer_id{1});
    EXPECT_EQ(log.size(), 1u) << "one block reserved";
    EXPECT_EQ(a.init_producer_id().id, producer_id{2});
    auto p = a.init_producer_id();
    EXPECT_EQ(p.id, producer_id{3});
    EXPECT_EQ(p.epoch, 0);
    EXPECT_EQ(log.size(), 2u);
    EXPECT_TRUE(a.is_allocated(producer_id{3}));
    EXPECT_FALSE(a.is_allocated(producer_id{4}));

    producer_id_allocator restarted({}, 3);
    ASSERT_TRUE(restarted.load(log));
    EXPECT_EQ(restarted.init_producer_id().id, producer_id{6}) << "the partly used block is never reused";
    restarted.observe(producer_id{100});
    EXPECT_EQ(restarted.init_producer_id().id, producer_id{101});
}

TEST(producer_state, in_order_batches_are_accepted) {
    fake_partition p;
    producer_id pid{7};
    auto a = p.produce(pid, 0, 0, 3);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->base_offset, offset{0});
    auto b = p.produce(pid, 0, 3, 2);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->base_offset, offset{3});
    EXPECT_EQ(b->last_offset, offset{4});
    EXPECT_EQ(p.state.find(pid)->batches.back().last_seq, 4);
}

TEST(producer_state, duplicate_within_window_returns_original_offsets) {
    fake_partition p;
    producer_id pid{1};
    ASSERT_TRUE(p.produce(producer_id{99}, 0, 0, 4));  // another producer moves offsets on
    for (int i = 0; i < 6; ++i) ASSERT_TRUE(p.produce(pid, 0, i * 2, 2));
    // Batches with sequences 2..11 are the last five; 0..1 fell out of the window.
    auto dup = p.produce(pid, 0, 4, 2);
    ASSERT_TRUE(dup);
    EXPECT_TRUE(dup->duplicate);
    EXPECT_EQ(dup->base_offset, offset{8});
    EXPECT_EQ(dup->last_offset, offset{9});
    EXPECT_EQ(p.next_offset, 16) << "a duplicate is not appended";
    auto last = p.produce(pid, 0, 10, 2);
    ASSERT_TRUE(last);
    EXPECT_TRUE(last->duplicate);
    EXPECT_EQ(last->base_offset, offset{14});
    EXPECT_EQ(err(p.produce(pid, 0, 0, 2)), errc::out_of_order_sequence_number) << "older than the window";
    EXPECT_EQ(err(p.produce(pid, 0, 4, 3)), errc::out_of_order_sequence_number) << "same start, other range";
}

TEST(producer_state, gap_is_out_of_order) {
    fake_partition p;
    producer_id pid{1};
    ASSERT_TRUE(p.produce(pid, 0, 0, 5));
    EXPECT_EQ(err(p.produce(pid, 0, 6, 1)), errc::out_of_order_sequence_number);
    EXPECT_EQ(err(p.produce(pid, 0, 4, 1)), errc::out_of_order_sequence_number);
    EXPECT_TRUE(p.produce(pid, 0, 5, 1));
}

TEST(producer_state, stale_epoch_is_fenced_and_new_epoch_restarts_at_zero) {
    fake_partition p;
    producer_id pid{1};
    ASSERT_TRUE(p.produce(pid, 1, 0, 5));
    EXPECT_EQ(err(p.produce(pid, 0, 5, 1)), errc::invalid_producer_epoch);
    EXPECT_EQ(err(p.produce(pid, 2, 5, 1)), errc::out_of_order_sequence_number);
    ASSERT_TRUE(p.produce(pid, 2, 0, 1));
    EXPECT_EQ(p.state.find(pid)->epoch, 2);
    EXPECT_EQ(p.state.find(pid)->batches.size(), 1u);
    EXPECT_EQ(err(p.produce(pid, 1, 5, 1)), errc::invalid_producer_epoch);
}

TEST(producer_state, unknown_producer_must_start_at_zero) {
    fake_partition p;
    EXPECT_EQ(err(p.produce(producer_id{5}, 0, 17, 1)), errc::unknown_producer_id);
    EXPECT_TRUE(p.produce(producer_id{5}, 0, 0, 1));
}

TEST(producer_state, sequence_wraps_at_int32_max) {
    constexpr int32_t max = std::numeric_limits<int32_t>::max();
    EXPECT_EQ(increment_sequence(max, 1), 0);
    EXPECT_EQ(increment_sequence(max - 1, 3), 1);
    EXPECT_EQ(increment_sequence(5, 3), 8);

    partition_producers s;
    producer_id pid{3};
    s.update({pid, 0, max - 2, 0, offset{0}});  // as if replayed from a long-lived producer
    ASSERT_TRUE(s.check(pid, 0, max - 1, 1));  // max-1 .. max
    s.update({pid, 0, max - 1, 1, offset{1}});
    auto wrapped = s.check(pid, 0, 0, 1);
    ASSERT_TRUE(wrapped) << wrapped.error().message();
    EXPECT_FALSE(wrapped->duplicate);
    EXPECT_EQ(err(s.check(pid, 0, 1, 0)), errc::out_of_order_sequence_number);
    // A batch spanning the wrap: max-1, max, 0.
    partition_producers w;
    w.update({pid, 0, 0, max - 2, offset{0}});  // 0 .. max-2
    ASSERT_TRUE(w.check(pid, 0, max - 1, 2));
    w.update({pid, 0, max - 1, 2, offset{100}});
    EXPECT_EQ(w.find(pid)->batches.back().last_seq, 0);
    ASSERT_TRUE(w.check(pid, 0, 1, 0));
    auto dup = w.check(pid, 0, max - 1, 2);
    ASSERT_TRUE(dup);
    EXPECT_TRUE(dup->duplicate);
    EXPECT_EQ(dup->last_offset, offset{102});
}

TEST(producer_state, rebuilt_by_replaying_the_log) {
    fake_partition p;
    for (int i = 0; i < 7; ++i) {
        ASSERT_TRUE(p.produce(producer_id{1}, 0, i, 1));
        ASSERT_TRUE(p.produce(producer_id{2}, 3, i * 10, 10));
    }
    ASSERT_TRUE(p.produce(producer_id{1}, 1, 0, 1));  // epoch bump

    partition_producers recovered;
    for (const auto& b : p.log) recovered.replay(b);
    ASSERT_EQ(recovered.size(), 2u);
    for (producer_id id : {producer_id{1}, producer_id{2}}) {
        const auto* want = p.state.find(id);
        const auto* got = recovered.find(id);
        ASSERT_NE(got, nullptr);
        EXPECT_EQ(got->epoch, want->epoch);
        ASSERT_EQ(got->batches.size(), want->batches.size());
        for (size_t i = 0; i < got->batches.size(); ++i) {
            EXPECT_EQ(got->batches[i].first_seq, want->batches[i].first_seq);
            EXPECT_EQ(got->batches[i].base_offset, want->batches[i].base_offset);
        }
    }
    // The recovered state gives the same answers: retry of the last batch is a duplicate...
    auto dup = recovered.check(producer_id{2}, 3, 60, 9);
    ASSERT_TRUE(dup);
    EXPECT_TRUE(dup->duplicate);
    EXPECT_EQ(dup->base_offset, p.state.find(producer_id{2})->batches.back().base_offset);
    // ...the next one is accepted, a gap and the old epoch are rejected.
    EXPECT_TRUE(recovered.check(producer_id{2}, 3, 70, 0));
    EXPECT_EQ(err(recovered.check(producer_id{2}, 3, 71, 0)), errc::out_of_order_sequence_number);
    EXPECT_EQ(err(recovered.check(producer_id{1}, 0, 7, 0)), errc::invalid_producer_epoch);
    // Batches without a producer id are ignored.
    recovered.replay({no_producer_id, -1, -1, 0, offset{500}});
    EXPECT_EQ(recovered.size(), 2u);
}

}  // namespace
}  // namespace eddy::coord
