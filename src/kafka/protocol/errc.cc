#include "kafka/protocol/errc.h"

#include <string>

namespace eddy::kafka::protocol {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "eddy.kafka.protocol"; }
    std::string message(int c) const override {
        switch (static_cast<errc>(c)) {
        case errc::truncated: return "truncated input";
        case errc::malformed: return "malformed input";
        case errc::null_not_allowed: return "null value for a non-nullable field";
        case errc::unsupported_version: return "unsupported api version";
        case errc::unknown_api: return "unknown api key";
        case errc::trailing_bytes: return "trailing bytes after message";
        case errc::frame_too_large: return "frame too large";
        case errc::value_too_large: return "value too large for its wire encoding";
        }
        return "unknown kafka protocol error";
    }
};

}  // namespace

const std::error_category& error_category() {
    static category c;
    return c;
}

}  // namespace eddy::kafka::protocol
