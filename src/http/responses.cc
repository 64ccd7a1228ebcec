#include "http/responses.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "http/errc.h"

namespace eddy::http {

response text_response(status code, std::string body, std::string_view content_type) {
    response res{code, 11};
    res.set(beast_http::field::content_type, content_type);
    res.body() = std::move(body);
    return res;
}

response json_response(status code, const boost::json::value& body, std::string_view content_type) {
    return text_response(code, boost::json::serialize(body), content_type);
}

response error_response(status code, std::string_view message, int error_code, std::string_view content_type) {
    boost::json::object o;
    o["error_code"] = error_code != 0 ? error_code : static_cast<int>(code);
    o["message"] = message;
    return json_response(code, o, content_type);
}

std::string media_type(std::string_view content_type) {
    auto semi = content_type.find(';');
    auto t = content_type.substr(0, semi);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    std::string out(t);
    for (auto& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

result<boost::json::value> parse_json(std::string_view body) {
    boost::json::parse_options opts;
    opts.max_depth = max_json_depth;
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec, {}, opts);
    if (ec) return make_error(errc::bad_json, "{}", ec.message());
    return v;
}

}  // namespace eddy::http
