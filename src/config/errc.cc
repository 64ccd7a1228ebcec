#include "config/errc.h"

#include <string>

namespace eddy::config {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "eddy.config"; }
    std::string message(int c) const override {
        switch (static_cast<errc>(c)) {
        case errc::invalid_value: return "invalid configuration value";
        case errc::unknown_key: return "unknown configuration key";
        case errc::syntax: return "configuration syntax error";
        case errc::duplicate_key: return "duplicate configuration key";
        case errc::conflict: return "conflicting configuration values";
        }
        return "unknown config error";
    }
};

}  // namespace

const std::error_category& error_category() {
    static category c;
    return c;
}

}  // namespace eddy::config
