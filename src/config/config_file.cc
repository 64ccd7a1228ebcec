#include "config/config_file.h"

#include <cerrno>
#include <fstream>
#include <map>
#include <sstream>

#include "config/errc.h"

namespace eddy::config {
namespace {

std::string_view trim(std::string_view s) {
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

bool is_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
}

bool valid_key(std::string_view k) {
    if (k.empty() || k.front() == '.' || k.back() == '.' || k.find("..") != std::string_view::npos) return false;
    for (char c : k) {
        if (!is_key_char(c)) return false;
    }
    return true;
}

// What may follow a value: nothing or a comment.
bool only_comment(std::string_view rest) {
    rest = trim(rest);
    return rest.empty() || rest.front() == '#';
}

// Parses a "..." (with escapes) or '...' (literal) string at the start of s.
result<std::string> parse_quoted(std::string_view s, const std::string& where) {
    char quote = s.front();
    std::string out;
    size_t i = 1;
    for (; i < s.size() && s[i] != quote; ++i) {
        if (s[i] != '\\' || quote == '\'') {
            out += s[i];
            continue;
        }
        if (++i == s.size()) break;
        switch (s[i]) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        default: return make_error(errc::syntax, "{}: unknown escape '\\{}' in string", where, s[i]);
        }
    }
    if (i >= s.size()) return make_error(errc::syntax, "{}: unterminated string", where);
    if (!only_comment(s.substr(i + 1))) return make_error(errc::syntax, "{}: unexpected text after the string", where);
    return out;
}

result<std::string> parse_value(std::string_view v, const std::string& where) {
    if (v.empty()) return make_error(errc::syntax, "{}: missing value after '='", where);
    if (v.front() == '"' || v.front() == '\'') return parse_quoted(v, where);
    auto bare = trim(v.substr(0, v.find('#')));
    if (bare.empty()) return make_error(errc::syntax, "{}: missing value after '='", where);
    if (bare.find_first_of(" \t") != std::string_view::npos) {
        return make_error(errc::syntax, "{}: value '{}' has spaces; put it in double quotes", where, bare);
    }
    return std::string(bare);
}

}  // namespace

result<std::vector<setting>> parse_config_text(std::string_view text, std::string_view source) {
    std::vector<setting> out;
    std::map<std::string, std::string, std::less<>> seen;  // key -> where
    std::string table;
    size_t line_no = 0;
    while (!text.empty()) {
        auto nl = text.find('\n');
        auto line = trim(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++line_no;
        auto where = fmt::format("{}:{}", source, line_no);
        if (line.empty() || line.front() == '#') continue;
        if (line.front() == '[') {
            auto close = line.find(']');
            if (close == std::string_view::npos || !only_comment(line.substr(close + 1))) {
                return make_error(errc::syntax, "{}: a table header looks like [name]", where);
            }
            auto name = trim(line.substr(1, close - 1));
            if (!valid_key(name)) return make_error(errc::syntax, "{}: invalid table name '{}'", where, name);
            table = std::string(name);
            continue;
        }
        auto eq = line.find('=');
        if (eq == std::string_view::npos) return make_error(errc::syntax, "{}: expected 'key = value'", where);
        auto key = trim(line.substr(0, eq));
        if (!valid_key(key)) return make_error(errc::syntax, "{}: invalid key '{}'", where, key);
        EDDY_TRY_ASSIGN(auto value, parse_value(trim(line.substr(eq + 1)), where));
        auto full = table.empty() ? std::string(key) : fmt::format("{}.{}", table, key);
        if (auto it = seen.find(full); it != seen.end()) {
            return make_error(errc::duplicate_key, "{}: key '{}' is already set at {}", where, full, it->second);
        }
        seen.emplace(full, where);
        out.push_back(setting{std::move(full), std::move(value), std::move(where)});
    }
    return out;
}

result<std::vector<setting>> read_config_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_errno_error(errno, "cannot read config file {}", path);
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) return make_errno_error(errno, "cannot read config file {}", path);
    return parse_config_text(buf.str(), path);
}

}  // namespace eddy::config
