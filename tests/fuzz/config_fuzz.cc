// Fuzzes the config-file parser (config/config_file.h) and the value parsers of every server option
// (config/server_config.h) with arbitrary text.
//
// Parser: whatever parses has non-empty, distinct dotted keys, and writing the settings back as
// `key = "value"` lines (with the format's escapes) parses to the same keys and values.
// Options: a value an option accepts shows as text the option accepts again, showing the same (so what
// `eddy serve` prints as its effective configuration can be fed back).
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "config/config_file.h"
#include "config/server_config.h"
#include "fuzz_check.h"

using namespace eddy;
using namespace eddy::config;

namespace {

std::string quoted(std::string_view v) {
    std::string out = "\"";
    for (char c : v) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default: out += c;
        }
    }
    return out + "\"";
}

void check_option(const option& o, std::string_view value) {
    server_config cfg;
    if (!o.apply(cfg, value) || o.show == nullptr) return;
    const std::string shown = o.show(cfg);
    server_config again;
    FUZZ_CHECK(o.apply(again, shown).has_value());
    FUZZ_CHECK(o.show(again) == shown);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = parse_config_text(text, "fuzz.toml");
    if (parsed) {
        std::set<std::string> keys;
        std::string written;
        for (const auto& s : *parsed) {
            FUZZ_CHECK(!s.key.empty());
            FUZZ_CHECK(keys.insert(s.key).second);
            written += s.key + " = " + quoted(s.value) + "\n";
            if (const option* o = find_option_by_key(s.key)) check_option(*o, s.value);
        }
        auto reparsed = parse_config_text(written, "written.toml");
        FUZZ_CHECK(reparsed.has_value());
        FUZZ_CHECK(reparsed->size() == parsed->size());
        for (size_t i = 0; i < parsed->size(); ++i) {
            FUZZ_CHECK((*reparsed)[i].key == (*parsed)[i].key);
            FUZZ_CHECK((*reparsed)[i].value == (*parsed)[i].value);
        }
    }
    // Every option's parser on the raw text as a value, whatever the file parser made of it.
    for (const auto& o : server_options()) check_option(o, text);
    return 0;
}
