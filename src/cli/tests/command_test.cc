#include "cli/command.h"

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

namespace eddy::cli {
namespace {

// Captures what a FILE* receives.
class captured {
public:
    captured() : f_(std::tmpfile()) {}
    ~captured() { std::fclose(f_); }
    std::FILE* get() { return f_; }
    std::string text() {
        std::fflush(f_);
        std::rewind(f_);
        std::string s;
        char buf[512];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f_)) > 0) s.append(buf, n);
        return s;
    }

private:
    std::FILE* f_;
};

struct fixture {
    command_table table{"eddy"};
    std::string seen;
    fixture() {
        table.add(command{"serve", "run the server", "eddy serve [flags]", {{"smp", "N", "shards"}}, false,
                          [this](const parsed_args& a) {
                              seen = a.has("smp") ? *a.last("smp") : "default";
                              return 0;
                          }});
        table.add(command{"version", "print the version", "eddy version", {}, false, [](const parsed_args&) { return 7; }});
    }
    int run(std::vector<std::string> args) { return table.dispatch(args, out.get(), err.get()); }
    captured out, err;
};

TEST(command_table, dispatches_with_parsed_flags) {
    fixture f;
    EXPECT_EQ(f.run({"serve", "--smp", "2"}), 0);
    EXPECT_EQ(f.seen, "2");
    EXPECT_EQ(f.run({"version"}), 7);
}

TEST(command_table, help_lists_commands_and_flags) {
    fixture f;
    EXPECT_EQ(f.run({"help"}), exit_ok);
    auto top = f.out.text();
    EXPECT_NE(top.find("serve    run the server"), std::string::npos) << top;
    EXPECT_NE(top.find("version  print the version"), std::string::npos) << top;
    fixture g;
    EXPECT_EQ(g.run({"serve", "--help"}), exit_ok);
    EXPECT_NE(g.out.text().find("--smp N  shards"), std::string::npos);
    EXPECT_EQ(g.seen, "");  // help does not run the command
    fixture h;
    EXPECT_EQ(h.run({"help", "serve"}), exit_ok);
    EXPECT_NE(h.out.text().find("usage: eddy serve [flags]"), std::string::npos);
}

TEST(command_table, usage_errors_exit_2_with_a_message) {
    fixture f;
    EXPECT_EQ(f.run({}), exit_usage);
    fixture g;
    EXPECT_EQ(g.run({"frobnicate"}), exit_usage);
    EXPECT_NE(g.err.text().find("eddy: unknown command 'frobnicate'"), std::string::npos);
    fixture h;
    EXPECT_EQ(h.run({"serve", "--smpp", "2"}), exit_usage);
    EXPECT_NE(h.err.text().find("eddy serve: unknown flag: --smpp"), std::string::npos) << h.err.text();
    fixture i;
    EXPECT_EQ(i.run({"serve", "extra"}), exit_usage);
    EXPECT_NE(i.err.text().find("unexpected argument 'extra'"), std::string::npos);
    EXPECT_EQ(i.seen, "");
    fixture j;
    EXPECT_EQ(j.run({"help", "nope"}), exit_usage);
}

}  // namespace
}  // namespace eddy::cli
