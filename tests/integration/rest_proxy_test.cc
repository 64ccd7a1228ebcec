// The Confluent REST Proxy v2 API of `eddy serve --smp 2`, driven with curl next to kcat 1.7.1
// (librdkafka 2.0.2): records produced over HTTP are read by kcat and the other way round, keys and
// binary values round-trip, keyed records land where librdkafka's murmur2 partitioner puts them, a REST
// consumer is a member of its group as Kafka clients see it and its commits are the group's, and bad
// requests get Confluent's status and error codes.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "eddy_server.h"
#include "http/rest/base64.h"
#include "rdkafka_util.h"
#include "shared_server_test.h"

namespace eddy::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr std::string_view binary = "application/vnd.kafka.binary.v2+json";
constexpr std::string_view json_type = "application/vnd.kafka.json.v2+json";
constexpr std::string_view v2 = "application/vnd.kafka.v2+json";

std::string b64(std::string_view s) { return http::rest::base64_encode(as_bytes(s)); }
std::string unb64(const json::value& v) { return http::rest::base64_decode(v.as_string()).value_or("<invalid>"); }

struct http_result {
    int status = 0;
    std::string body;

    [[nodiscard]] json::value json() const {
        boost::system::error_code ec;
        auto v = json::parse(body, ec);
        return ec ? json::value(nullptr) : v;
    }
    [[nodiscard]] int64_t error_code() const {
        auto v = json();
        return v.is_object() && v.as_object().contains("error_code") ? v.at("error_code").as_int64() : 0;
    }
};

std::vector<std::string> lines_of(const std::string& out) {
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string l; std::getline(in, l);) {
        if (!l.empty()) lines.push_back(l);
    }
    return lines;
}

class rest_proxy_it : public shared_server_test {
protected:
    static void SetUpTestSuite() {
        options_.smp = 2;
        shared_server_test::SetUpTestSuite();
    }

    std::string file_with(const std::string& content) {
        auto path = fmt::format("{}/file-{}", dir_.path(), files_++);
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }

    // One request with curl; the body is sent from a file so any bytes survive the shell.
    http_result curl(std::string_view method, const std::string& path, const std::string& body = {},
                     std::string_view type = {}, const std::vector<std::string>& headers = {}) {
        auto out = fmt::format("{}/response-{}", dir_.path(), files_++);
        auto cmd = fmt::format("curl -s -o {} -w '%{{http_code}}' -X {}", shell_quote(out), method);
        if (!type.empty()) cmd += " -H " + shell_quote(fmt::format("Content-Type: {}", type));
        for (const auto& h : headers) cmd += " -H " + shell_quote(h);
        if (!body.empty()) cmd += " --data-binary @" + shell_quote(file_with(body));
        cmd += " " + shell_quote(fmt::format("http://127.0.0.1:{}{}", server_->http_port(), path));
        auto [code, printed] = run_shell(cmd, 60s);
        EXPECT_EQ(code, 0) << cmd << "\n" << printed;
        http_result r;
        r.status = std::atoi(printed.c_str());
        std::ifstream in(out, std::ios::binary);
        r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        return r;
    }

    std::string kcat(const std::string& args) const {
        return fmt::format("kcat -b {} -X log_level=3 {}", server_->bootstrap(), args);
    }
    void kcat_produce(const std::string& args, const std::vector<std::string>& lines) {
        std::string text;
        for (const auto& l : lines) text += l + "\n";
        auto [code, out] = run_shell(kcat("-P " + args) + " < " + shell_quote(file_with(text)), 30s);
        ASSERT_EQ(code, 0) << out;
    }
    std::string kcat_consume(const std::string& args) {
        auto [code, out] = run_shell(kcat("-C -e -q " + args) + " 2>/dev/null", 30s);
        EXPECT_EQ(code, 0) << out;
        return out;
    }

    // A consumer instance subscribed to `topic`; its base path.
    std::string subscribed_instance(const std::string& group, const std::string& name, const std::string& format,
                                    const std::string& topic) {
        auto created = curl("POST", "/consumers/" + group,
                            fmt::format(R"({{"name":"{}","format":"{}","auto.offset.reset":"earliest"}})", name, format),
                            v2);
        EXPECT_EQ(created.status, 200) << created.body;
        auto base = fmt::format("/consumers/{}/instances/{}", group, name);
        EXPECT_EQ(created.json().at("base_uri").as_string(),
                  json::string(fmt::format("http://127.0.0.1:{}{}", server_->http_port(), base)));
        auto sub = curl("POST", base + "/subscription", fmt::format(R"({{"topics":["{}"]}})", topic), v2);
        EXPECT_EQ(sub.status, 204) << sub.body;
        return base;
    }

