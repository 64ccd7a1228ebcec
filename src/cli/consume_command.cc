// `eddy consume TOPIC`: prints record values (optionally keys) one per line, either as a member of a
// consumer group (offsets committed on exit) or from explicit partitions and offsets without a group.
#include <chrono>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "cli/kafka_client.h"
#include "cli/kafka_commands.h"

namespace eddy::cli {
namespace {

using namespace kafka;
using errc = kafka::errc;  // not cli::errc, the argument parser's
using clock = std::chrono::steady_clock;

struct consume_settings {
    std::string topic;
    std::string group;       // empty: assign partitions directly, commit nothing
    bool from_beginning = false;
    int32_t partition = -1;  // -1: every partition
    int64_t offset = RD_KAFKA_OFFSET_END;
    int64_t max_messages = -1;
    int64_t idle_timeout_ms = -1;
    bool print_key = false;
    std::string key_separator = "\t";
};

result<int64_t> parse_offset(const parsed_args& args, bool from_beginning) {
    const std::string* v = args.last("offset");
    if (v == nullptr) return from_beginning ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
    if (*v == "beginning") return RD_KAFKA_OFFSET_BEGINNING;
    if (*v == "end") return RD_KAFKA_OFFSET_END;
    return int_flag(args, "offset", 0, INT64_MAX, 0);
}

result<consume_settings> parse_settings(const parsed_args& args) {
    consume_settings s;
    if (args.positional.size() != 1) return make_error(errc::invalid_flag, "expected exactly one TOPIC");
    s.topic = args.positional[0];
    if (const auto* g = args.last("group")) s.group = *g;
    s.from_beginning = args.has("from-beginning");
    if (!s.group.empty() && (args.has("partition") || args.has("offset"))) {
        return make_error(errc::invalid_flag, "--partition/--offset cannot be combined with --group");
    }
    EDDY_TRY_ASSIGN(int64_t p, int_flag(args, "partition", 0, INT32_MAX, -1));
    s.partition = static_cast<int32_t>(p);
    EDDY_TRY_ASSIGN(s.offset, parse_offset(args, s.from_beginning));
    EDDY_TRY_ASSIGN(s.max_messages, int_flag(args, "max-messages", 1, INT64_MAX, -1));
    EDDY_TRY_ASSIGN(s.idle_timeout_ms, int_flag(args, "idle-timeout-ms", 1, INT32_MAX, -1));
    s.print_key = args.has("print-key");
    if (const auto* sep = args.last("key-separator")) s.key_separator = *sep;
    return s;
}

// Assigns the chosen partitions (all of the topic's when none was given) at the chosen offset.
result<void> assign(rd_kafka_t* h, const client_options& opts, const consume_settings& s) {
    EDDY_TRY_ASSIGN(metadata_ptr md, fetch_metadata(h, opts, s.topic));
    if (md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        auto err = md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
        return make_error(errc::broker_error, "topic {}: {}", s.topic, rd_kafka_err2str(err));
    }
    const auto& t = md->topics[0];
    if (s.partition >= t.partition_cnt) {
        return make_error(errc::invalid_flag, "topic {} has {} partitions; no partition {}", s.topic, t.partition_cnt,
                          s.partition);
    }
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(t.partition_cnt);
    for (int i = 0; i < t.partition_cnt; ++i) {
        if (s.partition >= 0 && t.partitions[i].id != s.partition) continue;
        rd_kafka_topic_partition_list_add(list, s.topic.c_str(), t.partitions[i].id)->offset = s.offset;
    }
    rd_kafka_resp_err_t err = rd_kafka_assign(h, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return make_error(errc::broker_error, "assign: {}", rd_kafka_err2str(err));
    return {};
}

result<void> subscribe(rd_kafka_t* h, const client_options& opts, const consume_settings& s) {
    EDDY_TRY(fetch_metadata(h, opts, s.topic));  // fail fast when no broker answers
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, s.topic.c_str(), RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(h, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return make_error(errc::broker_error, "subscribe: {}", rd_kafka_err2str(err));
    return {};
}

void print_record(const rd_kafka_message_t* m, const consume_settings& s) {
    if (s.print_key) {
        if (m->key != nullptr) std::fwrite(m->key, 1, m->key_len, stdout);
        std::fwrite(s.key_separator.data(), 1, s.key_separator.size(), stdout);
    }
    if (m->payload != nullptr) std::fwrite(m->payload, 1, m->len, stdout);
    std::fputc('\n', stdout);
}

bool has_assignment(rd_kafka_t* h) {
    rd_kafka_topic_partition_list_t* list = nullptr;
    if (rd_kafka_assignment(h, &list) != RD_KAFKA_RESP_ERR_NO_ERROR) return false;
    bool any = list->cnt > 0;
    rd_kafka_topic_partition_list_destroy(list);
    return any;
}

// Polls until max_messages were printed, the idle timeout passed, or a stop signal arrived. Joining a
// group takes a rebalance (seconds), so for a group member the idle time counts from its first
// assignment, or from join_wait_ms after the start if it gets none.
result<void> poll_loop(rd_kafka_t* h, const consume_settings& s, int join_wait_ms) {
    int64_t printed = 0;
    auto start = clock::now();
    auto last_activity = start;
    bool waiting_for_join = !s.group.empty();
    while (!stop_requested() && (s.max_messages < 0 || printed < s.max_messages)) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(h, 100);
        if (m == nullptr) {
            std::fflush(stdout);
            if (waiting_for_join) {
                last_activity = clock::now();
                waiting_for_join = !has_assignment(h) && last_activity - start < std::chrono::milliseconds(join_wait_ms);
                continue;
            }
            auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - last_activity).count();
            if (s.idle_timeout_ms >= 0 && idle >= s.idle_timeout_ms) break;
            continue;
        }
        rd_kafka_resp_err_t err = m->err;
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            print_record(m, s);
            ++printed;
            waiting_for_join = false;
            last_activity = clock::now();
        }
        std::string errtext = err == RD_KAFKA_RESP_ERR_NO_ERROR ? "" : rd_kafka_message_errstr(m);
        rd_kafka_message_destroy(m);
        if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
            err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
            return make_error(errc::broker_error, "consume {}: {}", s.topic, errtext);
        }
    }
    std::fflush(stdout);
    return {};
}

