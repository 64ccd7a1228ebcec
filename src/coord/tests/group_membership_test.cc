#include <gtest/gtest.h>

#include "coord/tests/group_test_util.h"

namespace eddy::coord {
namespace {

using testing::harness;
using namespace std::chrono_literals;

bytes assignment_bytes(uint8_t tag) { return bytes{tag, tag}; }

// Brings a group of n dynamic members to Stable in one generation; returns their member ids, leader first.
std::vector<std::string> stable_group(harness& h, int n) {
    std::vector<harness::join_slot> slots;
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
        auto first = h.join(h.req(""));
        EXPECT_EQ((*first)->error, errc::member_id_required);
        ids.push_back((*first)->member_id);
    }
    for (const auto& id : ids) slots.push_back(h.join(h.req(id)));
    int32_t gen = h.gc.generation_of("g");
    std::vector<std::pair<std::string, bytes>> plan;
    for (size_t i = 0; i < ids.size(); ++i) plan.emplace_back(ids[i], assignment_bytes(static_cast<uint8_t>(i)));
    std::string leader = (*slots[0])->leader_id;
    std::vector<harness::sync_slot> syncs;
    for (const auto& id : ids) {
        if (id != leader) syncs.push_back(h.sync(id, gen));
    }
    syncs.push_back(h.sync(leader, gen, plan));
    for (const auto& s : syncs) EXPECT_TRUE(*s);
    EXPECT_EQ(h.gc.state_of("g"), group_state::stable);
    std::stable_partition(ids.begin(), ids.end(), [&](const auto& id) { return id == leader; });
    return ids;
}

TEST(group_membership, single_member_join_sync_heartbeat_leave) {
    harness h;
    auto first = h.join(h.req(""));
    ASSERT_TRUE(*first);
    EXPECT_EQ((*first)->error, errc::member_id_required);
    std::string id = (*first)->member_id;
    EXPECT_EQ(id.rfind("client-", 0), 0u);
    EXPECT_EQ(h.gc.state_of("g"), group_state::empty) << "a pending member does not start a rebalance";

    auto joined = h.join(h.req(id));
    ASSERT_TRUE(*joined) << "initial delay 0 and every member joined: the join phase ends at once";
    const join_result& j = **joined;
    EXPECT_EQ(j.error, errc::none);
    EXPECT_EQ(j.generation_id, 1);
    EXPECT_EQ(j.protocol_name, "range");
    EXPECT_EQ(j.leader_id, id);
    ASSERT_EQ(j.members.size(), 1u);
    EXPECT_EQ(j.members[0].metadata, testing::subscription({"t"}));
    EXPECT_EQ(h.gc.state_of("g"), group_state::completing_rebalance);
    EXPECT_EQ(h.heartbeat(id, 1), errc::none);

    auto s = h.sync(id, 1, {{id, assignment_bytes(7)}});
    ASSERT_TRUE(*s);
    EXPECT_EQ((*s)->error, errc::none);
    EXPECT_EQ((*s)->assignment, assignment_bytes(7));
    EXPECT_EQ(h.gc.state_of("g"), group_state::stable);

    EXPECT_EQ(h.heartbeat(id, 1), errc::none);
    EXPECT_EQ(h.heartbeat(id, 0), errc::illegal_generation);
    EXPECT_EQ(h.heartbeat("nobody", 1), errc::unknown_member_id);
    EXPECT_EQ(h.gc.heartbeat({"other", 1, id, std::nullopt}), errc::unknown_member_id);

    auto left = h.gc.leave_group("g", {{id, std::nullopt}});
    ASSERT_EQ(left.members.size(), 1u);
    EXPECT_EQ(left.members[0].second, errc::none);
    EXPECT_EQ(h.gc.state_of("g"), group_state::empty);
    EXPECT_EQ(h.gc.generation_of("g"), 2);
    EXPECT_EQ(h.heartbeat(id, 1), errc::unknown_member_id);
}

TEST(group_membership, two_then_three_members_then_one_leaves) {
    harness h;
    auto a = h.join_new();
    ASSERT_TRUE(*a);
    std::string ida = (*a)->member_id;
    ASSERT_EQ((*(h.sync(ida, 1, {{ida, assignment_bytes(1)}})))->error, errc::none);

    // B joins: A must rejoin, learning of it through its heartbeat.
    auto b = h.join_new();
    EXPECT_FALSE(*b) << "B waits for A to rejoin";
    EXPECT_EQ(h.gc.state_of("g"), group_state::preparing_rebalance);
    EXPECT_EQ(h.heartbeat(ida, 1), errc::rebalance_in_progress);
    auto a2 = h.join(h.req(ida));
    ASSERT_TRUE(*a2);
    ASSERT_TRUE(*b);
    EXPECT_EQ((*a2)->generation_id, 2);
    EXPECT_EQ((*b)->generation_id, 2);
    EXPECT_EQ((*a2)->leader_id, ida) << "the leader stays the leader";
    EXPECT_EQ((*a2)->members.size(), 2u);
    EXPECT_TRUE((*b)->members.empty()) << "only the leader gets the member list";
    std::string idb = (*b)->member_id;

    auto sb = h.sync(idb, 2);
    EXPECT_FALSE(*sb) << "a follower waits for the leader's assignment";
    auto sa = h.sync(ida, 2, {{ida, assignment_bytes(1)}, {idb, assignment_bytes(2)}});
    ASSERT_TRUE(*sa);
    ASSERT_TRUE(*sb);
    EXPECT_EQ((*sb)->assignment, assignment_bytes(2));
    EXPECT_EQ((*sa)->assignment, assignment_bytes(1));

    // C joins: generation 3 with three members.
    auto c = h.join_new();
    auto a3 = h.join(h.req(ida));
    EXPECT_FALSE(*a3);
    auto b3 = h.join(h.req(idb));
    ASSERT_TRUE(*c);
    ASSERT_TRUE(*a3);
    EXPECT_EQ((*c)->generation_id, 3);
    EXPECT_EQ((*a3)->members.size(), 3u);
    std::string idc = (*c)->member_id;
    auto sc = h.sync(idc, 3);
    (void)h.sync(idb, 3);
    ASSERT_EQ((*(h.sync(ida, 3, {{idc, assignment_bytes(3)}})))->error, errc::none);
    EXPECT_EQ((*sc)->assignment, assignment_bytes(3));

    // B leaves: the others get generation 4.
    ASSERT_EQ(h.gc.leave_group("g", {{idb, std::nullopt}}).members[0].second, errc::none);
    EXPECT_EQ(h.heartbeat(ida, 3), errc::rebalance_in_progress);
    EXPECT_EQ(h.heartbeat(idc, 3), errc::rebalance_in_progress);
    auto a4 = h.join(h.req(ida));
    auto c4 = h.join(h.req(idc));
    ASSERT_TRUE(*a4);
    ASSERT_TRUE(*c4);
    EXPECT_EQ((*a4)->generation_id, 4);
    EXPECT_EQ((*c4)->generation_id, 4);
    EXPECT_EQ((*a4)->members.size(), 2u);
    EXPECT_EQ(h.gc.describe_group("g").members.size(), 2u);
}

TEST(group_membership, leader_leaving_elects_a_new_leader) {
    harness h;
    auto ids = stable_group(h, 2);
    ASSERT_EQ(h.gc.leave_group("g", {{ids[0], std::nullopt}}).members[0].second, errc::none);
    auto b = h.join(h.req(ids[1]));
    ASSERT_TRUE(*b);
    EXPECT_EQ((*b)->leader_id, ids[1]);
    EXPECT_EQ((*b)->members.size(), 1u);
}

TEST(group_membership, initial_rebalance_delay_waits_and_extends) {
    harness h(testing::test_config(3000ms));
    auto a = h.join_new();
    EXPECT_FALSE(*a);
    h.advance(2000ms);
    EXPECT_FALSE(*a);
    auto b = h.join_new();  // within the delay: extends it by another 3000 ms
    h.advance(1000ms);
    EXPECT_FALSE(*a) << "the join phase is extended because B arrived";
    h.advance(2999ms);
    EXPECT_FALSE(*a);
    h.advance(1ms);
    ASSERT_TRUE(*a);
    ASSERT_TRUE(*b);
    EXPECT_EQ((*a)->generation_id, 1);
    EXPECT_EQ((*b)->generation_id, 1);
    EXPECT_EQ(((*a)->members.size() + (*b)->members.size()), 2u);
}

TEST(group_membership, static_member_restart_keeps_its_slot_without_rebalance) {
    harness h;
    auto a = h.join(h.req("", "instance-a"));
    ASSERT_TRUE(*a) << "static members skip MEMBER_ID_REQUIRED";
    std::string old_a = (*a)->member_id;
    EXPECT_EQ(old_a.rfind("instance-a-", 0), 0u);
    ASSERT_EQ((*(h.sync(old_a, 1, {{old_a, assignment_bytes(9)}}, "instance-a")))->error, errc::none);
    auto b = h.join(h.req("", "instance-b"));
    auto a2 = h.join(h.req(old_a, "instance-a"));
    ASSERT_TRUE(*b);
    ASSERT_TRUE(*a2);
    std::string idb = (*b)->member_id;
    auto sb = h.sync(idb, 2, {}, "instance-b");
    ASSERT_EQ((*(h.sync(old_a, 2, {{old_a, assignment_bytes(1)}, {idb, assignment_bytes(2)}}, "instance-a")))->error,
              errc::none);
    ASSERT_EQ((*sb)->assignment, assignment_bytes(2));

    // B restarts: it joins with no member id and the same instance id.
    auto b2 = h.join(h.req("", "instance-b"));
    ASSERT_TRUE(*b2);
    EXPECT_EQ((*b2)->error, errc::none);
    EXPECT_EQ((*b2)->generation_id, 2) << "no new generation";
    EXPECT_NE((*b2)->member_id, idb);
    EXPECT_EQ(h.gc.state_of("g"), group_state::stable);
    auto sb2 = h.sync((*b2)->member_id, 2, {}, "instance-b");
    ASSERT_TRUE(*sb2);
    EXPECT_EQ((*sb2)->assignment, assignment_bytes(2)) << "the restarted member keeps its assignment";
    EXPECT_EQ(h.heartbeat(old_a, 2, "instance-a"), errc::none);

    // The old incarnation is fenced.
    EXPECT_EQ(h.heartbeat(idb, 2, "instance-b"), errc::fenced_instance_id);
    EXPECT_EQ(h.heartbeat(idb, 2), errc::unknown_member_id);
    EXPECT_EQ((*(h.join(h.req(idb, "instance-b"))))->error, errc::fenced_instance_id);
    EXPECT_EQ((*(h.sync(idb, 2, {}, "instance-b")))->error, errc::fenced_instance_id);
    auto leave = h.gc.leave_group("g", {{idb, "instance-b"}});
    EXPECT_EQ(leave.members[0].second, errc::fenced_instance_id);
}

TEST(group_membership, static_leader_rejoining_a_stable_group_keeps_the_assignment) {
    harness h;
    auto a = h.join(h.req("", "instance-a"));
    ASSERT_TRUE(*a);
    std::string first = (*a)->member_id;
    ASSERT_EQ((*a)->leader_id, first);
    ASSERT_EQ((*(h.sync(first, 1, {{first, assignment_bytes(4)}}, "instance-a")))->error, errc::none);

    // v9 (KIP-814): the restarted leader learns it leads and who the members are, but skips the assignor.
    auto req = h.req("", "instance-a");
    req.api_version = 9;
    auto a9 = h.join(req);
    ASSERT_TRUE(*a9);
    const join_result& r9 = **a9;
    EXPECT_EQ(r9.error, errc::none);
    EXPECT_EQ(r9.generation_id, 1) << "no rebalance";
    EXPECT_NE(r9.member_id, first);
    EXPECT_EQ(r9.leader_id, r9.member_id);
    EXPECT_TRUE(r9.skip_assignment);
    ASSERT_EQ(r9.members.size(), 1u);
    EXPECT_EQ(r9.members[0].member_id, r9.member_id);

    // Before v9 it is told the leader id it had, so it acts as a follower and keeps its assignment.
    auto a5 = h.join(h.req("", "instance-a"));
    ASSERT_TRUE(*a5);
    const join_result& r5 = **a5;
    EXPECT_EQ(r5.generation_id, 1);
    EXPECT_EQ(r5.leader_id, r9.member_id);
    EXPECT_NE(r5.member_id, r9.member_id);
    EXPECT_FALSE(r5.skip_assignment);
    EXPECT_TRUE(r5.members.empty());
    auto s = h.sync(r5.member_id, 1, {}, "instance-a");
    ASSERT_TRUE(*s);
    EXPECT_EQ((*s)->assignment, assignment_bytes(4));
    EXPECT_EQ(h.gc.state_of("g"), group_state::stable);

    // The next rebalance elects a member that exists (the leader's id followed each restart).
    auto b = h.join_new();
    auto a6 = h.join(h.req(r5.member_id, "instance-a"));
    ASSERT_TRUE(*b);
    ASSERT_TRUE(*a6);
    EXPECT_EQ((*a6)->generation_id, 2);
    EXPECT_EQ((*a6)->leader_id, r5.member_id);
    EXPECT_EQ((*a6)->members.size(), 2u);
}

TEST(group_membership, session_expiry_removes_silent_members) {
    harness h;
    auto ids = stable_group(h, 2);
    for (int i = 0; i < 3; ++i) {
        h.advance(3000ms);
        ASSERT_EQ(h.heartbeat(ids[0], 1), errc::none);
    }
    h.advance(999ms);
    EXPECT_EQ(h.gc.state_of("g"), group_state::stable);
    h.advance(1ms);
    // ids[1] last heard 10 s ago at the end of the join; its session (10 s) has run out.
    EXPECT_EQ(h.gc.state_of("g"), group_state::preparing_rebalance);
    EXPECT_EQ(h.heartbeat(ids[1], 1), errc::unknown_member_id);
    EXPECT_EQ(h.heartbeat(ids[0], 1), errc::rebalance_in_progress);
    auto a = h.join(h.req(ids[0]));
    ASSERT_TRUE(*a);
    EXPECT_EQ((*a)->generation_id, 2);
    EXPECT_EQ((*a)->members.size(), 1u);
}

TEST(group_membership, rebalance_timeout_drops_members_that_do_not_rejoin) {
    harness h;
    auto ids = stable_group(h, 2);
    auto c = h.join_new();
    auto a = h.join(h.req(ids[0]));
    EXPECT_FALSE(*a);
    for (int i = 0; i < 9; ++i) {
        h.advance(3000ms);  // ids[1] heartbeats but never rejoins
        EXPECT_EQ(h.heartbeat(ids[1], 1), errc::rebalance_in_progress);
        ASSERT_EQ(h.heartbeat(ids[0], 1), errc::rebalance_in_progress);
    }
    EXPECT_FALSE(*a);
    h.advance(3000ms);  // 30 s rebalance timeout
    ASSERT_TRUE(*a);
    ASSERT_TRUE(*c);
    EXPECT_EQ((*a)->generation_id, 2);
    EXPECT_EQ((*a)->members.size(), 2u);
    EXPECT_EQ(h.heartbeat(ids[1], 1), errc::unknown_member_id);
}

TEST(group_membership, members_that_never_sync_are_removed) {
    harness h;
    auto a = h.join_new();
    auto b = h.join_new();  // joins during A's CompletingRebalance
    auto a2 = h.join(h.req((*a)->member_id));
    ASSERT_TRUE(*b);
    ASSERT_TRUE(*a2);
    // Nobody calls SyncGroup; both keep heartbeating.
    for (int i = 0; i < 10; ++i) {
        h.advance(3000ms);
        (void)h.heartbeat((*a)->member_id, 2);
        (void)h.heartbeat((*b)->member_id, 2);
    }
    EXPECT_EQ(h.gc.state_of("g"), group_state::empty);
    EXPECT_TRUE(h.gc.describe_group("g").members.empty());
}

TEST(group_membership, request_validation_errors) {
    harness h;
    auto r = h.req("");
    r.session_timeout = 500ms;
    EXPECT_EQ((*(h.join(r)))->error, errc::invalid_session_timeout);
    r = h.req("");
    r.group_id = "";
    EXPECT_EQ((*(h.join(r)))->error, errc::invalid_group_id);
    EXPECT_EQ((*(h.join(h.req("ghost"))))->error, errc::unknown_member_id);
    r = h.req("");
    r.protocols.clear();
    EXPECT_EQ((*(h.join(r)))->error, errc::inconsistent_group_protocol);

    auto a = h.join_new();
    ASSERT_EQ((*a)->error, errc::none);
    r = h.req("");
    r.protocol_type = "connect";
    EXPECT_EQ((*(h.join(r)))->error, errc::inconsistent_group_protocol);
    r = h.req("");
    r.protocols = {{"sticky", {}}};
    EXPECT_EQ((*(h.join(r)))->error, errc::inconsistent_group_protocol);

    EXPECT_EQ((*(h.sync("ghost", 1)))->error, errc::unknown_member_id);
    EXPECT_EQ((*(h.sync((*a)->member_id, 7)))->error, errc::illegal_generation);
    auto b = h.join_new();  // rebalance starts
    EXPECT_EQ((*(h.sync((*a)->member_id, 1)))->error, errc::rebalance_in_progress);
    EXPECT_EQ(h.gc.leave_group("g", {{"ghost", std::nullopt}}).members[0].second, errc::unknown_member_id);
    EXPECT_EQ(h.gc.leave_group("nope", {{"x", std::nullopt}}).members[0].second, errc::unknown_member_id);
}

TEST(group_membership, protocol_selection_follows_votes) {
    harness h;
    auto r1 = h.req("");
    r1.api_version = 3;
    r1.protocols = {{"range", {}}, {"roundrobin", {}}};
    auto r2 = r1;
    r2.protocols = {{"roundrobin", {}}, {"range", {}}};
    auto r3 = r2;
    auto a = h.join(r1);
    ASSERT_TRUE(*a);
    EXPECT_EQ((*a)->protocol_name, "range");
    auto b = h.join(r2);
    auto c = h.join(r3);
    r1.member_id = (*a)->member_id;
    auto a2 = h.join(r1);
    ASSERT_TRUE(*a2);
    EXPECT_EQ((*a2)->protocol_name, "roundrobin") << "two of three members prefer roundrobin";
}

TEST(group_membership, list_and_describe) {
    harness h;
    auto ids = stable_group(h, 2);
    auto listed = h.gc.list_groups();
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].state, group_state::stable);
    EXPECT_EQ(listed[0].protocol_type, "consumer");
    EXPECT_TRUE(h.gc.list_groups({group_state::empty}).empty());
    auto d = h.gc.describe_group("g");
    EXPECT_EQ(d.error, errc::none);
    EXPECT_EQ(to_string(d.state), "Stable");
    EXPECT_EQ(d.protocol_name, "range");
    ASSERT_EQ(d.members.size(), 2u);
    EXPECT_FALSE(d.members[0].assignment.empty());
    EXPECT_EQ(d.members[0].metadata, testing::subscription({"t"}));
    auto missing = h.gc.describe_group("nope");
    EXPECT_EQ(missing.error, errc::group_id_not_found);
    EXPECT_EQ(missing.state, group_state::dead);
}

