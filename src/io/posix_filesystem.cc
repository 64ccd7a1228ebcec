// The real file system. Every call maps to one or a few POSIX calls; EINTR is retried.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "io/file.h"

namespace eddy::io {
namespace {

class posix_file final : public file {
public:
    posix_file(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
    ~posix_file() override { ::close(fd_); }
    posix_file(const posix_file&) = delete;
    posix_file& operator=(const posix_file&) = delete;

    result<size_t> read_at(uint64_t pos, mutable_bytes_view out) override {
        size_t done = 0;
        while (done < out.size()) {
            ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(pos + done));
            if (n < 0) {
                if (errno == EINTR) continue;
                return make_errno_error(errno, "pread {} at {}", path_, pos + done);
            }
            if (n == 0) break;
            done += static_cast<size_t>(n);
        }
        return done;
    }

    result<void> write_at(uint64_t pos, bytes_view data) override {
        size_t done = 0;
        while (done < data.size()) {
            ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(pos + done));
            if (n < 0) {
                if (errno == EINTR) continue;
                return make_errno_error(errno, "pwrite {} at {}", path_, pos + done);
            }
            done += static_cast<size_t>(n);
        }
        return {};
    }

    result<void> sync() override {
        while (::fdatasync(fd_) != 0) {
            if (errno != EINTR) return make_errno_error(errno, "fdatasync {}", path_);
        }
        return {};
    }

    result<void> truncate(uint64_t size) override {
        while (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
            if (errno != EINTR) return make_errno_error(errno, "ftruncate {} to {}", path_, size);
        }
        return {};
    }

    result<uint64_t> size() override {
        struct stat st {};
        if (::fstat(fd_, &st) != 0) return make_errno_error(errno, "fstat {}", path_);
        return static_cast<uint64_t>(st.st_size);
    }

    int native_handle() const override { return fd_; }

private:
    int fd_;
    std::string path_;
};

class posix_filesystem final : public filesystem {
public:
    result<std::unique_ptr<file>> open(const std::string& path, open_mode mode) override {
        int flags = O_CLOEXEC;
        switch (mode) {
        case open_mode::read_only: flags |= O_RDONLY; break;
        case open_mode::read_write: flags |= O_RDWR; break;
        case open_mode::create: flags |= O_RDWR | O_CREAT; break;
        case open_mode::create_new: flags |= O_RDWR | O_CREAT | O_EXCL; break;
        }
        int fd;
        do {
            fd = ::open(path.c_str(), flags, 0644);
        } while (fd < 0 && errno == EINTR);
        if (fd < 0) return make_errno_error(errno, "open {}", path);
        return std::make_unique<posix_file>(fd, path);
    }

    result<std::vector<std::string>> list(const std::string& dir) override {
        DIR* d = ::opendir(dir.c_str());
        if (d == nullptr) return make_errno_error(errno, "opendir {}", dir);
        std::vector<std::string> names;
        while (struct dirent* e = ::readdir(d)) {
            std::string_view n(e->d_name);
            if (n != "." && n != "..") names.emplace_back(n);
        }
        ::closedir(d);
        return names;
    }

    result<void> create_directories(const std::string& dir) override {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec) return make_error(ec, "create_directories " + dir);
        return {};
    }

    result<void> remove(const std::string& path) override {
        if (::remove(path.c_str()) != 0) return make_errno_error(errno, "remove {}", path);
        return {};
    }

    result<void> remove_all(const std::string& path) override {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
        if (ec) return make_error(ec, "remove_all " + path);
        return {};
    }

    result<void> rename(const std::string& from, const std::string& to) override {
        if (::rename(from.c_str(), to.c_str()) != 0) return make_errno_error(errno, "rename {} -> {}", from, to);
        return {};
    }

    result<bool> exists(const std::string& path) override {
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0) return true;
        if (errno == ENOENT) return false;
        return make_errno_error(errno, "stat {}", path);
    }

    result<void> sync_directory(const std::string& dir) override {
        int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) return make_errno_error(errno, "open dir {}", dir);
        int rc = ::fsync(fd);
        int err = errno;
        ::close(fd);
        if (rc != 0) return make_errno_error(err, "fsync dir {}", dir);
        return {};
    }
};

}  // namespace

std::unique_ptr<filesystem> make_posix_filesystem() { return std::make_unique<posix_filesystem>(); }

std::string join_path(std::string_view a, std::string_view b) {
    std::string out(a);
    if (!out.empty() && out.back() != '/') out.push_back('/');
    while (!b.empty() && b.front() == '/') b.remove_prefix(1);
    out.append(b);
    return out;
}

}  // namespace eddy::io
