#include "eddy_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

namespace eddy::testing {

using namespace std::chrono_literals;

scratch_dir::scratch_dir() {
    char tmpl[] = "/tmp/eddy-kafka-it-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) std::abort();
    path_ = tmpl;
}

scratch_dir::~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

namespace {

sockaddr_in loopback(uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

}  // namespace

uint16_t free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) std::abort();
    auto a = loopback(0);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        std::abort();
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

bool port_accepts(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    auto a = loopback(port);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

eddy_server::eddy_server(options opts)
    : opts_(std::move(opts)), kafka_port_(free_port()), http_port_(free_port()) {}

eddy_server::~eddy_server() {
    if (proc_) kill9();
}

bool eddy_server::start(std::chrono::milliseconds deadline) {
    if (proc_) kill9();
    std::vector<std::string> args{"serve",
                                  "--data-dir", dir_.path(),
                                  "--kafka-addr", bootstrap(),
                                  "--http-addr", "127.0.0.1:" + std::to_string(http_port_),
                                  "--smp", std::to_string(opts_.smp)};
    args.insert(args.end(), opts_.extra_args.begin(), opts_.extra_args.end());
    proc_ = std::make_unique<child_process>(EDDY_BINARY, args);
    auto until = child_process::clock::now() + deadline;
    if (!proc_->wait_for_output("eddy ready", deadline)) return false;
    // The ready line is logged once every service started; poll the port too, in case the listener is
    // opened asynchronously. Polling with a short pause is bounded by the deadline.
    while (child_process::clock::now() < until) {
        if (port_accepts(kafka_port_)) return true;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

void eddy_server::kill9() {
    if (!proc_) return;
    proc_->signal(SIGKILL);
    (void)proc_->wait_exit(10s);
    last_log_ = proc_->output();
    proc_.reset();
}

std::optional<int> eddy_server::terminate(std::chrono::milliseconds deadline) {
    if (!proc_) return std::nullopt;
    proc_->signal(SIGTERM);
    auto code = proc_->wait_exit(deadline);
    last_log_ = proc_->output();
    if (!code) proc_->signal(SIGKILL);
    proc_.reset();
    return code;
}

void eddy_server::pause() const {
    if (proc_) proc_->signal(SIGSTOP);
}

void eddy_server::resume() const {
    if (proc_) proc_->signal(SIGCONT);
}

std::string eddy_server::log() const { return proc_ ? proc_->output() : last_log_; }

std::pair<int, std::string> run_shell(const std::string& command, std::chrono::milliseconds deadline) {
    // timeout(1) runs the command in its own process group and kills that whole group at the deadline,
    // so no client process outlives the test; the outer wait only guards against timeout itself hanging.
    auto secs = std::to_string((deadline.count() + 999) / 1000);
    child_process p("/usr/bin/timeout", {"-k", "2", secs, "/bin/sh", "-c", command});
    auto code = p.wait_exit(deadline + 5s);
    if (!code) return {-1, p.output() + "\n[did not exit]"};
    if (*code == 124 || *code == 128 + SIGKILL) return {-1, p.output() + "\n[timed out after " + secs + " s]"};
    return {*code, p.output()};
}

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

}  // namespace eddy::testing
