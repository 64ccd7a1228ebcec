#include "config/config_file.h"

#include <gtest/gtest.h>

#include "config/errc.h"

namespace eddy::config {
namespace {

TEST(config_file, parses_keys_tables_strings_and_comments) {
    auto r = parse_config_text(R"(# eddy config
data_dir = "/var/lib/eddy data"   # quoted: has a space
smp = 4
kafka_addr = 0.0.0.0:9092

[log]
flush = 'interval:100'
segment_bytes = 1_048_576
)", "eddy.toml");
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->size(), 5u);
    EXPECT_EQ((*r)[0].key, "data_dir");
    EXPECT_EQ((*r)[0].value, "/var/lib/eddy data");
    EXPECT_EQ((*r)[0].where, "eddy.toml:2");
    EXPECT_EQ((*r)[1].value, "4");
    EXPECT_EQ((*r)[2].value, "0.0.0.0:9092");
    EXPECT_EQ((*r)[3].key, "log.flush");
    EXPECT_EQ((*r)[3].value, "interval:100");
    EXPECT_EQ((*r)[4].key, "log.segment_bytes");
    EXPECT_EQ((*r)[4].where, "eddy.toml:8");
}

TEST(config_file, escapes_and_crlf) {
    auto r = parse_config_text("a = \"x\\\"y\\\\z\\tq\"\r\nb.c = 1\r\n", "f");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ((*r)[0].value, "x\"y\\z\tq");
    EXPECT_EQ((*r)[1].key, "b.c");
    EXPECT_EQ((*r)[1].value, "1");
}

struct bad_case {
    const char* text;
    errc code;
    const char* context_part;
};

TEST(config_file, errors_name_the_line) {
    const bad_case cases[] = {
        {"smp 4\n", errc::syntax, "f:1: expected 'key = value'"},
        {"\n\nsmp =\n", errc::syntax, "f:3: missing value"},
        {"a = \"open\n", errc::syntax, "f:1: unterminated string"},
        {"a = \"x\" y\n", errc::syntax, "f:1: unexpected text after the string"},
        {"a = two words\n", errc::syntax, "f:1: value 'two words' has spaces"},
        {"[log\n", errc::syntax, "f:1: a table header"},
        {"bad key = 1\n", errc::syntax, "f:1: invalid key 'bad key'"},
        {"a = \"\\q\"\n", errc::syntax, "unknown escape"},
        {"smp = 1\ny = 2\nsmp = 2\n", errc::duplicate_key, "f:3: key 'smp' is already set at f:1"},
        {"[log]\nflush = always\n[log]\nflush = never\n", errc::duplicate_key, "key 'log.flush'"},
    };
    for (const auto& c : cases) {
        auto r = parse_config_text(c.text, "f");
        ASSERT_FALSE(r) << c.text;
        EXPECT_EQ(r.error().code, make_error_code(c.code)) << c.text;
        EXPECT_NE(r.error().context.find(c.context_part), std::string::npos) << r.error().context;
    }
}

TEST(config_file, missing_file_is_an_errno_error) {
    auto r = read_config_file("/nonexistent/eddy.toml");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message().find("/nonexistent/eddy.toml"), std::string::npos);
}

}  // namespace
}  // namespace eddy::config
