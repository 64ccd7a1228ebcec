#include "base/log.h"

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "base/assert.h"

namespace eddy::log {
namespace {

level initial_level() {
    level l = level::info;
    if (const char* env = std::getenv("EDDY_LOG_LEVEL")) (void)parse_level(env, l);
    return l;
}

std::atomic<level>& level_ref() {
    static std::atomic<level> l{initial_level()};
    return l;
}

constexpr std::array<std::string_view, 6> level_names{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF"};

}  // namespace

void set_level(level l) { level_ref().store(l, std::memory_order_relaxed); }
level current_level() { return level_ref().load(std::memory_order_relaxed); }

bool parse_level(std::string_view s, level& out) {
    static constexpr std::array<std::string_view, 6> names{"trace", "debug", "info", "warn", "error", "off"};
    for (size_t i = 0; i < names.size(); ++i) {
        if (s == names[i]) {
            out = static_cast<level>(i);
            return true;
        }
    }
    return false;
}

void write(level l, std::string_view logger, std::string_view message) {
    using namespace std::chrono;
    auto now = system_clock::now();
    auto secs = system_clock::to_time_t(now);
    auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    auto line = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z {:<5} [{}] {}\n", tm.tm_year + 1900,
                            tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms,
                            level_names[static_cast<size_t>(l)], logger, message);
    // One write per line keeps lines whole across threads; a short write to stderr is not worth retrying.
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace eddy::log

namespace eddy::detail {

void assert_failed(std::string_view expr, std::string_view msg, source_location loc) {
    auto line = fmt::format("assertion failed: {} {} at {}:{} in {}\n", expr, msg, loc.file_name(), loc.line(),
                            loc.function_name());
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
    std::abort();
}

}  // namespace eddy::detail
