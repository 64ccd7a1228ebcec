// ApiVersions (key 18), v0-3. The advertised list is the handler table itself. A request above our
// maximum never reaches this handler: the connection answers it with the KIP-511 fallback
// (api_versions_fallback below).
#include "kafka/protocol/messages/api_versions.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler_table.h"
#include "kafka/server/handlers/api_versions.h"

namespace eddy::kafka::server {
namespace {

protocol::api_versions_response advertised(int16_t error_code) {
    protocol::api_versions_response resp;
    resp.error_code = error_code;
    for (const auto& h : handler_table()) {
        resp.api_keys.push_back({h.api_key, h.min_version, h.max_version});
    }
    return resp;
}

struct api_versions_handler {
    using request = protocol::api_versions_request;
    using response = protocol::api_versions_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 3;

    static boost::asio::awaitable<response> handle(request_context&, request) { co_return advertised(kerr::none); }
};

}  // namespace

result<bytes> api_versions_fallback(int32_t correlation_id) {
    // The v0 body with UNSUPPORTED_VERSION; the response header is always v0 for ApiVersions.
    return protocol::encode_response_frame(correlation_id, advertised(kerr::unsupported_version), 0);
}

handler_entry make_api_versions_handler() { return make_handler<api_versions_handler>(); }

}  // namespace eddy::kafka::server
