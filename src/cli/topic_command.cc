// `eddy topic create|list|describe|delete` on librdkafka's admin API and metadata requests.
#include <algorithm>
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "cli/kafka_client.h"
#include "cli/kafka_commands.h"

namespace eddy::cli {
namespace {

using namespace kafka;
using errc = kafka::errc;  // not cli::errc, the argument parser's

struct queue_deleter {
    void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct event_deleter {
    void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
using queue_ptr = std::unique_ptr<rd_kafka_queue_t, queue_deleter>;
using event_ptr = std::unique_ptr<rd_kafka_event_t, event_deleter>;

// Admin options with both timeouts set to the command's bound.
rd_kafka_AdminOptions_t* admin_options(rd_kafka_t* h, rd_kafka_admin_op_t op, const client_options& opts) {
    rd_kafka_AdminOptions_t* o = rd_kafka_AdminOptions_new(h, op);
    char errstr[256];
    rd_kafka_AdminOptions_set_request_timeout(o, opts.timeout_ms, errstr, sizeof errstr);
    if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS) {
        rd_kafka_AdminOptions_set_operation_timeout(o, opts.timeout_ms, errstr, sizeof errstr);
    }
    return o;
}

// Waits for the admin result event on q; a request-level error becomes an error.
result<event_ptr> wait_admin(rd_kafka_queue_t* q, const client_options& opts, std::string_view what) {
    event_ptr ev(rd_kafka_queue_poll(q, opts.timeout_ms + 1000));
    if (!ev) return make_error(errc::unreachable, "{}: no answer from {} within {} ms", what, opts.bootstrap, opts.timeout_ms);
    if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return make_error(errc::broker_error, "{}: {}", what, rd_kafka_event_error_string(ev.get()));
    }
    return ev;
}

// The per-topic error of a CreateTopics/DeleteTopics result.
result<void> topic_result(const rd_kafka_topic_result_t* const* results, size_t n, std::string_view what) {
    for (size_t i = 0; i < n; ++i) {
        if (rd_kafka_topic_result_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            const char* msg = rd_kafka_topic_result_error_string(results[i]);
            return make_error(errc::broker_error, "{} {}: {}", what, rd_kafka_topic_result_name(results[i]),
                              msg != nullptr ? msg : rd_kafka_err2str(rd_kafka_topic_result_error(results[i])));
        }
    }
    return {};
}

result<void> create_topic(rd_kafka_t* h, const client_options& opts, const std::string& name, const parsed_args& args) {
    EDDY_TRY_ASSIGN(int64_t partitions, int_flag(args, "partitions", 1, 100000, 1));
    EDDY_TRY_ASSIGN(int64_t rf, int_flag(args, "replication-factor", -1, 1000, -1));
    EDDY_TRY_ASSIGN(config_pairs configs, pair_flags(args, "config"));
    char errstr[512];
    rd_kafka_NewTopic_t* nt =
        rd_kafka_NewTopic_new(name.c_str(), static_cast<int>(partitions), static_cast<int>(rf), errstr, sizeof errstr);
    if (nt == nullptr) return make_error(errc::invalid_flag, "create {}: {}", name, errstr);
    for (const auto& [k, v] : configs) rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str());
    queue_ptr q(rd_kafka_queue_new(h));
    rd_kafka_AdminOptions_t* o = admin_options(h, RD_KAFKA_ADMIN_OP_CREATETOPICS, opts);
    rd_kafka_CreateTopics(h, &nt, 1, o, q.get());
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_NewTopic_destroy(nt);
    EDDY_TRY_ASSIGN(event_ptr ev, wait_admin(q.get(), opts, "create " + name));
    size_t n = 0;
    const auto* results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev.get()), &n);
    EDDY_TRY(topic_result(results, n, "create"));
    fmt::print("created topic {} with {} partition{}\n", name, partitions, partitions == 1 ? "" : "s");
    return {};
}

result<void> delete_topic(rd_kafka_t* h, const client_options& opts, const std::string& name) {
    rd_kafka_DeleteTopic_t* dt = rd_kafka_DeleteTopic_new(name.c_str());
    queue_ptr q(rd_kafka_queue_new(h));
    rd_kafka_AdminOptions_t* o = admin_options(h, RD_KAFKA_ADMIN_OP_DELETETOPICS, opts);
    rd_kafka_DeleteTopics(h, &dt, 1, o, q.get());
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_DeleteTopic_destroy(dt);
    EDDY_TRY_ASSIGN(event_ptr ev, wait_admin(q.get(), opts, "delete " + name));
    size_t n = 0;
    const auto* results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev.get()), &n);
    EDDY_TRY(topic_result(results, n, "delete"));
    fmt::print("deleted topic {}\n", name);
    return {};
}

result<void> list_topics(rd_kafka_t* h, const client_options& opts) {
    EDDY_TRY_ASSIGN(metadata_ptr md, fetch_metadata(h, opts, ""));
    std::vector<std::pair<std::string, int>> topics;
    for (int i = 0; i < md->topic_cnt; ++i) topics.emplace_back(md->topics[i].topic, md->topics[i].partition_cnt);
    std::sort(topics.begin(), topics.end());
    for (const auto& [name, partitions] : topics) fmt::print("{}\t{}\n", name, partitions);
    return {};
}

