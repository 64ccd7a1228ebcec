// Model-based test: seeded random sequences of append / read / roll / retention / prefix truncation /
// compaction / clean restart / crash restart, checked against a simple in-memory model of the log. In the
// background variant a group_commit runs the flushes that rolls leave, on queued "pool" and "shard" tasks
// that the sequence runs at random moments (or loses in a crash).
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "io/clock.h"
#include "io/fault_filesystem.h"
#include "storage/compaction.h"
#include "storage/errc.h"
#include "storage/tests/test_util.h"

namespace eddy::storage {
namespace {

using testing::decode;
using testing::queued_hooks;
using testing::read_all;
using testing::rec;

const std::string dir = "/m/topics/model/0";

struct model {
    std::map<int64_t, rec> records;        // every record ever appended and not lost to a crash
    std::map<int64_t, int64_t> append_ms;  // offset -> broker append time
    int64_t start = 0;
    int64_t end = 0;
};

class model_run {
public:
    model_run(uint32_t seed, bool compacted, bool background)
        : rng_(seed), compacted_(compacted), background_(background) {
        cfg_.segment_bytes = 1024;
        cfg_.index_interval_bytes = 100;
        cfg_.retention_ms = -1;
        cfg_.cleanup = compacted ? cleanup_policy::compact : cleanup_policy::delete_records;
        cfg_.delete_retention_ms = 5'000;
        reopen();
    }

    void run(int ops) {
        for (int i = 0; i < ops && !::testing::Test::HasFatalFailure(); ++i) {
            int op = pick(0, 99);
            SCOPED_TRACE(::testing::Message() << "op #" << i << " kind " << op);
            if (op < 45) {
                append();
            } else if (op < 65) {
                check_read();
            } else if (op < 70) {
                ASSERT_TRUE(l_->roll());
            } else if (op < 75) {
                retention();
            } else if (op < 78) {
                truncate();
            } else if (op < 84) {
                compaction();
            } else if (op < 88) {
                clock_.advance(std::chrono::milliseconds(pick(1, 3000)));
            } else if (op < 92) {
                if (background_ && pick(0, 1) == 0) {
                    pump();
                } else {
                    check_timestamp();
                }
            } else if (op < 96) {
                restart(false);
            } else {
                restart(true);
            }
        }
        check_all();
    }

private:
    int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

    void reopen() {
        auto l = log::open(fs_, clock_, dir, cfg_);
        ASSERT_TRUE(l) << l.error().message();
        l_ = std::move(*l);
        if (background_) gc_ = std::make_unique<group_commit>(*l_, hooks_.run_blocking(), hooks_.post_back());
    }

    // Runs some of the queued background work, in order.
    void pump() {
        for (int n = pick(1, 6); n > 0 && !(hooks_.blocking.empty() && hooks_.shard.empty()); --n) {
            bool pool = !hooks_.blocking.empty() && (hooks_.shard.empty() || pick(0, 1) == 0);
            queued_hooks::run_one(pool ? hooks_.blocking : hooks_.shard);
        }
        ASSERT_FALSE(l_->failed());
    }

    void append() {
        int n = pick(1, 4);
        std::vector<record_input> rs;
        for (int i = 0; i < n; ++i) {
            std::optional<std::string> v = "v" + std::to_string(pick(0, 1'000'000));
            if (compacted_ && pick(0, 9) == 0) v.reset();
            rs.push_back({"k" + std::to_string(pick(0, 7)), v, clock_.now_ms(), {}});
        }
        auto a = l_->append(build_batch(rs));
        ASSERT_TRUE(a) << a.error().message();
        ASSERT_EQ(a->base.value(), m_.end);
        for (int i = 0; i < n; ++i) {
            m_.records[m_.end] = {m_.end, rs[i].key, rs[i].value, rs[i].timestamp.value()};
            m_.append_ms[m_.end] = a->append_time.value();
            ++m_.end;
        }
        // In the background variant flushes come mostly from the queued work, so rolls stay unsettled longer.
        if (pick(0, background_ ? 9 : 2) == 0) {
            ASSERT_TRUE(l_->flush());
        }
    }

    // A record may be missing only when compaction was allowed to remove it.
    bool removable(const rec& r) const {
        if (!compacted_) return false;
        for (auto it = m_.records.upper_bound(r.offset); it != m_.records.end(); ++it)
            if (it->second.key == r.key) return true;  // a newer record with the same key exists
        return !r.value && clock_.now_ms().value() - m_.append_ms.at(r.offset) > cfg_.delete_retention_ms;
    }

    void check_read() {
        int64_t from = m_.start + (m_.end > m_.start ? pick(0, static_cast<int>(m_.end - m_.start)) : 0);
        auto r = l_->read(offset{from}, static_cast<size_t>(pick(1, 600)));
        ASSERT_TRUE(r) << r.error().message();
        auto got = decode(r->data);
        if (from < m_.end) {
            // Something at or after `from` exists unless compaction removed everything from there on.
            bool must = false;
            for (auto it = m_.records.lower_bound(from); it != m_.records.end(); ++it) must |= !removable(it->second);
            if (must) {
                ASSERT_FALSE(got.empty());
            }
        } else {
            ASSERT_TRUE(got.empty());
        }
        for (auto& x : got) {
            if (x.offset < m_.start) continue;  // the first batch may begin before the log start
            ASSERT_TRUE(m_.records.contains(x.offset));
            EXPECT_EQ(x, m_.records.at(x.offset));
        }
        if (!r->batches.empty()) {
            // Compaction may leave a batch whose last records are gone; its offset range still covers from.
            EXPECT_GE(r->batches.back().last.value(), from);
        }
        EXPECT_EQ(r->log_end, offset{m_.end});
    }

