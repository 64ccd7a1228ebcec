#include "bench/baseline.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace eddy::bench {
namespace {

[[noreturn]] void die(const char* what, const std::string& path) {
    std::perror((std::string(what) + " " + path).c_str());
    std::exit(1);
}

}  // namespace

throughput baseline_write(const std::string& path, bytes_view batch, uint64_t total_bytes, uint32_t sync_every,
                          uint32_t interval_ms, std::chrono::steady_clock::duration deadline) {
    using clock = std::chrono::steady_clock;
    ::unlink(path.c_str());
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) die("open", path);
    throughput t;
    const double cpu0 = thread_cpu_seconds();
    auto start = clock::now();
    auto last_sync = start;
    uint64_t pos = 0;
    uint32_t since_sync = 0;
    while (t.bytes < total_bytes) {
        if (::pwrite(fd, batch.data(), batch.size(), static_cast<off_t>(pos)) != static_cast<ssize_t>(batch.size()))
            die("pwrite", path);
        pos += batch.size();
        t.bytes += batch.size();
        ++t.ops;
        ++since_sync;
        bool sync = sync_every > 0 && since_sync >= sync_every;
        if (interval_ms > 0 && (t.ops & 63) == 0) {
            auto now = clock::now();
            if (now - last_sync >= std::chrono::milliseconds(interval_ms)) {
                sync = true;
                last_sync = now;
            }
        }
        if (sync) {
            if (::fdatasync(fd) != 0) die("fdatasync", path);
            since_sync = 0;
        }
        if ((t.ops & 15) == 0 && clock::now() - start > deadline) break;
    }
    t.seconds = std::chrono::duration<double>(clock::now() - start).count();
    t.cpu_seconds = thread_cpu_seconds() - cpu0;
    // Untimed, as eddy's log::close syncs its files after the timed loop: both runs leave their file
    // written out, so the next run of either starts from the same state of the file system (a dirty file
    // left behind makes the following run's writes measurably cheaper).
    if (::fdatasync(fd) != 0) die("fdatasync", path);
    ::close(fd);
    return t;
}

throughput baseline_read(const std::string& path, size_t chunk) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) die("open", path);
    bytes buf(chunk);
    throughput t;
    const double cpu0 = thread_cpu_seconds();
    auto start = std::chrono::steady_clock::now();
    uint64_t pos = 0;
    for (;;) {
        ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(pos));
        if (n < 0) die("pread", path);
        if (n == 0) break;
        pos += static_cast<uint64_t>(n);
        t.bytes += static_cast<uint64_t>(n);
        ++t.ops;
    }
    t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    t.cpu_seconds = thread_cpu_seconds() - cpu0;
    ::close(fd);
    return t;
}

}  // namespace eddy::bench
