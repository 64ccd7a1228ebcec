// eddy_log_bench: append and read throughput of storage::log on the real file system, side by side in the
// same run with the hand-written pwrite(+fdatasync)/pread loops of baseline.h writing the same bytes.
//
// Scenarios (each repeated --runs times, eddy and the baseline alternating; medians are reported):
//   append: 100 B and 1 KiB records in ~16 KiB batches, flush policy never | interval:100 | always,
//           1 / 8 / 64 concurrent appenders (coroutines on one shard appending to one partition; with
//           `always` each waits for group commit before its next append, as a produce with acks=all does).
//   read:   sequential read of the whole log through log::read (1 MiB budget) vs pread of the same bytes.
// Output: one table row per scenario with MB/s, records/s, fsyncs and the ratio to the baseline, and the
// "cpu ratio": the same comparison in bytes per CPU second of the thread doing the work (the shard for
// eddy, the loop's thread for the baseline), which other load on a shared machine barely moves. It leaves
// out the blocking pool (fsyncs), so it means most for `never` and for reads.
// --sizes, --policies, --appenders and --no-read narrow the run to some scenarios (profiling).
// --control runs the baseline loop in eddy's place (append scenarios only): the ratio should be 1.00, and
// how far it strays is the measurement error on this machine. Without it, each record size's append rows
// end with one such control row (`never` x1) anyway, unless --no-control.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "bench/baseline.h"
#include "io/clock.h"
#include "io/file.h"
#include "runtime/blocking_pool.h"
#include "runtime/run_on.h"
#include "runtime/shard.h"
#include "runtime/wakeup.h"
#include "storage/group_commit.h"
#include "storage/log.h"
#include "storage/record_batch.h"

