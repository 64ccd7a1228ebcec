// The config-file format: a small subset of TOML.
//
//     # comment                      blank lines and comments are ignored
//     data_dir = "/var/lib/eddy"     key = value; strings in double quotes (\" \\ \n \t escapes)
//     smp = 4                        or bare values: integers (1_000 allowed), words, host:port
//     [log]                          a table: the following keys are log.<key>
//     segment_bytes = 1073741824
//     log.flush = "interval:100"     dotted keys work anywhere
//
// Parsing only splits the text into (key, value, line) settings; what a key means and which values it
// accepts is server_config's business, so errors there can still point at the line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace eddy::config {

struct setting {
    std::string key;     // full dotted key
    std::string value;   // unquoted and unescaped
    std::string where;   // "file:line", for error messages
};

// Parses text; source names it in errors ("eddy.toml"). Duplicate keys are an error.
[[nodiscard]] result<std::vector<setting>> parse_config_text(std::string_view text, std::string_view source);
// Reads and parses the file at path.
[[nodiscard]] result<std::vector<setting>> read_config_file(const std::string& path);

}  // namespace eddy::config
