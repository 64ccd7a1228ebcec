// Kafka produce/consume load benchmark on Debian's librdkafka, loopback only, bounded in records and time.
// Measures, per record size (100 B, 1 KiB) and acks (1, all): produce msg/s and MB/s into a 16-partition
// topic with p50/p99 ack latency (enqueue to delivery report), then catch-up consume MB/s of the same
// topic from offset 0. The target is a broker (`--bootstrap`, e.g. eddy serve) or librdkafka's in-process
// mock cluster (`--mock`), which gives the client's own ceiling on this machine. Prints one markdown row
// per scenario (medians of --runs runs).
//
// What is timed:
// - produce: after a warm-up (connections, metadata, one batch per partition acknowledged), from the
//   first timed enqueue until every record is acknowledged (flush). MB/s counts record values.
// - consume: from the first record received until the last one (connection set-up and the first fetch
//   round trip excluded, so short runs measure the steady rate). MB/s counts record values, so it
//   understates the bytes on the wire by the record and batch framing (~7% at 100 B, <1% at 1 KiB).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
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
    double max_seconds = 20;         // per produce scenario; consume gets twice that
    int partitions = 16;
    int consumers = 1;               // consumer instances (threads), partitions dealt round-robin
    int producers = 1;               // producer instances (threads), records split evenly
    std::vector<size_t> sizes{100, 1024};
    std::vector<std::string> acks{"1", "all"};
    bool keep_topics = false;        // broker mode: delete each run's topic after it was consumed
    int linger_ms = 5;
    int max_queued = 200000;         // queue.buffering.max.messages
    bool skip_consume = false;
    std::string consume_topic;       // only consume this existing topic (profiling), --expected records
    int64_t expected = 0;
    // Consumer settings; --consumer-set k=v overrides (applied to mock and broker runs alike).
    // fetch.max.bytes stays below glibc's 32 MiB mmap ceiling: librdkafka reads each Fetch response into
    // one buffer of its size, and a larger one is mmapped and page-faulted afresh for every response
    // (with 50 MiB, the client spent 3.5x the CPU per MB). 1 MiB per partition is librdkafka's default.
    std::vector<std::pair<std::string, std::string>> consumer_settings{
        {"fetch.max.bytes", "16777216"},
        {"max.partition.fetch.bytes", "1048576"},
        {"queued.max.messages.kbytes", "262144"},
        {"queued.min.messages", "1000000"},
    };
};

struct produce_result {
    double msgs_per_s = 0;
    double mb_per_s = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    int64_t acked = 0;  // timed records acknowledged (the warm-up records are extra)
};

constexpr uintptr_t warmup_opaque = UINTPTR_MAX;

// Per-run delivery state; each timed record's opaque is its index into sent_at.
struct delivery_state {
    std::vector<clock_type::time_point> sent_at;
    std::vector<double> latency_ms;
    int64_t warmup_acked = 0;
    int64_t failed = 0;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* st = static_cast<delivery_state*>(opaque);
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++st->failed;
        return;
    }
    auto idx = reinterpret_cast<uintptr_t>(m->_private);
    if (idx == warmup_opaque) {
        ++st->warmup_acked;
        return;
    }
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

// Runs one admin call and reports whether the single topic result is free of errors.
template <typename Call>
bool admin_topic_call(const std::string& bootstrap, const std::string& topic, Call call) {
    rd_kafka_t* h = make_client(RD_KAFKA_PRODUCER, bootstrap, {}, nullptr);
    rd_kafka_queue_t* q = rd_kafka_queue_new(h);
    call(h, q);
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 20000);
    bool ok = ev != nullptr && rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (ok) {
        size_t n = 0;
        const rd_kafka_topic_result_t** r = nullptr;
        if (auto* c = rd_kafka_event_CreateTopics_result(ev)) r = rd_kafka_CreateTopics_result_topics(c, &n);
        else if (auto* d = rd_kafka_event_DeleteTopics_result(ev)) r = rd_kafka_DeleteTopics_result_topics(d, &n);
        ok = n == 1 && rd_kafka_topic_result_error(r[0]) == RD_KAFKA_RESP_ERR_NO_ERROR;
        if (!ok && n == 1) std::fprintf(stderr, "%s: %s\n", topic.c_str(), rd_kafka_topic_result_error_string(r[0]));
    }
    if (ev != nullptr) rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(h);
    return ok;
}

