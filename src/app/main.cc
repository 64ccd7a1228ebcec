// The eddy binary: dispatches to a subcommand (see app/commands.cc).
#include <string>
#include <vector>

#include "app/commands.h"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return eddy::app::make_command_table().dispatch(args, stdout, stderr);
}
