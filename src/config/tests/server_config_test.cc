#include "config/server_config.h"

#include <set>

#include <gtest/gtest.h>

#include "config/errc.h"

namespace eddy::config {
namespace {

std::vector<setting> file(std::string_view text) {
    auto r = parse_config_text(text, "eddy.toml");
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : std::vector<setting>{};
}

TEST(server_config, defaults) {
    auto r = load_server_config({}, {});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->data_dir, "./eddy-data");
    EXPECT_EQ(r->kafka_addr.to_string(), "127.0.0.1:9092");
    EXPECT_EQ(r->http_addr.to_string(), "127.0.0.1:8080");
    EXPECT_EQ(r->smp, server_config::default_smp());
    EXPECT_GE(r->smp, 1u);
    EXPECT_EQ(r->log_level, log::level::info);
    EXPECT_EQ(r->log.flush.mode, flush_mode::always);
    EXPECT_EQ(r->log.segment_bytes, 1ULL << 30);
    EXPECT_EQ(r->log.retention_ms, 604'800'000);
    EXPECT_EQ(r->log.retention_bytes, -1);
}

TEST(server_config, flag_beats_file_beats_default) {
    auto settings = file("smp = 3\ndata_dir = /from/file\n[log]\nflush = \"interval:250\"\n");
    auto r = load_server_config(settings, {{"smp", "2"}, {"http-addr", "[::1]:0"}});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->smp, 2u);                      // flag
    EXPECT_EQ(r->data_dir, "/from/file");       // file
    EXPECT_EQ(r->kafka_addr.port, 9092);        // default
    EXPECT_EQ(r->http_addr.host, "::1");
    EXPECT_EQ(r->http_addr.to_string(), "[::1]:0");
    EXPECT_EQ(r->log.flush.mode, flush_mode::interval);
    EXPECT_EQ(r->log.flush.interval, std::chrono::milliseconds(250));
}

// Every option has both a key and a flag, and the flag is the key with '_' and '.' turned into '-'.
TEST(server_config, every_option_has_a_key_and_a_matching_flag) {
    std::set<std::string_view> flags;
    for (const auto& o : server_options()) {
        std::string expected(o.key);
        for (auto& c : expected) {
            if (c == '_' || c == '.') c = '-';
        }
        EXPECT_EQ(o.flag, expected);
        EXPECT_TRUE(flags.insert(o.flag).second);
        EXPECT_FALSE(o.help.empty());
        // What show() prints must be accepted back by apply().
        server_config cfg;
        auto shown = o.show(cfg);
        EXPECT_TRUE(o.apply(cfg, shown)) << o.key << " = " << shown;
        EXPECT_EQ(o.show(cfg), shown);
    }
    EXPECT_EQ(find_option_by_flag("data-dir"), find_option_by_key("data_dir"));
    EXPECT_EQ(find_option_by_key("nope"), nullptr);
}

struct bad_case {
    std::string_view file_text;
    std::vector<flag_value> flags;
    errc code;
    std::string_view context;
};

TEST(server_config, invalid_values_give_clear_errors) {
    const bad_case cases[] = {
        {"smp = 0\n", {}, errc::invalid_value, "eddy.toml:1: smp: expected an integer in [1, 1024], got 0"},
        {"\nsmp = many\n", {}, errc::invalid_value, "eddy.toml:2: smp: expected an integer, got 'many'"},
        {"", {{"smp", "4x"}}, errc::invalid_value, "--smp: expected an integer, got '4x'"},
        {"", {{"kafka-addr", "localhost"}}, errc::invalid_value, "--kafka-addr: expected HOST:PORT"},
        {"", {{"kafka-addr", "h:70000"}}, errc::invalid_value, "port in 'h:70000' must be"},
        {"", {{"http-addr", ":80"}}, errc::invalid_value, "missing host"},
        {"log_level = loud\n", {}, errc::invalid_value, "eddy.toml:1: log_level: expected trace"},
        {"[log]\nflush = sometimes\n", {}, errc::invalid_value, "eddy.toml:2: log.flush: expected always, never"},
        {"", {{"log-flush", "interval:0"}}, errc::invalid_value, "--log-flush: interval in 'interval:0'"},
        {"", {{"log-segment-bytes", "10"}}, errc::invalid_value, "--log-segment-bytes: expected an integer in [1024"},
        {"", {{"log-retention-ms", "-2"}}, errc::invalid_value, "--log-retention-ms: expected an integer in [-1"},
        {"data_dir = \"\"\n", {}, errc::invalid_value, "eddy.toml:1: data_dir: expected a directory path"},
        {"colour = blue\n", {}, errc::unknown_key, "eddy.toml:1: unknown key 'colour'"},
        {"", {{"colour", "blue"}}, errc::unknown_key, "unknown flag --colour"},
        {"", {{"kafka-auto-create-topics", "yes"}}, errc::invalid_value, "expected true or false, got 'yes'"},
        {"", {{"kafka-default-partitions", "0"}}, errc::invalid_value, "expected an integer in [1, 100000]"},
        {"", {{"http-max-body-bytes", "10"}}, errc::invalid_value, "--http-max-body-bytes: expected an integer in [1024"},
        {"[http]\nidle_timeout_ms = 0\n", {}, errc::invalid_value, "eddy.toml:2: http.idle_timeout_ms"},
        {"", {{"kafka-addr", "0.0.0.0:9000"}, {"http-addr", "0.0.0.0:9000"}}, errc::conflict, "both 0.0.0.0:9000"},
    };
    for (const auto& c : cases) {
        auto r = load_server_config(file(c.file_text), c.flags);
        ASSERT_FALSE(r) << c.context;
        EXPECT_EQ(r.error().code, make_error_code(c.code)) << c.context;
        EXPECT_NE(r.error().context.find(c.context), std::string::npos)
            << "got: " << r.error().context << "\nwant: " << c.context;
    }
}

