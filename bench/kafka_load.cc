// Kafka produce/consume load benchmark on Debian's librdkafka, loopback only, bounded in records and time.
// Measures, per record size (100 B, 1 KiB) and acks (1, all): produce msg/s and MB/s into a 16-partition
// topic with p50/p99 ack latency (enqueue to delivery report), then catch-up consume MB/s. The target is
// a broker (`--bootstrap`, e.g. eddy serve) or librdkafka's in-process mock cluster (`--mock`), which
// gives the client's own ceiling on this machine. Prints one markdown row per scenario (medians of
// --runs runs).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

struct options {
    std::string bootstrap;
    bool mock = false;
    std::string label = "eddy";
    int runs = 3;
    int64_t records_small = 300000;  // 100 B records per produce scenario
    int64_t records_large = 100000;  // 1 KiB records per produce scenario
    double max_seconds = 20;         // per scenario
    int partitions = 16;
};

struct produce_result {
    double msgs_per_s = 0;
    double mb_per_s = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    int64_t acked = 0;
};

// Per-run delivery state; each record's opaque is its index into sent_at.
struct delivery_state {
    std::vector<clock_type::time_point> sent_at;
    std::vector<double> latency_ms;
    int64_t failed = 0;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* st = static_cast<delivery_state*>(opaque);
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++st->failed;
        return;
    }
    auto idx = reinterpret_cast<uintptr_t>(m->_private);
    st->latency_ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - st->sent_at[idx]).count());
}

void set(rd_kafka_conf_t* conf, const char* k, const std::string& v) {
    char err[512];
    if (rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
        std::fprintf(stderr, "config %s=%s: %s\n", k, v.c_str(), err);
        std::exit(2);
    }
}

rd_kafka_t* make_client(rd_kafka_type_t type, const std::string& bootstrap, std::vector<std::pair<const char*, std::string>> s,
                        void* opaque) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", bootstrap);
    set(conf, "log_level", "3");
    for (auto& [k, v] : s) set(conf, k, v);
    if (opaque != nullptr) {
        rd_kafka_conf_set_opaque(conf, opaque);
        rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    }
    char err[512];
    rd_kafka_t* h = rd_kafka_new(type, conf, err, sizeof err);
    if (h == nullptr) {
        std::fprintf(stderr, "rd_kafka_new: %s\n", err);
        std::exit(1);
    }
    return h;
}

bool create_topic(const std::string& bootstrap, const std::string& topic, int partitions) {
    rd_kafka_t* h = make_client(RD_KAFKA_PRODUCER, bootstrap, {}, nullptr);
    char err[512];
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
    rd_kafka_queue_t* q = rd_kafka_queue_new(h);
    rd_kafka_CreateTopics(h, &nt, 1, nullptr, q);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 20000);
    bool ok = ev != nullptr && rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (ok) {
        size_t n = 0;
        auto* r = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
        ok = n == 1 && rd_kafka_topic_result_error(r[0]) == RD_KAFKA_RESP_ERR_NO_ERROR;
        if (!ok && n == 1) std::fprintf(stderr, "create %s: %s\n", topic.c_str(), rd_kafka_topic_result_error_string(r[0]));
    }
    if (ev != nullptr) rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_destroy(h);
    return ok;
}

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    auto k = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(k), v.end());
    return v[k];
}

produce_result produce(const options& o, const std::string& bootstrap, const std::string& topic, size_t size,
                       const std::string& acks, int64_t records) {
    delivery_state st;
    st.sent_at.resize(static_cast<size_t>(records));
    st.latency_ms.reserve(static_cast<size_t>(records));
    rd_kafka_t* h = make_client(RD_KAFKA_PRODUCER, bootstrap,
                                {{"acks", acks}, {"linger.ms", "5"}, {"batch.size", "1000000"},
                                 {"queue.buffering.max.messages", "200000"}, {"message.timeout.ms", "60000"}},
                                &st);
    std::string payload(size, 'x');
    for (size_t i = 0; i < size; ++i) payload[i] = static_cast<char>('a' + (i * 7) % 26);
    auto start = clock_type::now();
    auto stop_at = start + std::chrono::duration<double>(o.max_seconds);
    int64_t sent = 0;
    for (; sent < records && clock_type::now() < stop_at; ++sent) {
        st.sent_at[static_cast<size_t>(sent)] = clock_type::now();
        while (rd_kafka_producev(h, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_VALUE(payload.data(), payload.size()),
                                 RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                 RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<uintptr_t>(sent))),
                                 RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(h, 1);
        }
        rd_kafka_poll(h, 0);
    }
    rd_kafka_flush(h, 60000);
    double secs = std::chrono::duration<double>(clock_type::now() - start).count();
    rd_kafka_destroy(h);
    produce_result r;
    r.acked = static_cast<int64_t>(st.latency_ms.size());
    r.msgs_per_s = static_cast<double>(r.acked) / secs;
    r.mb_per_s = r.msgs_per_s * static_cast<double>(size) / 1e6;
    r.p50_ms = percentile(st.latency_ms, 0.50);
    r.p99_ms = percentile(st.latency_ms, 0.99);
    if (st.failed > 0) std::fprintf(stderr, "%s: %lld deliveries failed\n", topic.c_str(), static_cast<long long>(st.failed));
    return r;
}

