// meta_store on the fault-injecting file system: topic churn is compacted away inline, what load()
// returns rebuilds the same state (latest value per key, in log order), also after a crash, and
// tombstones go once they are older than delete_retention_ms.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "coord/meta_store.h"
#include "io/clock.h"
#include "io/fault_filesystem.h"

namespace eddy::coord {
namespace {

using namespace std::chrono_literals;

bytes as_bytes(const std::string& s) { return bytes(s.begin(), s.end()); }

record put(const std::string& key, const std::string& value) { return record{as_bytes(key), as_bytes(value)}; }
record tombstone(const std::string& key) { return record{as_bytes(key), std::nullopt}; }

// The state the records describe: the last value per key, tombstones removing it.
std::map<bytes, bytes> state_of(const std::vector<record>& recs) {
    std::map<bytes, bytes> out;
    for (const auto& r : recs) {
        if (r.value) {
            out[r.key] = *r.value;
        } else {
            out.erase(r.key);
        }
    }
    return out;
}

class meta_store_test : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(fs_.create_directories("/data/meta")); }
    std::unique_ptr<meta_store> open(uint64_t growth = 64 << 10) {
        auto m = meta_store::open(fs_, clock_, "/data", growth);
        EXPECT_TRUE(m) << m.error().message();
        return m ? std::move(*m) : nullptr;
    }
    io::fault_filesystem fs_;
    io::manual_clock clock_;
};

TEST_F(meta_store_test, churn_is_compacted_inline_and_load_rebuilds_the_same_state) {
    auto m = open();
    std::vector<record> all;
    auto append = [&](record r) {
        ASSERT_TRUE(m->append({r}));
        all.push_back(std::move(r));
    };
    append(put("topic/keep", "created once"));
    const std::string filler(1000, 'v');
    for (int i = 0; i < 2000; ++i) {
        append(put("topic/t" + std::to_string(i % 10), filler + std::to_string(i)));
        if (i % 100 == 99) append(tombstone("topic/t" + std::to_string((i / 100) % 10)));
    }
    // ~2 MB were appended; the log keeps about one live value per key (plus the tombstones, which are
    // younger than delete_retention_ms), within the growth allowance.
    EXPECT_LT(m->size_bytes(), 256u << 10) << "segments " << m->segment_count();
    EXPECT_GT(m->compaction_stats().records_removed, 1500u);
    auto loaded = m->load();
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(state_of(*loaded), state_of(all));

    // Everything append() returned for is durable: a crash keeps the same state.
    fs_.crash();
    m.reset();
    fs_.restart();
    m = open();
    loaded = m->load();
    ASSERT_TRUE(loaded) << loaded.error().message();
    EXPECT_EQ(state_of(*loaded), state_of(all));
}

TEST_F(meta_store_test, tombstones_go_after_delete_retention) {
    auto m = open();
    ASSERT_TRUE(m->append({put("topic/a", "1"), put("topic/b", "1")}));
    ASSERT_TRUE(m->append({tombstone("topic/a")}));
    ASSERT_TRUE(m->compact());
    auto loaded = m->load();
    ASSERT_TRUE(loaded);
    ASSERT_EQ(loaded->size(), 2u) << "a young tombstone stays, so a reader cannot miss the delete";
    EXPECT_EQ(loaded->at(1), tombstone("topic/a"));
    clock_.advance(25h);
    ASSERT_TRUE(m->compact());
    loaded = m->load();
    ASSERT_TRUE(loaded);
    ASSERT_EQ(loaded->size(), 1u);
    EXPECT_EQ(loaded->at(0), put("topic/b", "1"));
}

}  // namespace
}  // namespace eddy::coord
