// What every part of the Confluent REST Proxy v2 API shares: its media types, the embedded formats, its
// error codes and the failure value the REST code passes around, content-type checks and JSON body
// parsing with Confluent's status codes. See docs/http.md ("REST Proxy").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include "base/ids.h"
#include "base/result.h"
#include "http/request.h"

namespace eddy::http::rest {

// Media types (Confluent's Versions.java).
inline constexpr std::string_view v2_json = "application/vnd.kafka.v2+json";
inline constexpr std::string_view v2_binary = "application/vnd.kafka.binary.v2+json";
inline constexpr std::string_view v2_json_embedded = "application/vnd.kafka.json.v2+json";

// The embedded format of keys and values: base64 bytes or JSON documents.
enum class embedded_format { binary, json };

[[nodiscard]] std::string_view to_string(embedded_format f);
[[nodiscard]] std::string_view media_type_of(embedded_format f);
[[nodiscard]] std::optional<embedded_format> parse_embedded_format(std::string_view name);

// Confluent's error codes (io.confluent.kafkarest.Errors) and the plain HTTP ones it also uses.
namespace code {
inline constexpr int bad_request = 400;
inline constexpr int not_found = 404;
inline constexpr int not_acceptable = 406;
inline constexpr int unsupported_media_type = 415;
inline constexpr int unprocessable = 422;
inline constexpr int too_many_instances = 42901;  // eddy's own: the instance table is full
inline constexpr int topic_not_found = 40401;
inline constexpr int partition_not_found = 40402;
inline constexpr int instance_not_found = 40403;
inline constexpr int format_mismatch = 40601;
inline constexpr int instance_exists = 40902;
inline constexpr int illegal_state = 40903;
inline constexpr int invalid_consumer_config = 42204;
inline constexpr int kafka_error = 50002;
inline constexpr int kafka_retriable = 50003;
inline constexpr int unavailable = 50301;
}  // namespace code

// A request the REST API refuses or could not serve: the HTTP status and Confluent's body.
struct failure {
    status http = status::internal_server_error;
    int error_code = code::kafka_error;
    std::string message;
};

template <typename T>
using outcome = tl::expected<T, failure>;
using fail = tl::unexpected<failure>;

[[nodiscard]] fail topic_not_found();
[[nodiscard]] fail partition_not_found();
[[nodiscard]] fail instance_not_found();
[[nodiscard]] fail unprocessable(std::string message);
[[nodiscard]] fail illegal_state(std::string_view what);
[[nodiscard]] fail unavailable(std::string_view what);
// A broker or group error as Confluent reports Kafka exceptions: 500 with 50003 when a retry may
// succeed, 50002 otherwise; unknown topics and partitions are 404s.
[[nodiscard]] failure from_error(const error& e);
// Whether a Kafka client would retry this error (Confluent's 50003 rather than 50002).
[[nodiscard]] bool is_retriable(const error& e);

// The JSON text of v, as boost::json::serialize writes it except for doubles, which take their shortest
// round-trip decimal form ("21.5" where Boost 1.81 writes "2.15E1"): the embedded JSON of records is
// stored and served in the form other JSON writers (Confluent's Jackson among them) produce.
[[nodiscard]] std::string to_json_text(const boost::json::value& v);
[[nodiscard]] std::string to_json_text(const boost::json::array& a);

// Responses of the REST API carry Confluent's media type, errors included.
[[nodiscard]] response to_response(const failure& f);
[[nodiscard]] response json_ok(const boost::json::value& body, status code = status::ok,
                               std::string_view content_type = v2_json);
[[nodiscard]] response no_content();

// Bodies of the metadata and consumer endpoints: Confluent accepts application/vnd.kafka.v2+json and
// the embedded v2 types; eddy also takes application/json. An empty body may come without a type.
[[nodiscard]] std::optional<failure> check_json_content_type(const request& req);

// Parses the body as a JSON object: 400 when it is not JSON (Confluent's JsonParseException), 422 when it
// is JSON but not an object. An empty body is nullopt (endpoints where the body is optional).
[[nodiscard]] outcome<std::optional<boost::json::object>> parse_object_body(const request& req);

// Typed fields of a request object. A missing or null field is nullopt; a field of the wrong type is 422.
[[nodiscard]] outcome<std::optional<std::string>> string_field(const boost::json::object& o, std::string_view name);
[[nodiscard]] outcome<std::optional<int64_t>> int_field(const boost::json::object& o, std::string_view name);
[[nodiscard]] outcome<const boost::json::array*> array_field(const boost::json::object& o, std::string_view name);

// The array `field` of o (422 when it is missing or not an array), each element parsed by `each`, a
// function of const boost::json::value& returning outcome<T>.
template <typename T, typename F>
[[nodiscard]] outcome<std::vector<T>> parse_list(const boost::json::object& o, std::string_view field, F each) {
    auto arr = array_field(o, field);
    if (!arr) return fail(arr.error());
    if (*arr == nullptr) return unprocessable(fmt::format("'{}' is required", field));
    std::vector<T> out;
    for (const auto& v : **arr) {
        auto item = each(v);
        if (!item) return fail(item.error());
        out.push_back(std::move(*item));
    }
    return out;
}

// A topic/partition pair of a request body ({"topic": "t", "partition": 0}).
struct topic_partition_ref {
    std::string topic;
    partition_id partition;
};
[[nodiscard]] outcome<topic_partition_ref> parse_topic_partition(const boost::json::value& v);
// {"<field>": [{"topic","partition"}, ...]}: 422 when the field is missing or malformed.
[[nodiscard]] outcome<std::vector<topic_partition_ref>> parse_partitions(const boost::json::object& o,
                                                                         std::string_view field);

// The `{partition}` path segment: a decimal int32 >= 0, otherwise 404 40402 (as a JAX-RS int parameter).
[[nodiscard]] outcome<partition_id> parse_partition_param(std::string_view s);

}  // namespace eddy::http::rest
