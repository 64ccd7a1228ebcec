#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "io/clock.h"
#include "io/fault_filesystem.h"
#include "io/memory_filesystem.h"
#include "storage/errc.h"
#include "storage/log.h"
#include "storage/partition_probe.h"
#include "storage/tests/test_util.h"

namespace eddy::storage {
namespace {

using testing::decode;
using testing::make_batch;
using testing::make_kv_batch;
using testing::read_all;
using testing::rec;

class log_test : public ::testing::Test {
protected:
    std::unique_ptr<log> open(log_config cfg = {}) {
        auto l = log::open(*fs_, clock_, dir_, cfg);
        EXPECT_TRUE(l) << l.error().message();
        return l ? std::move(*l) : nullptr;
    }
    std::unique_ptr<io::filesystem> fs_ = io::make_memory_filesystem();
    io::manual_clock clock_;
    std::string dir_ = partition_directory("/data", "orders", partition_id{3});
};

TEST_F(log_test, append_assigns_contiguous_offsets_and_reads_back) {
    auto l = open();
    EXPECT_EQ(l->log_end_offset(), offset{0});
    auto a = l->append(make_batch(3, "a"));
    ASSERT_TRUE(a);
    EXPECT_EQ(a->base, offset{0});
    EXPECT_EQ(a->last, offset{2});
    EXPECT_EQ(a->append_time, clock_.now_ms());
    auto b = l->append(make_batch(2, "b"));
    ASSERT_TRUE(b);
    EXPECT_EQ(b->base, offset{3});
    EXPECT_EQ(l->log_end_offset(), offset{5});

    auto r = l->read(offset{0}, 1 << 20);
    ASSERT_TRUE(r);
    auto recs = decode(r->data);
    ASSERT_EQ(recs.size(), 5u);
    EXPECT_EQ(recs[3], (rec{3, "k0", "vb-0", 1000}));
    EXPECT_EQ(r->next_offset, offset{5});
    ASSERT_EQ(r->batches.size(), 2u);
    EXPECT_EQ(r->batches[1].base, offset{3});
    EXPECT_EQ(r->batches[1].append_time, clock_.now_ms().value());

    // The batch holding `from` comes first; a tiny budget still returns one whole batch.
    auto mid = l->read(offset{4}, 1);
    ASSERT_TRUE(mid);
    EXPECT_EQ(decode(mid->data).front().offset, 3);
    EXPECT_EQ(mid->batches.size(), 1u);
    EXPECT_TRUE(l->read(offset{5}, 100)->data.empty());
    EXPECT_EQ(l->read(offset{6}, 100).error().code, errc::offset_out_of_range);
    EXPECT_EQ(l->read(offset{-1}, 100).error().code, errc::offset_out_of_range);
}

TEST_F(log_test, append_in_place_patches_the_callers_buffer_and_reads_it_back_verbatim) {
    auto l = open();
    ASSERT_TRUE(l->append(make_batch(2)));
    auto b = make_batch(3);
    auto a = l->append_in_place(b);
    ASSERT_TRUE(a);
    EXPECT_EQ(parse_header(b)->base(), offset{2});
    auto r = l->read(offset{2}, 1 << 20);
    ASSERT_TRUE(r);
    EXPECT_EQ(bytes(r->data.begin(), r->data.end()), b);  // stored and served as sent, offsets patched
}

TEST_F(log_test, several_batches_in_one_append_and_rejections) {
    auto l = open();
    bytes two = make_batch(2, "a");
    auto second = make_batch(3, "b");
    two.insert(two.end(), second.begin(), second.end());
    auto a = l->append(two);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->last, offset{4});
    // One bad batch rejects the whole append.
    bytes bad = make_batch(1);
    auto corrupt = make_batch(1);
    corrupt.back() ^= 1;
    bad.insert(bad.end(), corrupt.begin(), corrupt.end());
    EXPECT_EQ(l->append(bad).error().code, errc::crc_mismatch);
    EXPECT_EQ(l->append(bytes{}).error().code, errc::corrupt_batch);
    log_config small;
    small.max_message_bytes = 100;
    ASSERT_TRUE(l->set_config(small));
    EXPECT_EQ(l->append(make_batch(10)).error().code, errc::message_too_large);
    EXPECT_EQ(l->log_end_offset(), offset{5});
    EXPECT_EQ(read_all(*l, offset{0}).size(), 5u);
}

TEST_F(log_test, reopen_recovers_everything_and_indexes) {
    log_config cfg;
    cfg.segment_bytes = 2048;
    cfg.index_interval_bytes = 256;
    {
        auto l = open(cfg);
        for (int i = 0; i < 60; ++i) ASSERT_TRUE(l->append(make_batch(1 + i % 4, std::to_string(i), 1000 + i)));
        EXPECT_GE(l->segment_count(), 3u);
        ASSERT_TRUE(l->close());
    }
    auto l = open(cfg);
    auto all = read_all(*l, offset{0}, 300);
    ASSERT_EQ(static_cast<int64_t>(all.size()), l->log_end_offset().value());
    for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].offset, static_cast<int64_t>(i));
    // Every offset is reachable directly, through the sparse index.
    for (int64_t o = 0; o < l->log_end_offset().value(); ++o) {
        auto r = l->read(offset{o}, 1);
        ASSERT_TRUE(r);
        auto recs = decode(r->data);
        ASSERT_FALSE(recs.empty());
        EXPECT_LE(recs.front().offset, o);
        EXPECT_GE(recs.back().offset, o);
    }
    // Append times survive the restart, from the sealed segments' files too.
    for (int64_t o : {int64_t{0}, int64_t{3}, l->log_end_offset().value() - 1}) {
        auto t = l->append_time_of(offset{o});
        ASSERT_TRUE(t);
        EXPECT_EQ(*t, clock_.now_ms()) << o;
    }
    auto r = l->read(offset{0}, 1 << 20);
    ASSERT_TRUE(r);
    for (auto& b : r->batches) EXPECT_EQ(b.append_time, clock_.now_ms().value());
}

