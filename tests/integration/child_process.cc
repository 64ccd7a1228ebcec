#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace eddy::testing {

child_process::child_process(const std::string& path, const std::vector<std::string>& args) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) std::abort();
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(path.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) std::abort();
    if (pid_ == 0) {
        // The child: only async-signal-safe calls until exec. Unblock signals the test runner may block.
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        ::dup2(fds[1], STDOUT_FILENO);
        ::dup2(fds[1], STDERR_FILENO);
        ::execv(path.c_str(), argv.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    out_fd_ = fds[0];
}

child_process::~child_process() {
    if (!exit_code_) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    if (out_fd_ >= 0) ::close(out_fd_);
}

bool child_process::read_some(clock::time_point deadline) {
    if (eof_) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    pollfd p{out_fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left < 0 ? 0 : left)) <= 0) return true;
    char buf[4096];
    auto n = ::read(out_fd_, buf, sizeof buf);
    if (n <= 0) {
        eof_ = true;
        return false;
    }
    output_.append(buf, static_cast<size_t>(n));
    return true;
}

bool child_process::wait_for_output(const std::string& needle, std::chrono::milliseconds timeout) {
    auto deadline = clock::now() + timeout;
    while (output_.find(needle) == std::string::npos && clock::now() < deadline) {
        if (!read_some(deadline)) break;
    }
    return output_.find(needle) != std::string::npos;
}

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout) {
    if (exit_code_) return exit_code_;
    auto deadline = clock::now() + timeout;
    // The pipe reaches EOF when the child (the only writer) exits.
    while (!eof_ && clock::now() < deadline) read_some(deadline);
    if (!eof_) return std::nullopt;
    int status = 0;
    if (::waitpid(pid_, &status, 0) != pid_) return std::nullopt;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
}

void child_process::signal(int sig) const { ::kill(pid_, sig); }

}  // namespace eddy::testing
