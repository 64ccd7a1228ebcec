// Consumer groups of `eddy serve` driven by kcat 1.7.1 (librdkafka 2.0.2): a balanced consumer (-G)
// reads everything, commits, the server is killed (-9) and restarted, and the group resumes from its
// committed offsets. Runs with --smp 2 so the group coordinator (shard 0) and the partitions' shards differ.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "eddy_server.h"
#include "rdkafka_util.h"

namespace eddy::testing {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> sorted_lines(const std::string& out) {
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string l; std::getline(in, l);) {
        if (!l.empty()) lines.push_back(l);
    }
    std::sort(lines.begin(), lines.end());
    return lines;
}

std::vector<std::string> numbered(const std::string& prefix, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(fmt::format("{}{:03}", prefix, i));
    return out;
}

class groups_test : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(server_.start()) << server_.log(); }
    void TearDown() override {
        if (HasFailure()) std::fprintf(stderr, "server log:\n%s\n", server_.log().c_str());
    }

    std::string kcat(const std::string& args) const {
        return fmt::format("kcat -b {} -X log_level=3 {}", server_.bootstrap(), args);
    }
    void produce(const std::string& topic, const std::vector<std::string>& lines) {
        auto path = fmt::format("{}/input-{}", dir_.path(), inputs_++);
        std::ofstream f(path);
        for (const auto& l : lines) f << l << '\n';
        f.close();
        auto [code, out] = run_shell(kcat("-P -t " + topic) + " < " + shell_quote(path), 30s);
        ASSERT_EQ(code, 0) << out;
    }
    // One balanced-consumer session: joins `group`, reads until every assigned partition is at its end
    // (-e), commits on close, exits. Returns the values read, sorted. No -o: kcat would then assign that
    // offset explicitly and ignore the committed one; auto.offset.reset only applies without a commit.
    std::vector<std::string> consume_group(const std::string& group, const std::string& topic) {
        auto cmd = kcat(fmt::format("-G {} -X auto.offset.reset=earliest -e -q -X auto.commit.interval.ms=100 -f '%s\\n' {}", group, topic));
        auto [code, out] = run_shell(cmd + " 2>/dev/null", 60s);
        EXPECT_EQ(code, 0) << out;
        return sorted_lines(out);
    }

    eddy_server server_{eddy_server::options{.smp = 2, .extra_args = {}}};
    scratch_dir dir_;
    int inputs_ = 0;
};

TEST_F(groups_test, committed_offsets_survive_kill_and_restart) {
    ASSERT_EQ(rk::create_topic(server_.bootstrap(), "orders", 3), RD_KAFKA_RESP_ERR_NO_ERROR);
    auto first = numbered("a", 30);
    produce("orders", first);
    EXPECT_EQ(consume_group("billing", "orders"), first);

    // The commits were acknowledged, so they are durable: a crash must not lose them.
    server_.kill9();
    ASSERT_TRUE(server_.start()) << server_.log();

    auto second = numbered("b", 12);
    produce("orders", second);
    EXPECT_EQ(consume_group("billing", "orders"), second);
    // A different group has its own offsets and starts from the beginning.
    auto all = first;
    all.insert(all.end(), second.begin(), second.end());
    std::sort(all.begin(), all.end());
    EXPECT_EQ(consume_group("audit", "orders"), all);

    // A clean stop as well: nothing new, so the group reads nothing.
    ASSERT_EQ(server_.terminate(), std::optional<int>(0));
    ASSERT_TRUE(server_.start()) << server_.log();
    EXPECT_TRUE(consume_group("billing", "orders").empty());
}

}  // namespace
}  // namespace eddy::testing
