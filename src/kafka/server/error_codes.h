// The error codes a Kafka response carries, for eddy_kafka_request_errors_total: every int16 field whose
// schema name ends in "ErrorCode" (top level, per topic, per partition, per resource), found by walking
// the generated for_each_field of the response. A response answering 1,000 partitions with
// UNKNOWN_TOPIC_OR_PARTITION counts that code 1,000 times; zero (NONE) is not counted.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

namespace eddy::kafka::server {

struct error_count {
    int16_t code = 0;
    uint32_t count = 0;
    bool operator==(const error_count&) const = default;
};

// Non-zero codes with their counts, in first-seen order (responses carry few distinct codes).
class error_tally {
public:
    void add(int16_t code) {
        if (code == 0) return;
        for (auto& e : counts_) {
            if (e.code == code) {
                ++e.count;
                return;
            }
        }
        counts_.push_back(error_count{code, 1});
    }
    [[nodiscard]] const std::vector<error_count>& counts() const { return counts_; }
    [[nodiscard]] bool empty() const { return counts_.empty(); }

private:
    std::vector<error_count> counts_;
};

namespace detail {

template <typename T>
concept has_fields = requires(const T& t) { t.for_each_field([](std::string_view, const auto&) {}); };

template <typename T>
struct is_vector : std::false_type {};
template <typename T, typename A>
struct is_vector<std::vector<T, A>> : std::true_type {};

template <typename T>
struct is_optional : std::false_type {};
template <typename T>
struct is_optional<std::optional<T>> : std::true_type {};

inline bool is_error_code_field(std::string_view name) { return name.ends_with("ErrorCode"); }

template <typename T>
void tally_value(std::string_view name, const T& v, error_tally& out);

template <has_fields M>
void tally_fields(const M& m, error_tally& out) {
    m.for_each_field([&out](std::string_view name, const auto& v) { tally_value(name, v, out); });
}

template <typename T>
void tally_value(std::string_view name, const T& v, error_tally& out) {
    if constexpr (std::is_same_v<T, int16_t>) {
        if (is_error_code_field(name)) out.add(v);
    } else if constexpr (has_fields<T>) {
        tally_fields(v, out);
    } else if constexpr (is_vector<T>::value) {
        if constexpr (has_fields<typename T::value_type>) {
            for (const auto& e : v) tally_fields(e, out);
        }
    } else if constexpr (is_optional<T>::value) {
        if constexpr (has_fields<typename T::value_type>) {
            if (v) tally_fields(*v, out);
        }
    }
}

}  // namespace detail

// Adds every non-zero *ErrorCode field of a generated message (recursively) to `out`.
template <typename M>
void tally_error_codes(const M& message, error_tally& out) {
    if constexpr (detail::has_fields<M>) detail::tally_fields(message, out);
}

}  // namespace eddy::kafka::server
