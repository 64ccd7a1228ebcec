#include "io/errc.h"

#include <string>

namespace eddy::io {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "eddy.io"; }
    std::string message(int c) const override {
        switch (static_cast<errc>(c)) {
        case errc::injected_crash: return "injected crash: file system is down";
        case errc::closed: return "file is closed";
        }
        return "unknown io error";
    }
};

}  // namespace

const std::error_category& error_category() {
    static category c;
    return c;
}

}  // namespace eddy::io