TEST_F(log_test, reads_mixing_small_and_large_batches_at_every_offset) {
    log_config cfg;
    cfg.index_interval_bytes = 128;
    auto l = open(cfg);
    std::vector<rec> want;
    for (int i = 0; i < 40; ++i) {
        std::string value(i % 5 == 0 ? 3000 : 10, static_cast<char>('a' + i % 26));
        std::vector<record_input> rs{{"k", value, timestamp_ms{i}, {}}, {"k2", "x", timestamp_ms{i}, {}}};
        auto a = l->append(build_batch(rs));
        ASSERT_TRUE(a);
        want.push_back({a->base.value(), "k", value, i});
        want.push_back({a->base.value() + 1, "k2", "x", i});
    }
    for (size_t budget : {size_t{1}, size_t{200}, size_t{5000}, size_t{1} << 20}) {
        for (int64_t o = 0; o < 80; ++o) {
            auto r = l->read(offset{o}, budget);
            ASSERT_TRUE(r) << r.error().message();
            auto got = decode(r->data);
            ASSERT_FALSE(got.empty());
            EXPECT_EQ(got.front(), want[static_cast<size_t>(o & ~int64_t{1})]) << o << " budget " << budget;
            EXPECT_TRUE(r->data.size() <= budget || r->batches.size() == 1);
            for (auto& x : got) EXPECT_EQ(x, want[static_cast<size_t>(x.offset)]);
        }
    }
}

TEST_F(log_test, missing_or_damaged_indexes_are_rebuilt) {
    log_config cfg;
    cfg.segment_bytes = 2048;
    cfg.index_interval_bytes = 128;
    std::vector<rec> before;
    {
        auto l = open(cfg);
        for (int i = 0; i < 40; ++i) ASSERT_TRUE(l->append(make_batch(2, std::to_string(i))));
        ASSERT_TRUE(l->close());
        before = read_all(*l, offset{0});
    }
    auto names = *fs_->list(dir_);
    int touched = 0;
    for (auto& n : names) {
        auto p = io::join_path(dir_, n);
        if (n.ends_with(".index") && touched++ % 2 == 0) {
            ASSERT_TRUE(fs_->remove(p));
        } else if (n.ends_with(".timeindex")) {
            auto f = *fs_->open(p, io::open_mode::read_write);
            ASSERT_TRUE(f->truncate(*f->size() / 2 + 3));  // torn entry
        }
    }
    auto l = open(cfg);
    EXPECT_EQ(read_all(*l, offset{0}), before);
    for (int64_t o = 0; o < 80; o += 7) EXPECT_FALSE(l->read(offset{o}, 1)->data.empty());
}

