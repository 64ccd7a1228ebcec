// Owned and borrowed byte ranges, and big-endian integer access (the Kafka wire and RecordBatch layout
// are big-endian).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace eddy {

using bytes = std::vector<uint8_t>;
using bytes_view = std::span<const uint8_t>;
using mutable_bytes_view = std::span<uint8_t>;

inline bytes_view as_bytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_string_view(bytes_view b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// std::byteswap is C++23; g++ 12 lacks it.
template <typename T>
    requires std::is_integral_v<T>
[[nodiscard]] constexpr T byteswap(T v) {
    using U = std::make_unsigned_t<T>;
    if constexpr (sizeof(T) == 2) return static_cast<T>(__builtin_bswap16(static_cast<U>(v)));
    else if constexpr (sizeof(T) == 4) return static_cast<T>(__builtin_bswap32(static_cast<U>(v)));
    else if constexpr (sizeof(T) == 8) return static_cast<T>(__builtin_bswap64(static_cast<U>(v)));
    else return v;
}

template <typename T>
    requires std::is_integral_v<T>
[[nodiscard]] inline T load_be(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) v = byteswap(v);
    return v;
}

template <typename T>
    requires std::is_integral_v<T>
inline void store_be(uint8_t* p, T v) {
    if constexpr (std::endian::native == std::endian::little && sizeof(T) > 1) v = byteswap(v);
    std::memcpy(p, &v, sizeof(T));
}

template <typename T>
    requires std::is_integral_v<T>
inline void append_be(bytes& out, T v) {
    size_t at = out.size();
    out.resize(at + sizeof(T));
    store_be<T>(out.data() + at, v);
}

}  // namespace eddy
