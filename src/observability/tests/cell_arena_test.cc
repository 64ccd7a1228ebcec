#include <gtest/gtest.h>

#include <cstdint>
#include <set>

#include "observability/detail/cell_arena.h"

namespace eddy::observability::detail {
namespace {

uintptr_t line_of(const cell* c) { return reinterpret_cast<uintptr_t>(c) / 64; }

TEST(cell_arena, slots_never_share_a_cache_line) {
    cell_arena a(3);
    std::set<uintptr_t> lines[3];
    for (int i = 0; i < 2000; ++i) {
        uint32_t n = 1 + static_cast<uint32_t>(i % 20);
        uint32_t index = a.allocate(n);
        for (uint32_t s = 0; s < 3; ++s) {
            for (uint32_t k = 0; k < n; ++k) lines[s].insert(line_of(a.at(s, index + k)));
        }
    }
    for (uint32_t s = 0; s < 3; ++s) {
        for (uint32_t t = s + 1; t < 3; ++t) {
            for (uintptr_t l : lines[s]) ASSERT_EQ(lines[t].count(l), 0u) << "slots " << s << " and " << t;
        }
    }
}

TEST(cell_arena, ranges_are_contiguous_and_zeroed_on_reuse) {
    cell_arena a(2);
    for (int round = 0; round < 50; ++round) {
        uint32_t n = 19;  // a latency histogram: 18 buckets + sum
        uint32_t index = a.allocate(n);
        for (uint32_t s = 0; s < 2; ++s) {
            cell* base = a.at(s, index);
            for (uint32_t k = 0; k < n; ++k) {
                ASSERT_EQ(a.at(s, index + k), base + k) << "range straddles chunks at round " << round;
                ASSERT_EQ(base[k].load(), 0u);
                base[k].store(0xdeadbeef);
            }
        }
        if (round % 2 == 0) a.release(index, n);
    }
    EXPECT_EQ(a.cells_in_use(), 25u * 19);
}

TEST(cell_arena, many_small_ranges_fill_growing_chunks) {
    cell_arena a(1);
    uint32_t last = 0;
    for (uint32_t i = 0; i < 100'000; ++i) {
        uint32_t index = a.allocate(1);
        if (i > 0) {
            ASSERT_GT(index, last);
        }
        last = index;
    }
    EXPECT_EQ(a.cells_in_use(), 100'000u);
    EXPECT_LT(last, 100'000u + cell_arena::max_chunk_cells) << "single cells leave no gaps";
}

}  // namespace
}  // namespace eddy::observability::detail
