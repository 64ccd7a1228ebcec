// DeleteTopics (key 20), v0-6 (flexible from v4). v0-5 name topics; v6 names each topic either by name
// or by topic id (KIP-516), and answers with both. The checks follow Kafka's controller: a topic given
// both ways or neither, or named twice, is INVALID_REQUEST and not deleted; an unknown id is
// UNKNOWN_TOPIC_ID. The topic's logs are closed and removed from disk.
#include <algorithm>
#include <map>

#include "coord/broker.h"
#include "kafka/protocol/messages/delete_topics.h"
#include "kafka/server/errors.h"
#include "kafka/server/handler.h"

namespace eddy::kafka::server {
namespace {

using protocol::delete_topics_response;
using protocol::uuid;

constexpr uuid zero_id{};

// One topic of the request as v6 states it; v0-5 names are targets without an id.
struct target {
    std::optional<std::string> name;
    uuid id{};
};

struct delete_topics_handler {
    using request = protocol::delete_topics_request;
    using response = protocol::delete_topics_response;
    static constexpr int16_t min_version = 0;
    static constexpr int16_t max_version = 6;

    static std::vector<target> targets_of(request& req) {
        std::vector<target> out;
        for (auto& n : req.topic_names) out.push_back({std::move(n), zero_id});
        for (auto& t : req.topics) out.push_back({std::move(t.name), t.topic_id});
        return out;
    }

    static void fail(response& resp, std::optional<std::string> name, const uuid& id, int16_t code, std::string msg) {
        resp.responses.push_back(
            {.name = std::move(name), .topic_id = id, .error_code = code, .error_message = std::move(msg)});
    }

    static boost::asio::awaitable<response> handle(request_context& ctx, request req) {
        response resp;
        auto targets = targets_of(req);
        std::map<std::string, int> name_count;
        std::map<uuid, int> id_count;
        for (const auto& t : targets) {
            if (t.name && t.id == zero_id) ++name_count[*t.name];
            if (!t.name && t.id != zero_id) ++id_count[t.id];
        }
        // Names and ids of the existing topics, needed to resolve ids and to answer with them.
        std::map<uuid, std::string> names;
        std::map<std::string, uuid> ids;
        for (auto& t : co_await ctx.broker().list_topics()) {
            names.emplace(t.id, t.name);
            ids.emplace(t.name, t.id);
        }
        for (auto& t : targets) {
            if (!t.name && t.id == zero_id) {
                fail(resp, std::nullopt, zero_id, kerr::invalid_request, "Neither topic name nor id were specified.");
                continue;
            }
            if (t.name && t.id != zero_id) {
                fail(resp, t.name, t.id, kerr::invalid_request, "You may not specify both topic name and topic id.");
                continue;
            }
            int& seen = t.name ? name_count[*t.name] : id_count[t.id];
            if (seen != 1) {
                // A duplicate is answered once, at its first mention, and never deleted.
                if (seen > 1) {
                    fail(resp, t.name, t.id, kerr::invalid_request,
                         t.name ? "Duplicate topic name." : "Duplicate topic id.");
                }
                seen = 0;
                continue;
            }
            std::string name;
            if (t.name) {
                name = *t.name;
            } else if (auto it = names.find(t.id); it != names.end()) {
                name = it->second;
            } else {
                fail(resp, std::nullopt, t.id, kerr::unknown_topic_id, "unknown topic id");
                continue;
            }
            auto& tr = resp.responses.emplace_back();
            tr.name = name;
            if (auto it = ids.find(name); it != ids.end()) tr.topic_id = it->second;
            auto r = co_await ctx.broker().delete_topic(name);
            if (!r) {
                tr.error_code = to_kafka_error(r.error());
                tr.error_message = r.error().message();
                tr.topic_id = t.name ? zero_id : t.id;
            }
        }
        co_return resp;
    }
};

}  // namespace

handler_entry make_delete_topics_handler() { return make_handler<delete_topics_handler>(); }

}  // namespace eddy::kafka::server
