// Kafka request and response headers, and which header version an (api, version) pair uses.
//
//   request header v0: api_key int16, api_version int16, correlation_id int32
//   request header v1: v0 + client_id (int16-length nullable string)
//   request header v2: v1 + tagged fields. client_id stays an int16-length string (not compact).
//   response header v0: correlation_id int32
//   response header v1: v0 + tagged fields
// Flexible API versions use request v2 / response v1, the others request v1 / response v0. Exception:
// ApiVersions responses always use header v0, so a client can parse the reply to any version it tried.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "kafka/protocol/wire.h"

namespace eddy::kafka::protocol {

inline constexpr int16_t api_versions_key = 18;

struct request_header {
    int16_t api_key = 0;
    int16_t api_version = 0;
    int32_t correlation_id = 0;
    std::optional<std::string> client_id;  // absent in header v0; may be null on the wire

    bool operator==(const request_header&) const = default;
};

struct response_header {
    int32_t correlation_id = 0;

    bool operator==(const response_header&) const = default;
};

// Header versions derived from the generated api table (first flexible version per api). An api key we
// have no codec for is an errc::unknown_api error.
[[nodiscard]] result<int16_t> request_header_version(int16_t api_key, int16_t api_version);
[[nodiscard]] result<int16_t> response_header_version(int16_t api_key, int16_t api_version);

// REQUIRES: 0 <= header_version <= 2.
void encode_request_header(writer& out, const request_header& h, int16_t header_version);
[[nodiscard]] result<request_header> decode_request_header(reader& in, int16_t header_version);

struct decoded_request_header {
    request_header header;
    int16_t header_version = 1;
};
// Reads api_key and api_version, then the rest of the header in the version the table gives. For an api
// key we have no codec for, the header is read as v1 (enough to log and answer or close); callers check
// find_api() themselves. Unknown tagged fields in a v2 header are skipped.
[[nodiscard]] result<decoded_request_header> decode_request_header(reader& in);

// REQUIRES: header_version is 0 or 1.
void encode_response_header(writer& out, const response_header& h, int16_t header_version);
[[nodiscard]] result<response_header> decode_response_header(reader& in, int16_t header_version);

}  // namespace eddy::kafka::protocol