bool create_topic(const std::string& bootstrap, const std::string& topic, int partitions) {
    char err[512];
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
    bool ok = admin_topic_call(bootstrap, topic, [&](rd_kafka_t* h, rd_kafka_queue_t* q) {
        rd_kafka_CreateTopics(h, &nt, 1, nullptr, q);
    });
    rd_kafka_NewTopic_destroy(nt);
    return ok;
}

bool delete_topic(const std::string& bootstrap, const std::string& topic) {
    rd_kafka_DeleteTopic_t* dt = rd_kafka_DeleteTopic_new(topic.c_str());
    bool ok = admin_topic_call(bootstrap, topic, [&](rd_kafka_t* h, rd_kafka_queue_t* q) {
        rd_kafka_DeleteTopics(h, &dt, 1, nullptr, q);
    });
    rd_kafka_DeleteTopic_destroy(dt);
    return ok;
}

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    auto k = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(k), v.end());
    return v[k];
}

// Enqueues one record through the partitioner (librdkafka's default, consistent_random: unkeyed records
// spread over all partitions), serving delivery reports while librdkafka's queue is full. The payload is
// not copied: it outlives every delivery. (rd_kafka_produce_batch to one partition at a time was slower
// and had higher latency against both targets.)
void enqueue(rd_kafka_t* h, rd_kafka_topic_t* t, const std::string& payload, uintptr_t opaque) {
    while (rd_kafka_produce(t, RD_KAFKA_PARTITION_UA, 0, const_cast<char*>(payload.data()), payload.size(), nullptr,
                            0, reinterpret_cast<void*>(opaque)) == -1) {
        if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            std::fprintf(stderr, "produce: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
            std::exit(1);
        }
        rd_kafka_poll(h, 1);
    }
}

// Completion of the barrier all producer instances meet at after their warm-up: the common start.
struct mark_start {
    clock_type::time_point* start;
    void operator()() noexcept { *start = clock_type::now(); }
};
using start_barrier = std::barrier<mark_start>;

// One producer instance: warms up, waits for the others at `ready`, then enqueues `records` records as
// fast as librdkafka accepts them and flushes. Returns when all are acknowledged (or failed).
void produce_share(const options& o, const std::string& bootstrap, const std::string& topic, size_t size,
                   const std::string& acks, int64_t records, start_barrier& ready, const clock_type::time_point& start,
                   delivery_state& st) {
    st.sent_at.resize(static_cast<size_t>(records));
    st.latency_ms.reserve(static_cast<size_t>(records));
    rd_kafka_t* h = make_client(RD_KAFKA_PRODUCER, bootstrap,
                                {{"acks", acks}, {"linger.ms", std::to_string(o.linger_ms)}, {"batch.size", "1000000"},
                                 {"batch.num.messages", "100000"},
                                 {"queue.buffering.max.messages", std::to_string(o.max_queued)},
                                 {"message.timeout.ms", "60000"}},
                                &st);
    rd_kafka_topic_t* t = rd_kafka_topic_new(h, topic.c_str(), nullptr);
    std::string payload(size, 'x');
    for (size_t i = 0; i < size; ++i) payload[i] = static_cast<char>('a' + (i * 7) % 26);
    // Warm-up: connection, metadata, and a first acknowledged batch on (almost surely) every partition.
    for (int i = 0; i < o.partitions * 20; ++i) enqueue(h, t, payload, warmup_opaque);
    rd_kafka_flush(h, 20000);
    ready.arrive_and_wait();  // sets `start` before anyone proceeds
    auto stop_at = start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(o.max_seconds));
    for (int64_t sent = 0; sent < records; ++sent) {
        auto now = clock_type::now();
        st.sent_at[static_cast<size_t>(sent)] = now;
        enqueue(h, t, payload, static_cast<uintptr_t>(sent));
        // Serve delivery reports now and then; enqueue serves them when the queue is full.
        if ((sent & 1023) == 0) {
            rd_kafka_poll(h, 0);
            if (now >= stop_at) break;
        }
    }
    rd_kafka_flush(h, 60000);
    rd_kafka_topic_destroy(t);
    rd_kafka_destroy(h);
}

