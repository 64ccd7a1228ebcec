#include "coord/topic_catalog.h"

#include <algorithm>

#include "coord/codec.h"
#include "coord/errc.h"

namespace eddy::coord {
namespace {

constexpr size_t max_topic_name_length = 249;
constexpr uint16_t topic_value_version = 0;

std::string collision_key(std::string_view name) {
    std::string k(name);
    std::replace(k.begin(), k.end(), '.', '_');
    return k;
}

bool legal_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

result<topic_info> decode_topic(const record& r) {
    record_reader key(r.key);
    (void)key.u16();
    std::string name = key.str();
    if (!key.ok_and_done()) return make_error(errc::corrupt_record, "topic record key");
    topic_info t;
    t.name = std::move(name);
    if (!r.value) return t;
    record_reader v(*r.value);
    uint16_t version = v.u16();
    if (!v.failed() && version != topic_value_version) {
        return make_error(errc::unsupported_record_version, "topic '{}' record version {}", t.name, version);
    }
    auto id = v.raw(16);
    t.partitions = v.i32();
    uint32_t n = v.u32();
    config_entries entries;
    for (uint32_t i = 0; i < n && !v.failed(); ++i) {
        std::string k = v.str();
        std::string val = v.str();
        entries.emplace_back(std::move(k), std::move(val));
    }
    if (!v.ok_and_done() || t.partitions <= 0) {
        return make_error(errc::corrupt_record, "topic '{}' record value", t.name);
    }
    std::copy(id.begin(), id.end(), t.id.begin());
    auto cfg = topic_config::from_entries(entries);
    if (!cfg) return make_error(errc::corrupt_record, "topic '{}': {}", t.name, cfg.error().message());
    t.config = std::move(*cfg);
    return t;
}

}  // namespace

topic_catalog::topic_catalog(catalog_options opts, uint64_t id_seed, record_sink sink)
    : opts_(opts), rng_(id_seed), sink_(std::move(sink)) {}

result<void> topic_catalog::validate_topic_name(std::string_view name) {
    if (name.empty()) return make_error(errc::invalid_topic, "topic name is empty");
    if (name == "." || name == "..") return make_error(errc::invalid_topic, "topic name cannot be '{}'", name);
    if (name.size() > max_topic_name_length) {
        return make_error(errc::invalid_topic, "topic name is longer than {} characters", max_topic_name_length);
    }
    if (!std::all_of(name.begin(), name.end(), legal_char)) {
        return make_error(errc::invalid_topic, "topic name '{}' has characters outside [a-zA-Z0-9._-]", name);
    }
    return {};
}

result<void> topic_catalog::check_collision(std::string_view name) const {
    auto it = collision_keys_.find(collision_key(name));
    if (it != collision_keys_.end() && it->second != name) {
        return make_error(errc::invalid_topic, "topic '{}' collides with existing topic '{}'", name, it->second);
    }
    return {};
}

result<topic_info> topic_catalog::create_topic(const create_topic_request& req) {
    EDDY_TRY(validate_topic_name(req.name));
    if (topics_.contains(req.name)) {
        return make_error(errc::topic_already_exists, "topic '{}' already exists", req.name);
    }
    EDDY_TRY(check_collision(req.name));
    int32_t partitions = req.num_partitions == -1 ? opts_.default_partitions : req.num_partitions;
    if (partitions <= 0 || partitions > opts_.max_partitions) {
        return make_error(errc::invalid_partitions, "number of partitions must be -1 or in [1, {}], got {}",
                          opts_.max_partitions, req.num_partitions);
    }
    if (req.replication_factor != -1 && req.replication_factor != 1) {
        return make_error(errc::invalid_replication_factor,
                          "replication factor must be -1 or 1 on a single node, got {}", req.replication_factor);
    }
    EDDY_TRY_ASSIGN(topic_config cfg, topic_config::from_entries(req.configs));
    topic_info t{req.name, {}, partitions, std::move(cfg)};
    if (req.validate_only) return t;
    t.id = next_id();
    put(t);
    emit(encode(t));
    return t;
}

result<void> topic_catalog::delete_topic(std::string_view name) {
    if (!topics_.contains(name)) return make_error(errc::unknown_topic_or_partition, "topic '{}'", name);
    erase(name);
    emit(encode_tombstone(name));
    return {};
}

result<void> topic_catalog::create_partitions(std::string_view name, int32_t new_total, bool validate_only) {
    auto it = topics_.find(name);
    if (it == topics_.end()) return make_error(errc::unknown_topic_or_partition, "topic '{}'", name);
    if (new_total <= it->second.partitions) {
        return make_error(errc::invalid_partitions, "topic '{}' has {} partitions; cannot change to {}", name,
                          it->second.partitions, new_total);
    }
    if (new_total > opts_.max_partitions) {
        return make_error(errc::invalid_partitions, "at most {} partitions per topic", opts_.max_partitions);
    }
    if (validate_only) return {};
    it->second.partitions = new_total;
    emit(encode(it->second));
    return {};
}

result<void> topic_catalog::alter_config(std::string_view name, const std::vector<config_change>& changes,
                                         bool validate_only) {
    auto it = topics_.find(name);
    if (it == topics_.end()) return make_error(errc::unknown_topic_or_partition, "topic '{}'", name);
    topic_config updated = it->second.config;
    for (const auto& c : changes) {
        if (c.value) EDDY_TRY(updated.set(c.key, *c.value));
        else EDDY_TRY(updated.unset(c.key));
    }
    if (validate_only) return {};
    it->second.config = std::move(updated);
    emit(encode(it->second));
    return {};
}

const topic_info* topic_catalog::find(std::string_view name) const {
    auto it = topics_.find(name);
    return it == topics_.end() ? nullptr : &it->second;
}

const topic_info* topic_catalog::find(const topic_id& id) const {
    for (const auto& [_, t] : topics_) {
        if (t.id == id) return &t;
    }
    return nullptr;
}

std::vector<const topic_info*> topic_catalog::list() const {
    std::vector<const topic_info*> out;
    out.reserve(topics_.size());
    for (const auto& [_, t] : topics_) out.push_back(&t);
    return out;
}

std::vector<record> topic_catalog::snapshot() const {
    std::vector<record> out;
    out.reserve(topics_.size());
    for (const auto& [_, t] : topics_) out.push_back(encode(t));
    return out;
}

result<void> topic_catalog::load(std::span<const record> records) {
    for (const auto& r : records) {
        if (type_of(r.key) != record_type::topic) continue;
        EDDY_TRY_ASSIGN(topic_info t, decode_topic(r));
        if (!r.value) {
            erase(t.name);
            continue;
        }
        EDDY_TRY(validate_topic_name(t.name));
        erase(t.name);
        put(std::move(t));
    }
    return {};
}

record topic_catalog::encode(const topic_info& t) {
    record r = encode_tombstone(t.name);
    record_writer v;
    v.u16(topic_value_version).raw(t.id).i32(t.partitions);
    v.u32(static_cast<uint32_t>(t.config.overrides().size()));
    for (const auto& [k, val] : t.config.overrides()) v.str(k).str(val);
    r.value = v.take();
    return r;
}

record topic_catalog::encode_tombstone(std::string_view name) {
    record_writer k;
    k.u16(static_cast<uint16_t>(record_type::topic)).str(name);
    return record{k.take(), std::nullopt};
}

topic_id topic_catalog::next_id() {
    while (true) {
        topic_id id;
        uint64_t hi = rng_(), lo = rng_();
        for (int i = 0; i < 8; ++i) {
            id[static_cast<size_t>(i)] = static_cast<uint8_t>(hi >> (56 - 8 * i));
            id[static_cast<size_t>(8 + i)] = static_cast<uint8_t>(lo >> (56 - 8 * i));
        }
        id[6] = static_cast<uint8_t>((id[6] & 0x0f) | 0x40);  // version 4
        id[8] = static_cast<uint8_t>((id[8] & 0x3f) | 0x80);  // RFC 4122 variant
        if (!find(id)) return id;
    }
}

void topic_catalog::put(topic_info t) {
    collision_keys_.insert_or_assign(collision_key(t.name), t.name);
    std::string name = t.name;
    topics_.insert_or_assign(std::move(name), std::move(t));
}

void topic_catalog::erase(std::string_view name) {
    auto it = topics_.find(name);
    if (it == topics_.end()) return;
    auto ck = collision_keys_.find(collision_key(name));
    if (ck != collision_keys_.end() && ck->second == name) collision_keys_.erase(ck);
    topics_.erase(it);
}

void topic_catalog::emit(record r) const {
    if (sink_) sink_(std::move(r));
}

}  // namespace eddy::coord
