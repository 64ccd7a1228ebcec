// Test support: fills every field of a generated message with non-default values, and lists the
// (api, request/response) pairs of the api table so tests can run over all of them.
#pragma once

#include <array>
#include <concepts>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "kafka/protocol/messages/api_table.h"

namespace eddy::kafka::protocol::testing {

template <typename T>
concept reflectable = requires(T& t) { t.for_each_field([](const char*, auto&) {}); };

// Deterministic: the n-th value filled is derived from a counter, so two fillers produce equal messages.
struct filler {
    int next = 1;
    inline static const std::array<uint8_t, 12> records_bytes{0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0};

    template <typename T>
    void operator()(const char*, T& v) { fill(v); }

    void fill(bool& v) { v = !v; }
    template <std::integral T>
    void fill(T& v) { v = static_cast<T>(next++ % 90 + 3); }
    void fill(double& v) { v = next++ + 0.25; }
    void fill(std::string& v) { v = fmt::format("s{}", next++); }
    void fill(bytes& v) { v = {1, 2, static_cast<uint8_t>(next++)}; }
    void fill(uuid& u) {
        for (size_t i = 0; i < u.size(); ++i) u[i] = static_cast<uint8_t>(next + static_cast<int>(i));
        ++next;
    }
    void fill(records_view& r) { r = bytes_view(records_bytes); }
    template <typename T>
    void fill(std::optional<T>& v) { fill(v.emplace()); }
    template <typename T>
    void fill(std::vector<T>& v) {
        v.resize(2);
        for (auto& e : v) fill(e);
    }
    template <reflectable T>
    void fill(T& s) { s.for_each_field(*this); }
};

template <typename M>
M filled() {
    M m;
    filler{}.fill(m);
    return m;
}

struct api_case {
    int16_t key;
    bool request;
};

inline std::vector<api_case> all_api_cases() {
    std::vector<api_case> out;
    for (const auto& a : api_table) {
        out.push_back({a.key, true});
        out.push_back({a.key, false});
    }
    return out;
}

inline std::string api_case_name(const api_case& c) {
    return fmt::format("{}_{}", find_api(c.key)->name, c.request ? "request" : "response");
}

// Calls f(std::type_identity<M>{}) for the message type of the case.
template <typename F>
void visit_case(const api_case& c, F&& f) {
    if (c.request) visit_request_type(c.key, f);
    else visit_response_type(c.key, f);
}

}  // namespace eddy::kafka::protocol::testing
