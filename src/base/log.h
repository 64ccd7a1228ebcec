// Process-wide logging: one line per call, written with a single write(2) so lines from different
// shards never interleave. Format: "<iso time> <level> [<logger>] <message>".
#pragma once

#include <atomic>
#include <string_view>

#include <fmt/format.h>

namespace eddy::log {

enum class level : int { trace = 0, debug, info, warn, error, off };

void set_level(level l);
[[nodiscard]] level current_level();
// Parses "trace|debug|info|warn|error|off"; returns false when unknown.
[[nodiscard]] bool parse_level(std::string_view s, level& out);

void write(level l, std::string_view logger, std::string_view message);

// A named logger, usually one per module: `inline eddy::log::logger storage_log{"storage"};`
class logger {
public:
    explicit constexpr logger(std::string_view name) : name_(name) {}

    template <typename... Args>
    void log(level l, fmt::format_string<Args...> f, Args&&... args) const {
        if (l < current_level()) return;
        write(l, name_, fmt::format(f, std::forward<Args>(args)...));
    }
    template <typename... Args>
    void trace(fmt::format_string<Args...> f, Args&&... a) const { log(level::trace, f, std::forward<Args>(a)...); }
    template <typename... Args>
    void debug(fmt::format_string<Args...> f, Args&&... a) const { log(level::debug, f, std::forward<Args>(a)...); }
    template <typename... Args>
    void info(fmt::format_string<Args...> f, Args&&... a) const { log(level::info, f, std::forward<Args>(a)...); }
    template <typename... Args>
    void warn(fmt::format_string<Args...> f, Args&&... a) const { log(level::warn, f, std::forward<Args>(a)...); }
    template <typename... Args>
    void error(fmt::format_string<Args...> f, Args&&... a) const { log(level::error, f, std::forward<Args>(a)...); }

private:
    std::string_view name_;
};

}  // namespace eddy::log