// Runs o.producers instances in parallel threads, `records` records in all; throughput counts from the
// common start (after every instance warmed up) until the last acknowledgement.
produce_result produce(const options& o, const std::string& bootstrap, const std::string& topic, size_t size,
                       const std::string& acks, int64_t records) {
    const auto n = static_cast<size_t>(o.producers);
    std::vector<delivery_state> states(n);
    clock_type::time_point start{};
    start_barrier ready(static_cast<ptrdiff_t>(n), mark_start{&start});
    std::vector<std::thread> threads;
    for (size_t i = 0; i < n; ++i) {
        int64_t share = records / o.producers + (static_cast<int64_t>(i) < records % o.producers ? 1 : 0);
        threads.emplace_back([&, i, share] { produce_share(o, bootstrap, topic, size, acks, share, ready, start, states[i]); });
    }
    for (auto& th : threads) th.join();
    double secs = std::chrono::duration<double>(clock_type::now() - start).count();
    produce_result r;
    std::vector<double> latency;
    int64_t warmup = 0, failed = 0;
    for (auto& st : states) {
        latency.insert(latency.end(), st.latency_ms.begin(), st.latency_ms.end());
        warmup += st.warmup_acked;
        failed += st.failed;
    }
    r.acked = static_cast<int64_t>(latency.size());
    r.msgs_per_s = static_cast<double>(r.acked) / secs;
    r.mb_per_s = r.msgs_per_s * static_cast<double>(size) / 1e6;
    r.p50_ms = percentile(latency, 0.50);
    r.p99_ms = percentile(latency, 0.99);
    r.acked += warmup;
    if (failed > 0) std::fprintf(stderr, "%s: %lld deliveries failed\n", topic.c_str(), static_cast<long long>(failed));
    return r;
}

struct consumer_result {
    int64_t records = 0;
    int64_t bytes = 0;
    clock_type::time_point first{};
    clock_type::time_point last{};
};

// One consumer instance reading its share of the partitions (p % consumers == index) from offset 0 until
// `expected` records arrived in total over all instances, or the deadline.
void consume_share(const options& o, const std::string& bootstrap, const std::string& topic, int index,
                   std::atomic<int64_t>& total, int64_t expected, clock_type::time_point stop_at, consumer_result& out) {
    std::vector<std::pair<const char*, std::string>> settings{{"group.id", "bench-reader"}, {"enable.auto.commit", "false"}};
    for (auto& [k, v] : o.consumer_settings) settings.emplace_back(k.c_str(), v);
    rd_kafka_t* h = make_client(RD_KAFKA_CONSUMER, bootstrap, settings, nullptr);
    const int partitions = o.partitions;
    const int consumers = o.consumers;
    auto* list = rd_kafka_topic_partition_list_new(partitions);
    for (int p = index; p < partitions; p += consumers)
        rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(h, list);
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_queue_t* q = rd_kafka_queue_get_consumer(h);
    std::vector<rd_kafka_message_t*> batch(10000);
    while (total.load(std::memory_order_relaxed) < expected && clock_type::now() < stop_at) {
        ssize_t n = rd_kafka_consume_batch_queue(q, 100, batch.data(), batch.size());
        if (n <= 0) continue;
        int64_t got = 0;
        for (ssize_t i = 0; i < n; ++i) {
            rd_kafka_message_t* m = batch[static_cast<size_t>(i)];
            if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
                ++got;
                out.bytes += static_cast<int64_t>(m->len);
            }
            rd_kafka_message_destroy(m);
        }
        if (got == 0) continue;
        auto now = clock_type::now();
        if (out.records == 0) out.first = now;
        out.last = now;
        out.records += got;
        total.fetch_add(got, std::memory_order_relaxed);
    }
    rd_kafka_queue_destroy(q);
    rd_kafka_consumer_close(h);
    rd_kafka_destroy(h);
}

