// The topic catalog: which topics exist, their partition counts, ids and config overrides, with Kafka's
// validation and error semantics for CreateTopics, DeleteTopics, CreatePartitions and
// IncrementalAlterConfigs. Every durable change is emitted as a record (record.h) through the sink;
// load() rebuilds the catalog from those records.
//
// Lives on the coordinator shard only; not thread-safe.
// Invariants: topic names are valid (validate_topic_name) and unique, and no two names collide after
// mapping '.' to '_'; topic ids are unique, non-zero UUIDv4 values; partition counts are in
// [1, options.max_partitions].
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "coord/record.h"
#include "coord/topic_config.h"

namespace eddy::coord {

// Kafka's 16-byte topic UUID.
using topic_id = std::array<uint8_t, 16>;

struct topic_info {
    std::string name;
    topic_id id{};
    int32_t partitions = 0;
    topic_config config;

    bool operator==(const topic_info&) const = default;
};

struct catalog_options {
    int32_t default_partitions = 1;    // num.partitions: used when a request says -1
    int32_t max_partitions = 10'000;   // guards memory and file handles; more is INVALID_PARTITIONS
};

struct create_topic_request {
    std::string name;
    int32_t num_partitions = -1;       // -1: options.default_partitions
    int16_t replication_factor = -1;   // -1 or 1 on a single node
    config_entries configs;
    bool validate_only = false;
};

// One IncrementalAlterConfigs operation; value nullopt deletes the override.
struct config_change {
    std::string key;
    std::optional<std::string> value;
};

class topic_catalog {
public:
    // id_seed drives topic id generation (tests pass a constant; the server a random seed).
    explicit topic_catalog(catalog_options opts = {}, uint64_t id_seed = 0, record_sink sink = {});

    // Kafka's rule: 1..249 chars of [a-zA-Z0-9._-], not "." or "..". INVALID_TOPIC_EXCEPTION otherwise.
    [[nodiscard]] static result<void> validate_topic_name(std::string_view name);

    // TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION (bad name or '.'/'_' collision), INVALID_PARTITIONS,
    // INVALID_REPLICATION_FACTOR, INVALID_CONFIG. With validate_only nothing changes and no record is
    // emitted; the returned info then carries an all-zero id.
    [[nodiscard]] result<topic_info> create_topic(const create_topic_request& req);
    // UNKNOWN_TOPIC_OR_PARTITION when absent.
    [[nodiscard]] result<void> delete_topic(std::string_view name);
    // Grows the topic to new_total partitions. UNKNOWN_TOPIC_OR_PARTITION; INVALID_PARTITIONS when
    // new_total is not larger than the current count or above max_partitions.
    [[nodiscard]] result<void> create_partitions(std::string_view name, int32_t new_total,
                                                 bool validate_only = false);
    // Applies all changes or none. UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG.
    [[nodiscard]] result<void> alter_config(std::string_view name, const std::vector<config_change>& changes,
                                            bool validate_only = false);

    [[nodiscard]] const topic_info* find(std::string_view name) const;
    [[nodiscard]] const topic_info* find(const topic_id& id) const;
    // All topics, sorted by name.
    [[nodiscard]] std::vector<const topic_info*> list() const;
    [[nodiscard]] size_t size() const { return topics_.size(); }

    // One record per topic: what a fully compacted catalog topic holds.
    [[nodiscard]] std::vector<record> snapshot() const;
    // Applies records in log order (a tombstone deletes). Records of other types are skipped.
    // Emits nothing. corrupt_record / unsupported_record_version on undecodable topic records.
    [[nodiscard]] result<void> load(std::span<const record> records);

    [[nodiscard]] static record encode(const topic_info& t);
    [[nodiscard]] static record encode_tombstone(std::string_view name);

private:
    [[nodiscard]] topic_id next_id();
    [[nodiscard]] result<void> check_collision(std::string_view name) const;
    void put(topic_info t);
    void erase(std::string_view name);
    void emit(record r) const;

    catalog_options opts_;
    std::mt19937_64 rng_;
    record_sink sink_;
    std::map<std::string, topic_info, std::less<>> topics_;
    std::map<std::string, std::string, std::less<>> collision_keys_;  // '.'->'_' form -> name
};

}  // namespace eddy::coord
