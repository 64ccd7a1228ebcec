#include "observability/errc.h"

#include <string>

namespace eddy::observability {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "eddy.observability"; }
    std::string message(int c) const override {
        switch (static_cast<errc>(c)) {
        case errc::invalid_metric_name: return "invalid metric name";
        case errc::invalid_label_name: return "invalid label name";
        case errc::conflicting_family: return "metric family already registered differently";
        case errc::invalid_buckets: return "invalid histogram buckets";
        case errc::proc_parse_failed: return "unexpected /proc file format";
        }
        return "unknown observability error";
    }
};

}  // namespace

const std::error_category& error_category() {
    static category c;
    return c;
}

}  // namespace eddy::observability
