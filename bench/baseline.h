// Hand-written loops that mark the hardware limit for the log benchmarks: the same bytes written with
// plain pwrite (+ fdatasync) and read back with plain pread, with no log on top.
#pragma once

#include <time.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "bytes/bytes.h"

namespace eddy::bench {

struct throughput {
    uint64_t bytes = 0;
    uint64_t ops = 0;
    double seconds = 0;
    double cpu_seconds = 0;  // CPU time (user + system) of the thread that did the work
    [[nodiscard]] double mb_per_s() const { return seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0; }
    // Bytes per CPU second: unlike MB/s, barely moved by other load on a shared machine.
    [[nodiscard]] double bytes_per_cpu_s() const { return cpu_seconds > 0 ? static_cast<double>(bytes) / cpu_seconds : 0; }
};

// CPU time the calling thread has used so far.
inline double thread_cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Writes `batch` repeatedly into a fresh file at path until total_bytes are written (or the deadline).
// sync_every: 0 = never fdatasync (one after the timed loop is not counted), N = fdatasync after every N batches;
// interval_ms > 0 = fdatasync when that much time has passed since the last one.
throughput baseline_write(const std::string& path, bytes_view batch, uint64_t total_bytes, uint32_t sync_every,
                          uint32_t interval_ms, std::chrono::steady_clock::duration deadline);

// Reads the whole file at path sequentially with pread in chunk-sized pieces (page cache expected warm).
throughput baseline_read(const std::string& path, size_t chunk);

}  // namespace eddy::bench
