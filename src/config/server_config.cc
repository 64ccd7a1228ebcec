#include "config/server_config.h"

#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <thread>
#include <type_traits>

#include "config/errc.h"

namespace eddy::config {
namespace {

// An integer with optional '_' between digits (TOML style) and an optional leading '-'.
result<int64_t> parse_int(std::string_view s) {
    std::string digits;
    for (size_t i = 0; i < s.size(); ++i) {
        bool between_digits = i > 0 && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
                              std::isdigit(static_cast<unsigned char>(s[i + 1]));
        if (s[i] == '_' && between_digits) continue;
        digits += s[i];
    }
    int64_t v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
        return make_error(errc::invalid_value, "expected an integer, got '{}'", s);
    }
    return v;
}

result<int64_t> parse_int_in(std::string_view s, int64_t lo, int64_t hi) {
    EDDY_TRY_ASSIGN(auto v, parse_int(s));
    if (v < lo || v > hi) return make_error(errc::invalid_value, "expected an integer in [{}, {}], got {}", lo, hi, v);
    return v;
}

template <typename T, T server_config::*Field>
result<void> set_addr(server_config& c, std::string_view v) {
    EDDY_TRY_ASSIGN(c.*Field, parse_host_port(v));
    return {};
}

constexpr int64_t max_smp = 1024;
constexpr int64_t min_segment_bytes = 1024;
constexpr int64_t max_segment_bytes = std::numeric_limits<int32_t>::max();  // Kafka's segment.bytes is an int32

result<bool> parse_bool(std::string_view s) {
    if (s == "true") return true;
    if (s == "false") return false;
    return make_error(errc::invalid_value, "expected true or false, got '{}'", s);
}

// An integer option stored in an unsigned field, bounded to [lo, hi].
template <auto Group, auto Field, int64_t Lo, int64_t Hi>
result<void> set_uint(server_config& c, std::string_view v) {
    EDDY_TRY_ASSIGN(auto n, parse_int_in(v, Lo, Hi));
    (c.*Group).*Field = static_cast<std::remove_reference_t<decltype((c.*Group).*Field)>>(n);
    return {};
}
template <auto Group, auto Field>
std::string show_uint(const server_config& c) {
    return std::to_string((c.*Group).*Field);
}
// A duration option in milliseconds, bounded to [lo, hi].
template <auto Group, auto Field, int64_t Lo, int64_t Hi>
result<void> set_ms(server_config& c, std::string_view v) {
    EDDY_TRY_ASSIGN(auto n, parse_int_in(v, Lo, Hi));
    (c.*Group).*Field = std::chrono::milliseconds(n);
    return {};
}
template <auto Group, auto Field>
std::string show_ms(const server_config& c) {
    return std::to_string(((c.*Group).*Field).count());
}

constexpr int64_t max_frame_limit = 1LL << 30;
constexpr int64_t max_body_limit = 1LL << 30;
constexpr int64_t max_timeout_ms = 3'600'000;

const std::array<option, 21> options{{
    {"data_dir", "data-dir", "DIR", "directory holding topics, metadata and checkpoints",
     [](server_config& c, std::string_view v) -> result<void> {
         if (v.empty()) return make_error(errc::invalid_value, "expected a directory path, got an empty string");
         c.data_dir = std::string(v);
         return {};
     },
     [](const server_config& c) { return c.data_dir; }},
    {"kafka_addr", "kafka-addr", "HOST:PORT", "address of the Kafka API listener",
     set_addr<host_port, &server_config::kafka_addr>, [](const server_config& c) { return c.kafka_addr.to_string(); }},
    {"http_addr", "http-addr", "HOST:PORT", "address of the HTTP listener (dashboard, REST, metrics)",
     set_addr<host_port, &server_config::http_addr>, [](const server_config& c) { return c.http_addr.to_string(); }},
    {"smp", "smp", "N", "number of shards (threads); the default is one per core",
     [](server_config& c, std::string_view v) -> result<void> {
         EDDY_TRY_ASSIGN(auto n, parse_int_in(v, 1, max_smp));
         c.smp = static_cast<uint32_t>(n);
         return {};
     },
     [](const server_config& c) { return std::to_string(c.smp); }},
    {"log_level", "log-level", "LEVEL", "trace, debug, info, warn, error or off",
     [](server_config& c, std::string_view v) -> result<void> {
         if (!log::parse_level(v, c.log_level)) {
             return make_error(errc::invalid_value, "expected trace, debug, info, warn, error or off, got '{}'", v);
         }
         return {};
     },
     [](const server_config& c) {
         constexpr std::array<const char*, 6> names{"trace", "debug", "info", "warn", "error", "off"};
         return std::string(names[static_cast<size_t>(c.log_level)]);
     }},
    {"log.flush", "log-flush", "POLICY", "default fsync policy: always, interval:<ms> or never",
     [](server_config& c, std::string_view v) -> result<void> {
         EDDY_TRY_ASSIGN(c.log.flush, parse_flush_policy(v));
         return {};
     },
     [](const server_config& c) { return c.log.flush.to_string(); }},
    {"log.segment_bytes", "log-segment-bytes", "BYTES", "default size at which a log segment rolls",
     [](server_config& c, std::string_view v) -> result<void> {
         EDDY_TRY_ASSIGN(auto n, parse_int_in(v, min_segment_bytes, max_segment_bytes));
         c.log.segment_bytes = static_cast<uint64_t>(n);
         return {};
     },
     [](const server_config& c) { return std::to_string(c.log.segment_bytes); }},
    {"log.retention_ms", "log-retention-ms", "MS", "default age after which segments are deleted; -1 = never",
     [](server_config& c, std::string_view v) -> result<void> {
         EDDY_TRY_ASSIGN(c.log.retention_ms, parse_int_in(v, -1, std::numeric_limits<int64_t>::max()));
         return {};
     },
     [](const server_config& c) { return std::to_string(c.log.retention_ms); }},
    {"log.retention_bytes", "log-retention-bytes", "BYTES",
     "default partition size above which old segments are deleted; -1 = no limit",
     [](server_config& c, std::string_view v) -> result<void> {
         EDDY_TRY_ASSIGN(c.log.retention_bytes, parse_int_in(v, -1, std::numeric_limits<int64_t>::max()));
         return {};
     },
     [](const server_config& c) { return std::to_string(c.log.retention_bytes); }},
    {"kafka.auto_create_topics", "kafka-auto-create-topics", "BOOL",
     "create unknown topics on Metadata and Produce (true or false)",
     [](server_config& c, std::string_view v) -> result<void> {
         EDDY_TRY_ASSIGN(c.kafka.auto_create_topics, parse_bool(v));
         return {};
     },
     [](const server_config& c) { return std::string(c.kafka.auto_create_topics ? "true" : "false"); }},
    {"kafka.default_partitions", "kafka-default-partitions", "N", "partitions of auto-created topics",
     set_uint<&server_config::kafka, &kafka_settings::default_partitions, 1, 100'000>,
     show_uint<&server_config::kafka, &kafka_settings::default_partitions>},
    {"kafka.max_frame_bytes", "kafka-max-frame-bytes", "BYTES",
     "largest Kafka request frame; a larger one closes the connection",
     set_uint<&server_config::kafka, &kafka_settings::max_frame_bytes, 1024, max_frame_limit>,
     show_uint<&server_config::kafka, &kafka_settings::max_frame_bytes>},
    {"http.max_body_bytes", "http-max-body-bytes", "BYTES", "largest HTTP request body (larger: 413)",
     set_uint<&server_config::http, &http_settings::max_body_bytes, 1024, max_body_limit>,
     show_uint<&server_config::http, &http_settings::max_body_bytes>},
    {"http.max_connections", "http-max-connections", "N", "open HTTP connections at most (more: 503)",
     set_uint<&server_config::http, &http_settings::max_connections, 1, 1'000'000>,
     show_uint<&server_config::http, &http_settings::max_connections>},
    {"http.idle_timeout_ms", "http-idle-timeout-ms", "MS", "close an idle keep-alive HTTP connection after this",
     set_ms<&server_config::http, &http_settings::idle_timeout, 1, max_timeout_ms>,
     show_ms<&server_config::http, &http_settings::idle_timeout>},
    {"http.header_timeout_ms", "http-header-timeout-ms", "MS",
     "a request head must arrive within this once it has started (else 408)",
     set_ms<&server_config::http, &http_settings::header_timeout, 1, max_timeout_ms>,
     show_ms<&server_config::http, &http_settings::header_timeout>},
    {"http.body_timeout_ms", "http-body-timeout-ms", "MS", "a request body must arrive within this (else 408)",
     set_ms<&server_config::http, &http_settings::body_timeout, 1, max_timeout_ms>,
     show_ms<&server_config::http, &http_settings::body_timeout>},
    {"rest.consumer_instance_timeout_ms", "rest-consumer-instance-timeout-ms", "MS",
     "delete a REST Proxy consumer instance unused for this long",
     set_ms<&server_config::rest, &rest_settings::consumer_instance_timeout, 1'000, max_timeout_ms>,
     show_ms<&server_config::rest, &rest_settings::consumer_instance_timeout>},
    {"rest.consumer_request_timeout_ms", "rest-consumer-request-timeout-ms", "MS",
     "how long a REST Proxy records read without ?timeout= waits for records",
     set_ms<&server_config::rest, &rest_settings::consumer_request_timeout, 1, 30'000>,
     show_ms<&server_config::rest, &rest_settings::consumer_request_timeout>},
    {"rest.max_consumer_instances", "rest-max-consumer-instances", "N",
     "REST Proxy consumer instances at most (more: 429)",
     set_uint<&server_config::rest, &rest_settings::max_consumer_instances, 1, 1'000'000>,
     show_uint<&server_config::rest, &rest_settings::max_consumer_instances>},
    {"metrics.consumer_lag_interval_ms", "metrics-consumer-lag-interval-ms", "MS",
     "how often consumer lag metrics are recomputed (their staleness)",
     set_ms<&server_config::metrics, &metrics_settings::consumer_lag_interval, 100, max_timeout_ms>,
     show_ms<&server_config::metrics, &metrics_settings::consumer_lag_interval>},
}};

// Prefixes an option's error with where the value came from and which option it was for.
unexpected at(std::string_view where, std::string_view name, error e) {
    e.context = where.empty() ? fmt::format("{}: {}", name, e.context) : fmt::format("{}: {}: {}", where, name, e.context);
    return unexpected(std::move(e));
}

}  // namespace

