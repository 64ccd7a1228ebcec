// Owned and borrowed byte ranges, and big-endian integer access (the Kafka wire and RecordBatch layout
// are big-endian).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace eddy {

using bytes = std::vector<uint8_t>;
using bytes_view = std::span<const uint8_t>;
using mutable_bytes_view = std::span<uint8_t>;

// An allocator whose value-less construct() default-initializes, so resize() leaves new bytes
// uninitialized instead of zeroing them.
template <typename T>
struct default_init_allocator : std::allocator<T> {
    template <typename U>
    struct rebind {
        using other = default_init_allocator<U>;
    };
    using std::allocator<T>::allocator;
    template <typename U>
    void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
        ::new (static_cast<void*>(p)) U;
    }
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args) {
        std::allocator_traits<std::allocator<T>>::construct(static_cast<std::allocator<T>&>(*this), p,
                                                            std::forward<Args>(args)...);
    }
};

// An owned buffer that I/O fills: sizing it does not zero it first (a read or a copy overwrites it), which
// matters on the hot paths (request frames, segment reads). Use `bytes` where zeros are wanted.
using byte_buffer = std::vector<uint8_t, default_init_allocator<uint8_t>>;

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
