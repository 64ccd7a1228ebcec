#include "app/serve.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "app/data_dir.h"
#include "app/http_wiring.h"
#include "app/kafka_wiring.h"
#include "app/runtime_metrics.h"
#include "base/log.h"
#include "config/config_file.h"
#include "io/clock.h"
#include "io/file.h"
#include "observability/current_shard.h"
#include "observability/metric_registry.h"
#include "observability/process_metrics.h"
#include "runtime/blocking_pool.h"
#include "runtime/run_on.h"
#include "runtime/service.h"
#include "runtime/shard.h"

namespace eddy::app {
namespace {

constexpr log::logger app_log{"eddy"};
constexpr size_t blocking_threads = 4;
constexpr std::chrono::seconds shutdown_deadline{30};

// If shutdown hangs (a service that never drains), exit anyway rather than ignore the operator.
class shutdown_watchdog {
public:
    explicit shutdown_watchdog(std::chrono::seconds deadline)
        : thread_([this, deadline] {
              std::unique_lock lk(mu_);
              if (!cv_.wait_for(lk, deadline, [this] { return done_; })) {
                  app_log.error("shutdown did not finish within {} s; exiting", deadline.count());
                  ::_exit(1);
              }
          }) {}
    ~shutdown_watchdog() {
        {
            std::lock_guard lk(mu_);
            done_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;
    std::thread thread_;
};

// Blocks SIGINT and SIGTERM in this thread and every thread it creates later, so they are delivered
// only through sigwait() below, never to a shard in the middle of its work.
sigset_t block_shutdown_signals() {
    ::signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    return set;
}

result<config::server_config> load_config(const cli::parsed_args& args) {
    std::vector<config::setting> file;
    std::vector<config::flag_value> flags;
    for (const auto& [name, value] : args.flags) {
        if (name == "config") {
            EDDY_TRY_ASSIGN(file, config::read_config_file(value));
        } else {
            flags.push_back(config::flag_value{name, value});
        }
    }
    return config::load_server_config(file, flags);
}

std::string absolute(const std::string& dir) {
    std::error_code ec;
    auto p = std::filesystem::absolute(dir, ec);
    return ec ? dir : p.lexically_normal().string();
}

}  // namespace

cli::command serve_command() {
    std::vector<cli::flag_spec> flags;
    for (const auto& o : config::server_options()) {
        flags.push_back(cli::flag_spec{std::string(o.flag), std::string(o.value_name),
                                       fmt::format("{} (default: {})", o.help, o.show(config::server_config{}))});
    }
    flags.push_back(cli::flag_spec{"config", "FILE", "config file; flags override it (see docs/configuration.md)"});
    return cli::command{
        .name = "serve",
        .summary = "run the eddy server (Kafka API, HTTP) on a data directory",
        .usage = "eddy serve [--data-dir DIR] [--kafka-addr HOST:PORT] [--http-addr HOST:PORT] [--smp N] "
                 "[--config FILE] [flags]",
        .flags = std::move(flags),
        .takes_positional = false,
        .run = [](const cli::parsed_args& args) {
            auto cfg = load_config(args);
            if (!cfg) {
                fmt::print(stderr, "eddy serve: {}\n", cfg.error().message());
                return cli::exit_usage;
            }
            return serve(*cfg);
        },
    };
}

int serve(const config::server_config& cfg) {
    log::set_level(cfg.log_level);
    auto signals = block_shutdown_signals();
    auto lock = data_dir_lock::acquire(cfg.data_dir);
    if (!lock) {
        app_log.error("cannot start: {}", lock.error().message());
        return cli::exit_failure;
    }
    // Declaration order is destruction order in reverse: services, then the pool, then the shards and
    // the file system they use. The broker recovers every partition on its owning shard in start_all.
    // Every shard thread writes its own slot of each metric (observability/current_shard.h).
    observability::metric_registry registry(cfg.smp);
    auto process = observability::process_metrics::register_in(registry);
    if (!process) app_log.warn("process metrics unavailable: {}", process.error().message());
    runtime::shard_options shard_opts;
    shard_opts.on_thread_start = [](shard_id id) { observability::set_current_shard(id); };
    if (auto lag = register_loop_lag_metrics(registry, cfg.smp)) {
        shard_opts.on_lag = std::move(*lag);
    } else {
        app_log.warn("loop lag metrics unavailable: {}", lag.error().message());
    }
    auto fs = io::make_posix_filesystem();
    runtime::shard_set shards(cfg.smp, std::move(shard_opts));
    shards.start();
    runtime::blocking_pool pool(blocking_threads);
    runtime::service_registry services;
    http::readiness ready;
    auto kafka = add_kafka_services(services, cfg, shards, pool, *fs, io::system_clock(), registry);
    add_http_services(services, cfg, shards, pool, registry, ready, kafka);

    auto& control = shards.at(shard_id{0});
    auto started = runtime::block_on(control, [&services] { return services.start_all(); });
    if (!started) {
        app_log.error("cannot start: {}", started.error().message());
        pool.stop();
        shards.stop();
        return cli::exit_failure;
    }
    ready.ready.store(true, std::memory_order_release);
    app_log.info("eddy ready: data_dir={} smp={} kafka_addr={} http_addr={} pid={}", absolute(cfg.data_dir), cfg.smp,
                 cfg.kafka_addr.to_string(), cfg.http_addr.to_string(), ::getpid());

    int sig = 0;
    sigwait(&signals, &sig);
    auto t0 = std::chrono::steady_clock::now();
    app_log.info("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    shutdown_watchdog watchdog(shutdown_deadline);
    ready.ready.store(false, std::memory_order_release);
    runtime::block_on(control, [&services] { return services.stop_all(); });
    pool.stop();
    shards.stop();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    app_log.info("eddy stopped in {} ms", ms);
    return cli::exit_ok;
}

}  // namespace eddy::app
