// Fuzzes the consumer group protocol blobs other members send through JoinGroup and SyncGroup:
// ConsumerProtocolSubscription (http/rest/consumer_protocol.h) and ConsumerProtocolAssignment (its REST
// decoder and coord/consumer_assignment.h, which the admin API uses), and the assignors a REST leader
// runs over the subscriptions it decoded.
//
// Checks: whatever decodes re-encodes to bytes that decode to the same value, and that re-encoding is a
// fixed point; the REST assignment decoder accepts exactly what the coord one accepts and holds the same
// partitions; and both assignors hand every partition of a subscribed, known topic to exactly one of its
// subscribers, nothing else, with range and roundrobin balanced per topic and overall respectively.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "coord/consumer_assignment.h"
#include "fuzz_check.h"
#include "http/rest/consumer_protocol.h"

using namespace eddy;
using namespace eddy::http::rest;

namespace {

bool subscribes(const member_subscription& m, const std::string& topic) {
    return std::find(m.topics.begin(), m.topics.end(), topic) != m.topics.end();
}

void fuzz_subscription(bytes_view in) {
    auto topics = decode_subscription(in);
    if (!topics) return;
    bytes enc = encode_subscription(*topics);
    auto again = decode_subscription(enc);
    FUZZ_CHECK(again == topics);
    FUZZ_CHECK(encode_subscription(*again) == enc);
}

void fuzz_assignment(bytes_view in) {
    auto listed = coord::decode_consumer_assignment(in);
    auto a = decode_assignment(in);
    FUZZ_CHECK(a.has_value() == listed.has_value());
    if (!a) return;
    // The same partitions, per topic merged and sorted.
    partition_assignment merged;
    for (const auto& t : *listed) {
        auto& parts = merged[t.topic];
        for (auto p : t.partitions) parts.push_back(p.value());
    }
    for (auto& [topic, parts] : merged) std::sort(parts.begin(), parts.end());
    FUZZ_CHECK(merged == *a);

    bytes enc = encode_assignment(*a);
    auto again = decode_assignment(enc);
    FUZZ_CHECK(again == a);
    FUZZ_CHECK(encode_assignment(*again) == enc);
    auto again_listed = coord::decode_consumer_assignment(enc);
    FUZZ_CHECK(again_listed && again_listed->size() == a->size());
}

// Members' subscriptions are length-prefixed (one byte) blobs; partition counts (0..7) come from the
// topic names' first bytes, and topics whose name starts with 'x' are unknown to the broker.
void fuzz_assign(bytes_view in) {
    std::vector<member_subscription> members;
    std::map<std::string, int32_t> counts;
    size_t pos = 0;
    while (pos < in.size() && members.size() < 16) {
        size_t n = std::min<size_t>(in[pos], in.size() - pos - 1);
        auto topics = decode_subscription(in.subspan(pos + 1, n));
        pos += 1 + n;
        if (!topics) continue;
        for (const auto& t : *topics) {
            if (!t.empty() && t[0] != 'x') counts[t] = static_cast<uint8_t>(t[0]) % 8;
        }
        members.push_back({"m" + std::to_string(members.size()), std::move(*topics)});
    }
    for (auto assignor : {range_assignor, roundrobin_assignor}) {
        auto out = assign(assignor, members, counts);
        FUZZ_CHECK(out.size() == members.size());
        std::map<std::string, std::map<int32_t, int>> owners;  // topic -> partition -> times assigned
        std::map<std::string, std::map<std::string, size_t>> per_member;  // topic -> member -> partitions
        for (const auto& m : members) {
            auto it = out.find(m.member_id);
            FUZZ_CHECK(it != out.end());
            for (const auto& [topic, parts] : it->second) {
                FUZZ_CHECK(subscribes(m, topic));
                auto c = counts.find(topic);
                FUZZ_CHECK(c != counts.end());
                for (int32_t p : parts) {
                    FUZZ_CHECK(p >= 0 && p < c->second);
                    ++owners[topic][p];
                }
                per_member[topic][m.member_id] = parts.size();
            }
        }
        for (const auto& [topic, n] : counts) {
            size_t subscribers = 0;
            for (const auto& m : members) subscribers += subscribes(m, topic) ? 1 : 0;
            if (subscribers == 0 || n == 0) continue;
            FUZZ_CHECK(owners[topic].size() == static_cast<size_t>(n));
            for (const auto& [p, times] : owners[topic]) FUZZ_CHECK(times == 1);
            if (assignor != range_assignor) continue;
            // Range: each topic's subscribers get partition counts that differ by at most one.
            size_t lo = static_cast<size_t>(n) / subscribers;
            if (lo > 0) FUZZ_CHECK(per_member[topic].size() == subscribers);
            for (const auto& [member, k] : per_member[topic]) FUZZ_CHECK(k == lo || k == lo + 1);
        }
        // Roundrobin: when every member subscribes to the same topics, their totals differ by at most one.
        if (assignor != roundrobin_assignor || members.empty()) continue;
        std::set<std::string> first(members[0].topics.begin(), members[0].topics.end());
        bool same = std::all_of(members.begin(), members.end(), [&](const member_subscription& m) {
            return std::set<std::string>(m.topics.begin(), m.topics.end()) == first;
        });
        if (!same) continue;
        size_t lo = std::numeric_limits<size_t>::max(), hi = 0;
        for (const auto& [member, a] : out) {
            size_t total = 0;
            for (const auto& [topic, parts] : a) total += parts.size();
            lo = std::min(lo, total);
            hi = std::max(hi, total);
        }
        FUZZ_CHECK(hi - lo <= 1);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    bytes_view in(data + 1, size - 1);
    switch (data[0] % 3) {
        case 0: fuzz_subscription(in); break;
        case 1: fuzz_assignment(in); break;
        default: fuzz_assign(in); break;
    }
    return 0;
}
