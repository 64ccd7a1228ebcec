#include "rdkafka_util.h"

#include <cstdio>
#include <cstdlib>

namespace eddy::testing::rk {
namespace {

constexpr int admin_timeout_ms = 15000;

void set(rd_kafka_conf_t* conf, const std::string& k, const std::string& v) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        std::fprintf(stderr, "rdkafka config %s=%s: %s\n", k.c_str(), v.c_str(), errstr);
        std::abort();
    }
}

struct queue_deleter {
    void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct event_deleter {
    void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
using queue_ptr = std::unique_ptr<rd_kafka_queue_t, queue_deleter>;
using event_ptr = std::unique_ptr<rd_kafka_event_t, event_deleter>;

rd_kafka_AdminOptions_t* admin_options(rd_kafka_t* h, rd_kafka_admin_op_t op) {
    char errstr[256];
    auto* o = rd_kafka_AdminOptions_new(h, op);
    rd_kafka_AdminOptions_set_request_timeout(o, admin_timeout_ms, errstr, sizeof errstr);
    return o;
}

rd_kafka_resp_err_t first_topic_error(const rd_kafka_topic_result_t* const* r, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        if (rd_kafka_topic_result_error(r[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) return rd_kafka_topic_result_error(r[i]);
    }
    return RD_KAFKA_RESP_ERR_NO_ERROR;
}

void count_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) ++*static_cast<size_t*>(opaque);
}

void install_dr(rd_kafka_conf_t* conf, void*) { rd_kafka_conf_set_dr_msg_cb(conf, count_delivery); }

}  // namespace

handle make(rd_kafka_type_t type, const std::string& bootstrap, const settings& s,
            void (*conf_hook)(rd_kafka_conf_t*, void*), void* opaque) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", bootstrap);
    set(conf, "log_level", "3");  // only errors: failed connections during restarts are expected
    for (const auto& [k, v] : s) set(conf, k, v);
    if (opaque != nullptr) rd_kafka_conf_set_opaque(conf, opaque);
    if (conf_hook != nullptr) conf_hook(conf, opaque);
    char errstr[512];
    rd_kafka_t* h = rd_kafka_new(type, conf, errstr, sizeof errstr);
    if (h == nullptr) {
        std::fprintf(stderr, "rd_kafka_new: %s\n", errstr);
        std::abort();
    }
    return handle(h);
}

rd_kafka_resp_err_t create_topic(const std::string& bootstrap, const std::string& topic, int partitions,
                                 const settings& configs) {
    auto h = make(RD_KAFKA_PRODUCER, bootstrap, {});
    char errstr[512];
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, errstr, sizeof errstr);
    for (const auto& [k, v] : configs) rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str());
    queue_ptr q(rd_kafka_queue_new(h.get()));
    auto* o = admin_options(h.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_CreateTopics(h.get(), &nt, 1, o, q.get());
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_NewTopic_destroy(nt);
    event_ptr ev(rd_kafka_queue_poll(q.get(), admin_timeout_ms + 2000));
    if (!ev) return RD_KAFKA_RESP_ERR__TIMED_OUT;
    if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) return rd_kafka_event_error(ev.get());
    size_t n = 0;
    auto* r = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev.get()), &n);
    return first_topic_error(r, n);
}

rd_kafka_resp_err_t delete_topic(const std::string& bootstrap, const std::string& topic) {
    auto h = make(RD_KAFKA_PRODUCER, bootstrap, {});
    rd_kafka_DeleteTopic_t* dt = rd_kafka_DeleteTopic_new(topic.c_str());
    queue_ptr q(rd_kafka_queue_new(h.get()));
    auto* o = admin_options(h.get(), RD_KAFKA_ADMIN_OP_DELETETOPICS);
    rd_kafka_DeleteTopics(h.get(), &dt, 1, o, q.get());
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_DeleteTopic_destroy(dt);
    event_ptr ev(rd_kafka_queue_poll(q.get(), admin_timeout_ms + 2000));
    if (!ev) return RD_KAFKA_RESP_ERR__TIMED_OUT;
    if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) return rd_kafka_event_error(ev.get());
    size_t n = 0;
    auto* r = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev.get()), &n);
    return first_topic_error(r, n);
}

