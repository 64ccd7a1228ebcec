// The eddy client subcommands (`eddy topic|produce|consume`) against a running eddy serve.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "eddy_server.h"
#include "shared_server_test.h"

namespace eddy::testing {
namespace {

using namespace std::chrono_literals;

class cli_client_test : public shared_server_test {
protected:
    // `eddy <args> --bootstrap B`; stderr is kept apart when stdout_only.
    static std::pair<int, std::string> eddy(const std::string& args, bool stdout_only = false) {
        return run_shell(fmt::format("{} {} --bootstrap {}{}", EDDY_BINARY, args, server_->bootstrap(),
                                     stdout_only ? " 2>/dev/null" : ""),
                         30s);
    }
    static std::pair<int, std::string> produce(const std::string& args, const std::string& input) {
        return run_shell(fmt::format("printf {} | {} produce {} --bootstrap {}", shell_quote(input), EDDY_BINARY, args,
                                     server_->bootstrap()),
                         30s);
    }
};

std::vector<std::string> sorted_lines(const std::string& s) {
    std::vector<std::string> out;
    for (size_t at = 0, nl; (nl = s.find('\n', at)) != std::string::npos; at = nl + 1) out.push_back(s.substr(at, nl - at));
    std::sort(out.begin(), out.end());
    return out;
}

TEST_F(cli_client_test, topic_create_list_describe_delete) {
    auto [c1, out1] = eddy("topic create cli-t --partitions 3 --config retention.ms=86400000");
    ASSERT_EQ(c1, 0) << out1;
    EXPECT_NE(out1.find("created topic cli-t with 3 partitions"), std::string::npos) << out1;
    auto [c2, out2] = eddy("topic create cli-t --partitions 3");
    EXPECT_EQ(c2, 1) << out2;
    EXPECT_NE(out2.find("eddy topic: create cli-t:"), std::string::npos) << out2;
    auto [c3, out3] = eddy("topic list", true);
    ASSERT_EQ(c3, 0) << out3;
    EXPECT_NE(out3.find("cli-t\t3\n"), std::string::npos) << out3;
    auto [c4, out4] = eddy("topic describe cli-t", true);
    ASSERT_EQ(c4, 0) << out4;
    EXPECT_NE(out4.find("partitions: 3"), std::string::npos) << out4;
    EXPECT_NE(out4.find("partition 2 leader"), std::string::npos) << out4;
    EXPECT_NE(out4.find("retention.ms=86400000"), std::string::npos) << out4;
    auto [c5, out5] = eddy("topic delete cli-t");
    ASSERT_EQ(c5, 0) << out5;
    auto [c6, out6] = eddy("topic list", true);
    EXPECT_EQ(out6.find("cli-t\t"), std::string::npos) << out6;
}

TEST_F(cli_client_test, produce_with_keys_then_consume_by_partition_offset_and_group) {
    ASSERT_EQ(eddy("topic create cli-p --partitions 2").first, 0);
    auto [pc, pout] = produce("cli-p --key-separator : --partition 1", "a:1\\nb:2\\nc:3\\n");
    ASSERT_EQ(pc, 0) << pout;
    EXPECT_NE(pout.find("produced 3 records to cli-p"), std::string::npos) << pout;
    ASSERT_EQ(produce("cli-p --partition 0", "plain\\n").first, 0);

    auto [c1, all] = eddy("consume cli-p --from-beginning --print-key --key-separator = --idle-timeout-ms 1500", true);
    ASSERT_EQ(c1, 0) << all;
    EXPECT_EQ(sorted_lines(all), (std::vector<std::string>{"=plain", "a=1", "b=2", "c=3"}));

    auto [c2, one] = eddy("consume cli-p --partition 1 --offset 1 --max-messages 1", true);
    ASSERT_EQ(c2, 0) << one;
    EXPECT_EQ(one, "2\n");

    auto [c3, group1] = eddy("consume cli-p --group cli-g --from-beginning --max-messages 4", true);
    ASSERT_EQ(c3, 0) << group1;
    EXPECT_EQ(sorted_lines(group1), (std::vector<std::string>{"1", "2", "3", "plain"}));
    ASSERT_EQ(produce("cli-p --partition 0", "later\\n").first, 0);
    auto [c4, group2] = eddy("consume cli-p --group cli-g --from-beginning --idle-timeout-ms 3000", true);
    ASSERT_EQ(c4, 0) << group2;
    EXPECT_EQ(group2, "later\n") << "the group must resume from its committed offsets";
}

TEST_F(cli_client_test, errors_are_clear) {
    auto [c1, out1] = run_shell(fmt::format("{} topic list --bootstrap 127.0.0.1:{} --timeout-ms 1500", EDDY_BINARY,
                                            free_port()),
                                30s);
    EXPECT_EQ(c1, 1) << out1;
    EXPECT_NE(out1.find("eddy topic: no metadata from 127.0.0.1:"), std::string::npos) << out1;
    auto [c2, out2] = eddy("consume cli-x --group g --partition 0");
    EXPECT_EQ(c2, 2) << out2;
    EXPECT_NE(out2.find("cannot be combined with --group"), std::string::npos) << out2;
    auto [c3, out3] = eddy("topic frobnicate x");
    EXPECT_EQ(c3, 2) << out3;
    auto [c4, out4] = eddy("consume cli-missing --partition 0 --max-messages 1 --timeout-ms 3000");
    EXPECT_EQ(c4, 1) << out4;
    EXPECT_NE(out4.find("cli-missing"), std::string::npos) << out4;
}

}  // namespace
}  // namespace eddy::testing
