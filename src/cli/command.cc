#include "cli/command.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/assert.h"

namespace eddy::cli {

void command_table::add(command c) {
    EDDY_ASSERT(find(c.name) == nullptr, "command registered twice");
    commands_.push_back(std::move(c));
}

const command* command_table::find(std::string_view name) const {
    auto it = std::find_if(commands_.begin(), commands_.end(), [&](const command& c) { return c.name == name; });
    return it == commands_.end() ? nullptr : &*it;
}

std::string command_table::help_text() const {
    size_t width = 4;
    for (const auto& c : commands_) width = std::max(width, c.name.size());
    std::string out = fmt::format("usage: {} <command> [flags]\n\ncommands:\n", program_);
    for (const auto& c : commands_) out += fmt::format("  {:<{}}  {}\n", c.name, width, c.summary);
    out += fmt::format("  {:<{}}  {}\n", "help", width, "show this help, or a command's help");
    out += fmt::format("\nRun '{} <command> --help' for a command's flags.\n", program_);
    return out;
}

std::string command_table::command_help(const command& c) {
    std::string out = fmt::format("usage: {}\n\n{}\n", c.usage, c.summary);
    if (!c.flags.empty()) out += fmt::format("\nflags:\n{}", format_flags(c.flags));
    return out;
}

int command_table::dispatch(std::span<const std::string> args, std::FILE* out, std::FILE* err) const {
    if (args.empty()) {
        fmt::print(err, "{}", help_text());
        return exit_usage;
    }
    const std::string& name = args[0];
    if (name == "help" || name == "--help" || name == "-h") {
        if (args.size() > 1) {
            if (const auto* c = find(args[1])) {
                fmt::print(out, "{}", command_help(*c));
                return exit_ok;
            }
            fmt::print(err, "{}: unknown command '{}'\n", program_, args[1]);
            return exit_usage;
        }
        fmt::print(out, "{}", help_text());
        return exit_ok;
    }
    const auto* c = find(name);
    if (c == nullptr) {
        fmt::print(err, "{}: unknown command '{}'\n\n{}", program_, name, help_text());
        return exit_usage;
    }
    auto parsed = parse_args(args.subspan(1), c->flags);
    if (!parsed) {
        fmt::print(err, "{} {}: {}: {}\nRun '{} {} --help' for its flags.\n", program_, c->name,
                   parsed.error().code.message(), parsed.error().context, program_, c->name);
        return exit_usage;
    }
    if (!c->takes_positional && !parsed->positional.empty() && !parsed->help) {
        fmt::print(err, "{} {}: unexpected argument '{}'\nRun '{} {} --help' for usage.\n", program_, c->name,
                   parsed->positional.front(), program_, c->name);
        return exit_usage;
    }
    if (parsed->help) {
        fmt::print(out, "{}", command_help(*c));
        return exit_ok;
    }
    return c->run(*parsed);
}

}  // namespace eddy::cli
