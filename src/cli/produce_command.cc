// `eddy produce TOPIC`: one record per stdin line, optionally split into key and value, delivered with
// acks=all unless overridden; exits 1 unless every record was acknowledged.
#include <cstdio>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "cli/kafka_client.h"
#include "cli/kafka_commands.h"

namespace eddy::cli {
namespace {

using namespace kafka;
using errc = kafka::errc;  // not cli::errc, the argument parser's

// Delivery outcome, updated by librdkafka's delivery report callback on the thread that polls.
struct delivery_stats {
    int64_t delivered = 0;
    int64_t failed = 0;
    std::string first_error;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* stats = static_cast<delivery_stats*>(opaque);
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++stats->delivered;
        return;
    }
    if (stats->failed++ == 0) stats->first_error = rd_kafka_err2str(m->err);
}

struct produce_settings {
    std::string topic;
    std::string key_separator;  // empty: whole line is the value
    int32_t partition = RD_KAFKA_PARTITION_UA;
    config_pairs headers;
};

// Enqueues one record, waiting (by serving delivery reports) while the local queue is full.
result<void> enqueue(rd_kafka_t* h, const produce_settings& s, const std::string& line) {
    std::string_view key;
    std::string_view value = line;
    bool has_key = false;
    if (!s.key_separator.empty()) {
        if (auto at = line.find(s.key_separator); at != std::string::npos) {
            key = std::string_view(line).substr(0, at);
            value = std::string_view(line).substr(at + s.key_separator.size());
            has_key = true;
        }
    }
    rd_kafka_headers_t* hdrs = nullptr;
    if (!s.headers.empty()) {
        hdrs = rd_kafka_headers_new(s.headers.size());
        for (const auto& [k, v] : s.headers) rd_kafka_header_add(hdrs, k.data(), -1, v.data(), static_cast<ssize_t>(v.size()));
    }
    for (;;) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            h, RD_KAFKA_V_TOPIC(s.topic.c_str()), RD_KAFKA_V_PARTITION(s.partition),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
            RD_KAFKA_V_KEY(has_key ? key.data() : nullptr, has_key ? key.size() : 0),
            RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return {};  // librdkafka now owns hdrs
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            if (hdrs != nullptr) rd_kafka_headers_destroy(hdrs);
            return make_error(errc::broker_error, "cannot produce to {}: {}", s.topic, rd_kafka_err2str(err));
        }
        rd_kafka_poll(h, 100);
    }
}

result<void> run_produce(const parsed_args& args) {
    EDDY_TRY_ASSIGN(client_options opts, parse_client_options(args));
    if (args.positional.size() != 1) return make_error(errc::invalid_flag, "expected exactly one TOPIC");
    produce_settings s;
    s.topic = args.positional[0];
    if (const auto* sep = args.last("key-separator")) s.key_separator = *sep;
    EDDY_TRY_ASSIGN(int64_t partition, int_flag(args, "partition", -1, INT32_MAX, RD_KAFKA_PARTITION_UA));
    s.partition = static_cast<int32_t>(partition);
    EDDY_TRY_ASSIGN(s.headers, pair_flags(args, "header"));
    config_pairs defaults{{"acks", "all"}, {"linger.ms", "5"},
                          {"message.timeout.ms", std::to_string(opts.timeout_ms)}};
    if (const auto* acks = args.last("acks")) defaults[0].second = *acks;
    delivery_stats stats;
    EDDY_TRY_ASSIGN(handle h, make_handle(RD_KAFKA_PRODUCER, opts, defaults, [&](rd_kafka_conf_t* conf) {
        rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
        rd_kafka_conf_set_opaque(conf, &stats);
    }));
    // Fail fast, with a clear message, when nothing listens at the bootstrap address.
    EDDY_TRY(fetch_metadata(h.get(), opts, s.topic));
    int64_t lines = 0;
    std::string line;
    while (std::getline(std::cin, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        EDDY_TRY(enqueue(h.get(), s, line));
        ++lines;
        rd_kafka_poll(h.get(), 0);
    }
    if (std::cin.bad()) return make_error(errc::input_error, "reading stdin failed");
    rd_kafka_flush(h.get(), opts.timeout_ms + 1000);
    int64_t undelivered = lines - stats.delivered;
    if (undelivered > 0) {
        return make_error(errc::incomplete, "{} of {} records not delivered to {}{}{}", undelivered, lines, s.topic,
                          stats.first_error.empty() ? "" : ": ", stats.first_error);
    }
    fmt::print(stderr, "produced {} record{} to {}\n", lines, lines == 1 ? "" : "s", s.topic);
    return {};
}

}  // namespace

command produce_command() {
    auto flags = kafka::common_flags();
    flags.push_back({"key-separator", "SEP", "split each line at the first SEP into key and value"});
    flags.push_back({"partition", "P", "produce to partition P (default: the partitioner chooses)"});
    flags.push_back({"header", "KEY=VALUE", "add this header to every record (repeatable)"});
    flags.push_back({"acks", "ACKS", "all (default), 1 or 0"});
    return command{
        .name = "produce",
        .summary = "produce stdin lines as records to a topic",
        .usage = "eddy produce TOPIC [--key-separator SEP] [--partition P] [--header K=V]... [flags]",
        .flags = std::move(flags),
        .takes_positional = true,
        .run = [](const parsed_args& args) { return run_reporting("produce", [&] { return run_produce(args); }); },
    };
}

}  // namespace eddy::cli