std::string host_port::to_string() const {
    if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
    return fmt::format("{}:{}", host, port);
}

result<host_port> parse_host_port(std::string_view s) {
    std::string_view host, port;
    if (!s.empty() && s.front() == '[') {
        auto close = s.find(']');
        if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') {
            return make_error(errc::invalid_value, "expected [IPv6]:PORT, got '{}'", s);
        }
        host = s.substr(1, close - 1);
        port = s.substr(close + 2);
    } else {
        auto colon = s.rfind(':');
        if (colon == std::string_view::npos || s.find(':') != colon) {
            return make_error(errc::invalid_value, "expected HOST:PORT (IPv6 as [addr]:PORT), got '{}'", s);
        }
        host = s.substr(0, colon);
        port = s.substr(colon + 1);
    }
    if (host.empty()) return make_error(errc::invalid_value, "missing host in '{}'", s);
    auto p = parse_int_in(port, 0, 65535);
    if (!p) return make_error(errc::invalid_value, "port in '{}' must be an integer in [0, 65535]", s);
    return host_port{std::string(host), static_cast<uint16_t>(*p)};
}

std::string flush_policy::to_string() const {
    switch (mode) {
    case flush_mode::always: return "always";
    case flush_mode::never: return "never";
    case flush_mode::interval: return fmt::format("interval:{}", interval.count());
    }
    return "?";
}

