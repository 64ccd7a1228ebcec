// `eddy serve`: the composition root. Builds the configuration, locks the data directory, starts the
// shards, the blocking pool and the services in order, logs `eddy ready ...`, and on SIGINT/SIGTERM
// stops the services in reverse order and exits 0.
#pragma once

#include "cli/command.h"
#include "config/server_config.h"

namespace eddy::app {

// The `serve` entry of the command table (flags generated from config::server_options()).
[[nodiscard]] cli::command serve_command();

// Runs the server until SIGINT or SIGTERM; returns the exit code.
// REQUIRES: called on the main thread before any other thread exists (it sets the signal mask).
[[nodiscard]] int serve(const config::server_config& cfg);

}  // namespace eddy::app