TEST(server_config, kafka_and_http_settings_apply) {
    auto r = load_server_config(file("[kafka]\nauto_create_topics = false\ndefault_partitions = 3\n"
                                     "[http]\nmax_body_bytes = 2048\nheader_timeout_ms = 250\n"),
                                {{"kafka-max-frame-bytes", "1048576"}});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_FALSE(r->kafka.auto_create_topics);
    EXPECT_EQ(r->kafka.default_partitions, 3);
    EXPECT_EQ(r->kafka.max_frame_bytes, 1048576u);
    EXPECT_EQ(r->http.max_body_bytes, 2048u);
    EXPECT_EQ(r->http.header_timeout, std::chrono::milliseconds(250));
    EXPECT_EQ(r->http.idle_timeout, std::chrono::milliseconds(60'000));
}

TEST(server_config, consumer_lag_interval_applies_within_bounds) {
    EXPECT_EQ(server_config{}.metrics.consumer_lag_interval, std::chrono::milliseconds(2'000));
    auto r = load_server_config(file("[metrics]\nconsumer_lag_interval_ms = 500\n"), {});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->metrics.consumer_lag_interval, std::chrono::milliseconds(500));
    auto low = load_server_config({}, {{"metrics-consumer-lag-interval-ms", "99"}});
    ASSERT_FALSE(low);
    EXPECT_NE(low.error().context.find("--metrics-consumer-lag-interval-ms"), std::string::npos) << low.error().context;
}

TEST(server_config, rest_settings_apply_within_bounds) {
    server_config defaults;
    EXPECT_EQ(defaults.rest.consumer_instance_timeout, std::chrono::milliseconds(300'000));
    EXPECT_EQ(defaults.rest.consumer_request_timeout, std::chrono::milliseconds(1'000));
    EXPECT_EQ(defaults.rest.max_consumer_instances, 1'000u);
    auto r = load_server_config(file("[rest]\nconsumer_instance_timeout_ms = 60000\nmax_consumer_instances = 5\n"),
                                {{"rest-consumer-request-timeout-ms", "250"}});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->rest.consumer_instance_timeout, std::chrono::milliseconds(60'000));
    EXPECT_EQ(r->rest.consumer_request_timeout, std::chrono::milliseconds(250));
    EXPECT_EQ(r->rest.max_consumer_instances, 5u);
    auto high = load_server_config({}, {{"rest-consumer-request-timeout-ms", "30001"}});
    ASSERT_FALSE(high);
    EXPECT_NE(high.error().context.find("--rest-consumer-request-timeout-ms"), std::string::npos) << high.error().context;
}

TEST(server_config, integers_accept_underscores_between_digits_only) {
    EXPECT_TRUE(load_server_config(file("log.segment_bytes = 1_048_576\n"), {}));
    EXPECT_FALSE(load_server_config(file("log.segment_bytes = _1048576\n"), {}));
    EXPECT_FALSE(load_server_config(file("log.segment_bytes = 1__048576\n"), {}));
}

TEST(server_config, host_port_round_trips) {
    for (std::string_view s : {"127.0.0.1:9092", "[::1]:8080", "example.com:0"}) {
        auto hp = parse_host_port(s);
        ASSERT_TRUE(hp) << s;
        EXPECT_EQ(hp->to_string(), s);
    }
    EXPECT_FALSE(parse_host_port("::1:80"));
    EXPECT_FALSE(parse_host_port("[::1]80"));
}

}  // namespace
}  // namespace eddy::config
