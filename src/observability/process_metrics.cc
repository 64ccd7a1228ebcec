#include "observability/process_metrics.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

#include "observability/errc.h"

namespace eddy::observability {
namespace {

result<std::string> read_proc_file(const char* path) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return make_errno_error(errno, "open {}", path);
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            ::close(fd);
            return make_errno_error(err, "read {}", path);
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
}

template <typename T>
bool parse_number(std::string_view s, T& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

std::vector<std::string_view> split_spaces(std::string_view s) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\n')) ++i;
        size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != '\n') ++j;
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

double or_nan(const result<double>& r) { return r ? *r : std::numeric_limits<double>::quiet_NaN(); }

result<double> max_fds() {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return make_errno_error(errno, "getrlimit");
    if (rl.rlim_cur == RLIM_INFINITY) return std::numeric_limits<double>::infinity();
    return static_cast<double>(rl.rlim_cur);
}

}  // namespace

result<proc_stat> parse_proc_stat(std::string_view text, long ticks_per_second, long page_size) {
    // Fields after the command name, which ends at the last ')': field 3 (state) is index 0.
    size_t close = text.rfind(')');
    if (close == std::string_view::npos) return make_error(errc::proc_parse_failed, "stat: no command name");
    auto f = split_spaces(text.substr(close + 1));
    constexpr size_t utime = 11, stime = 12, threads = 17, starttime = 19, vsize = 20, rss = 21;
    if (f.size() <= rss) return make_error(errc::proc_parse_failed, "stat: {} fields", f.size());
    uint64_t ut = 0, st = 0, th = 0, start = 0, vs = 0;
    int64_t rss_pages = 0;  // signed in the kernel's format
    if (!parse_number(f[utime], ut) || !parse_number(f[stime], st) || !parse_number(f[threads], th) ||
        !parse_number(f[starttime], start) || !parse_number(f[vsize], vs) || !parse_number(f[rss], rss_pages)) {
        return make_error(errc::proc_parse_failed, "stat: non-numeric field");
    }
    proc_stat out;
    const auto tps = static_cast<double>(ticks_per_second);
    out.cpu_seconds = static_cast<double>(ut + st) / tps;
    out.start_since_boot_seconds = static_cast<double>(start) / tps;
    out.threads = th;
    out.virtual_bytes = vs;
    out.resident_bytes = rss_pages > 0 ? static_cast<uint64_t>(rss_pages) * static_cast<uint64_t>(page_size) : 0;
    return out;
}

result<double> parse_boot_time(std::string_view text) {
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        if (line.starts_with("btime ")) {
            uint64_t v = 0;
            if (!parse_number(line.substr(6), v)) return make_error(errc::proc_parse_failed, "btime '{}'", line);
            return static_cast<double>(v);
        }
        pos = end + 1;
    }
    return make_error(errc::proc_parse_failed, "/proc/stat has no btime");
}

result<proc_stat> read_self_stat() {
    EDDY_TRY_ASSIGN(std::string text, read_proc_file("/proc/self/stat"));
    return parse_proc_stat(text, ::sysconf(_SC_CLK_TCK), ::sysconf(_SC_PAGESIZE));
}

result<size_t> count_open_fds() {
    DIR* dir = ::opendir("/proc/self/fd");
    if (dir == nullptr) return make_errno_error(errno, "opendir /proc/self/fd");
    size_t n = 0;
    while (dirent* e = ::readdir(dir)) {
        if (e->d_name[0] != '.') ++n;
    }
    ::closedir(dir);
    return n > 0 ? n - 1 : 0;  // the directory's own descriptor
}

result<process_metrics> process_metrics::register_in(metric_registry& registry) {
    EDDY_TRY_ASSIGN(std::string stat_text, read_proc_file("/proc/stat"));
    EDDY_TRY_ASSIGN(double boot, parse_boot_time(stat_text));
    EDDY_TRY_ASSIGN(proc_stat self, read_self_stat());
    const double start_time = boot + self.start_since_boot_seconds;

    auto stat_field = [](auto field) {
        return [field] {
            auto s = read_self_stat();
            return s ? static_cast<double>((*s).*field) : std::numeric_limits<double>::quiet_NaN();
        };
    };
    process_metrics m;
    EDDY_TRY_ASSIGN(auto cpu, registry.add_callback_counter("process_cpu_seconds_total",
                                                             "Total user and system CPU time spent in seconds."));
    m.cpu_ = cpu.add({}, stat_field(&proc_stat::cpu_seconds));
    EDDY_TRY_ASSIGN(auto rss, registry.add_callback_gauge("process_resident_memory_bytes",
                                                          "Resident memory size in bytes."));
    m.resident_ = rss.add({}, stat_field(&proc_stat::resident_bytes));
    EDDY_TRY_ASSIGN(auto vm, registry.add_callback_gauge("process_virtual_memory_bytes",
                                                         "Virtual memory size in bytes."));
    m.virtual_ = vm.add({}, stat_field(&proc_stat::virtual_bytes));
    EDDY_TRY_ASSIGN(auto fds, registry.add_callback_gauge("process_open_fds", "Number of open file descriptors."));
    m.open_fds_ = fds.add({}, [] {
        auto n = count_open_fds();
        return n ? static_cast<double>(*n) : std::numeric_limits<double>::quiet_NaN();
    });
    EDDY_TRY_ASSIGN(auto maxf, registry.add_callback_gauge("process_max_fds",
                                                           "Maximum number of open file descriptors."));
    m.max_fds_ = maxf.add({}, [] { return or_nan(max_fds()); });
    EDDY_TRY_ASSIGN(auto start, registry.add_callback_gauge(
                                    "process_start_time_seconds",
                                    "Start time of the process since unix epoch in seconds."));
    m.start_time_ = start.add({}, [start_time] { return start_time; });
    return m;
}

}  // namespace eddy::observability
