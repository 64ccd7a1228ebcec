#include "coord/topic_config.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>

#include "coord/errc.h"

namespace eddy::coord {
namespace {

enum class kind { long_at_least, int_at_least, one_of, cleanup_list };

struct key_rule {
    std::string_view key;
    kind k;
    int64_t min = 0;
    std::array<std::string_view, 6> choices{};
};

constexpr std::array<key_rule, 11> rules{{
    {"retention.ms", kind::long_at_least, -1},
    {"retention.bytes", kind::long_at_least, -1},
    {"cleanup.policy", kind::cleanup_list},
    {"segment.bytes", kind::int_at_least, 1024},
    {"segment.ms", kind::long_at_least, 1},
    {"max.message.bytes", kind::int_at_least, 0},
    {"message.timestamp.type", kind::one_of, 0, {"CreateTime", "LogAppendTime"}},
    {"compression.type", kind::one_of, 0, {"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"}},
    {"min.insync.replicas", kind::int_at_least, 1},
    {"delete.retention.ms", kind::long_at_least, 0},
    {"min.compaction.lag.ms", kind::long_at_least, 0},
}};

const key_rule* find_rule(std::string_view key) {
    for (const auto& r : rules) {
        if (r.key == key) return &r;
    }
    return nullptr;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<int64_t> parse_long(std::string_view s) {
    s = trim(s);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

// The normalized value, or nullopt when value is not valid for rule.
std::optional<std::string> normalize(const key_rule& rule, std::string_view value) {
    switch (rule.k) {
    case kind::long_at_least:
    case kind::int_at_least: {
        auto v = parse_long(value);
        if (!v || *v < rule.min) return std::nullopt;
        if (rule.k == kind::int_at_least && *v > std::numeric_limits<int32_t>::max()) return std::nullopt;
        return std::to_string(*v);
    }
    case kind::one_of: {
        auto t = trim(value);
        for (auto c : rule.choices) {
            if (!c.empty() && c == t) return std::string(c);
        }
        return std::nullopt;
    }
    case kind::cleanup_list: {
        bool del = false, compact = false;
        std::string_view rest = value;
        while (true) {
            auto comma = rest.find(',');
            auto item = trim(rest.substr(0, comma));
            if (item == "delete") del = true;
            else if (item == "compact") compact = true;
            else return std::nullopt;
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        if (del && compact) return std::string("compact,delete");
        return std::string(del ? "delete" : "compact");
    }
    }
    return std::nullopt;
}

}  // namespace

result<topic_config> topic_config::from_entries(const config_entries& entries) {
    topic_config c;
    for (const auto& [k, v] : entries) EDDY_TRY(c.set(k, v));
    return c;
}

bool topic_config::is_known_key(std::string_view key) { return find_rule(key) != nullptr; }

result<void> topic_config::set(std::string_view key, std::string_view value) {
    const key_rule* rule = find_rule(key);
    if (!rule) return make_error(errc::invalid_config, "unknown topic config '{}'", key);
    auto norm = normalize(*rule, value);
    if (!norm) return make_error(errc::invalid_config, "invalid value '{}' for topic config '{}'", value, key);
    values_.insert_or_assign(std::string(key), std::move(*norm));
    return {};
}

result<void> topic_config::unset(std::string_view key) {
    if (!find_rule(key)) return make_error(errc::invalid_config, "unknown topic config '{}'", key);
    if (auto it = values_.find(key); it != values_.end()) values_.erase(it);
    return {};
}

std::optional<int64_t> topic_config::as_long(std::string_view key) const {
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    return parse_long(it->second);
}

std::optional<cleanup_policy> topic_config::cleanup() const {
    auto it = values_.find("cleanup.policy");
    if (it == values_.end()) return std::nullopt;
    if (it->second == "delete") return cleanup_policy::delete_records;
    if (it->second == "compact") return cleanup_policy::compact;
    return cleanup_policy::compact_and_delete;
}

std::optional<timestamp_type> topic_config::message_timestamp_type() const {
    auto it = values_.find("message.timestamp.type");
    if (it == values_.end()) return std::nullopt;
    return it->second == "LogAppendTime" ? timestamp_type::log_append_time : timestamp_type::create_time;
}

}  // namespace eddy::coord
