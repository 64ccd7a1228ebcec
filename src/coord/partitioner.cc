#include "coord/partitioner.h"

#include "base/assert.h"

namespace eddy::coord {

int32_t murmur2(bytes_view data) {
    constexpr uint32_t seed = 0x9747b28c;
    constexpr uint32_t m = 0x5bd1e995;
    constexpr int r = 24;
    const size_t length = data.size();
    uint32_t h = seed ^ static_cast<uint32_t>(length);
    const size_t blocks = length / 4;
    for (size_t i = 0; i < blocks; ++i) {
        const uint8_t* p = data.data() + i * 4;
        uint32_t k = uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
        k *= m;
        k ^= k >> r;
        k *= m;
        h *= m;
        h ^= k;
    }
    const uint8_t* tail = data.data() + blocks * 4;
    switch (length % 4) {
    case 3: h ^= uint32_t{tail[2]} << 16; [[fallthrough]];
    case 2: h ^= uint32_t{tail[1]} << 8; [[fallthrough]];
    case 1:
        h ^= uint32_t{tail[0]};
        h *= m;
        break;
    default: break;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return static_cast<int32_t>(h);
}

partition_id partition_for_key(bytes_view key, int32_t partitions) {
    EDDY_ASSERT(partitions > 0);
    auto positive = static_cast<uint32_t>(murmur2(key)) & 0x7fffffffu;
    return partition_id{static_cast<int32_t>(positive % static_cast<uint32_t>(partitions))};
}

}  // namespace eddy::coord