// Reads expected records from every partition from the beginning; returns MB/s.
double consume(const options& o, const std::string& bootstrap, const std::string& topic, int64_t expected) {
    rd_kafka_t* h = make_client(RD_KAFKA_CONSUMER, bootstrap,
                                {{"group.id", "bench-reader"}, {"enable.auto.commit", "false"},
                                 {"fetch.max.bytes", "52428800"}, {"max.partition.fetch.bytes", "4194304"}},
                                nullptr);
    auto* list = rd_kafka_topic_partition_list_new(o.partitions);
    for (int p = 0; p < o.partitions; ++p) rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(h, list);
    rd_kafka_topic_partition_list_destroy(list);
    int64_t got = 0;
    int64_t bytes = 0;
    auto start = clock_type::now();
    auto stop_at = start + std::chrono::duration<double>(o.max_seconds * 2);
    while (got < expected && clock_type::now() < stop_at) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(h, 100);
        if (m == nullptr) continue;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            ++got;
            bytes += static_cast<int64_t>(m->len);
        }
        rd_kafka_message_destroy(m);
    }
    double secs = std::chrono::duration<double>(clock_type::now() - start).count();
    rd_kafka_consumer_close(h);
    rd_kafka_destroy(h);
    if (got < expected) std::fprintf(stderr, "%s: consumed only %lld of %lld\n", topic.c_str(), static_cast<long long>(got), static_cast<long long>(expected));
    return static_cast<double>(bytes) / 1e6 / secs;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--bootstrap") o.bootstrap = next();
        else if (a == "--mock") o.mock = true;
        else if (a == "--label") o.label = next();
        else if (a == "--runs") o.runs = std::atoi(next().c_str());
        else if (a == "--records-100") o.records_small = std::atoll(next().c_str());
        else if (a == "--records-1k") o.records_large = std::atoll(next().c_str());
        else if (a == "--max-seconds") o.max_seconds = std::atof(next().c_str());
        else {
            std::fprintf(stderr,
                         "usage: eddy_kafka_load (--bootstrap HOST:PORT | --mock) [--label NAME] [--runs N]\n"
                         "       [--records-100 N] [--records-1k N] [--max-seconds S]\n");
            std::exit(2);
        }
    }
    if (o.bootstrap.empty() == !o.mock) {
        std::fprintf(stderr, "exactly one of --bootstrap and --mock is required\n");
        std::exit(2);
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    options o = parse(argc, argv);
    // The mock cluster lives inside a client handle; keep it alive for the whole run.
    rd_kafka_t* mock_owner = nullptr;
    rd_kafka_mock_cluster_t* mock = nullptr;
    std::string bootstrap = o.bootstrap;
    if (o.mock) {
        mock_owner = make_client(RD_KAFKA_PRODUCER, "", {}, nullptr);
        mock = rd_kafka_mock_cluster_new(mock_owner, 1);
        bootstrap = rd_kafka_mock_cluster_bootstraps(mock);
    }
    std::printf("| target | record | acks | produce msg/s | produce MB/s | ack p50 ms | ack p99 ms | catch-up consume MB/s |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    for (size_t size : {size_t{100}, size_t{1024}}) {
        for (std::string acks : {"1", "all"}) {
            std::vector<double> msgs, mbs, p50, p99, cons;
            for (int run = 0; run < o.runs; ++run) {
                std::string topic = "load-" + std::to_string(size) + "-" + acks + "-" + std::to_string(run);
                bool ok = o.mock ? rd_kafka_mock_topic_create(mock, topic.c_str(), o.partitions, 1) == RD_KAFKA_RESP_ERR_NO_ERROR
                                 : create_topic(bootstrap, topic, o.partitions);
                if (!ok) {
                    std::fprintf(stderr, "cannot create topic %s\n", topic.c_str());
                    return 1;
                }
                int64_t records = size == 100 ? o.records_small : o.records_large;
                auto r = produce(o, bootstrap, topic, size, acks, records);
                msgs.push_back(r.msgs_per_s);
                mbs.push_back(r.mb_per_s);
                p50.push_back(r.p50_ms);
                p99.push_back(r.p99_ms);
                cons.push_back(consume(o, bootstrap, topic, r.acked));
            }
            std::printf("| %s | %zu B | %s | %.0f | %.1f | %.2f | %.2f | %.1f |\n", o.label.c_str(), size, acks.c_str(),
                        median(msgs), median(mbs), median(p50), median(p99), median(cons));
            std::fflush(stdout);
        }
    }
    if (mock_owner != nullptr) {
        rd_kafka_mock_cluster_destroy(mock);
        rd_kafka_destroy(mock_owner);
    }
    return 0;
}
