// The consumer-group handlers in-process (broker + group service over an in-memory file system, 1 and 2
// shards), driven through a real TCP socket with our own codecs: FindCoordinator, the JoinGroup v4
// MEMBER_ID_REQUIRED flow, SyncGroup, Heartbeat, LeaveGroup's per-version error placement, DescribeGroups'
// "Dead" answer for unknown groups below v6, OffsetCommit's per-partition unknown-topic check, OffsetFetch
// with listed and null topics (v1, v5 and flexible v7), ListGroups (v0, flexible v4 with a state filter)
// and DeleteGroups; and every group API at its highest advertised (flexible) version: batched
// FindCoordinator v4, JoinGroup v9 (nullable protocol fields, a static leader skipping the assignment),
// SyncGroup v5, Heartbeat v4, DescribeGroups v5 with authorized operations, LeaveGroup v5, DeleteGroups
// v2, OffsetCommit v8 and OffsetFetch v8 with several groups.
#include <gtest/gtest.h>

#include "kafka/protocol/messages/delete_groups.h"
#include "kafka/protocol/messages/describe_groups.h"
#include "kafka/protocol/messages/find_coordinator.h"
#include "kafka/protocol/messages/heartbeat.h"
#include "kafka/protocol/messages/join_group.h"
#include "kafka/protocol/messages/leave_group.h"
#include "kafka/protocol/messages/list_groups.h"
#include "kafka/protocol/messages/offset_commit.h"
#include "kafka/protocol/messages/offset_fetch.h"
#include "kafka/protocol/messages/sync_group.h"
#include "kafka/server/tests/server_fixture.h"

namespace eddy::kafka::server {
namespace {

namespace p = protocol;
using kafka::testing::raw_client;

class group_handlers_test : public testing::server_fixture {
protected:
    void SetUp() override {
        server_fixture::SetUp();
        auto created = create_topic("t", 2);
        ASSERT_TRUE(created) << created.error().message();
    }

    // A consumer's first JoinGroup for `group`: protocol "range", 10 s timeouts.
    static p::join_group_request join_req(const std::string& group) {
        p::join_group_request j;
        j.group_id = group;
        j.session_timeout_ms = 10'000;
        j.rebalance_timeout_ms = 10'000;
        j.protocol_type = "consumer";
        j.protocols.push_back({.name = "range", .metadata = bytes{1}});
        return j;
    }

