// Command-line parsing for eddy's subcommands: `--name value`, `--name=value`, boolean `--name`,
// `--help`/`-h`, and positional arguments (everything after `--` is positional). Flags not declared by
// the command are errors, so a typo never silently falls back to a default.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace eddy::cli {

// Exit codes of the eddy binary.
constexpr int exit_ok = 0;
constexpr int exit_failure = 1;  // the command ran and failed
constexpr int exit_usage = 2;    // bad command line: unknown command or flag, missing or bad value

enum class errc : int {
    unknown_flag = 1,
    missing_value,
    unexpected_value,  // a value given to a boolean flag
    unknown_command,
};
const std::error_category& error_category();
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), error_category()}; }

struct flag_spec {
    std::string name;        // without dashes
    std::string value_name;  // e.g. "DIR"; empty for a boolean flag
    std::string help;
};

struct parsed_args {
    std::vector<std::pair<std::string, std::string>> flags;  // in command-line order; booleans have ""
    std::vector<std::string> positional;
    bool help = false;

    // The last value given for name, if any.
    [[nodiscard]] const std::string* last(std::string_view name) const;
    [[nodiscard]] bool has(std::string_view name) const { return last(name) != nullptr; }
};

[[nodiscard]] result<parsed_args> parse_args(std::span<const std::string> args, std::span<const flag_spec> specs);

// "  --name VALUE   help" lines, aligned.
[[nodiscard]] std::string format_flags(std::span<const flag_spec> specs);

}  // namespace eddy::cli

template <>
struct std::is_error_code_enum<eddy::cli::errc> : std::true_type {};