// Reads `expected` records from every partition from the beginning; returns MB/s of record values.
double consume(const options& o, const std::string& bootstrap, const std::string& topic, int64_t expected) {
    std::atomic<int64_t> total{0};
    std::vector<consumer_result> results(static_cast<size_t>(o.consumers));
    auto stop_at = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                           std::chrono::duration<double>(o.max_seconds * 2));
    std::vector<std::thread> threads;
    for (int i = 0; i < o.consumers; ++i) {
        threads.emplace_back([&, i] {
            consume_share(o, bootstrap, topic, i, total, expected, stop_at, results[static_cast<size_t>(i)]);
        });
    }
    for (auto& t : threads) t.join();
    int64_t got = 0, bytes = 0;
    clock_type::time_point first = clock_type::time_point::max(), last{};
    for (auto& r : results) {
        got += r.records;
        bytes += r.bytes;
        if (r.records == 0) continue;
        first = std::min(first, r.first);
        last = std::max(last, r.last);
    }
    if (got < expected) {
        std::fprintf(stderr, "%s: consumed only %lld of %lld\n", topic.c_str(), static_cast<long long>(got),
                     static_cast<long long>(expected));
    }
    double secs = got > 0 ? std::chrono::duration<double>(last - first).count() : 0;
    return secs > 0 ? static_cast<double>(bytes) / 1e6 / secs : 0;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

template <typename T, typename F>
std::vector<T> split_list(const std::string& s, F convert) {
    std::vector<T> out;
    size_t at = 0;
    while (at <= s.size()) {
        size_t comma = s.find(',', at);
        if (comma == std::string::npos) comma = s.size();
        out.push_back(convert(s.substr(at, comma - at)));
        at = comma + 1;
    }
    return out;
}

