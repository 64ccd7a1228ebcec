// Variable-length integers as Kafka uses them:
// - unsigned varint (LEB128, 7 bits per byte, high bit = more) for compact lengths and tag counts;
// - zig-zag varint/varlong (signed) inside records.
// Decoders never read past the given range and reject over-long encodings.
#pragma once

#include <cstdint>
#include <optional>

#include "bytes/bytes.h"

namespace eddy::varint {

inline constexpr size_t max_len32 = 5;
inline constexpr size_t max_len64 = 10;

struct decoded64 {
    uint64_t value;
    size_t length;  // bytes consumed
};

// The general case of decode_unsigned (more than one byte, or malformed input).
[[nodiscard]] std::optional<decoded64> decode_unsigned_slow(bytes_view in, size_t max_len);

// Unsigned LEB128 of at most max_len bytes. nullopt on truncation or overlong input. Inline with a
// one-byte fast path: record framing is mostly small values, decoded several times per record.
[[nodiscard]] inline std::optional<decoded64> decode_unsigned(bytes_view in, size_t max_len = max_len64) {
    if (!in.empty() && in[0] < 0x80) return decoded64{in[0], 1};
    return decode_unsigned_slow(in, max_len);
}
// Appends the encoding of v; returns the number of bytes written.
size_t encode_unsigned(bytes& out, uint64_t v);
[[nodiscard]] size_t unsigned_size(uint64_t v);

[[nodiscard]] constexpr uint64_t zigzag_encode(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
[[nodiscard]] constexpr int64_t zigzag_decode(uint64_t v) {
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

struct decoded_signed {
    int64_t value;
    size_t length;
};
// Zig-zag varint (int32 range, at most 5 bytes) and varlong (at most 10 bytes).
[[nodiscard]] inline std::optional<decoded_signed> decode_varint(bytes_view in) {
    auto d = decode_unsigned(in, max_len32);
    if (!d) return std::nullopt;
    return decoded_signed{static_cast<int32_t>(zigzag_decode(d->value)), d->length};
}
[[nodiscard]] inline std::optional<decoded_signed> decode_varlong(bytes_view in) {
    auto d = decode_unsigned(in, max_len64);
    if (!d) return std::nullopt;
    return decoded_signed{zigzag_decode(d->value), d->length};
}
size_t encode_varint(bytes& out, int32_t v);
size_t encode_varlong(bytes& out, int64_t v);
[[nodiscard]] inline size_t varlong_size(int64_t v) { return unsigned_size(zigzag_encode(v)); }

}  // namespace eddy::varint
