// Base64 (RFC 4648, standard alphabet) for the REST Proxy's binary embedded format.
//
// Decoding is as strict as Java's Base64.getDecoder(), which Confluent uses: only the standard alphabet,
// no whitespace or line breaks; '=' padding is optional but, when present, must complete the last group.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bytes/bytes.h"

namespace eddy::http::rest {

[[nodiscard]] std::string base64_encode(bytes_view data);
// nullopt when `text` is not valid base64.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

}  // namespace eddy::http::rest
