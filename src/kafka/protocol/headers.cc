#include "kafka/protocol/headers.h"

#include "base/assert.h"
#include "kafka/protocol/messages/api_table.h"

namespace eddy::kafka::protocol {
namespace {

bool is_flexible(const api_info& api, int16_t version) {
    return api.first_flexible_version >= 0 && version >= api.first_flexible_version;
}

result<void> skip_tagged_fields(reader& in) {
    return in.read_tagged_fields([](uint32_t, reader&) -> result<bool> { return false; });
}

}  // namespace

result<int16_t> request_header_version(int16_t api_key, int16_t api_version) {
    const api_info* api = find_api(api_key);
    if (api == nullptr) return make_error(errc::unknown_api, "api key {}", api_key);
    return static_cast<int16_t>(is_flexible(*api, api_version) ? 2 : 1);
}

result<int16_t> response_header_version(int16_t api_key, int16_t api_version) {
    const api_info* api = find_api(api_key);
    if (api == nullptr) return make_error(errc::unknown_api, "api key {}", api_key);
    if (api_key == api_versions_key) return static_cast<int16_t>(0);
    return static_cast<int16_t>(is_flexible(*api, api_version) ? 1 : 0);
}

void encode_request_header(writer& out, const request_header& h, int16_t header_version) {
    EDDY_ASSERT(header_version >= 0 && header_version <= 2);
    out.write_int16(h.api_key);
    out.write_int16(h.api_version);
    out.write_int32(h.correlation_id);
    if (header_version >= 1) out.write_string(h.client_id, false, true);
    if (header_version >= 2) out.write_uvarint(0);
}

result<request_header> decode_request_header(reader& in, int16_t header_version) {
    if (header_version < 0 || header_version > 2)
        return make_error(errc::unsupported_version, "request header v{}", header_version);
    request_header h;
    EDDY_TRY_ASSIGN(h.api_key, in.read_int16());
    EDDY_TRY_ASSIGN(h.api_version, in.read_int16());
    EDDY_TRY_ASSIGN(h.correlation_id, in.read_int32());
    if (header_version >= 1) {
        EDDY_TRY_ASSIGN(h.client_id, in.read_nullable_string(false, true));
    }
    if (header_version >= 2) EDDY_TRY(skip_tagged_fields(in));
    return h;
}

result<decoded_request_header> decode_request_header(reader& in) {
    decoded_request_header d;
    request_header& h = d.header;
    EDDY_TRY_ASSIGN(h.api_key, in.read_int16());
    EDDY_TRY_ASSIGN(h.api_version, in.read_int16());
    EDDY_TRY_ASSIGN(h.correlation_id, in.read_int32());
    EDDY_TRY_ASSIGN(h.client_id, in.read_nullable_string(false, true));
    const api_info* api = find_api(h.api_key);
    d.header_version = api != nullptr && is_flexible(*api, h.api_version) ? 2 : 1;
    if (d.header_version == 2) EDDY_TRY(skip_tagged_fields(in));
    return d;
}

void encode_response_header(writer& out, const response_header& h, int16_t header_version) {
    EDDY_ASSERT(header_version == 0 || header_version == 1);
    out.write_int32(h.correlation_id);
    if (header_version == 1) out.write_uvarint(0);
}

result<response_header> decode_response_header(reader& in, int16_t header_version) {
    if (header_version < 0 || header_version > 1)
        return make_error(errc::unsupported_version, "response header v{}", header_version);
    response_header h;
    EDDY_TRY_ASSIGN(h.correlation_id, in.read_int32());
    if (header_version == 1) EDDY_TRY(skip_tagged_fields(in));
    return h;
}

}  // namespace eddy::kafka::protocol