std::map<std::string, std::string> describe_topic_configs(const std::string& bootstrap, const std::string& topic,
                                                          rd_kafka_resp_err_t* err) {
    std::map<std::string, std::string> out;
    auto h = make(RD_KAFKA_PRODUCER, bootstrap, {});
    auto* res = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
    queue_ptr q(rd_kafka_queue_new(h.get()));
    auto* o = admin_options(h.get(), RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    rd_kafka_DescribeConfigs(h.get(), &res, 1, o, q.get());
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_ConfigResource_destroy(res);
    event_ptr ev(rd_kafka_queue_poll(q.get(), admin_timeout_ms + 2000));
    *err = !ev ? RD_KAFKA_RESP_ERR__TIMED_OUT : rd_kafka_event_error(ev.get());
    if (*err != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
    size_t n = 0;
    auto* rs = rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev.get()), &n);
    for (size_t i = 0; i < n; ++i) {
        if (rd_kafka_ConfigResource_error(rs[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            *err = rd_kafka_ConfigResource_error(rs[i]);
            return {};
        }
        size_t cnt = 0;
        auto* entries = rd_kafka_ConfigResource_configs(rs[i], &cnt);
        for (size_t j = 0; j < cnt; ++j) {
            const char* v = rd_kafka_ConfigEntry_value(entries[j]);
            out[rd_kafka_ConfigEntry_name(entries[j])] = v != nullptr ? v : "";
        }
    }
    return out;
}

std::vector<std::string> list_topics(const std::string& bootstrap, rd_kafka_resp_err_t* err) {
    auto h = make(RD_KAFKA_PRODUCER, bootstrap, {});
    const rd_kafka_metadata_t* md = nullptr;
    *err = rd_kafka_metadata(h.get(), 1, nullptr, &md, admin_timeout_ms);
    std::vector<std::string> out;
    if (*err != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
    for (int i = 0; i < md->topic_cnt; ++i) out.emplace_back(md->topics[i].topic);
    rd_kafka_metadata_destroy(md);
    return out;
}

size_t produce_values(const std::string& bootstrap, const std::string& topic, int32_t partition,
                      const std::vector<std::string>& values, const settings& extra) {
    size_t delivered = 0;
    settings s{{"acks", "all"}, {"linger.ms", "5"}};
    s.insert(s.end(), extra.begin(), extra.end());
    auto h = make(RD_KAFKA_PRODUCER, bootstrap, s, install_dr, &delivered);
    for (const auto& v : values) {
        for (;;) {
            auto err = rd_kafka_producev(h.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                                         RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                         RD_KAFKA_V_VALUE(const_cast<char*>(v.data()), v.size()),
                                         RD_KAFKA_V_KEY(v.data(), v.size()), RD_KAFKA_V_END);
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
            rd_kafka_poll(h.get(), 50);
        }
    }
    rd_kafka_flush(h.get(), 30000);
    return delivered;
}

std::vector<record> read_all(const std::string& bootstrap, const std::string& topic, int partitions,
                             std::chrono::milliseconds deadline) {
    auto until = std::chrono::steady_clock::now() + deadline;
    auto h = make(RD_KAFKA_CONSUMER, bootstrap,
                  {{"group.id", "eddy-test-reader"}, {"enable.auto.commit", "false"}, {"auto.offset.reset", "earliest"}});
    std::map<int32_t, int64_t> high;
    auto* list = rd_kafka_topic_partition_list_new(partitions);
    for (int32_t p = 0; p < partitions; ++p) {
        int64_t lo = 0;
        int64_t hi = 0;
        if (rd_kafka_query_watermark_offsets(h.get(), topic.c_str(), p, &lo, &hi, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            hi = -1;  // unknown: read until the deadline
        }
        if (hi != 0) high[p] = hi;
        rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_assign(h.get(), list);
    rd_kafka_topic_partition_list_destroy(list);
    std::vector<record> out;
    std::map<int32_t, int64_t> next;
    auto done = [&] {
        for (const auto& [p, hi] : high) {
            if (hi < 0 || next[p] < hi) return false;
        }
        return true;
    };
    while (!done() && std::chrono::steady_clock::now() < until) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(h.get(), 100);
        if (m == nullptr) continue;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            record r{m->partition, m->offset, {}, {}};
            if (m->key != nullptr) r.key.assign(static_cast<const char*>(m->key), m->key_len);
            if (m->payload != nullptr) r.value.assign(static_cast<const char*>(m->payload), m->len);
            next[m->partition] = m->offset + 1;
            out.push_back(std::move(r));
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(h.get());
    return out;
}

}  // namespace eddy::testing::rk
