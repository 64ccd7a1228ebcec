// The eddy binary as users run it: version, usage errors, and `eddy serve` start/lock/shutdown.
#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "child_process.h"

namespace eddy::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto start_deadline = 15s;
constexpr auto stop_deadline = 5s;

class temp_dir {
public:
    temp_dir() {
        char tmpl[] = "/tmp/eddy-integration-XXXXXX";
        if (::mkdtemp(tmpl) == nullptr) std::abort();
        path_ = tmpl;
    }
    ~temp_dir() { std::filesystem::remove_all(path_); }
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
};

// Runs eddy to completion and returns (exit code, output).
std::pair<int, std::string> run_eddy(const std::vector<std::string>& args) {
    child_process p(EDDY_BINARY, args);
    auto code = p.wait_exit(10s);
    EXPECT_TRUE(code.has_value()) << "eddy did not exit; output so far:\n" << p.output();
    return {code.value_or(-1), p.output()};
}

std::vector<std::string> serve_args(const std::string& data_dir, uint32_t smp) {
    return {"serve", "--data-dir", data_dir, "--kafka-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0",
            "--smp", std::to_string(smp)};
}

TEST(eddy_cli, version_prints_version_and_build_info) {
    auto [code, out] = run_eddy({"version"});
    EXPECT_EQ(code, 0);
    EXPECT_NE(out.find(std::string("eddy ") + EDDY_EXPECTED_VERSION), std::string::npos) << out;
    EXPECT_NE(out.find("commit: "), std::string::npos) << out;
    EXPECT_NE(out.find("boost: 1."), std::string::npos) << out;
}

TEST(eddy_cli, help_lists_subcommands) {
    auto [code, out] = run_eddy({"help"});
    EXPECT_EQ(code, 0);
    EXPECT_NE(out.find("serve"), std::string::npos) << out;
    EXPECT_NE(out.find("version"), std::string::npos) << out;
    auto [serve_code, serve_out] = run_eddy({"serve", "--help"});
    EXPECT_EQ(serve_code, 0);
    for (auto flag : {"--data-dir DIR", "--kafka-addr HOST:PORT", "--http-addr HOST:PORT", "--smp N", "--config FILE",
                      "--log-level LEVEL"}) {
        EXPECT_NE(serve_out.find(flag), std::string::npos) << flag << " missing from:\n" << serve_out;
    }
}

TEST(eddy_cli, usage_errors_exit_2) {
    auto [none, none_out] = run_eddy({});
    EXPECT_EQ(none, 2);
    auto [unknown, unknown_out] = run_eddy({"frobnicate"});
    EXPECT_EQ(unknown, 2);
    EXPECT_NE(unknown_out.find("unknown command 'frobnicate'"), std::string::npos) << unknown_out;
    auto [flag, flag_out] = run_eddy({"serve", "--bogus", "1"});
    EXPECT_EQ(flag, 2);
    EXPECT_NE(flag_out.find("unknown flag: --bogus"), std::string::npos) << flag_out;
    auto [value, value_out] = run_eddy({"serve", "--smp", "0"});
    EXPECT_EQ(value, 2);
    EXPECT_NE(value_out.find("--smp: expected an integer in [1, 1024], got 0"), std::string::npos) << value_out;
    auto [file, file_out] = run_eddy({"serve", "--config", "/nonexistent/eddy.toml"});
    EXPECT_EQ(file, 2);
    EXPECT_NE(file_out.find("/nonexistent/eddy.toml"), std::string::npos) << file_out;
}

class eddy_serve : public ::testing::TestWithParam<uint32_t> {};

