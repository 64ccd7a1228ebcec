// Helpers shared by the storage tests: build batches, decode what the log returns into records.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "io/clock.h"
#include "io/fault_filesystem.h"
#include "storage/group_commit.h"
#include "storage/log.h"
#include "storage/record_batch.h"

namespace eddy::storage::testing {

struct rec {
    int64_t offset;
    std::optional<std::string> key;
    std::optional<std::string> value;
    int64_t timestamp;
    bool operator==(const rec&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const rec& r) {
    return os << "{" << r.offset << "," << r.key.value_or("<null>") << "," << r.value.value_or("<null>") << ","
              << r.timestamp << "}";
}

// A batch of n records "k<i>"/"v<tag>-<i>" with timestamps ts, ts+1, ...
inline bytes make_batch(int n, const std::string& tag = "x", int64_t ts = 1000) {
    std::vector<record_input> rs;
    for (int i = 0; i < n; ++i)
        rs.push_back({"k" + std::to_string(i), "v" + tag + "-" + std::to_string(i), timestamp_ms{ts + i}, {}});
    return build_batch(rs);
}

inline bytes make_kv_batch(const std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>>& kvs,
                           int64_t ts = 1000) {
    std::vector<record_input> rs;
    for (auto& [k, v] : kvs) rs.push_back({k, v, timestamp_ms{ts}, {}});
    return build_batch(rs);
}

// Decodes batches (uncompressed) into records; fails the test on malformed input.
inline std::vector<rec> decode(bytes_view data) {
    std::vector<rec> out;
    for (size_t pos = 0; pos < data.size();) {
        auto h = validate_batch(data.subspan(pos), validation::stored);
        EXPECT_TRUE(h) << h.error().message();
        if (!h) return out;
        auto rs = parse_records(data.subspan(pos, h->size_bytes()));
        EXPECT_TRUE(rs);
        for (auto& r : *rs) {
            auto str = [](const std::optional<bytes_view>& b) {
                return b ? std::optional<std::string>(std::string(as_string_view(*b))) : std::nullopt;
            };
            out.push_back({h->base_offset + r.offset_delta, str(r.key), str(r.value), h->base_timestamp + r.timestamp_delta});
        }
        pos += h->size_bytes();
    }
    return out;
}

// Every record from `from` to the log end, reading in small chunks.
inline std::vector<rec> read_all(log& l, offset from, size_t chunk = 1) {
    std::vector<rec> out;
    offset at = from;
    while (at < l.log_end_offset()) {
        auto r = l.read(at, chunk);
        EXPECT_TRUE(r) << r.error().message();
        if (!r || r->data.empty()) break;
        for (auto& x : decode(r->data))
            if (x.offset >= at.value()) out.push_back(x);
        at = r->next_offset;
    }
    return out;
}

// group_commit hooks that queue tasks, so a test decides when the "blocking pool" and the "shard" run.
struct queued_hooks {
    std::deque<group_commit::task> blocking, shard;
    group_commit::executor run_blocking() {
        return [this](group_commit::task t) { blocking.push_back(std::move(t)); };
    }
    group_commit::executor post_back() {
        return [this](group_commit::task t) { shard.push_back(std::move(t)); };
    }
    static void run_one(std::deque<group_commit::task>& q) {
        ASSERT_FALSE(q.empty());
        auto t = std::move(q.front());
        q.pop_front();
        t();
    }
    // Runs queued tasks (and those they queue) until both queues are empty.
    void drain() {
        while (!blocking.empty() || !shard.empty()) run_one(blocking.empty() ? shard : blocking);
    }
    // The process died: what was queued never runs.
    void drop() {
        blocking.clear();
        shard.clear();
    }
};

// A log on the fault-injecting file system (segments of 1 KiB, flush policy never) whose rolls are
// finished by a group_commit on queued hooks: the test runs the background work when it likes.
struct background_log {
    explicit background_log(std::string d) : dir(std::move(d)) {
        cfg.segment_bytes = 1024;
        cfg.flush.mode = flush_policy::kind::never;
        l = *log::open(fs, clock, dir, cfg);
        gc = std::make_unique<group_commit>(*l, hooks.run_blocking(), hooks.post_back());
    }
    // The process dies (queued work never runs), then the machine loses power.
    void crash(std::optional<io::fault_filesystem::torn_write> torn = std::nullopt) {
        hooks.drop();
        gc.reset();
        l.reset();
        fs.clear_faults();
        fs.crash(std::move(torn));
        fs.restart();
    }
    [[nodiscard]] result<std::unique_ptr<log>> reopen() { return log::open(fs, clock, dir, cfg); }

    std::string dir;
    io::fault_filesystem fs;
    io::manual_clock clock;
    log_config cfg;
    std::unique_ptr<log> l;
    queued_hooks hooks;
    std::unique_ptr<group_commit> gc;  // before l in destruction
};

}  // namespace eddy::storage::testing
