#include "bytes/varint.h"

#include <algorithm>

namespace eddy::varint {

std::optional<decoded64> decode_unsigned_slow(bytes_view in, size_t max_len) {
    uint64_t v = 0;
    size_t limit = std::min(in.size(), max_len);
    for (size_t i = 0; i < limit; ++i) {
        uint8_t b = in[i];
        unsigned shift = static_cast<unsigned>(7 * i);
        uint64_t part = static_cast<uint64_t>(b & 0x7f);
        // The last allowed byte may only carry the bits that still fit.
        if (shift == 63 && part > 1) return std::nullopt;
        if (max_len == max_len32 && i == max_len32 - 1 && part > 0x0f) return std::nullopt;
        v |= part << shift;
        if ((b & 0x80) == 0) return decoded64{v, i + 1};
    }
    return std::nullopt;
}

size_t unsigned_size(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

size_t encode_unsigned(bytes& out, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        out.push_back(static_cast<uint8_t>(v | 0x80));
        v >>= 7;
        ++n;
    }
    out.push_back(static_cast<uint8_t>(v));
    return n + 1;
}

size_t encode_varint(bytes& out, int32_t v) {
    return encode_unsigned(out, static_cast<uint32_t>((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31)));
}

size_t encode_varlong(bytes& out, int64_t v) { return encode_unsigned(out, zigzag_encode(v)); }

}  // namespace eddy::varint