TEST(group_membership, pending_member_that_never_returns_expires) {
    harness h;
    auto a = h.join_new();
    ASSERT_TRUE(*a);
    ASSERT_EQ((*(h.sync((*a)->member_id, 1, {})))->error, errc::none);
    auto ghost = h.join(h.req(""));  // gets MEMBER_ID_REQUIRED and is never heard of again
    ASSERT_EQ((*ghost)->error, errc::member_id_required);
    auto b = h.join_new();
    auto a2 = h.join(h.req((*a)->member_id));
    EXPECT_FALSE(*a2) << "the join phase waits for the pending member";
    h.advance(9999ms);
    EXPECT_FALSE(*a2);
    (void)h.heartbeat((*a)->member_id, 1);
    h.advance(1ms);
    ASSERT_TRUE(*a2) << "the pending member's session ran out";
    EXPECT_EQ((*a2)->members.size(), 2u);
    EXPECT_EQ((*(h.join(h.req((*ghost)->member_id))))->error, errc::unknown_member_id);
}

TEST(group_membership, group_max_size) {
    auto cfg = testing::test_config();
    cfg.max_size = 2;
    harness h(cfg);
    auto a = h.join_new();
    auto b = h.join(h.req(""));
    ASSERT_EQ((*b)->error, errc::member_id_required);
    EXPECT_EQ((*(h.join(h.req(""))))->error, errc::group_max_size_reached);
}

TEST(group_membership, join_v3_needs_no_member_id_round_trip) {
    harness h;
    auto r = h.req("");
    r.api_version = 3;
    r.rebalance_timeout = milliseconds{-1};  // v0: the session timeout is the rebalance timeout
    auto a = h.join(r);
    ASSERT_TRUE(*a);
    EXPECT_EQ((*a)->error, errc::none);
    EXPECT_EQ((*a)->generation_id, 1);
}

TEST(group_membership, callbacks_may_reenter_the_coordinator) {
    harness h;
    auto first = h.join(h.req(""));
    std::string id = (*first)->member_id;
    std::optional<errc> hb;
    h.gc.join_group(h.req(id), [&](join_result r) { hb = h.gc.heartbeat({"g", r.generation_id, r.member_id, {}}); });
    ASSERT_TRUE(hb);
    EXPECT_EQ(*hb, errc::none);
}

TEST(group_membership, next_deadline_tracks_sessions) {
    harness h;
    EXPECT_FALSE(h.gc.next_deadline());
    auto ids = stable_group(h, 1);
    auto d = h.gc.next_deadline();
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, h.clock.monotonic() + std::chrono::milliseconds{10'000});
}

}  // namespace
}  // namespace eddy::coord
