#include "http/route_matcher.h"

#include <fmt/format.h>

#include "http/errc.h"

namespace eddy::http {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Splits "/a/b/" into {"a", "b"}; "/" into {}. REQUIRES: path starts with '/'.
std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    size_t i = 1;
    while (i <= path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        if (j > i || j < path.size()) out.push_back(path.substr(i, j - i));
        i = j + 1;
    }
    // A trailing slash leaves one empty last segment; drop it ("/topics/" is "/topics").
    if (!out.empty() && out.back().empty()) out.pop_back();
    return out;
}

}  // namespace

std::string_view path_params::get(std::string_view name) const {
    for (const auto& [n, v] : items_) {
        if (n == name) return v;
    }
    return {};
}

result<std::string> percent_decode(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= s.size()) return make_error(errc::bad_path, "truncated percent escape");
            int a = hex_value(s[i + 1]);
            int b = hex_value(s[i + 2]);
            if (a < 0 || b < 0) return make_error(errc::bad_path, "invalid percent escape");
            char d = static_cast<char>(a * 16 + b);
            if (d == '\0') return make_error(errc::bad_path, "percent escape decodes to NUL");
            out.push_back(d);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::pair<std::string_view, std::string_view> split_target(std::string_view target) {
    auto q = target.find('?');
    if (q == std::string_view::npos) return {target, {}};
    auto query = target.substr(q + 1);
    auto hash = query.find('#');
    if (hash != std::string_view::npos) query = query.substr(0, hash);
    return {target.substr(0, q), query};
}

result<query_params> query_params::parse(std::string_view query) {
    query_params out;
    size_t i = 0;
    while (i < query.size()) {
        size_t j = query.find('&', i);
        if (j == std::string_view::npos) j = query.size();
        auto part = query.substr(i, j - i);
        i = j + 1;
        if (part.empty()) continue;
        auto eq = part.find('=');
        auto raw_name = part.substr(0, eq);
        auto raw_value = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
        EDDY_TRY_ASSIGN(auto name, percent_decode(raw_name, true));
        EDDY_TRY_ASSIGN(auto value, percent_decode(raw_value, true));
        out.items_.emplace_back(std::move(name), std::move(value));
    }
    return out;
}

std::optional<std::string_view> query_params::get(std::string_view name) const {
    for (const auto& [n, v] : items_) {
        if (n == name) return std::string_view(v);
    }
    return std::nullopt;
}

result<void> route_matcher::add(std::string_view pattern, size_t route) {
    if (pattern.empty() || pattern.front() != '/') {
        return make_error(errc::bad_pattern, "pattern '{}' must start with '/'", pattern);
    }
    size_t at = 0;
    for (auto seg : segments(pattern)) {
        if (seg.empty()) return make_error(errc::bad_pattern, "pattern '{}' has an empty segment", pattern);
        if (seg.front() == '{') {
            if (seg.size() < 3 || seg.back() != '}') {
                return make_error(errc::bad_pattern, "pattern '{}': bad parameter '{}'", pattern, seg);
            }
            auto name = std::string(seg.substr(1, seg.size() - 2));
            if (!nodes_[at].param_child) {
                nodes_.push_back(node{});
                nodes_[at].param_child = nodes_.size() - 1;
                nodes_[at].param_name = name;
            } else if (nodes_[at].param_name != name) {
                return make_error(errc::bad_pattern,
                                  "pattern '{}': parameter '{}' where another pattern has '{}'", pattern,
                                              name, nodes_[at].param_name);
            }
            at = *nodes_[at].param_child;
            continue;
        }
        std::optional<size_t> next;
        for (const auto& [lit, child] : nodes_[at].literals) {
            if (lit == seg) next = child;
        }
        if (!next) {
            nodes_.push_back(node{});
            next = nodes_.size() - 1;
            nodes_[at].literals.emplace_back(std::string(seg), *next);
        }
        at = *next;
    }
    if (nodes_[at].route) return make_error(errc::bad_pattern, "pattern '{}' added twice", pattern);
    nodes_[at].route = route;
    return {};
}

result<std::optional<route_matcher::match>> route_matcher::find(std::string_view path) const {
    if (path.empty() || path.front() != '/') return make_error(errc::bad_path, "path must start with '/'");
    auto raw = segments(path);
    std::vector<std::string> decoded;
    decoded.reserve(raw.size());
    for (auto seg : raw) {
        EDDY_TRY_ASSIGN(auto d, percent_decode(seg));
        decoded.push_back(std::move(d));
    }
    // Depth-first: literal children before the parameter child, backtracking when a branch dead-ends.
    std::vector<size_t> captured;  // indexes into decoded of the segments captured by parameters
    std::vector<size_t> names;     // node whose param_name names each capture
    auto walk = [&](auto&& self, size_t at, size_t depth) -> std::optional<size_t> {
        const node& n = nodes_[at];
        if (depth == decoded.size()) return n.route;
        for (const auto& [lit, child] : n.literals) {
            if (lit == decoded[depth]) {
                if (auto r = self(self, child, depth + 1)) return r;
            }
        }
        if (n.param_child && !decoded[depth].empty()) {
            captured.push_back(depth);
            names.push_back(at);
            if (auto r = self(self, *n.param_child, depth + 1)) return r;
            captured.pop_back();
            names.pop_back();
        }
        return std::nullopt;
    };
    auto route = walk(walk, 0, 0);
    if (!route) return std::optional<match>{};
    match m;
    m.route = *route;
    for (size_t i = 0; i < captured.size(); ++i) {
        m.params.add(nodes_[names[i]].param_name, std::move(decoded[captured[i]]));
    }
    return std::optional<match>{std::move(m)};
}

}  // namespace eddy::http
