#include "cli/kafka_client.h"

#include <signal.h>

#include <atomic>
#include <charconv>
#include <cstdio>

#include <fmt/format.h>

namespace eddy::cli::kafka {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "eddy.cli.kafka"; }
    std::string message(int c) const override {
        switch (static_cast<errc>(c)) {
        case errc::invalid_flag: return "invalid flag";
        case errc::unreachable: return "broker unreachable";
        case errc::broker_error: return "broker error";
        case errc::input_error: return "cannot read input";
        case errc::incomplete: return "not every record was delivered";
        }
        return "unknown client error";
    }
};

std::atomic<bool> stop_flag{false};

void on_stop_signal(int) { stop_flag.store(true); }

// librdkafka logs every failed connection attempt; the commands report errors themselves, so its log
// lines appear only with --verbose.
void quiet_log(const rd_kafka_t*, int, const char*, const char*) {}

result<void> set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        return make_error(errc::invalid_flag, "client config {}={}: {}", key, value, errstr);
    }
    return {};
}

}  // namespace

const std::error_category& error_category() {
    static category c;
    return c;
}

std::vector<flag_spec> common_flags() {
    return {
        {"bootstrap", "HOST:PORT", "broker to connect to (default 127.0.0.1:9092)"},
        {"timeout-ms", "MS", "how long to wait for the broker on each step (default 10000)"},
        {"client-config", "KEY=VALUE", "a librdkafka setting, e.g. compression.codec=zstd (repeatable)"},
        {"verbose", "", "print librdkafka's log lines to stderr"},
    };
}

result<int64_t> int_flag(const parsed_args& args, std::string_view name, int64_t lo, int64_t hi, int64_t fallback) {
    const std::string* v = args.last(name);
    if (v == nullptr) return fallback;
    int64_t out = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc{} || end != v->data() + v->size() || out < lo || out > hi) {
        return make_error(errc::invalid_flag, "--{} {}: expected an integer from {} to {}", name, *v, lo, hi);
    }
    return out;
}

result<config_pairs> pair_flags(const parsed_args& args, std::string_view name) {
    config_pairs out;
    for (const auto& [flag, value] : args.flags) {
        if (flag != name) continue;
        auto eq = value.find('=');
        if (eq == std::string::npos || eq == 0) {
            return make_error(errc::invalid_flag, "--{} {}: expected KEY=VALUE", name, value);
        }
        out.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    }
    return out;
}

result<client_options> parse_client_options(const parsed_args& args) {
    client_options opts;
    if (const auto* b = args.last("bootstrap")) opts.bootstrap = *b;
    if (opts.bootstrap.empty()) return make_error(errc::invalid_flag, "--bootstrap: empty address");
    EDDY_TRY_ASSIGN(int64_t timeout, int_flag(args, "timeout-ms", 1, 3'600'000, opts.timeout_ms));
    opts.timeout_ms = static_cast<int>(timeout);
    opts.verbose = args.has("verbose");
    EDDY_TRY_ASSIGN(opts.settings, pair_flags(args, "client-config"));
    return opts;
}

result<handle> make_handle(rd_kafka_type_t type, const client_options& opts, const config_pairs& defaults,
                           const std::function<void(rd_kafka_conf_t*)>& customize) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    auto apply = [&]() -> result<void> {
        EDDY_TRY(set(conf, "bootstrap.servers", opts.bootstrap));
        EDDY_TRY(set(conf, "client.id", "eddy-cli"));
        for (const auto& [k, v] : defaults) EDDY_TRY(set(conf, k, v));
        for (const auto& [k, v] : opts.settings) EDDY_TRY(set(conf, k, v));
        return {};
    };
    if (auto r = apply(); !r) {
        rd_kafka_conf_destroy(conf);
        return unexpected(r.error());
    }
    if (!opts.verbose) rd_kafka_conf_set_log_cb(conf, quiet_log);
    if (customize) customize(conf);
    char errstr[512];
    // On success rd_kafka_new takes ownership of conf; on failure the caller still owns it.
    rd_kafka_t* h = rd_kafka_new(type, conf, errstr, sizeof errstr);
    if (h == nullptr) {
        rd_kafka_conf_destroy(conf);
        return make_error(errc::invalid_flag, "cannot create client: {}", errstr);
    }
    return handle(h);
}

result<metadata_ptr> fetch_metadata(rd_kafka_t* h, const client_options& opts, const std::string& topic) {
    rd_kafka_topic_t* t = topic.empty() ? nullptr : rd_kafka_topic_new(h, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(h, t == nullptr ? 1 : 0, t, &md, opts.timeout_ms);
    if (t != nullptr) rd_kafka_topic_destroy(t);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return make_error(errc::unreachable, "no metadata from {} within {} ms: {}", opts.bootstrap, opts.timeout_ms,
                          rd_kafka_err2str(err));
    }
    return metadata_ptr(md);
}

int run_reporting(std::string_view command, const std::function<result<void>()>& body) {
    auto r = body();
    if (r) return exit_ok;
    std::fflush(stdout);
    fmt::print(stderr, "eddy {}: {}\n", command, r.error().context.empty() ? r.error().message() : r.error().context);
    return r.error().code == make_error_code(errc::invalid_flag) ? exit_usage : exit_failure;
}

void install_stop_signals() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

bool stop_requested() { return stop_flag.load(); }

}  // namespace eddy::cli::kafka
