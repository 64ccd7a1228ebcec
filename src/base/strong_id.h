// strong<Tag, T>: a distinct integer type per concept (offset, partition, shard...). Values of different
// strong types never convert into each other implicitly, so mixing an offset with a partition id does
// not compile.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

#include <fmt/format.h>

namespace eddy {

template <typename Tag, typename T>
class strong {
public:
    using value_type = T;

    constexpr strong() = default;
    constexpr explicit strong(T v) : value_(v) {}

    [[nodiscard]] constexpr T value() const { return value_; }
    constexpr auto operator<=>(const strong&) const = default;

    constexpr strong& operator++() { ++value_; return *this; }
    constexpr strong operator+(T d) const { return strong(value_ + d); }
    constexpr strong operator-(T d) const { return strong(value_ - d); }
    constexpr strong& operator+=(T d) { value_ += d; return *this; }
    // The distance between two positions of the same kind.
    constexpr T operator-(strong o) const { return value_ - o.value_; }

private:
    T value_{};
};

}  // namespace eddy

template <typename Tag, typename T>
struct std::hash<eddy::strong<Tag, T>> {
    size_t operator()(eddy::strong<Tag, T> v) const noexcept { return std::hash<T>{}(v.value()); }
};

template <typename Tag, typename T>
struct fmt::formatter<eddy::strong<Tag, T>> : fmt::formatter<T> {
    auto format(eddy::strong<Tag, T> v, fmt::format_context& ctx) const {
        return fmt::formatter<T>::format(v.value(), ctx);
    }
};