    void check_all() {
        ASSERT_EQ(l_->log_start_offset().value(), m_.start);
        ASSERT_EQ(l_->log_end_offset().value(), m_.end);
        auto got = read_all(*l_, offset{m_.start}, static_cast<size_t>(pick(1, 2000)));
        int64_t prev = -1;
        size_t gi = 0;
        for (auto it = m_.records.lower_bound(m_.start); it != m_.records.end(); ++it) {
            if (gi < got.size() && got[gi].offset == it->first) {
                EXPECT_EQ(got[gi], it->second);
                EXPECT_GT(got[gi].offset, prev);
                prev = got[gi].offset;
                ++gi;
            } else {
                EXPECT_TRUE(removable(it->second)) << "lost " << it->second;
            }
        }
        EXPECT_EQ(gi, got.size()) << "log returned records the model does not have";
    }

    void retention() {
        cfg_.retention_bytes = pick(0, 4) == 0 ? -1 : pick(0, 5000);
        ASSERT_TRUE(l_->set_config(cfg_));
        auto deleted = l_->apply_retention();
        ASSERT_TRUE(deleted);
        int64_t s = l_->log_start_offset().value();
        ASSERT_GE(s, m_.start);
        ASSERT_LE(s, m_.end);
        if (*deleted > 0) {  // deleting never takes the log below the limit
            EXPECT_GE(l_->size_bytes(), static_cast<uint64_t>(cfg_.retention_bytes));
        }
        m_.start = s;
        check_all();
    }

    void truncate() {
        int64_t to = m_.start + (m_.end > m_.start ? pick(0, static_cast<int>(m_.end - m_.start)) : 0);
        ASSERT_TRUE(l_->truncate_prefix(offset{to}));
        m_.start = std::max(m_.start, to);
        EXPECT_EQ(l_->log_start_offset().value(), m_.start);
    }

    void compaction() {
        auto st = compact(*l_);
        ASSERT_TRUE(st) << st.error().message();
        m_.start = l_->log_start_offset().value();  // a segment compacted to nothing moves the start
        check_all();
    }

    void check_timestamp() {
        if (m_.end == m_.start) return;
        auto t = m_.records.lower_bound(m_.start)->second.timestamp + pick(-10, 2000);
        auto got = l_->offset_for_timestamp(timestamp_ms{t});
        ASSERT_TRUE(got);
        auto present = read_all(*l_, offset{m_.start}, 4096);
        std::optional<int64_t> expected;
        for (auto& r : present)
            if (r.timestamp >= t) {
                expected = r.offset;
                break;
            }
        if (!expected) {
            EXPECT_FALSE(got->has_value());
            return;
        }
        ASSERT_TRUE(got->has_value());
        // Timestamps never decrease here, so the answer is the first such record, or the log start when
        // that record's batch begins before it.
        int64_t v = (*got)->value();
        EXPECT_TRUE(v == *expected || (v == m_.start && v <= *expected)) << v << " vs " << *expected;
    }

    void restart(bool crash) {
        int64_t flushed = l_->flushed_offset().value();
        if (crash) {
            hooks_.drop();
            gc_.reset();
            l_.reset();
            fs_.crash();
            fs_.restart();
        } else {
            hooks_.drain();  // a clean shutdown lets the fsyncs in flight finish
            gc_.reset();
            ASSERT_TRUE(l_->close());
            l_.reset();
        }
        reopen();
        int64_t end = l_->log_end_offset().value();
        ASSERT_GE(end, flushed);
        ASSERT_LE(end, m_.end);
        m_.records.erase(m_.records.lower_bound(end), m_.records.end());
        m_.append_ms.erase(m_.append_ms.lower_bound(end), m_.append_ms.end());
        m_.end = end;
        check_all();
    }

    std::mt19937 rng_;
    bool compacted_;
    bool background_;
    io::fault_filesystem fs_;
    io::manual_clock clock_;
    log_config cfg_;
    std::unique_ptr<log> l_;
    queued_hooks hooks_;
    std::unique_ptr<group_commit> gc_;  // background variant; destroyed before l_
    model m_;
};

class model_test : public ::testing::TestWithParam<std::tuple<uint32_t, bool, bool>> {};

TEST_P(model_test, random_operations_match_the_model) {
    auto [seed, compacted, background] = GetParam();
    model_run run(seed, compacted, background);
    run.run(1500);
}

INSTANTIATE_TEST_SUITE_P(seeds, model_test,
                         ::testing::Combine(::testing::Range(1u, 13u), ::testing::Bool(), ::testing::Bool()));

}  // namespace
}  // namespace eddy::storage