    // GET .../records until n records arrived (the first join waits out the group's initial delay).
    json::array read(const std::string& base, size_t n, std::string_view accept = binary) {
        json::array all;
        auto end = std::chrono::steady_clock::now() + 30s;
        while (all.size() < n && std::chrono::steady_clock::now() < end) {
            auto r = curl("GET", base + "/records?timeout=2000", {}, {}, {fmt::format("Accept: {}", accept)});
            EXPECT_EQ(r.status, 200) << r.body;
            if (r.status != 200) break;
            auto got = r.json();
            for (auto& rec : got.as_array()) all.push_back(rec);
        }
        return all;
    }

    scratch_dir dir_;
    int files_ = 0;
};

TEST_F(rest_proxy_it, produced_over_http_read_by_kcat) {
    ASSERT_EQ(rk::create_topic(server_->bootstrap(), "http-in", 1), RD_KAFKA_RESP_ERR_NO_ERROR);
    std::string raw("\x00\x01\xff", 3);
    auto r = curl("POST", "/topics/http-in",
                  fmt::format(R"({{"records":[{{"key":"{}","value":"{}"}},{{"value":"{}"}},{{"key":"{}","value":"{}"}}]}})",
                              b64("k1"), b64("v1"), b64("v2"), b64("bin"), b64(raw)),
                  binary);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::serialize(r.json().at("offsets")),
              R"([{"partition":0,"offset":0,"error_code":null,"error":null},)"
              R"({"partition":0,"offset":1,"error_code":null,"error":null},)"
              R"({"partition":0,"offset":2,"error_code":null,"error":null}])");
    auto out = kcat_consume("-t http-in -p 0 -o beginning -f '%k|%s|%o\\n'");
    EXPECT_EQ(out, "k1|v1|0\n|v2|1\nbin|" + raw + "|2\n");

    auto j = curl("POST", "/topics/http-json", R"({"records":[{"key":"u1","value":{"n":1.5,"tags":["a"]}}]})", json_type);
    ASSERT_EQ(j.status, 200) << j.body;
    EXPECT_EQ(kcat_consume("-t http-json -o beginning -f '%k|%s\\n'"), "\"u1\"|{\"n\":1.5,\"tags\":[\"a\"]}\n");
}

