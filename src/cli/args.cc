#include "cli/args.h"

#include <algorithm>

namespace eddy::cli {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "eddy.cli"; }
    std::string message(int c) const override {
        switch (static_cast<errc>(c)) {
        case errc::unknown_flag: return "unknown flag";
        case errc::missing_value: return "missing value";
        case errc::unexpected_value: return "flag takes no value";
        case errc::unknown_command: return "unknown command";
        }
        return "unknown cli error";
    }
};

const flag_spec* find(std::span<const flag_spec> specs, std::string_view name) {
    auto it = std::find_if(specs.begin(), specs.end(), [&](const flag_spec& f) { return f.name == name; });
    return it == specs.end() ? nullptr : &*it;
}

}  // namespace

const std::error_category& error_category() {
    static category c;
    return c;
}

const std::string* parsed_args::last(std::string_view name) const {
    for (auto it = flags.rbegin(); it != flags.rend(); ++it) {
        if (it->first == name) return &it->second;
    }
    return nullptr;
}

result<parsed_args> parse_args(std::span<const std::string> args, std::span<const flag_spec> specs) {
    parsed_args out;
    for (size_t i = 0; i < args.size(); ++i) {
        std::string_view a = args[i];
        if (a == "--") {
            out.positional.insert(out.positional.end(), args.begin() + static_cast<ptrdiff_t>(i) + 1, args.end());
            break;
        }
        if (a == "-h" || a == "--help") {
            out.help = true;
            continue;
        }
        if (!a.starts_with("--") || a.size() == 2) {
            if (a.starts_with("-") && a.size() > 1) return make_error(errc::unknown_flag, "{}", a);
            out.positional.emplace_back(a);
            continue;
        }
        auto body = a.substr(2);
        auto eq = body.find('=');
        auto name = body.substr(0, eq);
        const auto* spec = find(specs, name);
        if (spec == nullptr) return make_error(errc::unknown_flag, "--{}", name);
        if (spec->value_name.empty()) {
            if (eq != std::string_view::npos) return make_error(errc::unexpected_value, "--{}", name);
            out.flags.emplace_back(std::string(name), "");
            continue;
        }
        if (eq != std::string_view::npos) {
            out.flags.emplace_back(std::string(name), std::string(body.substr(eq + 1)));
        } else if (i + 1 < args.size()) {
            out.flags.emplace_back(std::string(name), args[++i]);
        } else {
            return make_error(errc::missing_value, "--{} needs a {}", name, spec->value_name);
        }
    }
    return out;
}

std::string format_flags(std::span<const flag_spec> specs) {
    std::vector<std::string> heads;
    size_t width = 0;
    for (const auto& f : specs) {
        heads.push_back(f.value_name.empty() ? fmt::format("--{}", f.name) : fmt::format("--{} {}", f.name, f.value_name));
        width = std::max(width, heads.back().size());
    }
    std::string out;
    for (size_t i = 0; i < specs.size(); ++i) out += fmt::format("  {:<{}}  {}\n", heads[i], width, specs[i].help);
    return out;
}

}  // namespace eddy::cli
