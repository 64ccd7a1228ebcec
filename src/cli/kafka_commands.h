// The Kafka client subcommands of the eddy binary: `eddy topic create|list|describe|delete`,
// `eddy produce TOPIC` (records from stdin) and `eddy consume TOPIC`. See docs/cli.md.
#pragma once

#include "cli/command.h"

namespace eddy::cli {

[[nodiscard]] command topic_command();
[[nodiscard]] command produce_command();
[[nodiscard]] command consume_command();

}  // namespace eddy::cli
