// Error codes of the Kafka wire codecs: what can be wrong with bytes that came off the network, or with a
// message we were asked to encode. Translated to Kafka error codes only in kafka/server.
#pragma once

#include <system_error>

namespace eddy::kafka::protocol {

enum class errc : int {
    truncated = 1,        // input ended inside a value
    malformed,            // an impossible length, varint or value
    null_not_allowed,     // a null string/bytes/array in a version where the field is not nullable
    unsupported_version,  // api version outside the range we decode or encode
    unknown_api,          // api key we have no codec for
    trailing_bytes,       // a message body did not consume the whole frame
    frame_too_large,      // size prefix above the configured maximum
    value_too_large,      // a value does not fit its wire length field when encoding
};

const std::error_category& error_category();
inline std::error_code make_error_code(errc e) { return {static_cast<int>(e), error_category()}; }

}  // namespace eddy::kafka::protocol

template <>
struct std::is_error_code_enum<eddy::kafka::protocol::errc> : std::true_type {};