namespace eddy::bench {
namespace {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

struct options {
    std::string dir = "/tmp/eddy-log-bench";
    int runs = 3;
    uint64_t bytes_per_run = 256ull << 20;          // never / interval
    std::chrono::milliseconds always_time{3000};     // `always` runs are time-bounded instead
    std::vector<int> appenders{1, 8, 64};
    std::vector<size_t> record_sizes{100, 1024};
    std::vector<std::string> policies{"never", "interval:100", "always"};
    bool read = true;
    // Append scenarios compare the baseline loop with itself (a second file) instead of eddy: the ratio
    // this reports is the bench's own error on this machine.
    bool control = false;
    // After each record size's append scenarios, a `never` x1 row of the loop against itself (--no-control: none).
    bool control_row = true;
};

// A realistic producer batch: as many records of record_size as fit in ~16 KiB.
bytes make_batch(size_t record_size) {
    size_t n = std::max<size_t>(1, 16384 / (record_size + 20));
    std::vector<storage::record_input> recs(n);
    for (size_t i = 0; i < n; ++i) {
        recs[i].key = fmt::format("key-{:06}", i);
        recs[i].value = std::string(record_size - recs[i].key->size(), static_cast<char>('a' + i % 26));
        recs[i].timestamp = timestamp_ms{1'700'000'000'000 + static_cast<int64_t>(i)};
    }
    return storage::build_batch(recs);
}

size_t records_in(bytes_view batch) { return static_cast<size_t>(load_be<int32_t>(batch.data() + 57)); }

asio::awaitable<std::error_code> durable(storage::group_commit& gc, offset upto) {
    auto token = asio::as_tuple(asio::use_awaitable);
    auto [ec] = co_await asio::async_initiate<decltype(token), void(std::error_code)>(
        [&gc, upto](auto handler) {
            auto h = std::make_shared<decltype(handler)>(std::move(handler));
            gc.request(upto, [h](result<void> r) { (*h)(r ? std::error_code{} : r.error().code); });
        },
        token);
    co_return ec;
}

struct run_result {
    throughput t;
    uint64_t fsyncs = 0;
};

// One append scenario on shard 0 of `shards`.
run_result run_eddy_append(runtime::shard_set& shards, runtime::blocking_pool& pool, const options& opt,
                           bytes_view batch, storage::flush_policy policy, int appenders) {
    auto fs = io::make_posix_filesystem();
    storage::log_config cfg;
    cfg.flush = policy;
    cfg.max_message_bytes = 1 << 20;
    auto& sh = shards.at(shard_id{0});
    bool timed = policy.mode == storage::flush_policy::kind::always;
    return runtime::block_on(sh, [&]() -> asio::awaitable<run_result> {
        std::filesystem::remove_all(opt.dir + "/log");
        auto l = storage::log::open(*fs, io::system_clock(), opt.dir + "/log", cfg);
        if (!l) throw std::runtime_error(l.error().message());
        auto hooks = pool.hooks_for(sh.executor());
        storage::group_commit gc(**l, hooks.run_blocking, hooks.post_back);
        uint64_t target = opt.bytes_per_run;
        auto deadline = steady::now() + (timed ? opt.always_time : std::chrono::milliseconds(60000));
        run_result res;
        int live = appenders;
        runtime::wakeup all_done(sh.executor());
        const double cpu0 = thread_cpu_seconds();
        auto start = steady::now();
        for (int a = 0; a < appenders; ++a) {
            asio::co_spawn(sh.executor(), [&]() -> asio::awaitable<void> {
                // Each producer appends its own buffer in place, as the Kafka server does with the
                // request it received (only the base offset is patched, outside the CRC).
                bytes mine(batch.begin(), batch.end());
                // The clock is read every 16th append, as the baseline loop does, unless each append waits
                // for an fsync anyway (then overshooting the deadline by 16 fsyncs would skew the result).
                auto in_time = [&] { return (!timed && (res.t.ops & 15) != 0) || steady::now() < deadline; };
                while (res.t.bytes < target && in_time()) {
                    auto r = (*l)->append_in_place(mine);
                    if (!r) throw std::runtime_error(r.error().message());
                    res.t.bytes += batch.size();
                    ++res.t.ops;
                    if (timed) {
                        if (auto ec = co_await durable(gc, r->last + 1)) throw std::system_error(ec);
                    } else if ((*l)->flush_due() && !gc.in_flight()) {
                        // As the shard's flush timer would: start a background fsync, and let the loop
                        // run so it actually starts (the fsync itself runs on the blocking pool).
                        gc.request((*l)->log_end_offset(), [](result<void>) {});
                        co_await asio::post(sh.executor(), asio::use_awaitable);
                    }
                }
                if (--live == 0) all_done.notify();
            }, asio::detached);
        }
        co_await all_done.wait();
        res.t.seconds = std::chrono::duration<double>(steady::now() - start).count();
        res.t.cpu_seconds = thread_cpu_seconds() - cpu0;
        // Let an interval flush in flight finish before the log goes away.
        while (gc.in_flight()) co_await durable(gc, (*l)->log_end_offset());
        res.fsyncs = gc.fsyncs();
        (void)(*l)->close();
        co_return res;
    });
}

throughput run_eddy_read(runtime::shard_set& shards, const options& opt) {
    auto fs = io::make_posix_filesystem();
    storage::log_config cfg;
    cfg.flush.mode = storage::flush_policy::kind::never;
    return runtime::block_on(shards.at(shard_id{0}), [&]() {
        auto l = storage::log::open(*fs, io::system_clock(), opt.dir + "/log", cfg);
        if (!l) throw std::runtime_error(l.error().message());
        throughput t;
        const double cpu0 = thread_cpu_seconds();
        auto start = steady::now();
        offset at = (*l)->log_start_offset();
        while (at < (*l)->log_end_offset()) {
            auto r = (*l)->read(at, 1 << 20);
            if (!r) throw std::runtime_error(r.error().message());
            t.bytes += r->data.size();
            ++t.ops;
            at = r->next_offset;
        }
        t.seconds = std::chrono::duration<double>(steady::now() - start).count();
        t.cpu_seconds = thread_cpu_seconds() - cpu0;
        (void)(*l)->close();
        return t;
    });
}

struct paired {
    run_result eddy;        // the median eddy run
    run_result baseline;    // the median baseline run
    double ratio = 0;       // median of the per-pair MB/s ratios
    double cpu_ratio = 0;   // median of the per-pair ratios of bytes per CPU second of the working thread
};

// Runs eddy and the baseline alternately, `runs` pairs: on a shared machine the load drifts, and a pair
// taken back to back sees about the same share of the CPU, so the ratio is the median of per-pair ratios.
// Which one goes first alternates from pair to pair (eddy, base, base, eddy, ...): on this kind of VM the
// first run of a pair measurably pays more kernel time for the same writes (the baseline against itself,
// --control, shows it), so a fixed order would bias every pair the same way.
template <typename E, typename B>
paired side_by_side(int runs, E eddy, B baseline) {
    std::vector<run_result> es, bs;
    std::vector<double> ratios, cpu_ratios;
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0; };
    for (int i = 0; i < runs; ++i) {
        if (i % 2 == 0) {
            es.push_back(eddy());
            bs.push_back(baseline());
        } else {
            bs.push_back(baseline());
            es.push_back(eddy());
        }
        ratios.push_back(ratio(es.back().t.mb_per_s(), bs.back().t.mb_per_s()));
        cpu_ratios.push_back(ratio(es.back().t.bytes_per_cpu_s(), bs.back().t.bytes_per_cpu_s()));
    }
    auto median = [](std::vector<run_result> rs) {
        std::sort(rs.begin(), rs.end(), [](auto& a, auto& b) { return a.t.mb_per_s() < b.t.mb_per_s(); });
        return rs[rs.size() / 2];
    };
    std::sort(ratios.begin(), ratios.end());
    std::sort(cpu_ratios.begin(), cpu_ratios.end());
    return {median(es), median(bs), ratios[ratios.size() / 2], cpu_ratios[cpu_ratios.size() / 2]};
}

void print_row(const std::string& name, const paired& p, size_t recs_per_batch) {
    const auto& e = p.eddy;
    double recs = e.t.seconds > 0 ? static_cast<double>(e.t.ops * recs_per_batch) / e.t.seconds : 0;
    double per_fsync = e.fsyncs ? static_cast<double>(e.t.bytes) / static_cast<double>(e.fsyncs) / 1024 : 0;
    fmt::print("| {:<34} | {:>9.1f} | {:>11.0f} | {:>7} | {:>10.1f} | {:>9.1f} | {:>5.2f} | {:>9.2f} |\n", name,
               e.t.mb_per_s(), recs, e.fsyncs, per_fsync, p.baseline.t.mb_per_s(), p.ratio, p.cpu_ratio);
    std::fflush(stdout);
}

int run(const options& opt) {
    std::filesystem::create_directories(opt.dir);
    runtime::shard_set shards(1, runtime::shard_options{.loop_lag_interval = std::chrono::milliseconds(0)});
    shards.start();
    runtime::blocking_pool pool(2);
    fmt::print("medians of {} runs, eddy and the baseline (hand-written pwrite loop of the same batches) "
               "alternating; ratio = median of the per-pair ratios\n\n",
               opt.runs);
    fmt::print("| {:<34} | {:>9} | {:>11} | {:>7} | {:>10} | {:>9} | {:>5} | {:>9} |\n", "scenario", "MB/s",
               "records/s", "fsyncs", "KiB/fsync", "base MB/s", "ratio", "cpu ratio");
    fmt::print("|{:-<36}|{:->11}|{:->13}|{:->9}|{:->12}|{:->11}|{:->7}|{:->11}|\n", "", "", "", "", "", "", "", "");
    std::string base_path = opt.dir + "/baseline.dat";
    for (size_t size : opt.record_sizes) {
        bytes batch = make_batch(size);
        size_t recs = records_in(batch);
        const auto never = *storage::flush_policy::parse("never");
        // One append scenario: eddy against the loop, or (control) the loop against itself.
        auto append_scenario = [&](const storage::flush_policy& policy, int a, bool control) {
            bool always = policy.mode == storage::flush_policy::kind::always;
            // Baseline: never = no fdatasync; interval = every 100 ms; always = one fdatasync per `a`
            // batches (what perfect group commit of `a` appenders could do).
            auto base_run = [&](const std::string& path) {
                run_result r;
                r.t = baseline_write(path, batch, opt.bytes_per_run, always ? static_cast<uint32_t>(a) : 0,
                                     policy.mode == storage::flush_policy::kind::interval ? 100 : 0,
                                     always ? opt.always_time : std::chrono::milliseconds(60000));
                return r;
            };
            // Every run starts by deleting what the runs before it wrote, both sides' files: the run then
            // writes into the page cache pages the previous run (of either side) just freed. Deleting only
            // its own file let each side recycle its own pool of pages for a whole invocation, and on this
            // VM two such pools can differ by 10% in pwrite cost (see docs/benchmarks.md).
            auto fresh = [&] {
                std::filesystem::remove_all(opt.dir + "/log");
                std::filesystem::remove(base_path);
                std::filesystem::remove(opt.dir + "/control.dat");
            };
            return side_by_side(
                opt.runs,
                [&] {
                    fresh();
                    return control ? base_run(opt.dir + "/control.dat")
                                   : run_eddy_append(shards, pool, opt, batch, policy, a);
                },
                [&] {
                    fresh();
                    return base_run(base_path);
                });
        };
        for (const auto& pol : opt.policies) {
            auto policy = *storage::flush_policy::parse(pol);
            for (int a : opt.appenders)
                print_row(fmt::format("append {}B {} x{}", size, pol, a), append_scenario(policy, a, opt.control), recs);
        }
        // The bench's own error at this moment, printed with the results it qualifies.
        if (opt.control_row && !opt.control)
            print_row(fmt::format("control {}B never x1 (loop/loop)", size),
                      append_scenario(never, 1, true), recs);
        if (!opt.read) continue;
        // Read back what the last `never` run left behind? The last run was `always`; write a fresh log.
        std::filesystem::remove(base_path);
        (void)run_eddy_append(shards, pool, opt, batch, never, 1);
        // The loop reads the log's own segment files: the same bytes in the same page-cache pages. Two
        // files written separately sit in different physical pages, and on this VM that alone moved the
        // ratio by up to 2x from one invocation to the next (see docs/benchmarks.md).
        std::vector<std::string> segment_files;
        for (auto& e : std::filesystem::directory_iterator(opt.dir + "/log"))
            if (e.path().extension() == ".log") segment_files.push_back(e.path().string());
        std::sort(segment_files.begin(), segment_files.end());  // zero-padded base offsets: log order
        auto read_segments = [&] {
            throughput sum;
            for (auto& f : segment_files) {
                auto t = baseline_read(f, 1 << 20);
                sum.bytes += t.bytes;
                sum.ops += t.ops;
                sum.seconds += t.seconds;
                sum.cpu_seconds += t.cpu_seconds;
            }
            return sum;
        };
        (void)run_eddy_read(shards, opt);  // warm the page cache
        (void)read_segments();
        auto p = side_by_side(
            opt.runs, [&] { return run_result{run_eddy_read(shards, opt), 0}; },
            [&] { return run_result{read_segments(), 0}; });
        print_row(fmt::format("read {}B sequential (page cache)", size), p, recs);
    }
    pool.stop();
    shards.stop();
    std::filesystem::remove_all(opt.dir);
    return 0;
}

}  // namespace
}  // namespace eddy::bench