TEST_F(log_test, offset_for_timestamp) {
    auto l = open();
    EXPECT_EQ(l->max_timestamp(), -1);
    ASSERT_TRUE(l->append(make_batch(3, "a", 100)));  // 100..102 at 0..2
    ASSERT_TRUE(l->append(make_batch(3, "b", 50)));   // 50..52 at 3..5 (out of order)
    ASSERT_TRUE(l->append(make_batch(3, "c", 200)));  // 200..202 at 6..8
    ASSERT_TRUE(l->roll());
    ASSERT_TRUE(l->append(make_batch(2, "d", 300)));  // 300..301 at 9..10
    EXPECT_EQ(*l->offset_for_timestamp(timestamp_ms{0}), offset{0});
    EXPECT_EQ(*l->offset_for_timestamp(timestamp_ms{101}), offset{1});
    EXPECT_EQ(*l->offset_for_timestamp(timestamp_ms{103}), offset{6});
    EXPECT_EQ(*l->offset_for_timestamp(timestamp_ms{202}), offset{8});
    EXPECT_EQ(*l->offset_for_timestamp(timestamp_ms{250}), offset{9});
    EXPECT_EQ(*l->offset_for_timestamp(timestamp_ms{301}), offset{10});
    EXPECT_EQ(*l->offset_for_timestamp(timestamp_ms{302}), std::nullopt);
    EXPECT_EQ(l->max_timestamp(), 301);  // over every segment, closed ones included
    ASSERT_TRUE(l->append(make_batch(1, "e", 20)));
    EXPECT_EQ(l->max_timestamp(), 301);
}

// The time index is summarized in memory by blocks of 64 batches and read from the .timeindex file (plus
// the entries not written yet) on lookup: check every lookup against a brute-force model with hundreds of
// batches, while entries are pending, after a restart (rebuilt active segment), and once sealed.
TEST_F(log_test, time_index_lookups_across_blocks_match_a_model) {
    struct batch_model {
        int64_t base;
        int64_t last;
        int64_t append_time;
    };
    std::vector<batch_model> batches;
    std::vector<rec> records;
    uint64_t seed = 42;
    auto next_random = [&] { return (seed = seed * 6364136223846793005ull + 1442695040888963407ull) >> 33; };
    auto l = open();
    auto append_some = [&](int n) {
        for (int i = 0; i < n; ++i) {
            clock_.advance(std::chrono::milliseconds(1 + static_cast<int64_t>(next_random() % 3)));
            // Timestamps wander back and forth, so the running maximum matters.
            const int64_t ts = 10'000 + static_cast<int64_t>(next_random() % 5000);
            const int count = 1 + static_cast<int>(next_random() % 3);
            auto a = l->append(make_batch(count, "t", ts));
            ASSERT_TRUE(a) << a.error().message();
            batches.push_back({a->base.value(), a->last.value(), clock_.now_ms().value()});
            for (int k = 0; k < count; ++k) records.push_back({a->base.value() + k, {}, {}, ts + k});
        }
    };
    auto check = [&](const std::string& when) {
        SCOPED_TRACE(when);
        for (const auto& b : batches)
            for (int64_t o = b.base; o <= b.last; ++o) {
                auto t = l->append_time_of(offset{o});
                ASSERT_TRUE(t) << t.error().message();
                ASSERT_EQ(*t, timestamp_ms{b.append_time}) << o;
            }
        for (int64_t t = 9'990; t <= 15'010; t += 7) {
            std::optional<offset> want;
            for (const auto& r : records)
                if (r.timestamp >= t) {
                    want = offset{r.offset};
                    break;
                }
            auto got = l->offset_for_timestamp(timestamp_ms{t});
            ASSERT_TRUE(got) << got.error().message();
            ASSERT_EQ(*got, want) << t;
        }
        size_t i = 0;
        for (offset at{0}; at < l->log_end_offset();) {
            auto r = l->read(at, 3000);
            ASSERT_TRUE(r) << r.error().message();
            for (const auto& info : r->batches) {
                ASSERT_LT(i, batches.size());
                EXPECT_EQ(info.base, offset{batches[i].base});
                EXPECT_EQ(info.append_time, batches[i].append_time) << info.base.value();
                ++i;
            }
            at = r->next_offset;
        }
        EXPECT_EQ(i, batches.size());
    };
    append_some(300);  // 4 blocks written, entries still pending
    check("active, entries pending");
    ASSERT_TRUE(l->close());
    l = open();
    check("reopened: the active segment's indexes rebuilt");
    ASSERT_TRUE(l->roll());
    append_some(70);
    check("first segment sealed, second active");
    ASSERT_TRUE(l->close());
    l = open();
    check("reopened: a closed segment loaded from its index files");
}

