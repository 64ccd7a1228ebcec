// consumer_table: the REST Proxy's consumer instances (POST /consumers/{group} and everything under
// /consumers/{group}/instances/{instance}).
//
// Where they live: every instance is in one table on the home shard (shard 0 by default), like the
// group coordinator it talks to; every method may be called from any shard and hops there. A read runs
// on the home shard too (it fetches from the partitions' owners and renders the JSON there, yielding
// between partitions), so one instance's state is touched by one thread only.
//
// Group membership: an instance that subscribes joins its consumer group through coord::group_service
// as a Kafka member of protocol type "consumer" would, offering the range and roundrobin assignors.
// It shows up in DescribeGroups, heartbeats from a loop on the home shard, rejoins when the group
// rebalances (a Kafka client joining or leaving, or the partition count of a subscribed topic
// changing), and computes the assignment when it is the leader. An instance with an explicit assignment
// (POST .../assignments) is not a member; its commits are "simple" ones (generation -1), as Kafka's
// assign() consumers make them.
//
// Positions: the next offset to deliver per assigned partition. A new assignment starts from the
// group's committed offsets, else from auto.offset.reset. A read advances positions; commits store them
// (or the offsets given) in the group. With auto.commit.enable, the positions are committed every
// auto_commit_interval at the start of a read (so only records already returned are committed), before
// a rebalance gives partitions away, on unsubscribe and when the instance is deleted or expires.
//
// Expiry: an instance unused for instance_timeout is deleted (commit as above, leave the group).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "base/ids.h"
#include "http/rest/common.h"
#include "http/rest/probe.h"
#include "io/clock.h"
#include "runtime/service.h"
#include "runtime/shard.h"

namespace eddy::coord {
class broker;
class group_service;
}  // namespace eddy::coord

namespace eddy::http::rest {

struct consumer_options {
    std::chrono::milliseconds instance_timeout{300'000};   // consumer.instance.timeout.ms
    std::chrono::milliseconds default_read_timeout{1'000};  // consumer.request.timeout.ms
    std::chrono::milliseconds max_read_timeout{30'000};     // cap on ?timeout=
    size_t max_read_bytes = 64 * 1024 * 1024;               // consumer.request.max.bytes (cap on ?max_bytes=)
    size_t max_instances = 1'000;
    std::chrono::milliseconds session_timeout{30'000};
    std::chrono::milliseconds heartbeat_interval{3'000};
    std::chrono::milliseconds rebalance_timeout{60'000};
    std::chrono::milliseconds auto_commit_interval{5'000};  // auto.commit.interval.ms
    std::chrono::milliseconds sweep_interval{1'000};        // how often expiry is checked
    shard_id home{0};
    rest_probe probe;  // records consumed, instances alive
};

enum class offset_reset { earliest, latest, none };

struct instance_config {
    std::string name;  // empty: generated ("rest-consumer-<uuid>")
    embedded_format format = embedded_format::binary;
    offset_reset reset = offset_reset::latest;
    bool auto_commit = true;
};

struct subscription_request {
    std::vector<std::string> topics;
    std::optional<std::string> pattern;  // topic_pattern: a regular expression a whole name must match
};

struct tp_offset {
    std::string topic;
    partition_id partition;
    offset value;
    std::optional<std::string> metadata;
};

struct read_request {
    std::optional<embedded_format> accept;  // the format the client asked for (nullopt: the instance's)
    std::chrono::milliseconds timeout{-1};  // < 0: default_read_timeout
    int64_t max_bytes = -1;                 // <= 0: max_read_bytes
};

struct read_result {
    embedded_format format = embedded_format::binary;
    std::string body;  // the JSON array of records
};

class consumer_table final : public runtime::service {
public:
    template <typename T>
    using awaitable = boost::asio::awaitable<T>;

    // REQUIRES: everything passed outlives the table; options.home < shards.size().
    consumer_table(runtime::shard_set& shards, coord::broker& broker, coord::group_service& groups, io::clock& clock,
                   consumer_options options = {});
    ~consumer_table() override;

    [[nodiscard]] std::string_view name() const override { return "rest-consumers"; }
    [[nodiscard]] awaitable<result<void>> start() override;
    // Deletes every instance (committing and leaving groups as a delete does) and waits for reads.
    awaitable<void> stop() override;

    // The instance id (40902 when the name is taken, 42204 for a bad name, 42901 when the table is full).
    [[nodiscard]] awaitable<outcome<std::string>> create(std::string group, instance_config cfg);
    [[nodiscard]] awaitable<outcome<void>> remove(std::string group, std::string instance);

    [[nodiscard]] awaitable<outcome<void>> subscribe(std::string group, std::string instance, subscription_request s);
    [[nodiscard]] awaitable<outcome<std::vector<std::string>>> subscription(std::string group, std::string instance);
    [[nodiscard]] awaitable<outcome<void>> unsubscribe(std::string group, std::string instance);
    [[nodiscard]] awaitable<outcome<void>> assign(std::string group, std::string instance,
                                                  std::vector<topic_partition_ref> partitions);
    [[nodiscard]] awaitable<outcome<std::vector<topic_partition_ref>>> assignment(std::string group,
                                                                                  std::string instance);

    [[nodiscard]] awaitable<outcome<read_result>> read(std::string group, std::string instance, read_request req);

    // Commits `offsets` as given (the REST API's "last consumed" offsets: the caller adds 1), or every
    // position when nullopt.
    [[nodiscard]] awaitable<outcome<void>> commit(std::string group, std::string instance,
                                                  std::optional<std::vector<tp_offset>> offsets);
    [[nodiscard]] awaitable<outcome<std::vector<tp_offset>>> committed(std::string group, std::string instance,
                                                                       std::vector<topic_partition_ref> partitions);
    [[nodiscard]] awaitable<outcome<void>> seek(std::string group, std::string instance, std::vector<tp_offset> to);
    // Seeks to the log start (beginning) or end of each partition.
    [[nodiscard]] awaitable<outcome<void>> seek_to_edge(std::string group, std::string instance,
                                                        std::vector<topic_partition_ref> partitions, bool beginning);

    // Deletes the instances that expired by now (tests advance a manual clock and call this).
    [[nodiscard]] awaitable<void> expire_now();
    [[nodiscard]] awaitable<size_t> size();

    struct home_state;

private:
    template <typename T, typename F>
    awaitable<outcome<T>> on_home(F fn);

    runtime::shard_set& shards_;
    consumer_options options_;
    std::unique_ptr<home_state> home_;  // touched only on the home shard
};

}  // namespace eddy::http::rest