    // Joins `group` as its only member with JoinGroup v4 and syncs as leader; returns the member id.
    std::string join_and_sync(raw_client& c, const std::string& group) {
        auto j = join_req(group);
        auto first = c.call<p::join_group_response>(j, 4);
        EXPECT_EQ(first.error_code, 79);  // MEMBER_ID_REQUIRED
        EXPECT_FALSE(first.member_id.empty());
        j.member_id = first.member_id;
        auto joined = c.call<p::join_group_response>(j, 4);
        EXPECT_EQ(joined.error_code, 0);
        EXPECT_EQ(joined.leader, joined.member_id);
        EXPECT_EQ(joined.protocol_name, std::optional<std::string>("range"));
        EXPECT_EQ(joined.members.size(), 1u);
        p::sync_group_request s;
        s.group_id = group;
        s.generation_id = joined.generation_id;
        s.member_id = joined.member_id;
        s.assignments.push_back({.member_id = joined.member_id, .assignment = bytes{7, 7}});
        auto synced = c.call<p::sync_group_response>(s, 3);
        EXPECT_EQ(synced.error_code, 0);
        EXPECT_EQ(synced.assignment, (bytes{7, 7}));
        return joined.member_id;
    }
};

TEST_P(group_handlers_test, find_coordinator_names_this_broker_for_groups_only) {
    auto c = client();
    p::find_coordinator_request req;
    req.key = "g";
    auto resp = c.call<p::find_coordinator_response>(req, 2);
    EXPECT_EQ(resp.error_code, 0);
    EXPECT_EQ(resp.node_id, 0);
    EXPECT_EQ(resp.port, server_->bound_port());
    req.key_type = 1;  // transactions: not supported
    EXPECT_EQ(c.call<p::find_coordinator_response>(req, 2).error_code, 15);
    req.key_type = 0;
    auto v3 = c.call<p::find_coordinator_response>(req, 3);
    EXPECT_EQ(v3.error_code, 0);
    EXPECT_EQ(v3.error_message, std::nullopt);
    EXPECT_EQ(v3.port, server_->bound_port());
    req.coordinator_keys = {"a", "b"};
    auto v4 = c.call<p::find_coordinator_response>(req, 4);
    ASSERT_EQ(v4.coordinators.size(), 2u);
    for (const auto& co : v4.coordinators) {
        EXPECT_EQ(co.error_code, 0);
        EXPECT_EQ(co.node_id, 0);
        EXPECT_EQ(co.port, server_->bound_port());
    }
    EXPECT_EQ(v4.coordinators[1].key, "b");
    req.key_type = 1;  // transactions: not supported, per key
    auto txn = c.call<p::find_coordinator_response>(req, 4);
    ASSERT_EQ(txn.coordinators.size(), 2u);
    EXPECT_EQ(txn.coordinators[0].error_code, 15);
    EXPECT_EQ(txn.coordinators[0].node_id, -1);
    req.key_type = 2;  // share groups exist only from v6
    EXPECT_EQ(c.call<p::find_coordinator_response>(req, 4).coordinators.at(0).error_code, 42);
    EXPECT_EQ(c.call<p::find_coordinator_response>(req, 3).error_code, 42);
}

TEST_P(group_handlers_test, membership_round_trip_and_version_specific_answers) {
    auto c = client();
    auto member = join_and_sync(c, "g");
    p::heartbeat_request hb;
    hb.group_id = "g";
    hb.generation_id = 1;
    hb.member_id = member;
    EXPECT_EQ(c.call<p::heartbeat_response>(hb, 3).error_code, 0);
    hb.generation_id = 99;
    EXPECT_EQ(c.call<p::heartbeat_response>(hb, 3).error_code, 22);  // ILLEGAL_GENERATION

    p::describe_groups_request d;
    d.groups = {"g", "nope"};
    auto described = c.call<p::describe_groups_response>(d, 0);
    ASSERT_EQ(described.groups.size(), 2u);
    EXPECT_EQ(described.groups[0].group_state, "Stable");
    ASSERT_EQ(described.groups[0].members.size(), 1u);
    EXPECT_EQ(described.groups[0].members[0].member_assignment, (bytes{7, 7}));
    EXPECT_EQ(described.groups[0].members[0].client_host, "/127.0.0.1");
    EXPECT_EQ(described.groups[1].error_code, 0);  // below v6 an unknown group is "Dead", not an error
    EXPECT_EQ(described.groups[1].group_state, "Dead");

    p::list_groups_request l;
    auto listed = c.call<p::list_groups_response>(l, 0);
    ASSERT_EQ(listed.groups.size(), 1u);
    EXPECT_EQ(listed.groups[0].group_id, "g");
    EXPECT_EQ(listed.groups[0].protocol_type, "consumer");
    l.states_filter = {"Stable"};  // v4 (flexible): filtered by state, which is reported
    listed = c.call<p::list_groups_response>(l, 4);
    ASSERT_EQ(listed.groups.size(), 1u);
    EXPECT_EQ(listed.groups[0].group_state, "Stable");
    l.states_filter = {"Empty"};
    EXPECT_TRUE(c.call<p::list_groups_response>(l, 4).groups.empty());

    // LeaveGroup v1: one member, its error at top level.
    p::leave_group_request leave;
    leave.group_id = "g";
    leave.member_id = "stranger";
    EXPECT_EQ(c.call<p::leave_group_response>(leave, 1).error_code, 25);  // UNKNOWN_MEMBER_ID
    leave.member_id = member;
    EXPECT_EQ(c.call<p::leave_group_response>(leave, 1).error_code, 0);
    EXPECT_EQ(c.call<p::describe_groups_response>(d, 0).groups[0].group_state, "Empty");
}

TEST_P(group_handlers_test, offsets_commit_fetch_and_delete_group) {
    auto c = client();
    p::offset_commit_request oc;
    oc.group_id = "g";
    oc.generation_id_or_member_epoch = -1;  // simple commit, no membership
    for (const auto* name : {"t", "missing"}) {
        auto& t = oc.topics.emplace_back();
        t.name = name;
        for (int32_t part : {0, 1, 5}) {
            auto& pp = t.partitions.emplace_back();
            pp.partition_index = part;
            pp.committed_offset = 10 + part;
            pp.committed_metadata = "m";
        }
    }
    auto committed = c.call<p::offset_commit_response>(oc, 2);
    ASSERT_EQ(committed.topics.size(), 2u);
    EXPECT_EQ(committed.topics[0].partitions[0].error_code, 0);
    EXPECT_EQ(committed.topics[0].partitions[1].error_code, 0);
    EXPECT_EQ(committed.topics[0].partitions[2].error_code, 3);  // past the partition count
    for (const auto& pr : committed.topics[1].partitions) EXPECT_EQ(pr.error_code, 3);

    p::offset_fetch_request of;
    of.group_id = "g";
    of.topics.emplace();
    of.topics->push_back({.name = "t", .partition_indexes = {1, 0}});
    of.topics->push_back({.name = "other", .partition_indexes = {0}});
    auto fetched = c.call<p::offset_fetch_response>(of, 1);
    ASSERT_EQ(fetched.topics.size(), 2u);
    ASSERT_EQ(fetched.topics[0].partitions.size(), 2u);
    EXPECT_EQ(fetched.topics[0].partitions[0].committed_offset, 11);
    EXPECT_EQ(fetched.topics[0].partitions[0].metadata, std::optional<std::string>("m"));
    EXPECT_EQ(fetched.topics[0].partitions[1].committed_offset, 10);
    EXPECT_EQ(fetched.topics[1].partitions[0].committed_offset, -1);  // nothing committed: -1, no error
    EXPECT_EQ(fetched.topics[1].partitions[0].error_code, 0);

    of.topics.reset();  // v2+: null = every committed offset
    auto all = c.call<p::offset_fetch_response>(of, 5);
    EXPECT_EQ(all.error_code, 0);
    ASSERT_EQ(all.topics.size(), 1u);
    EXPECT_EQ(all.topics[0].partitions.size(), 2u);
    auto flexible = c.call<p::offset_fetch_response>(of, 7);  // what librdkafka 2.0.2 sends
    EXPECT_EQ(flexible, all);

    p::delete_groups_request dg;
    dg.groups_names = {"g"};
    auto deleted = c.call<p::delete_groups_response>(dg, 1);
    ASSERT_EQ(deleted.results.size(), 1u);
    EXPECT_EQ(deleted.results[0].error_code, 0);
    EXPECT_TRUE(c.call<p::offset_fetch_response>(of, 5).topics.empty());
}

TEST_P(group_handlers_test, membership_at_the_flexible_versions) {
    auto c = client();
    auto j = join_req("flex");
    j.reason = "first start";
    auto first = c.call<p::join_group_response>(j, 9);
    EXPECT_EQ(first.error_code, 79);  // MEMBER_ID_REQUIRED
    EXPECT_EQ(first.protocol_type, std::nullopt) << "null on errors from v7";
    EXPECT_EQ(first.protocol_name, std::nullopt);
    j.member_id = first.member_id;
    auto joined = c.call<p::join_group_response>(j, 9);
    EXPECT_EQ(joined.error_code, 0);
    EXPECT_EQ(joined.protocol_type, std::optional<std::string>("consumer"));
    EXPECT_EQ(joined.protocol_name, std::optional<std::string>("range"));
    EXPECT_EQ(joined.leader, joined.member_id);
    EXPECT_FALSE(joined.skip_assignment);

    p::sync_group_request s;
    s.group_id = "flex";
    s.generation_id = joined.generation_id;
    s.member_id = joined.member_id;
    s.protocol_type = "consumer";
    s.protocol_name = "roundrobin";
    s.assignments.push_back({.member_id = joined.member_id, .assignment = bytes{5}});
    auto mismatch = c.call<p::sync_group_response>(s, 5);
    EXPECT_EQ(mismatch.error_code, 23);  // INCONSISTENT_GROUP_PROTOCOL
    EXPECT_EQ(mismatch.protocol_name, std::nullopt);
    s.protocol_name = "range";
    auto synced = c.call<p::sync_group_response>(s, 5);
    EXPECT_EQ(synced.error_code, 0);
    EXPECT_EQ(synced.protocol_type, std::optional<std::string>("consumer"));
    EXPECT_EQ(synced.protocol_name, std::optional<std::string>("range"));
    EXPECT_EQ(synced.assignment, (bytes{5}));

    p::heartbeat_request hb;
    hb.group_id = "flex";
    hb.generation_id = joined.generation_id;
    hb.member_id = joined.member_id;
    EXPECT_EQ(c.call<p::heartbeat_response>(hb, 4).error_code, 0);

    p::describe_groups_request d;
    d.groups = {"flex"};
    d.include_authorized_operations = true;
    auto described = c.call<p::describe_groups_response>(d, 5);
    ASSERT_EQ(described.groups.size(), 1u);
    EXPECT_EQ(described.groups[0].group_state, "Stable");
    // READ DELETE DESCRIBE DESCRIBE_CONFIGS ALTER_CONFIGS (bits 3, 6, 8, 10, 11).
    EXPECT_EQ(described.groups[0].authorized_operations, 0b1101'0100'1000);
    d.include_authorized_operations = false;
    EXPECT_EQ(c.call<p::describe_groups_response>(d, 5).groups.at(0).authorized_operations, INT32_MIN);

    p::leave_group_request leave;
    leave.group_id = "flex";
    leave.members.push_back({.member_id = joined.member_id, .group_instance_id = std::nullopt, .reason = "shutdown"});
    auto left = c.call<p::leave_group_response>(leave, 5);
    EXPECT_EQ(left.error_code, 0);
    ASSERT_EQ(left.members.size(), 1u);
    EXPECT_EQ(left.members[0].error_code, 0);

    p::delete_groups_request dg;
    dg.groups_names = {"flex", "nope"};
    auto deleted = c.call<p::delete_groups_response>(dg, 2);
    ASSERT_EQ(deleted.results.size(), 2u);
    EXPECT_EQ(deleted.results[0].error_code, 0);
    EXPECT_EQ(deleted.results[1].error_code, 69);  // GROUP_ID_NOT_FOUND
}

TEST_P(group_handlers_test, static_leader_rejoin_skips_the_assignment_from_join_group_v9) {
    auto c = client();
    auto j = join_req("static");
    j.group_instance_id = "i1";
    auto joined = c.call<p::join_group_response>(j, 5);  // static members skip MEMBER_ID_REQUIRED
    ASSERT_EQ(joined.error_code, 0);
    p::sync_group_request s;
    s.group_id = "static";
    s.generation_id = joined.generation_id;
    s.member_id = joined.member_id;
    s.group_instance_id = "i1";
    s.assignments.push_back({.member_id = joined.member_id, .assignment = bytes{3}});
    ASSERT_EQ(c.call<p::sync_group_response>(s, 5).error_code, 0);

    // The leader restarts (no member id, same instance id).
    auto v9 = c.call<p::join_group_response>(j, 9);
    EXPECT_EQ(v9.error_code, 0);
    EXPECT_EQ(v9.generation_id, joined.generation_id);
    EXPECT_EQ(v9.leader, v9.member_id);
    EXPECT_TRUE(v9.skip_assignment);
    ASSERT_EQ(v9.members.size(), 1u);
    auto v8 = c.call<p::join_group_response>(j, 8);
    EXPECT_EQ(v8.error_code, 0);
    EXPECT_EQ(v8.leader, v9.member_id) << "below v9 the old leader id, so the member does not reassign";
    EXPECT_NE(v8.member_id, v9.member_id);
    EXPECT_TRUE(v8.members.empty());
}

TEST_P(group_handlers_test, offsets_at_flexible_versions_and_offset_fetch_v8_batches_groups) {
    auto c = client();
    p::offset_commit_request oc;
    oc.group_id = "g1";
    oc.generation_id_or_member_epoch = -1;
    auto& t = oc.topics.emplace_back();
    t.name = "t";
    t.partitions.push_back({.partition_index = 1, .committed_offset = 42, .committed_leader_epoch = 0,
                            .commit_timestamp = -1, .committed_metadata = std::nullopt});
    auto committed = c.call<p::offset_commit_response>(oc, 8);
    EXPECT_EQ(committed.topics.at(0).partitions.at(0).error_code, 0);

    p::offset_fetch_request of;
    auto& g1 = of.groups.emplace_back();
    g1.group_id = "g1";
    g1.topics.emplace().push_back({.name = "t", .partition_indexes = {0, 1}});
    auto& g2 = of.groups.emplace_back();
    g2.group_id = "g2";
    g2.topics.reset();  // every committed offset: none
    of.require_stable = true;
    auto r = c.call<p::offset_fetch_response>(of, 8);
    ASSERT_EQ(r.groups.size(), 2u);
    EXPECT_TRUE(r.topics.empty()) << "v8 answers per group only";
    EXPECT_EQ(r.groups[0].group_id, "g1");
    EXPECT_EQ(r.groups[0].error_code, 0);
    ASSERT_EQ(r.groups[0].topics.size(), 1u);
    const auto& parts = r.groups[0].topics[0].partitions;
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].committed_offset, -1);
    EXPECT_EQ(parts[1].committed_offset, 42);
    EXPECT_EQ(parts[1].committed_leader_epoch, 0);
    EXPECT_EQ(r.groups[1].group_id, "g2");
    EXPECT_EQ(r.groups[1].error_code, 0);
    EXPECT_TRUE(r.groups[1].topics.empty());

    // The one-group form (v7) of the same question.
    p::offset_fetch_request single;
    single.group_id = "g1";
    single.topics.emplace().push_back({.name = "t", .partition_indexes = {1}});
    auto v7 = c.call<p::offset_fetch_response>(single, 7);
    EXPECT_EQ(v7.topics.at(0).partitions.at(0).committed_offset, 42);
}

INSTANTIATE_TEST_SUITE_P(smp, group_handlers_test, runtime::testing::smp_values());

}  // namespace
}  // namespace eddy::kafka::server
