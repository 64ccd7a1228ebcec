// The eddy command table: every subcommand the binary offers.
#pragma once

#include "cli/command.h"

namespace eddy::app {

[[nodiscard]] cli::command_table make_command_table();

}  // namespace eddy::app
