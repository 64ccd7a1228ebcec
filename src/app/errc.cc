#include "app/errc.h"

#include <string>

namespace eddy::app {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "eddy.app"; }
    std::string message(int c) const override {
        switch (static_cast<errc>(c)) {
        case errc::data_dir_locked: return "locked by another eddy process";
        case errc::data_dir_invalid: return "not a usable data directory";
        }
        return "unknown app error";
    }
};

}  // namespace

const std::error_category& error_category() {
    static category c;
    return c;
}

}  // namespace eddy::app
