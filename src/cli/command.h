// The table of eddy subcommands (`eddy serve`, `eddy version`, ...) and the dispatch that turns argv
// into a call of one of them, with `eddy help`, `eddy <cmd> --help` and exit code 2 for bad usage.
#pragma once

#include <cstdio>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/args.h"

namespace eddy::cli {

struct command {
    std::string name;
    std::string summary;  // one line for `eddy help`
    std::string usage;    // e.g. "eddy serve [flags]"
    std::vector<flag_spec> flags;
    bool takes_positional = false;  // when false, a positional argument is a usage error
    // Runs the command; returns the process exit code.
    std::function<int(const parsed_args&)> run;
};

class command_table {
public:
    explicit command_table(std::string program) : program_(std::move(program)) {}

    void add(command c);
    [[nodiscard]] const command* find(std::string_view name) const;

    // Parses args (argv without argv[0]) and runs the chosen command. Help goes to out; usage errors
    // go to err with exit_usage.
    int dispatch(std::span<const std::string> args, std::FILE* out, std::FILE* err) const;

    [[nodiscard]] std::string help_text() const;
    [[nodiscard]] static std::string command_help(const command& c);

private:
    std::string program_;
    std::vector<command> commands_;
};

}  // namespace eddy::cli