namespace {

// "a,b,c" -> {parse("a"), parse("b"), parse("c")}
template <typename T, typename F>
std::vector<T> split(const std::string& list, F parse) {
    std::vector<T> out;
    size_t from = 0;
    while (from <= list.size()) {
        size_t comma = std::min(list.find(',', from), list.size());
        std::string item = list.substr(from, comma - from);
        if (!item.empty()) out.push_back(parse(item));
        from = comma + 1;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    eddy::bench::options opt;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--dir") opt.dir = next();
        else if (a == "--runs") opt.runs = std::stoi(next());
        else if (a == "--mib") opt.bytes_per_run = std::stoull(next()) << 20;
        else if (a == "--always-ms") opt.always_time = std::chrono::milliseconds(std::stoi(next()));
        else if (a == "--sizes") opt.record_sizes = split<size_t>(next(), [](auto& v) { return std::stoul(v); });
        else if (a == "--appenders") opt.appenders = split<int>(next(), [](auto& v) { return std::stoi(v); });
        else if (a == "--policies") opt.policies = split<std::string>(next(), [](auto& v) { return v; });
        else if (a == "--no-read") opt.read = false;
        else if (a == "--no-control") opt.control_row = false;
        else if (a == "--control") {
            opt.control = true;
            opt.read = false;
        }
        else if (a == "--quick") {
            opt.runs = 1;
            opt.bytes_per_run = 32ull << 20;
            opt.always_time = std::chrono::milliseconds(500);
        } else {
            fmt::print(stderr, "usage: eddy_log_bench [--dir D] [--runs N] [--mib M] [--always-ms T] [--quick]\n"
                               "                      [--sizes 100,1024] [--policies never,interval:100,always]\n"
                               "                      [--appenders 1,8,64] [--no-read] [--control] [--no-control]\n");
            return 2;
        }
    }
    return eddy::bench::run(opt);
}
