#include "runtime/errc.h"

#include <string>

namespace eddy::runtime {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "eddy.runtime"; }
    std::string message(int c) const override {
        switch (static_cast<errc>(c)) {
        case errc::gate_closed: return "gate is closed";
        case errc::semaphore_broken: return "semaphore is broken";
        case errc::shutting_down: return "shutting down";
        case errc::service_failed: return "service failed to start";
        }
        return "unknown runtime error";
    }
};

}  // namespace

const std::error_category& error_category() {
    static category c;
    return c;
}

}  // namespace eddy::runtime