[[noreturn]] void usage() {
    std::fprintf(stderr,
                 "usage: eddy_kafka_load (--bootstrap HOST:PORT | --mock) [--label NAME] [--runs N]\n"
                 "       [--records-100 N] [--records-1k N] [--max-seconds S] [--partitions N]\n"
                 "       [--producers N] [--consumers N] [--sizes 100,1024] [--acks 1,all] [--keep-topics]\n"
                 "       [--linger-ms MS] [--max-queued N] [--skip-consume]\n"
                 "       [--consumer-set KEY=VALUE]... [--consume-topic NAME --expected N] (only consume)\n");
    std::exit(2);
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) usage();
            return argv[++i];
        };
        if (a == "--bootstrap") o.bootstrap = next();
        else if (a == "--mock") o.mock = true;
        else if (a == "--label") o.label = next();
        else if (a == "--runs") o.runs = std::atoi(next().c_str());
        else if (a == "--records-100") o.records_small = std::atoll(next().c_str());
        else if (a == "--records-1k") o.records_large = std::atoll(next().c_str());
        else if (a == "--max-seconds") o.max_seconds = std::atof(next().c_str());
        else if (a == "--partitions") o.partitions = std::atoi(next().c_str());
        else if (a == "--consumers") o.consumers = std::max(1, std::atoi(next().c_str()));
        else if (a == "--producers") o.producers = std::max(1, std::atoi(next().c_str()));
        else if (a == "--sizes") o.sizes = split_list<size_t>(next(), [](const std::string& v) { return std::stoul(v); });
        else if (a == "--acks") o.acks = split_list<std::string>(next(), [](const std::string& v) { return v; });
        else if (a == "--keep-topics") o.keep_topics = true;
        else if (a == "--linger-ms") o.linger_ms = std::atoi(next().c_str());
        else if (a == "--max-queued") o.max_queued = std::atoi(next().c_str());
        else if (a == "--skip-consume") o.skip_consume = true;
        else if (a == "--consume-topic") o.consume_topic = next();
        else if (a == "--expected") o.expected = std::atoll(next().c_str());
        else if (a == "--consumer-set") {
            std::string kv = next();
            size_t eq = kv.find('=');
            if (eq == std::string::npos) usage();
            auto it = std::find_if(o.consumer_settings.begin(), o.consumer_settings.end(),
                                   [&](auto& e) { return e.first == kv.substr(0, eq); });
            if (it != o.consumer_settings.end()) it->second = kv.substr(eq + 1);
            else o.consumer_settings.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
        }
        else usage();
    }
    if (o.bootstrap.empty() == !o.mock) {
        std::fprintf(stderr, "exactly one of --bootstrap and --mock is required\n");
        std::exit(2);
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    // As in eddy's main: freed buffers (librdkafka's per-response receive buffers) are reused from the
    // heap instead of being unmapped and page-faulted in again. Applies to mock and broker runs alike.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    options o = parse(argc, argv);
    if (!o.consume_topic.empty()) {
        for (int run = 0; run < o.runs; ++run)
            std::printf("consume %s: %.1f MB/s\n", o.consume_topic.c_str(), consume(o, o.bootstrap, o.consume_topic, o.expected));
        return 0;
    }
    std::printf("| target | record | acks | produce msg/s | produce MB/s | ack p50 ms | ack p99 ms | catch-up consume MB/s |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    for (size_t size : o.sizes) {
        for (const std::string& acks : o.acks) {
            std::vector<double> msgs, mbs, p50, p99, cons;
            for (int run = 0; run < o.runs; ++run) {
                std::string topic = "load-" + std::to_string(size) + "-" + acks + "-" + std::to_string(run);
                // A fresh mock cluster per run keeps the mock's in-memory log from growing over the runs.
                rd_kafka_t* mock_owner = nullptr;
                rd_kafka_mock_cluster_t* mock = nullptr;
                std::string bootstrap = o.bootstrap;
                bool ok = false;
                if (o.mock) {
                    mock_owner = make_client(RD_KAFKA_PRODUCER, "", {}, nullptr);
                    mock = rd_kafka_mock_cluster_new(mock_owner, 1);
                    bootstrap = rd_kafka_mock_cluster_bootstraps(mock);
                    ok = rd_kafka_mock_topic_create(mock, topic.c_str(), o.partitions, 1) == RD_KAFKA_RESP_ERR_NO_ERROR;
                } else {
                    ok = create_topic(bootstrap, topic, o.partitions);
                }
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
                if (!o.skip_consume) cons.push_back(consume(o, bootstrap, topic, r.acked));
                if (o.mock) {
                    rd_kafka_mock_cluster_destroy(mock);
                    rd_kafka_destroy(mock_owner);
                } else if (!o.keep_topics && !delete_topic(bootstrap, topic)) {
                    std::fprintf(stderr, "cannot delete topic %s\n", topic.c_str());
                }
            }
            std::printf("| %s | %zu B | %s | %.0f | %.1f | %.2f | %.2f | %.1f |\n", o.label.c_str(), size, acks.c_str(),
                        median(msgs), median(mbs), median(p50), median(p99), median(cons));
            std::fflush(stdout);
        }
    }
    return 0;
}
