// Internal to consumer_table*.cc: one consumer instance and the table's state on its home shard, and
// the operations the table's files share. Everything here lives on, and is touched only from, the home
// shard.
//
// Invariants: an instance is in home_state::instances until it is closed (closed == true once removed);
// at most one member loop runs per instance (loop_running); assignment is empty unless mode is
// subscribed (then it is the group's latest assignment to member_id in generation) or assigned.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "coord/broker.h"
#include "coord/group_service.h"
#include "http/rest/consumer_table.h"
#include "runtime/gate.h"
#include "runtime/semaphore.h"

namespace eddy::http::rest {

using tp = coord::topic_partition;

struct partition_position {
    std::optional<offset> next;  // the next offset to deliver; nullopt: the committed one, else the reset policy
    uint64_t version = 0;        // bumped on every change, so a read in flight never overwrites a seek
};

enum class instance_mode { none, subscribed, assigned };

struct consumer_instance {
    consumer_instance(const boost::asio::any_io_executor& ex, std::string g, std::string n, instance_config c)
        : group(std::move(g)), name(std::move(n)), config(std::move(c)), loop_timer(ex) {}

    const std::string group;
    const std::string name;
    const instance_config config;
    io::clock::duration last_used{};
    bool closed = false;

    instance_mode mode = instance_mode::none;
    std::vector<std::string> topics;
    std::optional<std::string> pattern;
    std::optional<std::regex> pattern_re;
    // Bumped by subscribe, unsubscribe and close: membership work started before it changed is stale.
    uint64_t membership_epoch = 0;

    // Group membership (mode == subscribed).
    std::string member_id;
    int32_t generation = -1;
    bool need_join = false;
    bool loop_running = false;
    std::vector<std::string> joined_topics;  // the subscription sent with the last join (a pattern resolved)
    std::map<std::string, int32_t> watched;  // partition counts the current assignment was computed from

    // Assigned partitions and positions.
    std::map<tp, partition_position> assignment;
    std::map<tp, offset> auto_committed;  // positions the last automatic commit stored
    io::clock::duration next_auto_commit{};
    size_t next_start = 0;  // reads start at a rotating partition, so none starves under max_bytes
    runtime::semaphore read_lock{1};
    boost::asio::steady_timer loop_timer;             // the member loop sleeps here; wake() ends the sleep
    bool wake_pending = false;
    boost::asio::steady_timer* reader_wait = nullptr;  // a read waiting for an assignment

    void wake() {
        wake_pending = true;
        loop_timer.cancel();
    }
    void assignment_changed() {
        if (reader_wait != nullptr) reader_wait->cancel();
    }
    // Whether commits carry a member id and generation (else they are "simple" commits).
    [[nodiscard]] bool is_member() const { return !member_id.empty() && generation >= 0; }
};

struct consumer_table::home_state {
    home_state(const boost::asio::any_io_executor& ex, coord::broker& b, coord::group_service& g, io::clock& c,
               const consumer_options& o)
        : executor(ex), broker(b), groups(g), clock(c), options(o), sweep_timer(ex), rng(std::random_device{}()) {}

    boost::asio::any_io_executor executor;
    coord::broker& broker;
    coord::group_service& groups;
    io::clock& clock;
    consumer_options options;
    std::map<std::pair<std::string, std::string>, std::shared_ptr<consumer_instance>> instances;
    runtime::gate gate;
    boost::asio::steady_timer sweep_timer;
    bool stopping = false;
    std::mt19937_64 rng;
};

using home_state = consumer_table::home_state;

// consumer_member.cc: the membership loop (join, sync, heartbeat, rejoin) of a subscribed instance.
// REQUIRES: !inst->loop_running; the caller sets it.
boost::asio::awaitable<void> member_loop(home_state& h, std::shared_ptr<consumer_instance> inst);

// consumer_table.cc.
// Gives up the assignment (and the group membership with leave_group): commits the positions first
// with auto.commit.enable. The instance's state changes before the first suspension, so anything that
// runs meanwhile sees the assignment gone.
boost::asio::awaitable<void> release(home_state& h, consumer_instance& inst, bool leave_group);
// Commits the positions (only those changed since the last automatic commit when only_changed).
boost::asio::awaitable<outcome<void>> commit_positions(home_state& h, consumer_instance& inst, bool only_changed);
// Fills in the positions still unknown: the committed offset, else auto.offset.reset.
boost::asio::awaitable<outcome<void>> resolve_positions(home_state& h, consumer_instance& inst);
// Where auto.offset.reset puts a partition with no (valid) committed offset.
boost::asio::awaitable<outcome<offset>> reset_position(home_state& h, const consumer_instance& inst, const tp& p);

// consumer_read.cc: GET .../records.
boost::asio::awaitable<outcome<read_result>> read_records(home_state& h, std::shared_ptr<consumer_instance> inst,
                                                          read_request req);

}  // namespace eddy::http::rest
