// Shared plumbing of the Kafka client subcommands (`eddy topic`, `eddy produce`, `eddy consume`): the
// flags they all take, librdkafka handles with quiet logging, and the errors they report. The commands
// talk to any Kafka-compatible broker (eddy serve by default) through Debian's librdkafka, a client that
// nobody here wrote, so the CLI is also an honest end-to-end check of the broker.
#pragma once

#include <librdkafka/rdkafka.h>

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "base/result.h"
#include "cli/args.h"

namespace eddy::cli::kafka {

enum class errc : int {
    invalid_flag = 1,  // a usage error the flag parser could not see (bad number, conflicting flags)
    unreachable,       // no broker answered within the timeout
    broker_error,      // a broker answered with an error
    input_error,       // reading stdin failed
    incomplete,        // some records were not delivered
};
const std::error_category& error_category();
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), error_category()}; }

using config_pairs = std::vector<std::pair<std::string, std::string>>;

struct client_options {
    std::string bootstrap = "127.0.0.1:9092";
    int timeout_ms = 10000;  // bound on every request/flush the command waits for
    bool verbose = false;    // forward librdkafka's log lines to stderr
    config_pairs settings;   // --client-config KEY=VALUE, applied last (they override the command's defaults)
};

// --bootstrap, --timeout-ms, --client-config, --verbose.
[[nodiscard]] std::vector<flag_spec> common_flags();
[[nodiscard]] result<client_options> parse_client_options(const parsed_args& args);

// The flag's integer value in [lo, hi], or fallback when the flag is absent.
[[nodiscard]] result<int64_t> int_flag(const parsed_args& args, std::string_view name, int64_t lo, int64_t hi,
                                       int64_t fallback);
// Every value of a repeatable KEY=VALUE flag, in command-line order.
[[nodiscard]] result<config_pairs> pair_flags(const parsed_args& args, std::string_view name);

struct handle_deleter {
    void operator()(rd_kafka_t* h) const { rd_kafka_destroy(h); }
};
using handle = std::unique_ptr<rd_kafka_t, handle_deleter>;

struct metadata_deleter {
    void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};
using metadata_ptr = std::unique_ptr<const rd_kafka_metadata_t, metadata_deleter>;

// Creates a producer or consumer: librdkafka defaults, then defaults, then opts.settings. customize may
// install callbacks on the configuration before the handle is created.
[[nodiscard]] result<handle> make_handle(rd_kafka_type_t type, const client_options& opts,
                                         const config_pairs& defaults,
                                         const std::function<void(rd_kafka_conf_t*)>& customize = {});

// Metadata for one topic (topic non-empty) or for all topics. A transport failure names the bootstrap.
[[nodiscard]] result<metadata_ptr> fetch_metadata(rd_kafka_t* h, const client_options& opts, const std::string& topic);

// Runs body and turns its error into "eddy <command>: <message>" on stderr and an exit code
// (exit_usage for errc::invalid_flag, exit_failure otherwise).
[[nodiscard]] int run_reporting(std::string_view command, const std::function<result<void>()>& body);

// SIGINT/SIGTERM set a flag instead of killing the process, so a long-running command can close its
// client cleanly (committing offsets, flushing records).
void install_stop_signals();
[[nodiscard]] bool stop_requested();

}  // namespace eddy::cli::kafka

template <>
struct std::is_error_code_enum<eddy::cli::kafka::errc> : std::true_type {};