TEST_F(log_test, roll_by_size_and_age) {
    log_config cfg;
    cfg.segment_bytes = 1024;
    cfg.segment_ms = 60'000;
    auto l = open(cfg);
    auto batch = make_batch(5);
    ASSERT_TRUE(l->append(batch));
    EXPECT_EQ(l->segment_count(), 1u);
    while (l->segment_count() == 1) ASSERT_TRUE(l->append(batch));
    // The batch that did not fit starts the new segment; the old one stayed within the limit.
    EXPECT_LE(l->size_bytes() - batch.size(), 1024u);
    size_t n = l->segment_count();
    clock_.advance(std::chrono::milliseconds(59'999));
    ASSERT_TRUE(l->append(batch));
    EXPECT_EQ(l->segment_count(), n);
    clock_.advance(std::chrono::milliseconds(60'000));
    ASSERT_TRUE(l->append(batch));
    EXPECT_EQ(l->segment_count(), n + 1);
}

TEST_F(log_test, retention_by_bytes_and_time_never_the_active_segment) {
    log_config cfg;
    cfg.segment_bytes = 1024;
    cfg.retention_ms = -1;
    auto l = open(cfg);
    int64_t now = clock_.now_ms().value();
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(l->append(make_batch(4, "x", now)));
    size_t segs = l->segment_count();
    ASSERT_GT(segs, 4u);
    EXPECT_EQ(*l->apply_retention(), 0u);

    cfg.retention_bytes = 2048;
    ASSERT_TRUE(l->set_config(cfg));
    auto n = l->apply_retention();
    ASSERT_TRUE(n);
    EXPECT_GT(*n, 0u);
    EXPECT_LE(l->size_bytes(), 2048u + 1024u);
    EXPECT_GE(l->size_bytes(), 2048u);
    EXPECT_GT(l->log_start_offset(), offset{0});
    EXPECT_EQ(l->read(offset{0}, 10).error().code, errc::offset_out_of_range);
    EXPECT_EQ(read_all(*l, l->log_start_offset()).front().offset, l->log_start_offset().value());

    cfg.retention_bytes = -1;
    cfg.retention_ms = 1000;
    ASSERT_TRUE(l->set_config(cfg));
    clock_.advance(std::chrono::milliseconds(1004));
    EXPECT_GT(*l->apply_retention(), 0u);
    EXPECT_EQ(l->segment_count(), 1u);
    EXPECT_EQ(static_cast<int64_t>(read_all(*l, l->log_start_offset()).size()),
              l->log_end_offset() - l->log_start_offset());
    auto start = l->log_start_offset();
    ASSERT_TRUE(l->close());
    auto again = open(cfg);
    EXPECT_EQ(again->log_start_offset(), start);
}

TEST_F(log_test, truncate_prefix_is_persisted) {
    log_config cfg;
    cfg.segment_bytes = 1024;
    auto l = open(cfg);
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(l->append(make_batch(4)));
    size_t segs = l->segment_count();
    EXPECT_EQ(l->truncate_prefix(offset{81}).error().code, errc::offset_out_of_range);
    ASSERT_TRUE(l->truncate_prefix(offset{37}));
    EXPECT_EQ(l->log_start_offset(), offset{37});
    EXPECT_LT(l->segment_count(), segs);
    EXPECT_EQ(l->read(offset{36}, 1).error().code, errc::offset_out_of_range);
    EXPECT_FALSE(l->read(offset{37}, 1)->data.empty());
    ASSERT_TRUE(l->truncate_prefix(offset{10}));  // backwards: no-op
    EXPECT_EQ(l->log_start_offset(), offset{37});
    l.reset();  // no close: the start offset was persisted on its own
    auto again = open(cfg);
    EXPECT_EQ(again->log_start_offset(), offset{37});
    EXPECT_EQ(again->log_end_offset(), offset{80});
}

TEST_F(log_test, waiters_fire_on_append_past_their_offset) {
    auto l = open();
    int fired_now = 0, fired_later = 0, cancelled = 0;
    EXPECT_NE(l->wait_for_data(offset{0}, [&] { ++fired_later; }), 0u);
    auto id = l->wait_for_data(offset{2}, [&] { ++cancelled; });
    auto far = l->wait_for_data(offset{5}, [&] { ++fired_now; });
    (void)far;
    EXPECT_TRUE(l->cancel_wait(id));
    ASSERT_TRUE(l->append(make_batch(2)));
    EXPECT_EQ(fired_later, 1);
    EXPECT_EQ(fired_now, 0);
    EXPECT_EQ(l->wait_for_data(offset{1}, [&] { ++fired_later; }), 0u);
    EXPECT_EQ(fired_later, 2);
    ASSERT_TRUE(l->append(make_batch(4)));
    EXPECT_EQ(fired_now, 1);
    EXPECT_EQ(cancelled, 0);
}

TEST_F(log_test, compacted_log_rejects_null_keys) {
    log_config cfg;
    cfg.cleanup = cleanup_policy::compact;
    auto l = open(cfg);
    EXPECT_EQ(l->append(make_kv_batch({{"a", "1"}, {std::nullopt, "2"}})).error().code, errc::missing_key);
    EXPECT_TRUE(l->append(make_kv_batch({{"a", "1"}, {"b", std::nullopt}})));
}

TEST_F(log_test, flush_policies_and_flushed_offset) {
    log_config cfg;
    cfg.flush = *flush_policy::parse("interval:100");
    auto l = open(cfg);
    EXPECT_FALSE(l->flush_due());
    ASSERT_TRUE(l->append(make_batch(2)));
    EXPECT_EQ(l->flushed_offset(), offset{0});
    EXPECT_FALSE(l->flush_due());
    clock_.advance(std::chrono::milliseconds(100));
    EXPECT_TRUE(l->flush_due());
    ASSERT_TRUE(l->flush());
    EXPECT_EQ(l->flushed_offset(), offset{2});
    EXPECT_FALSE(l->flush_due());
    cfg.flush = *flush_policy::parse("never");
    ASSERT_TRUE(l->set_config(cfg));
    ASSERT_TRUE(l->append(make_batch(2)));
    clock_.advance(std::chrono::hours(1));
    EXPECT_FALSE(l->flush_due());
    cfg.flush = {};
    ASSERT_TRUE(l->set_config(cfg));
    EXPECT_TRUE(l->flush_due());
    // Reads can be limited to durable data.
    EXPECT_EQ(decode(l->read(offset{0}, 1 << 20, l->flushed_offset())->data).size(), 2u);
}

// Slices (log::read_slice) on the real file system: the bytes they name are exactly what read() returns.
class read_slice_test : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = std::filesystem::temp_directory_path() /
                ("eddy-slice-test-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(root_);
        dir_ = partition_directory(root_.string(), "orders", partition_id{0});
    }
    void TearDown() override { std::filesystem::remove_all(root_); }
    std::unique_ptr<log> open(log_config cfg) {
        auto l = log::open(*fs_, clock_, dir_, cfg);
        EXPECT_TRUE(l) << l.error().message();
        return l ? std::move(*l) : nullptr;
    }
    static byte_buffer slice_bytes(const file_slice& s) {
        byte_buffer out(s.size);
        auto n = s.file->read_at(s.pos, out);
        EXPECT_TRUE(n && *n == s.size);
        return out;
    }

    std::unique_ptr<io::filesystem> fs_ = io::make_posix_filesystem();
    io::manual_clock clock_;
    std::filesystem::path root_;
    std::string dir_;
};

TEST_F(read_slice_test, slices_name_exactly_the_batches_read_returns) {
    log_config cfg;
    cfg.index_interval_bytes = 128;
    cfg.segment_bytes = 8 * 1024;  // several segments
    auto l = open(cfg);
    for (int i = 0; i < 40; ++i) {
        std::string value(i % 5 == 0 ? 3000 : 10, static_cast<char>('a' + i % 26));
        std::vector<record_input> rs{{"k", value, timestamp_ms{i}, {}}, {"k2", "x", timestamp_ms{i}, {}}};
        ASSERT_TRUE(l->append(build_batch(rs)));
    }
    ASSERT_TRUE(l->truncate_prefix(offset{5}));
    for (size_t budget : {size_t{1}, size_t{200}, size_t{5000}, size_t{1} << 20}) {
        for (int64_t o = 5; o <= 80; ++o) {
            for (std::optional<offset> upto : {std::optional<offset>{}, std::optional<offset>{offset{41}}}) {
                auto r = l->read(offset{o}, budget, upto);
                auto s = l->read_slice(offset{o}, budget, upto);
                ASSERT_TRUE(r && s) << o;
                ASSERT_TRUE(s->has_value()) << "appended bytes were checked on append";
                const auto& slice = **s;
                EXPECT_EQ(slice_bytes(slice), r->data) << o << " budget " << budget;
                EXPECT_EQ(slice.batch_sizes.size(), r->batches.size());
                uint64_t sum = 0;
                for (uint32_t b : slice.batch_sizes) sum += b;
                EXPECT_EQ(sum, slice.size);
                EXPECT_EQ(slice.records, count_records(r->data));
            }
        }
    }
    EXPECT_EQ(l->read_slice(offset{81}, 100).error().code, errc::offset_out_of_range);
    EXPECT_EQ(l->read_slice(offset{4}, 100).error().code, errc::offset_out_of_range);
    ASSERT_TRUE(l->close());
}

TEST_F(read_slice_test, bytes_not_checked_since_open_are_read_first) {
    log_config cfg;
    cfg.segment_bytes = 4 * 1024;
    {
        auto l = open(cfg);
        for (int i = 0; i < 20; ++i) ASSERT_TRUE(l->append(make_batch(3, std::string(300, 'v'))));
        ASSERT_TRUE(l->close());
    }
    auto l = open(cfg);
    ASSERT_GT(l->segment_count(), 2u);
    // A closed segment was only spot-checked on open: no slice until a read has checked its CRCs.
    auto before = l->read_slice(offset{0}, 1 << 20);
    ASSERT_TRUE(before);
    EXPECT_FALSE(before->has_value());
    auto r = l->read(offset{0}, 1 << 20);
    ASSERT_TRUE(r);
    auto after = l->read_slice(offset{0}, 1 << 20);
    ASSERT_TRUE(after && after->has_value());
    EXPECT_EQ(slice_bytes(**after), r->data);
    // The active segment was scanned whole by recovery.
    const offset last = offset{l->log_end_offset().value() - 1};
    auto tail = l->read_slice(last, 1 << 20);
    ASSERT_TRUE(tail && tail->has_value());
    EXPECT_EQ(slice_bytes(**tail), l->read(last, 1 << 20)->data);
    // Nothing to read yet: an empty slice.
    auto end = l->read_slice(l->log_end_offset(), 1 << 20);
    ASSERT_TRUE(end && end->has_value());
    EXPECT_EQ((*end)->size, 0u);
    ASSERT_TRUE(l->close());

    cfg.verify_crc_on_read = false;  // never re-checked: slices at once
    auto unchecked = open(cfg);
    auto s = unchecked->read_slice(offset{0}, 1 << 20);
    ASSERT_TRUE(s && s->has_value());
    EXPECT_GT((*s)->size, 0u);
    ASSERT_TRUE(unchecked->close());
}

TEST_F(log_test, files_without_an_os_handle_have_no_slices) {
    auto l = open();
    ASSERT_TRUE(l->append(make_batch(2)));
    auto s = l->read_slice(offset{0}, 1 << 20);
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->has_value());
}

TEST(discover_partitions, finds_topic_partition_directories) {
    auto fs = io::make_memory_filesystem();
    io::manual_clock clock;
    EXPECT_TRUE(discover_partitions(*fs, "/d")->empty());
    for (auto [t, p] : {std::pair{"b", 1}, {"a", 10}, {"a", 2}})
        ASSERT_TRUE(log::open(*fs, clock, partition_directory("/d", t, partition_id{p}), {}));
    ASSERT_TRUE(fs->create_directories("/d/topics/a/not-a-number"));
    auto found = discover_partitions(*fs, "/d");
    ASSERT_TRUE(found);
    std::vector<partition_location> want{{"a", partition_id{2}, "/d/topics/a/2"},
                                         {"a", partition_id{10}, "/d/topics/a/10"},
                                         {"b", partition_id{1}, "/d/topics/b/1"}};
    EXPECT_EQ(*found, want);
}

}  // namespace
}  // namespace eddy::storage
