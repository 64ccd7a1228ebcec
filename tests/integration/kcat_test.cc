// eddy serve driven by kcat 1.7.1 (Debian's, on librdkafka 2.0.2): metadata, keys and headers, every
// compression codec, consuming by offset and by timestamp, and a balanced consumer group.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "eddy_server.h"
#include "shared_server_test.h"
#include "rdkafka_util.h"

namespace eddy::testing {
namespace {

using namespace std::chrono_literals;

class kcat_test : public shared_server_test {
protected:

    // kcat with the broker and quiet logging; args are appended unquoted (callers quote).
    std::string kcat(const std::string& args) const {
        return fmt::format("kcat -b {} -X log_level=3 {}", server_->bootstrap(), args);
    }
    // Writes lines to a file in the scratch dir and pipes it into `kcat -P ... args`.
    std::pair<int, std::string> produce(const std::string& args, const std::vector<std::string>& lines) {
        auto path = fmt::format("{}/input-{}", dir_.path(), inputs_++);
        std::ofstream f(path);
        for (const auto& l : lines) f << l << '\n';
        f.close();
        return run_shell(kcat("-P " + args) + " < " + shell_quote(path), 30s);
    }
    // Consumes with -C -e (exit at end of partitions); stdout only.
    std::pair<int, std::string> consume(const std::string& args) {
        return run_shell(kcat("-C -e -q " + args) + " 2>/dev/null", 30s);
    }
    void create(const std::string& topic, int partitions) {
        ASSERT_EQ(rk::create_topic(server_->bootstrap(), topic, partitions), RD_KAFKA_RESP_ERR_NO_ERROR);
    }

    scratch_dir dir_;
    int inputs_ = 0;
};

std::vector<std::string> numbered(const std::string& prefix, int n) {
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.push_back(fmt::format("{}{}", prefix, i));
    return out;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

TEST_F(kcat_test, metadata_lists_broker_and_topic_partitions) {
    create("kcat-meta", 3);
    auto [code, out] = run_shell(kcat("-L -t kcat-meta"), 30s);
    ASSERT_EQ(code, 0) << out;
    EXPECT_NE(out.find(fmt::format("127.0.0.1:{}", server_->kafka_port())), std::string::npos) << out;
    EXPECT_NE(out.find("topic \"kcat-meta\" with 3 partitions"), std::string::npos) << out;
    for (int p = 0; p < 3; ++p) {
        EXPECT_NE(out.find(fmt::format("partition {}, leader", p)), std::string::npos) << out;
    }
}

TEST_F(kcat_test, keys_and_headers_round_trip) {
    create("kcat-keys", 1);
    auto [pc, pout] = produce("-t kcat-keys -p 0 -K: -H trace=abc -H empty=", {"k1:v1", "k2:v2", "k3:v3:with-colon"});
    ASSERT_EQ(pc, 0) << pout;
    auto [cc, out] = consume("-t kcat-keys -p 0 -o beginning -f '%k|%s|%h|%o\\n'");
    ASSERT_EQ(cc, 0) << out;
    EXPECT_EQ(out, "k1|v1|trace=abc,empty=|0\nk2|v2|trace=abc,empty=|1\nk3|v3:with-colon|trace=abc,empty=|2\n");
}

TEST_F(kcat_test, every_compression_codec_round_trips) {
    for (std::string codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
        SCOPED_TRACE(codec);
        std::string topic = "kcat-codec-" + codec;
        create(topic, 1);
        // Many similar lines so that batches really compress.
        auto lines = numbered(fmt::format("{}-record-with-a-repetitive-payload-", codec), 500);
        auto [pc, pout] = produce(fmt::format("-t {} -p 0 -z {} -X linger.ms=20", topic, codec), lines);
        ASSERT_EQ(pc, 0) << pout;
        auto [cc, out] = consume(fmt::format("-t {} -p 0 -o beginning", topic));
        ASSERT_EQ(cc, 0) << out;
        EXPECT_EQ(out, joined(lines));
    }
}

TEST_F(kcat_test, consume_from_absolute_and_relative_offsets) {
    create("kcat-offsets", 1);
    ASSERT_EQ(produce("-t kcat-offsets -p 0", numbered("m", 20)).first, 0);
    auto [c1, from5] = consume("-t kcat-offsets -p 0 -o 5 -c 3");
    ASSERT_EQ(c1, 0) << from5;
    EXPECT_EQ(from5, "m5\nm6\nm7\n");
    auto [c2, last2] = consume("-t kcat-offsets -p 0 -o -2");
    ASSERT_EQ(c2, 0) << last2;
    EXPECT_EQ(last2, "m18\nm19\n");
    auto [c3, end] = consume("-t kcat-offsets -p 0 -o end");
    ASSERT_EQ(c3, 0) << end;
    EXPECT_EQ(end, "");
}

TEST_F(kcat_test, consume_from_timestamp) {
    create("kcat-time", 1);
    ASSERT_EQ(produce("-t kcat-time -p 0", numbered("early", 5)).first, 0);
    // Every later record is created after this instant; spin (bounded) past it so no early record shares
    // its millisecond.
    auto now_ms = [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    };
    int64_t boundary = now_ms() + 1;
    while (now_ms() < boundary) {
    }
    ASSERT_EQ(produce("-t kcat-time -p 0", numbered("late", 3)).first, 0);
    auto [code, out] = consume(fmt::format("-t kcat-time -p 0 -o s@{}", boundary));
    ASSERT_EQ(code, 0) << out;
    EXPECT_EQ(out, "late0\nlate1\nlate2\n");
}

TEST_F(kcat_test, balanced_consumer_group_reads_everything_once_and_resumes) {
    create("kcat-group", 4);
    auto first = numbered("a", 40);
    ASSERT_EQ(produce("-t kcat-group", first).first, 0);
    // -G joins the group; -e exits once every assigned partition reached its end; offsets are committed
    // on close. (kcat's `-o beginning` would override committed offsets in -G mode, so the start for a
    // group without commits is set through auto.offset.reset.)
    std::string group = kcat("-G kcat-g -X auto.offset.reset=earliest -e -q kcat-group") + " 2>/dev/null";
    auto [c1, out1] = run_shell(group, 60s);
    ASSERT_EQ(c1, 0) << out1;
    std::vector<std::string> got;
    for (size_t at = 0, nl; (nl = out1.find('\n', at)) != std::string::npos; at = nl + 1) got.push_back(out1.substr(at, nl - at));
    std::sort(got.begin(), got.end());
    auto want = first;
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want);

    ASSERT_EQ(produce("-t kcat-group -p 2", {"b0", "b1"}).first, 0);
    auto [c2, out2] = run_shell(group, 60s);
    ASSERT_EQ(c2, 0) << out2;
    EXPECT_EQ(out2, "b0\nb1\n") << "the second run must resume from the committed offsets";
}

}  // namespace
}  // namespace eddy::testing