TEST_P(eddy_serve, starts_excludes_a_second_server_and_stops_on_sigterm) {
    temp_dir dir;
    auto data = dir.path() + "/data";
    child_process server(EDDY_BINARY, serve_args(data, GetParam()));
    ASSERT_TRUE(server.wait_for_output("eddy ready", start_deadline)) << server.output();
    EXPECT_NE(server.output().find(fmt::format("smp={}", GetParam())), std::string::npos) << server.output();
    EXPECT_NE(server.output().find("data_dir=" + data), std::string::npos) << server.output();
    EXPECT_TRUE(std::filesystem::exists(data + "/LOCK"));

    child_process second(EDDY_BINARY, serve_args(data, 1));
    auto second_code = second.wait_exit(start_deadline);
    ASSERT_TRUE(second_code.has_value()) << second.output();
    EXPECT_EQ(*second_code, 1);
    EXPECT_NE(second.output().find("locked by another eddy process"), std::string::npos) << second.output();
    EXPECT_NE(second.output().find(fmt::format("pid {}", server.pid())), std::string::npos) << second.output();
    EXPECT_EQ(second.output().find("eddy ready"), std::string::npos);

    server.signal(SIGTERM);
    auto code = server.wait_exit(stop_deadline);
    ASSERT_TRUE(code.has_value()) << "no exit within the deadline:\n" << server.output();
    EXPECT_EQ(*code, 0) << server.output();
    EXPECT_NE(server.output().find("received SIGTERM"), std::string::npos) << server.output();
    EXPECT_NE(server.output().find("eddy stopped"), std::string::npos) << server.output();
}

TEST_P(eddy_serve, sigint_stops_and_a_killed_server_leaves_no_stale_lock) {
    temp_dir dir;
    auto data = dir.path() + "/data";
    {
        child_process crashed(EDDY_BINARY, serve_args(data, GetParam()));
        ASSERT_TRUE(crashed.wait_for_output("eddy ready", start_deadline)) << crashed.output();
        crashed.signal(SIGKILL);
        ASSERT_EQ(crashed.wait_exit(stop_deadline), 128 + SIGKILL);
    }
    child_process server(EDDY_BINARY, serve_args(data, GetParam()));
    ASSERT_TRUE(server.wait_for_output("eddy ready", start_deadline)) << server.output();
    server.signal(SIGINT);
    auto code = server.wait_exit(stop_deadline);
    ASSERT_TRUE(code.has_value()) << server.output();
    EXPECT_EQ(*code, 0) << server.output();
}

INSTANTIATE_TEST_SUITE_P(smp, eddy_serve, ::testing::Values(1u, 2u));

// Flags override the config file, which overrides the defaults.
TEST(eddy_serve_config, flag_beats_file_beats_default) {
    temp_dir dir;
    auto data = dir.path() + "/from-file";
    auto conf = dir.path() + "/eddy.toml";
    std::ofstream(conf) << "# test config\ndata_dir = \"" << data << "\"\nsmp = 2\nhttp_addr = 127.0.0.1:0\n"
                        << "[log]\nflush = \"interval:50\"\n";
    child_process server(EDDY_BINARY, {"serve", "--config", conf, "--smp", "1", "--kafka-addr", "127.0.0.1:0"});
    ASSERT_TRUE(server.wait_for_output("eddy ready", start_deadline)) << server.output();
    EXPECT_NE(server.output().find("data_dir=" + data), std::string::npos) << server.output();
    EXPECT_NE(server.output().find("smp=1"), std::string::npos) << server.output();
    server.signal(SIGTERM);
    EXPECT_EQ(server.wait_exit(stop_deadline), 0) << server.output();
}

TEST(eddy_serve_config, bad_file_line_is_named) {
    temp_dir dir;
    auto conf = dir.path() + "/eddy.toml";
    std::ofstream(conf) << "smp = 2\n\nlog.flush = sometimes\n";
    auto [code, out] = run_eddy({"serve", "--config", conf});
    EXPECT_EQ(code, 2);
    EXPECT_NE(out.find(conf + ":3: log.flush: expected always, never or interval:<ms>"), std::string::npos) << out;
}

}  // namespace
}  // namespace eddy::testing
