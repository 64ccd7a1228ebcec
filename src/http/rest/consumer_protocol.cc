#include "http/rest/consumer_protocol.h"

#include <algorithm>
#include <set>
#include <utility>

#include "coord/codec.h"
#include "coord/consumer_assignment.h"

namespace eddy::http::rest {
namespace {

constexpr int16_t protocol_version = 0;

using coord::record_reader;
using coord::record_writer;

// Kafka's counts are int32; a count larger than the bytes left is caught by the reader failing.
bool read_count(record_reader& r, int32_t& n) {
    n = r.i32();
    return !r.failed() && n >= 0;
}

}  // namespace

bytes encode_subscription(const std::vector<std::string>& topics) {
    record_writer w;
    w.i16(protocol_version).i32(static_cast<int32_t>(topics.size()));
    for (const auto& t : topics) w.str(t);
    w.i32(-1);  // user_data: null
    return w.take();
}

std::optional<std::vector<std::string>> decode_subscription(bytes_view data) {
    record_reader r(data);
    (void)r.i16();
    int32_t n = 0;
    if (!read_count(r, n)) return std::nullopt;
    std::vector<std::string> topics;
    for (int32_t i = 0; i < n; ++i) {
        auto t = r.str();
        if (r.failed()) return std::nullopt;
        topics.push_back(std::move(t));
    }
    return topics;
}

bytes encode_assignment(const partition_assignment& a) {
    record_writer w;
    w.i16(protocol_version).i32(static_cast<int32_t>(a.size()));
    for (const auto& [topic, partitions] : a) {
        w.str(topic).i32(static_cast<int32_t>(partitions.size()));
        for (int32_t p : partitions) w.i32(p);
    }
    w.i32(-1);  // user_data: null
    return w.take();
}

std::optional<partition_assignment> decode_assignment(bytes_view data) {
    auto topics = coord::decode_consumer_assignment(data);
    if (!topics) return std::nullopt;
    partition_assignment out;
    for (const auto& t : *topics) {
        auto& parts = out[t.topic];
        for (auto p : t.partitions) parts.push_back(p.value());
        std::sort(parts.begin(), parts.end());
    }
    return out;
}

namespace {

// RangeAssignor: per topic, its subscribers in member-id order each take a contiguous range; the first
// (partitions % subscribers) of them take one more.
void assign_range(const std::vector<member_subscription>& members, const std::map<std::string, int32_t>& counts,
                  std::map<std::string, partition_assignment>& out) {
    std::map<std::string, std::vector<std::string>> subscribers;  // topic -> member ids (sorted)
    for (const auto& m : members) {
        for (const auto& t : std::set<std::string>(m.topics.begin(), m.topics.end())) {
            subscribers[t].push_back(m.member_id);
        }
    }
    for (auto& [topic, ids] : subscribers) {
        auto it = counts.find(topic);
        if (it == counts.end() || it->second <= 0) continue;
        std::sort(ids.begin(), ids.end());
        const int32_t n = it->second;
        const auto m = static_cast<int32_t>(ids.size());
        const int32_t per = n / m;
        const int32_t extra = n % m;
        for (int32_t i = 0; i < m; ++i) {
            int32_t start = per * i + std::min(i, extra);
            int32_t len = per + (i < extra ? 1 : 0);
            if (len == 0) continue;
            auto& parts = out[ids[static_cast<size_t>(i)]][topic];
            for (int32_t p = start; p < start + len; ++p) parts.push_back(p);
        }
    }
}

// RoundRobinAssignor: every subscribed partition in (topic, partition) order goes to the next member in
// member-id order that subscribes to its topic.
void assign_roundrobin(const std::vector<member_subscription>& members,
                       const std::map<std::string, int32_t>& counts,
                       std::map<std::string, partition_assignment>& out) {
    std::vector<const member_subscription*> sorted;
    std::set<std::string> all_topics;
    for (const auto& m : members) {
        sorted.push_back(&m);
        all_topics.insert(m.topics.begin(), m.topics.end());
    }
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->member_id < b->member_id; });
    if (sorted.empty()) return;
    auto subscribes = [](const member_subscription& m, const std::string& t) {
        return std::find(m.topics.begin(), m.topics.end(), t) != m.topics.end();
    };
    size_t next = 0;
    for (const auto& topic : all_topics) {
        auto it = counts.find(topic);
        if (it == counts.end()) continue;
        for (int32_t p = 0; p < it->second; ++p) {
            // Some member subscribes to this topic, so the scan ends within one round.
            while (!subscribes(*sorted[next % sorted.size()], topic)) ++next;
            out[sorted[next % sorted.size()]->member_id][topic].push_back(p);
            ++next;
        }
    }
}

}  // namespace

std::map<std::string, partition_assignment> assign(std::string_view assignor,
                                                   const std::vector<member_subscription>& members,
                                                   const std::map<std::string, int32_t>& partition_counts) {
    std::map<std::string, partition_assignment> out;
    for (const auto& m : members) out[m.member_id];
    if (assignor == roundrobin_assignor) {
        assign_roundrobin(members, partition_counts, out);
    } else {
        assign_range(members, partition_counts, out);
    }
    return out;
}

}  // namespace eddy::http::rest
