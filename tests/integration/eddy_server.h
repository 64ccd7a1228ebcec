// A running `eddy serve` for integration tests: a private data directory, free loopback ports, a bounded
// wait for readiness (the ready log line, then the Kafka port accepting connections), and the ways a
// test mistreats a server: SIGKILL, SIGTERM, SIGSTOP/SIGCONT and restart on the same ports and data.
// Also a shell runner for third-party client tools (kcat, node) with a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "child_process.h"

namespace eddy::testing {

// A fresh directory under /tmp, removed with everything in it on destruction.
class scratch_dir {
public:
    scratch_dir();
    ~scratch_dir();
    scratch_dir(const scratch_dir&) = delete;
    scratch_dir& operator=(const scratch_dir&) = delete;
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
};

// A loopback TCP port that was free a moment ago (bound to port 0, then released).
[[nodiscard]] uint16_t free_port();
// Whether something accepts TCP connections on 127.0.0.1:port.
[[nodiscard]] bool port_accepts(uint16_t port);

class eddy_server {
public:
    struct options {
        uint32_t smp = 1;
        std::vector<std::string> extra_args;  // appended to the serve command line
    };

    explicit eddy_server(options opts);
    eddy_server() : eddy_server(options{}) {}
    ~eddy_server();

    // Starts the server (again, after a kill or stop) on the same data directory and ports and waits
    // until the Kafka port accepts connections. Returns false, with the output in log(), on timeout.
    [[nodiscard]] bool start(std::chrono::milliseconds deadline = std::chrono::seconds(20));
    // SIGKILL and reap: a crash, no shutdown code runs.
    void kill9();
    // SIGTERM and wait for the exit code (nullopt if it did not exit in time).
    std::optional<int> terminate(std::chrono::milliseconds deadline = std::chrono::seconds(15));
    void pause() const;   // SIGSTOP
    void resume() const;  // SIGCONT

    [[nodiscard]] bool running() const { return proc_ != nullptr; }
    [[nodiscard]] std::string bootstrap() const { return "127.0.0.1:" + std::to_string(kafka_port_); }
    [[nodiscard]] uint16_t kafka_port() const { return kafka_port_; }
    [[nodiscard]] uint16_t http_port() const { return http_port_; }
    [[nodiscard]] const std::string& data_dir() const { return dir_.path(); }
    // Output of the current (or last) server process.
    [[nodiscard]] std::string log() const;

private:
    options opts_;
    scratch_dir dir_;
    uint16_t kafka_port_;
    uint16_t http_port_;
    std::unique_ptr<child_process> proc_;
    std::string last_log_;
};

// Runs `/bin/sh -c command` with a deadline; returns (exit code, stdout+stderr). At the deadline the
// command and everything it started are killed and the exit code is -1.
[[nodiscard]] std::pair<int, std::string> run_shell(const std::string& command,
                                                    std::chrono::milliseconds deadline = std::chrono::seconds(60));

// Single-quotes s for the shell.
[[nodiscard]] std::string shell_quote(const std::string& s);

}  // namespace eddy::testing
