#include "coord/consumer_assignment.h"

#include "coord/codec.h"

namespace eddy::coord {

std::optional<std::vector<assigned_topic>> decode_consumer_assignment(bytes_view b) {
    std::vector<assigned_topic> out;
    if (b.empty()) return out;
    record_reader r(b);
    (void)r.i16();
    int32_t topics = r.i32();
    if (r.failed() || topics < 0) return std::nullopt;
    for (int32_t i = 0; i < topics; ++i) {
        auto name = r.nullable_str();
        int32_t n = r.i32();
        // Each partition takes 4 bytes, so a forged count fails on the first missing one, not in reserve().
        if (!name || r.failed() || n < 0) return std::nullopt;
        assigned_topic& t = out.emplace_back();
        t.topic = std::move(*name);
        for (int32_t k = 0; k < n; ++k) {
            int32_t p = r.i32();
            if (r.failed()) return std::nullopt;
            t.partitions.push_back(partition_id{p});
        }
    }
    return out;
}

}  // namespace eddy::coord
