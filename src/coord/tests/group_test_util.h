// Helpers for driving group_coordinator in tests: a manual clock, a record log, and captured
// JoinGroup/SyncGroup completions.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "coord/codec.h"
#include "coord/group_coordinator.h"
#include "io/clock.h"

namespace eddy::coord::testing {

// A ConsumerProtocolSubscription v0: int16 version, topics, null user data.
inline bytes subscription(const std::vector<std::string>& topics) {
    record_writer w;
    w.i16(0).i32(static_cast<int32_t>(topics.size()));
    for (const auto& t : topics) w.i16(static_cast<int16_t>(t.size())).raw(as_bytes(t));
    w.i32(-1);
    return w.take();
}

inline group_config test_config(milliseconds initial_delay = milliseconds{0}) {
    group_config c;
    c.min_session_timeout = milliseconds{1000};
    c.initial_rebalance_delay = initial_delay;
    return c;
}

struct harness {
    explicit harness(group_config cfg = test_config())
        : gc(clock, cfg, [this](record r) { log.push_back(std::move(r)); }, 1) {}

    using join_slot = std::shared_ptr<std::optional<join_result>>;
    using sync_slot = std::shared_ptr<std::optional<sync_result>>;

    join_request req(std::string member_id, std::optional<std::string> instance = std::nullopt,
                     std::vector<std::string> topics = {"t"}) const {
        join_request r;
        r.group_id = "g";
        r.member_id = std::move(member_id);
        r.group_instance_id = std::move(instance);
        r.protocol_type = "consumer";
        r.protocols = {{"range", subscription(topics)}, {"roundrobin", subscription(topics)}};
        r.session_timeout = milliseconds{10'000};
        r.rebalance_timeout = milliseconds{30'000};
        r.api_version = 5;
        r.client_id = "client";
        return r;
    }

    join_slot join(join_request r) {
        auto slot = std::make_shared<std::optional<join_result>>();
        gc.join_group(std::move(r), [slot](join_result res) { *slot = std::move(res); });
        return slot;
    }

    // A dynamic member's first join including the MEMBER_ID_REQUIRED round trip.
    join_slot join_new(std::vector<std::string> topics = {"t"}) {
        auto first = join(req("", std::nullopt, topics));
        if (!*first || (*first)->error != errc::member_id_required) return first;
        return join(req((*first)->member_id, std::nullopt, topics));
    }

    sync_slot sync(const std::string& member_id, int32_t generation,
                   std::vector<std::pair<std::string, bytes>> assignments = {},
                   std::optional<std::string> instance = std::nullopt) {
        auto slot = std::make_shared<std::optional<sync_result>>();
        sync_request s{"g", generation, member_id, std::move(instance), "consumer", std::nullopt,
                       std::move(assignments)};
        gc.sync_group(std::move(s), [slot](sync_result res) { *slot = std::move(res); });
        return slot;
    }

    errc heartbeat(const std::string& member_id, int32_t generation,
                   std::optional<std::string> instance = std::nullopt) {
        return gc.heartbeat(heartbeat_request{"g", generation, member_id, std::move(instance)});
    }

    void advance(milliseconds d) {
        clock.advance(d);
        gc.tick();
    }

    io::manual_clock clock;
    std::vector<record> log;
    group_coordinator gc;
};

}  // namespace eddy::coord::testing
