#include "http/handlers/v1_groups.h"

#include <algorithm>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "coord/consumer_assignment.h"
#include "coord/errc.h"
#include "coord/group_lag.h"
#include "http/handlers/v1_common.h"
#include "http/responses.h"

namespace eddy::http {
namespace {

namespace json = boost::json;
template <typename T>
using awaitable = boost::asio::awaitable<T>;

constexpr std::string_view consumer_protocol_type = "consumer";

// The member's assignment as [{"topic", "partitions": [...]}], or null when the group does not use the
// consumer protocol or the leader's bytes do not parse.
json::value assignments_of(const coord::group_description& g, const coord::described_member& m) {
    if (g.protocol_type != consumer_protocol_type) return nullptr;
    auto decoded = coord::decode_consumer_assignment(m.assignment);
    if (!decoded) return nullptr;
    json::array out;
    for (const auto& t : *decoded) {
        json::array parts;
        for (auto p : t.partitions) parts.push_back(p.value());
        out.push_back(json::object{{"topic", t.topic}, {"partitions", std::move(parts)}});
    }
    return out;
}

json::object member_json(const coord::group_description& g, const coord::described_member& m) {
    json::object o{
        {"member_id", m.member_id},
        {"client_id", m.client_id},
        {"client_host", m.client_host},
        {"assignments", assignments_of(g, m)},
    };
    if (m.group_instance_id) o["group_instance_id"] = *m.group_instance_id;
    return o;
}

json::object lag_json(const coord::partition_lag& l) {
    json::object o{
        {"topic", l.tp.topic},
        {"partition", l.tp.partition.value()},
        {"committed_offset", l.committed.value()},
        {"log_start_offset", l.log_start.value()},
        {"log_end_offset", l.log_end.value()},
        {"lag_messages", l.lag_messages},
    };
    if (l.lag_seconds) {
        o["lag_seconds"] = *l.lag_seconds;
    } else {
        o["lag_seconds"] = nullptr;
    }
    return o;
}

awaitable<response> list_groups(coord::group_service& groups) {
    auto listed = co_await groups.list_groups(std::vector<coord::group_state>{});
    if (listed.error != coord::errc::none) co_return v1::error_from(error{make_error_code(listed.error), "groups"});
    std::vector<std::string> ids;
    for (const auto& g : listed.groups) ids.push_back(g.group_id);
    auto described = co_await groups.describe_groups(std::move(ids));
    json::array out;
    for (const auto& d : described) {
        if (d.error != coord::errc::none) continue;  // deleted between the two calls
        out.push_back(json::object{
            {"group_id", d.group_id},
            {"state", coord::to_string(d.state)},
            {"protocol_type", d.protocol_type},
            {"members", d.members.size()},
        });
    }
    co_return json_response(status::ok, json::object{{"groups", std::move(out)}});
}

awaitable<response> describe_group(coord::broker& b, coord::group_service& groups, const io::clock& clock,
                                   std::string id) {
    std::vector<std::string> ids{id};
    auto described = co_await groups.describe_groups(std::move(ids));
    if (described.empty()) co_return error_response(status::internal_server_error, "no description returned");
    const auto& d = described.front();
    if (d.error != coord::errc::none) co_return v1::error_from(error{make_error_code(d.error), id});
    auto lags = co_await coord::group_lag(b, groups, clock, id);
    if (!lags) co_return v1::error_from(lags.error());
    json::array members;
    for (const auto& m : d.members) members.push_back(member_json(d, m));
    json::array offsets;
    int64_t total = 0;
    double oldest = 0;
    for (const auto& l : *lags) {
        total += l.lag_messages;
        oldest = std::max(oldest, l.lag_seconds.value_or(0.0));
        offsets.push_back(lag_json(l));
    }
    co_return json_response(status::ok, json::object{
                                             {"group_id", d.group_id},
                                             {"state", coord::to_string(d.state)},
                                             {"protocol_type", d.protocol_type},
                                             {"protocol", d.protocol_name},
                                             {"members", std::move(members)},
                                             {"offsets", std::move(offsets)},
                                             {"lag_messages", total},
                                             {"lag_seconds", oldest},
                                         });
}

// Like Kafka's DeleteGroups: only a group without members can go; its committed offsets go with it.
awaitable<response> delete_group(coord::group_service& groups, std::string id) {
    std::vector<std::string> ids{id};
    auto deleted = co_await groups.delete_groups(std::move(ids));
    if (deleted.empty()) co_return error_response(status::internal_server_error, "no result returned");
    if (auto e = deleted.front().second; e != coord::errc::none) co_return v1::error_from(error{make_error_code(e), id});
    response res{status::no_content, 11};
    co_return res;
}

}  // namespace

void add_v1_group_routes(router& r, coord::broker& broker, coord::group_service& groups, const io::clock& clock) {
    auto* b = &broker;
    auto* g = &groups;
    const auto* c = &clock;
    r.add(verb::get, "/v1/groups", [g](request_context&) { return list_groups(*g); });
    r.add(verb::get, "/v1/groups/{group}", [b, g, c](request_context& ctx) {
        return describe_group(*b, *g, *c, std::string(ctx.params.get("group")));
    });
    r.add(verb::delete_, "/v1/groups/{group}",
          [g](request_context& ctx) { return delete_group(*g, std::string(ctx.params.get("group"))); });
}

}  // namespace eddy::http
