#include "http/errc.h"

#include <string>

namespace eddy::http {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "eddy.http"; }
    std::string message(int c) const override {
        switch (static_cast<errc>(c)) {
        case errc::bad_pattern: return "invalid route pattern";
        case errc::bad_path: return "invalid request path";
        case errc::bad_json: return "invalid JSON";
        }
        return "unknown http error";
    }
};

}  // namespace

const std::error_category& error_category() {
    static category c;
    return c;
}

}  // namespace eddy::http
