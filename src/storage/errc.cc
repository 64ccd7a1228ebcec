#include "storage/errc.h"

#include <string>

namespace eddy::storage {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "eddy.storage"; }
    std::string message(int c) const override {
        switch (static_cast<errc>(c)) {
        case errc::corrupt_batch: return "corrupt record batch";
        case errc::crc_mismatch: return "record batch CRC mismatch";
        case errc::unsupported_magic: return "unsupported record batch magic (only v2)";
        case errc::message_too_large: return "record batch larger than max_message_bytes";
        case errc::offset_out_of_range: return "offset out of range";
        case errc::corrupt_log: return "log data is corrupt";
        case errc::missing_key: return "compacted log requires a non-null key on every record";
        case errc::log_failed: return "log failed after an I/O error; reopen to recover";
        case errc::invalid_config: return "invalid log configuration";
        }
        return "unknown storage error";
    }
};

}  // namespace

const std::error_category& error_category() {
    static category c;
    return c;
}

}  // namespace eddy::storage