std::string join_ids(const int32_t* ids, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += fmt::format("{}{}", i == 0 ? "" : ",", ids[i]);
    return out;
}

// Prints the topic's configuration entries (DescribeConfigs); a broker without DescribeConfigs is an error.
result<void> describe_configs(rd_kafka_t* h, const client_options& opts, const std::string& name) {
    rd_kafka_ConfigResource_t* res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, name.c_str());
    queue_ptr q(rd_kafka_queue_new(h));
    rd_kafka_AdminOptions_t* o = admin_options(h, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, opts);
    rd_kafka_DescribeConfigs(h, &res, 1, o, q.get());
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_ConfigResource_destroy(res);
    EDDY_TRY_ASSIGN(event_ptr ev, wait_admin(q.get(), opts, "describe configs of " + name));
    size_t n = 0;
    const auto* results = rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev.get()), &n);
    for (size_t i = 0; i < n; ++i) {
        if (rd_kafka_ConfigResource_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return make_error(errc::broker_error, "describe configs of {}: {}", name,
                              rd_kafka_ConfigResource_error_string(results[i]));
        }
        size_t cnt = 0;
        const auto* entries = rd_kafka_ConfigResource_configs(results[i], &cnt);
        std::vector<std::string> lines;
        for (size_t j = 0; j < cnt; ++j) {
            const char* v = rd_kafka_ConfigEntry_value(entries[j]);
            lines.push_back(fmt::format("  {}={}", rd_kafka_ConfigEntry_name(entries[j]), v != nullptr ? v : ""));
        }
        std::sort(lines.begin(), lines.end());
        fmt::print("configs:\n");
        for (const auto& l : lines) fmt::print("{}\n", l);
    }
    return {};
}

result<void> describe_topic(rd_kafka_t* h, const client_options& opts, const std::string& name) {
    EDDY_TRY_ASSIGN(metadata_ptr md, fetch_metadata(h, opts, name));
    if (md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        auto err = md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
        return make_error(errc::broker_error, "describe {}: {}", name, rd_kafka_err2str(err));
    }
    const rd_kafka_metadata_topic_t& t = md->topics[0];
    fmt::print("topic: {}\npartitions: {}\n", name, t.partition_cnt);
    for (int i = 0; i < t.partition_cnt; ++i) {
        const auto& p = t.partitions[i];
        int64_t low = -1;
        int64_t high = -1;
        auto err = rd_kafka_query_watermark_offsets(h, name.c_str(), p.id, &low, &high, opts.timeout_ms);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            return make_error(errc::broker_error, "offsets of {}/{}: {}", name, p.id, rd_kafka_err2str(err));
        }
        fmt::print("  partition {} leader {} replicas [{}] isr [{}] start_offset {} end_offset {}\n", p.id, p.leader,
                   join_ids(p.replicas, p.replica_cnt), join_ids(p.isrs, p.isr_cnt), low, high);
    }
    return describe_configs(h, opts, name);
}

result<void> run_topic(const parsed_args& args) {
    EDDY_TRY_ASSIGN(client_options opts, parse_client_options(args));
    const auto& pos = args.positional;
    if (pos.empty()) return make_error(errc::invalid_flag, "expected an action: create, list, describe or delete");
    const std::string& action = pos[0];
    bool needs_name = action != "list";
    if (action != "create" && action != "list" && action != "describe" && action != "delete") {
        return make_error(errc::invalid_flag, "unknown action '{}': expected create, list, describe or delete", action);
    }
    if (needs_name && pos.size() != 2) return make_error(errc::invalid_flag, "{} needs exactly one topic name", action);
    if (!needs_name && pos.size() != 1) return make_error(errc::invalid_flag, "{} takes no arguments", action);
    // A producer handle is the lightest one that can send admin and metadata requests.
    EDDY_TRY_ASSIGN(handle h, make_handle(RD_KAFKA_PRODUCER, opts, {}));
    if (action == "list") return list_topics(h.get(), opts);
    if (action == "create") return create_topic(h.get(), opts, pos[1], args);
    if (action == "delete") return delete_topic(h.get(), opts, pos[1]);
    return describe_topic(h.get(), opts, pos[1]);
}

}  // namespace

command topic_command() {
    auto flags = kafka::common_flags();
    flags.push_back({"partitions", "N", "create: number of partitions (default 1)"});
    flags.push_back({"replication-factor", "N", "create: replication factor (default: the broker's)"});
    flags.push_back({"config", "KEY=VALUE", "create: a topic config, e.g. retention.ms=60000 (repeatable)"});
    return command{
        .name = "topic",
        .summary = "create, list, describe or delete topics on a Kafka-compatible broker",
        .usage = "eddy topic create NAME [--partitions N] [--config K=V]... | list | describe NAME | delete NAME",
        .flags = std::move(flags),
        .takes_positional = true,
        .run = [](const parsed_args& args) { return run_reporting("topic", [&] { return run_topic(args); }); },
    };
}

}  // namespace eddy::cli
