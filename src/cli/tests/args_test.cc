#include "cli/args.h"

#include <gtest/gtest.h>

namespace eddy::cli {
namespace {

const std::vector<flag_spec> specs{
    {"data-dir", "DIR", "where data lives"},
    {"smp", "N", "shards"},
    {"verbose", "", "talk more"},
};

result<parsed_args> parse(std::vector<std::string> args) { return parse_args(args, specs); }

TEST(args, values_in_both_forms_booleans_and_positionals) {
    auto r = parse({"--data-dir", "/d", "--smp=2", "--verbose", "pos", "--", "--not-a-flag"});
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->flags.size(), 3u);
    EXPECT_EQ(*r->last("data-dir"), "/d");
    EXPECT_EQ(*r->last("smp"), "2");
    EXPECT_TRUE(r->has("verbose"));
    EXPECT_EQ(r->positional, (std::vector<std::string>{"pos", "--not-a-flag"}));
    EXPECT_FALSE(r->help);
}

TEST(args, last_value_wins_and_empty_values_are_kept) {
    auto r = parse({"--smp", "1", "--smp=3", "--data-dir="});
    ASSERT_TRUE(r);
    EXPECT_EQ(*r->last("smp"), "3");
    EXPECT_EQ(*r->last("data-dir"), "");
    EXPECT_EQ(r->last("verbose"), nullptr);
}

TEST(args, help_flags) {
    EXPECT_TRUE(parse({"--help"})->help);
    EXPECT_TRUE(parse({"--smp", "2", "-h"})->help);
}

TEST(args, errors) {
    auto unknown = parse({"--smpp", "2"});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, make_error_code(errc::unknown_flag));
    EXPECT_EQ(unknown.error().context, "--smpp");
    auto missing = parse({"--smp"});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, make_error_code(errc::missing_value));
    EXPECT_EQ(missing.error().context, "--smp needs a N");
    auto boolean_value = parse({"--verbose=yes"});
    ASSERT_FALSE(boolean_value);
    EXPECT_EQ(boolean_value.error().code, make_error_code(errc::unexpected_value));
    auto short_flag = parse({"-x"});
    ASSERT_FALSE(short_flag);
    EXPECT_EQ(short_flag.error().code, make_error_code(errc::unknown_flag));
}

TEST(args, format_flags_aligns_columns) {
    EXPECT_EQ(format_flags(specs),
              "  --data-dir DIR  where data lives\n"
              "  --smp N         shards\n"
              "  --verbose       talk more\n");
}

}  // namespace
}  // namespace eddy::cli
