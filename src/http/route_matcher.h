// Path matching for the HTTP router, free of I/O so the fuzz target can drive it.
//
// A pattern is a path of literal segments and `{name}` parameters, e.g. "/topics/{topic}/partitions/{p}".
// A request path matches when it has the same number of segments and every literal segment is equal;
// parameters capture the percent-decoded segment. A trailing slash is ignored ("/topics/" matches
// "/topics"). Literal segments win over parameters when two patterns could match the same path, so
// "/consumers/{group}/instances" and "/consumers/{group}/{x}" can coexist.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace eddy::http {

// Captured path parameters, in pattern order.
class path_params {
public:
    void add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }
    // The value of `name`, or an empty view when the pattern has no such parameter.
    [[nodiscard]] std::string_view get(std::string_view name) const;
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

private:
    std::vector<std::pair<std::string, std::string>> items_;
};

// Decodes %XX escapes; '+' stays '+' (paths, unlike form bodies, do not encode spaces as '+').
// Invalid escapes (a '%' not followed by two hex digits) and decoded NUL bytes are errors.
[[nodiscard]] result<std::string> percent_decode(std::string_view s, bool plus_is_space = false);

// Splits a target ("/a/b?x=1") into its path and query ("x=1"; empty when absent).
[[nodiscard]] std::pair<std::string_view, std::string_view> split_target(std::string_view target);

// Query parameters of "a=1&b=x%20y&flag": decoded names and values ('+' is a space); a name without
// '=' has an empty value. Later duplicates are kept (first wins in get()).
class query_params {
public:
    [[nodiscard]] static result<query_params> parse(std::string_view query);
    [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

private:
    std::vector<std::pair<std::string, std::string>> items_;
};

// Patterns, each with an index the caller chose (a route id). Matching is by segment tree walk in
// O(segments x branching), independent of the number of routes.
class route_matcher {
public:
    struct match {
        size_t route = 0;
        path_params params;
    };

    // Adds `pattern` for route index `route`. Errors: not starting with '/', an empty or unterminated
    // `{}` parameter, or the same pattern added twice.
    result<void> add(std::string_view pattern, size_t route);

    // The routes whose pattern matches `path` (several when the same pattern serves several methods is
    // the caller's business: one pattern has one route index here). nullopt when no pattern matches;
    // an error when the path cannot be decoded (bad escape, NUL, not starting with '/').
    [[nodiscard]] result<std::optional<match>> find(std::string_view path) const;

private:
    struct node {
        std::vector<std::pair<std::string, size_t>> literals;  // segment -> child node index
        std::optional<size_t> param_child;
        std::string param_name;  // of param_child
        std::optional<size_t> route;
    };
    std::vector<node> nodes_{node{}};
};

}  // namespace eddy::http
