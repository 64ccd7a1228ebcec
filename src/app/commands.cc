#include "app/commands.h"

#include <cstdio>

#include <fmt/format.h>

#include "app/build_info.h"
#include "app/serve.h"
#include "cli/kafka_commands.h"

namespace eddy::app {

cli::command_table make_command_table() {
    cli::command_table table("eddy");
    table.add(serve_command());
    table.add(cli::topic_command());
    table.add(cli::produce_command());
    table.add(cli::consume_command());
    table.add(cli::command{
        .name = "version",
        .summary = "print the version and build information",
        .usage = "eddy version",
        .flags = {},
        .takes_positional = false,
        .run = [](const cli::parsed_args&) {
            fmt::print(stdout, "{}", version_text());
            return cli::exit_ok;
        },
    });
    return table;
}

}  // namespace eddy::app
