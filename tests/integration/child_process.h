// A child process for integration tests: spawns a binary with its stdout and stderr in one pipe, and
// waits for output or exit with deadlines (never by sleeping).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace eddy::testing {

class child_process {
public:
    using clock = std::chrono::steady_clock;

    // Starts path with args (argv[1..]). Aborts the test binary if fork/exec plumbing fails.
    child_process(const std::string& path, const std::vector<std::string>& args);
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;
    // Kills (SIGKILL) and reaps the child if it is still running.
    ~child_process();

    // Reads output until it contains needle or the deadline passes; returns whether it appeared.
    bool wait_for_output(const std::string& needle, std::chrono::milliseconds timeout);
    // Waits for the child to exit (reading its output meanwhile); returns the exit code, or nullopt on
    // timeout. A child killed by a signal reports 128 + signal.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);

    void signal(int sig) const;
    [[nodiscard]] const std::string& output() const { return output_; }
    [[nodiscard]] pid_t pid() const { return pid_; }

private:
    // Reads what is available within the remaining time; false once the pipe is at EOF.
    bool read_some(clock::time_point deadline);

    pid_t pid_ = -1;
    int out_fd_ = -1;
    bool eof_ = false;
    std::optional<int> exit_code_;
    std::string output_;
};

}  // namespace eddy::testing
