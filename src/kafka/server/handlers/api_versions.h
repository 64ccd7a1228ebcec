// ApiVersions' KIP-511 fallback, used by the connection for a version above the one we serve.
#pragma once

#include <cstdint>

#include "base/result.h"
#include "bytes/bytes.h"

namespace eddy::kafka::server {

// A complete response frame: v0 body, error UNSUPPORTED_VERSION, and our api_keys list.
[[nodiscard]] result<bytes> api_versions_fallback(int32_t correlation_id);

}  // namespace eddy::kafka::server
