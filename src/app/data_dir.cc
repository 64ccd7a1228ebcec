#include "app/data_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <utility>

#include "app/errc.h"
#include "io/file.h"

namespace eddy::app {
namespace {

// The pid recorded in an open LOCK file, or 0.
long read_pid(int fd) {
    char buf[32] = {};
    auto n = ::pread(fd, buf, sizeof buf - 1, 0);
    long pid = 0;
    if (n > 0) std::from_chars(buf, buf + n, pid);
    return pid;
}

}  // namespace

result<data_dir_lock> data_dir_lock::acquire(const std::string& dir) {
    auto fs = io::make_posix_filesystem();
    if (auto r = fs->create_directories(dir); !r) {
        return make_error(errc::data_dir_invalid, "cannot create data directory {}: {}", dir, r.error().message());
    }
    auto path = io::join_path(dir, "LOCK");
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return make_errno_error(errno, "cannot open {}", path);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        long holder = err == EWOULDBLOCK ? read_pid(fd) : 0;
        ::close(fd);
        if (err != EWOULDBLOCK) return make_errno_error(err, "cannot lock {}", path);
        if (holder > 0) return make_error(errc::data_dir_locked, "data directory {} (held by pid {})", dir, holder);
        return make_error(errc::data_dir_locked, "data directory {}", dir);
    }
    auto pid = fmt::format("{}\n", ::getpid());
    // The pid is only a hint for the error message above, so failing to write it is not fatal.
    [[maybe_unused]] bool wrote = ::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid.data(), pid.size(), 0) >= 0;
    return data_dir_lock(dir, fd);
}

data_dir_lock::data_dir_lock(data_dir_lock&& o) noexcept : dir_(std::move(o.dir_)), fd_(std::exchange(o.fd_, -1)) {}

data_dir_lock& data_dir_lock::operator=(data_dir_lock&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        dir_ = std::move(o.dir_);
        fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
}

data_dir_lock::~data_dir_lock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace eddy::app