TEST_F(rest_proxy_it, produced_by_kcat_read_over_http_as_a_group_member) {
    ASSERT_EQ(rk::create_topic(server_->bootstrap(), "kcat-in", 2), RD_KAFKA_RESP_ERR_NO_ERROR);
    kcat_produce("-t kcat-in -K:", {"k1:v1", "k2:v2", "k3:v3", "k4:v4", "k5:v5", "k6:v6"});
    auto base = subscribed_instance("readers", "r1", "binary", "kcat-in");
    auto records = read(base, 6);
    std::set<std::string> got;
    for (const auto& rec : records) got.insert(unb64(rec.at("key")) + ":" + unb64(rec.at("value")));
    EXPECT_EQ(got, (std::set<std::string>{"k1:v1", "k2:v2", "k3:v3", "k4:v4", "k5:v5", "k6:v6"}));

    // Kafka clients see the instance as a member of the group.
    auto rk_handle = rk::make(RD_KAFKA_CONSUMER, server_->bootstrap(), {{"group.id", "observer"}});
    const rd_kafka_group_list* list = nullptr;
    ASSERT_EQ(rd_kafka_list_groups(rk_handle.get(), "readers", &list, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(list->group_cnt, 1);
    const auto& g = list->groups[0];
    EXPECT_STREQ(g.state, "Stable");
    EXPECT_STREQ(g.protocol_type, "consumer");
    EXPECT_STREQ(g.protocol, "range");
    ASSERT_EQ(g.member_cnt, 1);
    EXPECT_STREQ(g.members[0].client_id, "r1");
    rd_kafka_group_list_destroy(list);

    // Its commits are the group's: after it is gone, a kcat member of the group reads only what is new.
    EXPECT_EQ(curl("POST", base + "/offsets", {}, v2).status, 200);
    EXPECT_EQ(curl("DELETE", base).status, 204);
    kcat_produce("-t kcat-in -K:", {"k7:v7", "k8:v8"});
    auto out = kcat_consume("-G readers -X auto.offset.reset=earliest -f '%k:%s\\n' kcat-in");
    auto lines = lines_of(out);
    std::sort(lines.begin(), lines.end());
    EXPECT_EQ(lines, (std::vector<std::string>{"k7:v7", "k8:v8"}));
}

TEST_F(rest_proxy_it, keyed_records_land_where_librdkafka_murmur2_puts_them) {
    ASSERT_EQ(rk::create_topic(server_->bootstrap(), "keyed", 4), RD_KAFKA_RESP_ERR_NO_ERROR);
    std::vector<std::string> keys{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"};
    std::string records;
    for (const auto& k : keys) {
        if (!records.empty()) records += ",";
        records += fmt::format(R"({{"key":"{}","value":"{}"}})", b64(k), b64("http"));
    }
    ASSERT_EQ(curl("POST", "/topics/keyed", R"({"records":[)" + records + "]}", binary).status, 200);
    std::vector<std::string> lines;
    for (const auto& k : keys) lines.push_back(k + ":kcat");
    kcat_produce("-t keyed -K: -X topic.partitioner=murmur2_random", lines);
    std::map<std::string, std::set<std::string>> partitions_of;
    for (const auto& l : lines_of(kcat_consume("-t keyed -o beginning -f '%k %p\\n'"))) {
        auto space = l.find(' ');
        partitions_of[l.substr(0, space)].insert(l.substr(space + 1));
    }
    ASSERT_EQ(partitions_of.size(), keys.size());
    std::set<std::string> used;
    for (const auto& [k, ps] : partitions_of) {
        EXPECT_EQ(ps.size(), 1u) << k << " went to more than one partition";
        used.insert(ps.begin(), ps.end());
    }
    EXPECT_GT(used.size(), 1u);
}

TEST_F(rest_proxy_it, json_consumer_reads_json_documents) {
    kcat_produce("-t json-in", {R"({"id":1,"ok":true})", R"({"id":2,"ok":false})"});
    auto base = subscribed_instance("json-readers", "j1", "json", "json-in");
    auto records = read(base, 2, json_type);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(json::serialize(records[0].at("value")), R"({"id":1,"ok":true})");
    EXPECT_TRUE(records[1].at("key").is_null());
    auto mismatch = curl("GET", base + "/records", {}, {}, {fmt::format("Accept: {}", binary)});
    EXPECT_EQ(mismatch.status, 406);
    EXPECT_EQ(mismatch.error_code(), 40601);
    EXPECT_EQ(curl("DELETE", base).status, 204);
}

TEST_F(rest_proxy_it, bad_requests_get_confluent_errors) {
    ASSERT_EQ(rk::create_topic(server_->bootstrap(), "strict", 2), RD_KAFKA_RESP_ERR_NO_ERROR);
    std::string one = R"({"records":[{"value":"YQ=="}]})";
    auto wrong_type = curl("POST", "/topics/strict", one, "text/plain");
    EXPECT_EQ(wrong_type.status, 415);
    EXPECT_EQ(wrong_type.error_code(), 415);
    auto malformed = curl("POST", "/topics/strict", R"({"records":[)", binary);
    EXPECT_EQ(malformed.status, 400);
    EXPECT_EQ(malformed.error_code(), 400);
    auto bad_b64 = curl("POST", "/topics/strict", R"({"records":[{"value":"%%%"}]})", binary);
    EXPECT_EQ(bad_b64.status, 422);
    EXPECT_EQ(bad_b64.error_code(), 422);
    EXPECT_EQ(curl("POST", "/topics/strict", R"({"records":[]})", binary).status, 422);
    auto no_partition = curl("POST", "/topics/strict/partitions/7", one, binary);
    EXPECT_EQ(no_partition.status, 404);
    EXPECT_EQ(no_partition.error_code(), 40402);
    auto no_topic = curl("GET", "/topics/absent");
    EXPECT_EQ(no_topic.status, 404);
    EXPECT_EQ(no_topic.error_code(), 40401);
    EXPECT_EQ(curl("GET", "/consumers/g/instances/nobody/records").error_code(), 40403);
    // The default body limit is 16 MiB: a larger one is refused before it is read.
    auto big = curl("POST", "/topics/strict", std::string(17 << 20, 'x'), binary);
    EXPECT_EQ(big.status, 413);
    EXPECT_EQ(kcat_consume("-t strict -o beginning -f '%s\\n'"), "");
}

}  // namespace
}  // namespace eddy::testing