result<flush_policy> parse_flush_policy(std::string_view s) {
    if (s == "always") return flush_policy{flush_mode::always, {}};
    if (s == "never") return flush_policy{flush_mode::never, {}};
    constexpr std::string_view prefix = "interval:";
    if (s.starts_with(prefix)) {
        auto ms = parse_int_in(s.substr(prefix.size()), 1, 24LL * 3600 * 1000);
        if (!ms) return make_error(errc::invalid_value, "interval in '{}' must be milliseconds in [1, 86400000]", s);
        return flush_policy{flush_mode::interval, std::chrono::milliseconds(*ms)};
    }
    return make_error(errc::invalid_value, "expected always, never or interval:<ms>, got '{}'", s);
}

uint32_t server_config::default_smp() {
    auto n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

std::span<const option> server_options() { return options; }

const option* find_option_by_key(std::string_view key) {
    for (const auto& o : options) {
        if (o.key == key) return &o;
    }
    return nullptr;
}

const option* find_option_by_flag(std::string_view flag) {
    for (const auto& o : options) {
        if (o.flag == flag) return &o;
    }
    return nullptr;
}

result<void> validate(const server_config& cfg) {
    if (cfg.kafka_addr == cfg.http_addr && cfg.kafka_addr.port != 0) {
        return make_error(errc::conflict, "kafka_addr and http_addr are both {}", cfg.kafka_addr.to_string());
    }
    return {};
}

result<server_config> load_server_config(const std::vector<setting>& file_settings,
                                         const std::vector<flag_value>& flags) {
    server_config cfg;
    for (const auto& s : file_settings) {
        const auto* o = find_option_by_key(s.key);
        if (o == nullptr) return make_error(errc::unknown_key, "{}: unknown key '{}'", s.where, s.key);
        if (auto r = o->apply(cfg, s.value); !r) return at(s.where, o->key, std::move(r).error());
    }
    for (const auto& f : flags) {
        const auto* o = find_option_by_flag(f.flag);
        if (o == nullptr) return make_error(errc::unknown_key, "unknown flag --{}", f.flag);
        if (auto r = o->apply(cfg, f.value); !r) return at("", fmt::format("--{}", o->flag), std::move(r).error());
    }
    EDDY_TRY(validate(cfg));
    return cfg;
}

}  // namespace eddy::config
