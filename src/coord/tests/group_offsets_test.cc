#include <gtest/gtest.h>

#include "coord/group_records.h"
#include "coord/tests/group_test_util.h"

namespace eddy::coord {
namespace {

using testing::harness;
using namespace std::chrono_literals;

topic_partition tp(std::string topic, int32_t p) { return topic_partition{std::move(topic), partition_id{p}}; }

offset_commit_request simple_commit(std::string group, std::vector<offset_commit_entry> offsets) {
    return offset_commit_request{std::move(group), -1, "", std::nullopt, std::move(offsets)};
}

// One static member "i" in Stable, generation 1; returns its member id.
std::string one_static_member(harness& h, std::vector<std::string> topics = {"t"}) {
    auto a = h.join(h.req("", "i", topics));
    std::string id = (*a)->member_id;
    EXPECT_EQ((*(h.sync(id, 1, {{id, bytes{1}}}, "i")))->error, errc::none);
    return id;
}

TEST(group_offsets, simple_commit_and_fetch) {
    harness h;
    auto res = h.gc.commit_offsets(simple_commit("g", {{tp("t", 0), offset{42}, 3, "meta"}, {tp("t", 1), offset{7}}}));
    ASSERT_EQ(res.size(), 2u);
    EXPECT_EQ(res[0].error, errc::none);
    EXPECT_EQ(res[1].error, errc::none);
    EXPECT_EQ(h.gc.state_of("g"), group_state::empty);

    auto listed = h.gc.fetch_offsets("g", std::vector{tp("t", 0), tp("t", 5)});
    ASSERT_EQ(listed.offsets.size(), 2u);
    EXPECT_EQ(listed.offsets[0].value, offset{42});
    EXPECT_EQ(listed.offsets[0].leader_epoch, 3);
    EXPECT_EQ(listed.offsets[0].metadata, "meta");
    EXPECT_EQ(listed.offsets[1].value, offset{-1}) << "nothing committed: -1 with no error";
    EXPECT_EQ(listed.offsets[1].error, errc::none);

    auto all = h.gc.fetch_offsets("g", std::nullopt);
    ASSERT_EQ(all.offsets.size(), 2u);
    EXPECT_EQ(all.offsets[1].tp, tp("t", 1));
    EXPECT_EQ(all.offsets[1].value, offset{7});
    EXPECT_TRUE(h.gc.fetch_offsets("unknown", std::nullopt).offsets.empty());
    EXPECT_EQ(h.gc.fetch_offsets("unknown", std::vector{tp("t", 0)}).offsets[0].value, offset{-1});

    // A later commit overwrites.
    ASSERT_EQ(h.gc.commit_offsets(simple_commit("g", {{tp("t", 0), offset{50}}}))[0].error, errc::none);
    EXPECT_EQ(h.gc.fetch_offsets("g", std::vector{tp("t", 0)}).offsets[0].value, offset{50});
}

TEST(group_offsets, member_commits_are_checked_against_the_generation) {
    harness h;
    std::string id = one_static_member(h);
    auto commit = [&](int32_t gen, std::string member, std::optional<std::string> instance = std::nullopt) {
        offset_commit_request r{"g", gen, std::move(member), std::move(instance), {{tp("t", 0), offset{1}}}};
        return h.gc.commit_offsets(r)[0].error;
    };
    EXPECT_EQ(commit(1, id), errc::none);
    EXPECT_EQ(commit(2, id), errc::illegal_generation);
    EXPECT_EQ(commit(1, "ghost"), errc::unknown_member_id);
    EXPECT_EQ(commit(-1, ""), errc::unknown_member_id) << "simple commits only to groups without members";
    EXPECT_EQ(commit(1, "stale", "i"), errc::fenced_instance_id);
    EXPECT_EQ(h.gc.commit_offsets({"new-group", 3, "m", std::nullopt, {{tp("t", 0), offset{1}}}})[0].error,
              errc::illegal_generation);

    // During CompletingRebalance commits wait for the assignment.
    auto b = h.join(h.req("", "j"));
    auto a = h.join(h.req(id, "i"));
    ASSERT_TRUE(*a);
    EXPECT_EQ(h.gc.state_of("g"), group_state::completing_rebalance);
    EXPECT_EQ(commit(2, id), errc::rebalance_in_progress);

    offset_commit_request big{"g", 2, id, std::nullopt, {{tp("t", 0), offset{1}, -1, std::string(4097, 'x')}}};
    auto res = h.gc.commit_offsets(big);
    EXPECT_EQ(res[0].error, errc::rebalance_in_progress);
    ASSERT_EQ((*(h.sync(id, 2, {}, "i")))->error, errc::none);
    EXPECT_EQ(h.gc.commit_offsets(big)[0].error, errc::offset_metadata_too_large);
}

TEST(group_offsets, reload_from_emitted_records) {
    harness h;
    ASSERT_EQ(h.gc.commit_offsets(simple_commit("s", {{tp("a", 0), offset{1}, -1, "x"}, {tp("a", 1), offset{2}}}))[0]
                  .error,
              errc::none);
    h.clock.advance(5s);
    ASSERT_EQ(h.gc.commit_offsets(simple_commit("s", {{tp("a", 0), offset{10}, 4, std::nullopt}}))[0].error,
              errc::none);
    std::string id = one_static_member(h);
    ASSERT_EQ(h.gc.commit_offsets({"g", 1, id, "i", {{tp("t", 3), offset{99}}}})[0].error, errc::none);
    ASSERT_EQ(h.gc.commit_offsets(simple_commit("gone", {{tp("t", 0), offset{1}}}))[0].error, errc::none);
    ASSERT_EQ(h.gc.delete_groups({"gone"})[0].second, errc::none);

    io::manual_clock clock2;
    group_coordinator restored(clock2, testing::test_config());
    ASSERT_TRUE(restored.load(h.log));
    auto s = restored.fetch_offsets("s", std::nullopt);
    ASSERT_EQ(s.offsets.size(), 2u);
    EXPECT_EQ(s.offsets[0].value, offset{10});
    EXPECT_EQ(s.offsets[0].leader_epoch, 4);
    EXPECT_EQ(s.offsets[0].metadata, std::nullopt);
    EXPECT_EQ(s.offsets[1].value, offset{2});
    EXPECT_EQ(restored.fetch_offsets("g", std::nullopt).offsets.at(0).value, offset{99});
    EXPECT_FALSE(restored.state_of("gone")) << "deleted groups stay deleted";

    // Group metadata came back too: the static member resumes without a rebalance.
    EXPECT_EQ(restored.state_of("g"), group_state::stable);
    EXPECT_EQ(restored.generation_of("g"), 1);
    EXPECT_EQ(restored.heartbeat({"g", 1, id, "i"}), errc::none);
    auto d = restored.describe_group("g");
    ASSERT_EQ(d.members.size(), 1u);
    EXPECT_EQ(d.members[0].assignment, bytes{1});
    EXPECT_EQ(d.members[0].group_instance_id, "i");

    // And a snapshot of the restored state reloads to the same answers.
    group_coordinator again(clock2, testing::test_config());
    ASSERT_TRUE(again.load(restored.snapshot()));
    EXPECT_EQ(again.fetch_offsets("s", std::nullopt).offsets.size(), 2u);
    EXPECT_EQ(again.state_of("g"), group_state::stable);
}

TEST(group_offsets, commit_timestamp_comes_from_the_clock) {
    harness h;
    h.clock.advance(1234ms);
    ASSERT_EQ(h.gc.commit_offsets(simple_commit("g", {{tp("t", 0), offset{5}}}))[0].error, errc::none);
    ASSERT_FALSE(h.log.empty());
    auto decoded = decode_offset_record(h.log.back());
    ASSERT_TRUE(decoded);
    ASSERT_TRUE(decoded->value);
    EXPECT_EQ(decoded->value->commit_timestamp, h.clock.now_ms());
    EXPECT_EQ(decoded->group_id, "g");
    EXPECT_EQ(decoded->tp, tp("t", 0));
}

TEST(group_offsets, delete_groups_errors_and_tombstones) {
    harness h;
    std::string id = one_static_member(h);
    ASSERT_EQ(h.gc.commit_offsets(simple_commit("e", {{tp("t", 0), offset{1}}, {tp("t", 1), offset{1}}}))[0].error,
              errc::none);
    size_t before = h.log.size();
    auto res = h.gc.delete_groups({"g", "nope", "e"});
    ASSERT_EQ(res.size(), 3u);
    EXPECT_EQ(res[0].second, errc::non_empty_group);
    EXPECT_EQ(res[1].second, errc::group_id_not_found);
    EXPECT_EQ(res[2].second, errc::none);
    EXPECT_FALSE(h.gc.state_of("e"));
    EXPECT_EQ(h.gc.fetch_offsets("e", std::vector{tp("t", 0)}).offsets[0].value, offset{-1});
    ASSERT_EQ(h.log.size(), before + 3) << "two offset tombstones and a group tombstone";
    for (size_t i = before; i < h.log.size(); ++i) EXPECT_FALSE(h.log[i].value);

    // After the last member leaves, the group can be deleted.
    ASSERT_EQ(h.gc.leave_group("g", {{"", "i"}}).members[0].second, errc::none);
    EXPECT_EQ(h.gc.delete_groups({"g"})[0].second, errc::none);
    EXPECT_TRUE(h.gc.list_groups().empty());
}

TEST(group_offsets, offset_delete_refuses_subscribed_topics) {
    harness h;
    EXPECT_EQ(h.gc.delete_offsets("nope", {tp("t", 0)}).error, errc::group_id_not_found);
    std::string id = one_static_member(h, {"t", "x"});
    ASSERT_EQ(h.gc.commit_offsets({"g", 1, id, "i", {{tp("t", 0), offset{1}}, {tp("u", 0), offset{2}}}})[0].error,
              errc::none);
    auto res = h.gc.delete_offsets("g", {tp("t", 0), tp("u", 0)});
    EXPECT_EQ(res.error, errc::none);
    ASSERT_EQ(res.partitions.size(), 2u);
    EXPECT_EQ(res.partitions[0].error, errc::group_subscribed_to_topic);
    EXPECT_EQ(res.partitions[1].error, errc::none);
    auto left = h.gc.fetch_offsets("g", std::nullopt);
    ASSERT_EQ(left.offsets.size(), 1u);
    EXPECT_EQ(left.offsets[0].tp, tp("t", 0));

    // Once the group is empty, any offset can go.
    ASSERT_EQ(h.gc.leave_group("g", {{id, "i"}}).members[0].second, errc::none);
    res = h.gc.delete_offsets("g", {tp("t", 0)});
    EXPECT_EQ(res.partitions[0].error, errc::none);
    EXPECT_TRUE(h.gc.fetch_offsets("g", std::nullopt).offsets.empty());
    EXPECT_FALSE(h.log.back().value);
}

TEST(group_offsets, offset_delete_on_non_consumer_group_in_use) {
    harness h;
    auto r = h.req("", "i");
    r.protocol_type = "connect";
    auto a = h.join(r);
    ASSERT_EQ((*a)->error, errc::none);
    EXPECT_EQ(h.gc.delete_offsets("g", {tp("t", 0)}).error, errc::non_empty_group);
}

TEST(group_records, layouts_round_trip_and_reject_corruption) {
    committed_offset c{offset{5}, 2, "m", timestamp_ms{1000}};
    record r = encode_offset_record("grp", tp("t", 9), c);
    EXPECT_EQ(r.key, (bytes{0, 1, 0, 3, 'g', 'r', 'p', 0, 1, 't', 0, 0, 0, 9}));
    auto back = decode_offset_record(r);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->value, c);

    group_metadata_value g;
    g.protocol_type = "consumer";
    g.generation = 4;
    g.protocol_name = "range";
    g.leader_id = "m1";
    g.state_timestamp = timestamp_ms{77};
    g.members.push_back({"m1", "inst", "cid", "/127.0.0.1", 30000, 10000, bytes{1, 2}, bytes{3}});
    g.members.push_back({"m2", std::nullopt, "cid", "/127.0.0.1", 30000, 10000, {}, {}});
    record gr = encode_group_record("grp", g);
    auto gback = decode_group_record(gr);
    ASSERT_TRUE(gback);
    EXPECT_EQ(gback->value, g);

    ASSERT_TRUE(gr.value);
    bytes cut = *gr.value;
    cut.resize(cut.size() - 3);
    EXPECT_FALSE(decode_group_record(record{gr.key, cut}));
    bytes future = *r.value;
    future[1] = 1;
    auto bad = decode_offset_record(record{r.key, future});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, make_error_code(errc::unsupported_record_version));
    harness h;
    EXPECT_FALSE(h.gc.load(std::vector<record>{record{r.key, cut}}));
}

}  // namespace
}  // namespace eddy::coord