result<void> run_consume(const parsed_args& args) {
    EDDY_TRY_ASSIGN(client_options opts, parse_client_options(args));
    EDDY_TRY_ASSIGN(consume_settings s, parse_settings(args));
    config_pairs defaults{{"enable.partition.eof", "false"}};
    if (!s.group.empty()) {
        defaults.emplace_back("group.id", s.group);
        defaults.emplace_back("auto.offset.reset", s.from_beginning ? "earliest" : "latest");
    } else {
        defaults.emplace_back("group.id", "eddy-cli-unused");  // required by librdkafka; never joined
        defaults.emplace_back("enable.auto.commit", "false");
        defaults.emplace_back("auto.offset.reset", "earliest");
    }
    EDDY_TRY_ASSIGN(handle h, make_handle(RD_KAFKA_CONSUMER, opts, defaults));
    rd_kafka_poll_set_consumer(h.get());
    install_stop_signals();
    EDDY_TRY(s.group.empty() ? assign(h.get(), opts, s) : subscribe(h.get(), opts, s));
    auto r = poll_loop(h.get(), s, opts.timeout_ms);
    // Leaves the group and commits the offsets of what was printed.
    rd_kafka_consumer_close(h.get());
    return r;
}

}  // namespace

command consume_command() {
    auto flags = kafka::common_flags();
    flags.push_back({"group", "G", "join consumer group G (offsets are committed)"});
    flags.push_back({"from-beginning", "", "start at the earliest offset (a group: when it has no committed offset)"});
    flags.push_back({"partition", "P", "read only partition P (without --group)"});
    flags.push_back({"offset", "O", "start at offset O, 'beginning' or 'end' (without --group)"});
    flags.push_back({"max-messages", "N", "exit after printing N records"});
    flags.push_back({"idle-timeout-ms", "MS", "exit when no record arrived for MS milliseconds"});
    flags.push_back({"print-key", "", "print KEY<separator>VALUE instead of VALUE"});
    flags.push_back({"key-separator", "SEP", "separator for --print-key (default: a tab)"});
    return command{
        .name = "consume",
        .summary = "print records of a topic, one per line",
        .usage = "eddy consume TOPIC [--group G] [--from-beginning] [--partition P --offset O] [flags]",
        .flags = std::move(flags),
        .takes_positional = true,
        .run = [](const parsed_args& args) { return run_reporting("consume", [&] { return run_consume(args); }); },
    };
}

}  // namespace eddy::cli
