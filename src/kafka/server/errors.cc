#include "kafka/server/errors.h"

#include "coord/errc.h"
#include "storage/errc.h"

namespace eddy::kafka::server {

int16_t to_kafka_error(const error& e) {
    const auto& cat = e.code.category();
    if (cat == coord::error_category()) return coord::kafka_error_code(static_cast<coord::errc>(e.code.value()));
    if (cat == storage::error_category()) {
        switch (static_cast<storage::errc>(e.code.value())) {
        case storage::errc::corrupt_batch:
        case storage::errc::crc_mismatch: return kerr::corrupt_message;
        case storage::errc::unsupported_magic: return kerr::unsupported_for_message_format;
        case storage::errc::message_too_large: return kerr::message_too_large;
        case storage::errc::offset_out_of_range: return kerr::offset_out_of_range;
        case storage::errc::missing_key: return kerr::invalid_record;
        case storage::errc::invalid_config: return kerr::invalid_config;
        case storage::errc::corrupt_log:
        case storage::errc::log_failed: return kerr::kafka_storage_error;
        }
    }
    return kerr::unknown_server_error;
}

}  // namespace eddy::kafka::server
