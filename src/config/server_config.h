// The typed configuration of `eddy serve`, the table of its options, and how values from the command
// line, a config file and the defaults combine (flag > file > default).
//
// Every option has one config-file key and one flag, both generated from the same table, so the two
// can never drift apart: key `log.segment_bytes` is flag `--log-segment-bytes`.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/log.h"
#include "base/result.h"
#include "config/config_file.h"

namespace eddy::config {

struct host_port {
    std::string host;  // a name or an IP; IPv6 without brackets
    uint16_t port = 0;  // 0 = any free port (tests)

    // "host:port", with brackets around IPv6 hosts.
    [[nodiscard]] std::string to_string() const;
    bool operator==(const host_port&) const = default;
};
// Parses "host:port" or "[v6]:port".
[[nodiscard]] result<host_port> parse_host_port(std::string_view s);

enum class flush_mode { always, interval, never };

// When appended data is fsynced: before every acknowledgement (group commit), at most every
// `interval`, or only when the OS decides.
struct flush_policy {
    flush_mode mode = flush_mode::always;
    std::chrono::milliseconds interval{0};  // only for flush_mode::interval; > 0

    [[nodiscard]] std::string to_string() const;
    bool operator==(const flush_policy&) const = default;
};
// Parses "always", "never" or "interval:<ms>".
[[nodiscard]] result<flush_policy> parse_flush_policy(std::string_view s);

// Defaults for topics that do not override them.
struct log_defaults {
    flush_policy flush;
    uint64_t segment_bytes = 1ULL << 30;
    int64_t retention_ms = 7LL * 24 * 3600 * 1000;  // -1 = keep forever
    int64_t retention_bytes = -1;                   // -1 = no size limit
};

// The Kafka listener and broker.
struct kafka_settings {
    bool auto_create_topics = true;           // Metadata and Produce create unknown topics
    int32_t default_partitions = 1;           // partitions of auto-created topics (num.partitions)
    uint64_t max_frame_bytes = 100ULL << 20;  // larger request frames close the connection
};

// The HTTP listener (docs/http.md, "Limits and timeouts").
struct http_settings {
    uint64_t max_body_bytes = 16ULL << 20;
    uint64_t max_connections = 10'000;
    std::chrono::milliseconds idle_timeout{60'000};
    std::chrono::milliseconds header_timeout{10'000};
    std::chrono::milliseconds body_timeout{60'000};
};

// The Confluent REST Proxy's consumer instances (docs/http.md, "Consumer instances").
struct rest_settings {
    std::chrono::milliseconds consumer_instance_timeout{300'000};  // consumer.instance.timeout.ms
    std::chrono::milliseconds consumer_request_timeout{1'000};     // a read's wait when it names no timeout
    uint64_t max_consumer_instances = 1'000;
};

// What /metrics exports (docs/metrics.md).
struct metrics_settings {
    // How often consumer lag is recomputed for eddy_consumer_group_lag_*: the staleness of those metrics.
    std::chrono::milliseconds consumer_lag_interval{2'000};
};

struct server_config {
    std::string data_dir = "./eddy-data";
    host_port kafka_addr{"127.0.0.1", 9092};
    host_port http_addr{"127.0.0.1", 8080};
    uint32_t smp = default_smp();
    log::level log_level = log::level::info;
    log_defaults log;
    kafka_settings kafka;
    http_settings http;
    rest_settings rest;
    metrics_settings metrics;

    // The number of hardware threads (at least 1).
    [[nodiscard]] static uint32_t default_smp();
};

// One option: its file key, its flag, and how to set and show it.
struct option {
    std::string_view key;         // config-file key, e.g. "log.segment_bytes"
    std::string_view flag;        // flag without the dashes, e.g. "log-segment-bytes"
    std::string_view value_name;  // placeholder in help, e.g. "BYTES"
    std::string_view help;
    // Parses value into cfg; the error context says what was expected (the caller adds where).
    result<void> (*apply)(server_config& cfg, std::string_view value);
    std::string (*show)(const server_config& cfg);
};

[[nodiscard]] std::span<const option> server_options();
[[nodiscard]] const option* find_option_by_key(std::string_view key);
[[nodiscard]] const option* find_option_by_flag(std::string_view flag);

// A value given on the command line, by flag name (without dashes).
struct flag_value {
    std::string flag;
    std::string value;
};

// Builds the configuration: defaults, then the file's settings (if any), then the flags, then the
// cross-field checks. Errors name the flag (`--smp`) or the place in the file (`eddy.toml:3`).
[[nodiscard]] result<server_config> load_server_config(const std::vector<setting>& file_settings,
                                                       const std::vector<flag_value>& flags);

// Checks that span several options (e.g. the two listeners do not share an address).
[[nodiscard]] result<void> validate(const server_config& cfg);

}  // namespace eddy::config
