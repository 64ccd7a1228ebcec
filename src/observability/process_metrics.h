// The standard Prometheus process_* metrics, read from /proc when scraped: CPU time, resident and
// virtual memory, open and maximum file descriptors, start time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "observability/metric_registry.h"

namespace eddy::observability {

// The fields of /proc/<pid>/stat that the process metrics use, converted to base units.
struct proc_stat {
    double cpu_seconds = 0;           // utime + stime
    uint64_t resident_bytes = 0;      // rss pages * page size
    uint64_t virtual_bytes = 0;       // vsize
    double start_since_boot_seconds = 0;
    uint64_t threads = 0;
};

// Parses the text of /proc/<pid>/stat. The command name may hold spaces and parentheses.
// REQUIRES: ticks_per_second > 0, page_size > 0.
[[nodiscard]] result<proc_stat> parse_proc_stat(std::string_view text, long ticks_per_second, long page_size);
// The boot time (seconds since the Unix epoch) from the "btime" line of /proc/stat.
[[nodiscard]] result<double> parse_boot_time(std::string_view proc_stat_text);

// Reads /proc/self/stat.
[[nodiscard]] result<proc_stat> read_self_stat();
// Entries of /proc/self/fd (the descriptor used to list it is not counted).
[[nodiscard]] result<size_t> count_open_fds();

// Keeps the process_* callbacks registered; they go away when this is destroyed.
class process_metrics {
public:
    // Registers process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
    // process_open_fds, process_max_fds and process_start_time_seconds. A /proc read that fails at scrape
    // time reports NaN for that sample.
    [[nodiscard]] static result<process_metrics> register_in(metric_registry& registry);

private:
    process_metrics() = default;
    callback_registration cpu_, resident_, virtual_, open_fds_, max_fds_, start_time_;
};

}  // namespace eddy::observability
