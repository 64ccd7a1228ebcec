#include "http/handlers/rest_produce.h"

#include <atomic>
#include <map>
#include <memory>

#include <boost/asio/this_coro.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "coord/broker.h"
#include "coord/partitioner.h"
#include "http/responses.h"
#include "http/rest/base64.h"
#include "http/rest/common.h"
#include "io/clock.h"
#include "kafka/server/run_all.h"
#include "storage/record_batch.h"

namespace eddy::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;
using namespace rest;

// Room for one record's framing (length, attributes, deltas, lengths: varints) in a batch estimate.
constexpr size_t record_overhead = 32;

// Where unkeyed records go: one partition per request, the next request the next partition.
std::atomic<uint32_t> unkeyed_rotation{0};

struct produce_record {
    std::optional<std::string> key;
    std::optional<std::string> value;
    std::optional<int32_t> partition;
};

outcome<embedded_format> produce_format(const request& req) {
    auto type = media_type(req[beast_http::field::content_type]);
    if (type == v2_binary || type == v2_json) return embedded_format::binary;
    if (type == v2_json_embedded) return embedded_format::json;
    if (type.starts_with("application/vnd.kafka.") && type.ends_with(".v2+json")) {
        return fail(failure{status::unsupported_media_type, code::unsupported_media_type,
                            fmt::format("{} is not supported: produce binary ({}) or json ({})", type, v2_binary,
                                        v2_json_embedded)});
    }
    return fail(failure{status::unsupported_media_type, code::unsupported_media_type, "HTTP 415 Unsupported Media Type"});
}

// A key or value of a record: base64 text (binary) or any JSON document stored as its text (json).
outcome<std::optional<std::string>> embedded_field(const json::object& o, std::string_view name, embedded_format f) {
    const auto* v = o.if_contains(name);
    if (v == nullptr || v->is_null()) return std::optional<std::string>{};
    if (f == embedded_format::json) return std::optional<std::string>{to_json_text(*v)};
    if (!v->is_string()) return unprocessable(fmt::format("Record {} must be a base64 string", name));
    auto decoded = base64_decode(v->as_string());
    if (!decoded) return unprocessable(fmt::format("Record {} contains invalid base64 encoding", name));
    return std::optional<std::string>{std::move(*decoded)};
}

outcome<std::vector<produce_record>> parse_records(const request& req, embedded_format f) {
    auto body = parse_object_body(req);
    if (!body) return fail(body.error());
    if (!*body) return unprocessable("records may not be empty");
    auto records = array_field(**body, "records");
    if (!records) return fail(records.error());
    if (*records == nullptr || (*records)->empty()) return unprocessable("records may not be empty");
    std::vector<produce_record> out;
    for (const auto& v : **records) {
        if (!v.is_object()) return unprocessable("each record must be an object");
        const auto& o = v.as_object();
        produce_record r;
        auto key = embedded_field(o, "key", f);
        if (!key) return fail(key.error());
        auto value = embedded_field(o, "value", f);
        if (!value) return fail(value.error());
        auto partition = int_field(o, "partition");
        if (!partition) return fail(partition.error());
        if (*partition && (**partition < 0 || **partition > INT32_MAX)) {
            return unprocessable("partition must be an integer >= 0");
        }
        r.key = std::move(*key);
        r.value = std::move(*value);
        if (*partition) r.partition = static_cast<int32_t>(**partition);
        out.push_back(std::move(r));
    }
    return out;
}

// Each record's partition; 40402 when one names a partition the topic does not have.
outcome<std::vector<partition_id>> choose_partitions(const std::vector<produce_record>& records,
                                                     std::optional<partition_id> path_partition, int32_t count) {
    std::vector<partition_id> out;
    std::optional<partition_id> unkeyed;
    for (const auto& r : records) {
        partition_id p{0};
        if (path_partition) {
            p = *path_partition;
        } else if (r.partition) {
            p = partition_id{*r.partition};
        } else if (r.key) {
            p = coord::partition_for_key(as_bytes(*r.key), count);
        } else {
            if (!unkeyed) unkeyed = partition_id{static_cast<int32_t>(unkeyed_rotation.fetch_add(1) % count)};
            p = *unkeyed;
        }
        if (p.value() >= count) return partition_not_found();
        out.push_back(p);
    }
    return out;
}

// The records of one partition as batches of at most max_batch bytes (a larger record goes alone; the
// broker then refuses that batch as too large).
struct partition_batches {
    partition_id partition;
    std::vector<std::vector<size_t>> batches;  // record indexes per batch
};

std::vector<partition_batches> plan_batches(const std::vector<produce_record>& records,
                                            const std::vector<partition_id>& partitions, size_t max_batch) {
    std::map<partition_id, partition_batches> by_partition;
    std::map<partition_id, size_t> open_bytes;
    for (size_t i = 0; i < records.size(); ++i) {
        auto& pb = by_partition.try_emplace(partitions[i], partition_batches{partitions[i], {}}).first->second;
        size_t size = record_overhead + (records[i].key ? records[i].key->size() : 0) +
                      (records[i].value ? records[i].value->size() : 0);
        auto& bytes_so_far = open_bytes[partitions[i]];
        if (pb.batches.empty() || bytes_so_far + size > max_batch) {
            pb.batches.emplace_back();
            bytes_so_far = storage::batch_header_size;
        }
        pb.batches.back().push_back(i);
        bytes_so_far += size;
    }
    std::vector<partition_batches> out;
    for (auto& [_, pb] : by_partition) out.push_back(std::move(pb));
    return out;
}

struct record_result {
    int64_t offset = -1;
    std::optional<error> err;
};

// Appends the batches of every partition: partitions in parallel, each partition's batches in order.
awaitable<std::vector<record_result>> append_all(coord::broker& broker, const std::string& topic,
                                                 const std::vector<produce_record>& records,
                                                 std::vector<partition_batches> plan, timestamp_ms now) {
    auto results = std::make_shared<std::vector<record_result>>(records.size());
    std::vector<kafka::server::task_fn<int>> tasks;
    for (auto& pb : plan) {
        std::vector<bytes> batches;
        for (const auto& indexes : pb.batches) {
            std::vector<storage::record_input> in;
            for (size_t i : indexes) in.push_back({records[i].key, records[i].value, now, {}});
            batches.push_back(storage::build_batch(in));
        }
        tasks.push_back([&broker, topic, results, pb = std::move(pb),
                         batches = std::move(batches)]() mutable -> awaitable<int> {
            for (size_t b = 0; b < batches.size(); ++b) {
                coord::produce_request_data req{topic, pb.partition, std::move(batches[b]), -1};
                auto r = co_await broker.produce(std::move(req));
                const auto& indexes = pb.batches[b];
                for (size_t k = 0; k < indexes.size(); ++k) {
                    auto& out = (*results)[indexes[k]];
                    if (r) out.offset = r->base.value() + static_cast<int64_t>(k);
                    else out.err = r.error();
                }
            }
            co_return 0;
        });
    }
    auto group = kafka::server::task_group<int>::start(co_await boost::asio::this_coro::executor, std::move(tasks));
    (void)co_await group->wait();
    co_return std::move(*results);
}

awaitable<response> produce(coord::broker& broker, io::clock& clock, rest_probe& probe, request_context& ctx,
                            std::optional<partition_id> path_partition) {
    auto format = produce_format(ctx.req);
    if (!format) co_return to_response(format.error());
    auto records = parse_records(ctx.req, *format);
    if (!records) co_return to_response(records.error());
    std::string topic(ctx.params.get("topic"));
    auto info = co_await broker.describe_topic(topic, broker.options().auto_create_topics);
    if (!info) co_return to_response(topic_not_found().value());
    auto partitions = choose_partitions(*records, path_partition, info->partitions);
    if (!partitions) co_return to_response(partitions.error());
    auto max_batch = coord::effective_settings(broker.options().log_defaults, info->config).log.max_message_bytes;
    auto plan = plan_batches(*records, *partitions, max_batch);
    auto results = co_await append_all(broker, topic, *records, std::move(plan), clock.now_ms());
    json::array offsets;
    uint64_t appended = 0;
    for (size_t i = 0; i < results.size(); ++i) {
        if (!results[i].err) {
            ++appended;
            offsets.push_back(json::object{{"partition", (*partitions)[i].value()},
                                           {"offset", results[i].offset},
                                           {"error_code", nullptr},
                                           {"error", nullptr}});
            continue;
        }
        const auto& e = *results[i].err;
        offsets.push_back(json::object{{"partition", nullptr},
                                       {"offset", nullptr},
                                       {"error_code", is_retriable(e) ? code::kafka_retriable : code::kafka_error},
                                       {"error", e.message()}});
    }
    probe.produced(*format, appended);
    co_return json_ok(json::object{
        {"offsets", std::move(offsets)}, {"key_schema_id", nullptr}, {"value_schema_id", nullptr}});
}

}  // namespace

void add_rest_produce_routes(router& r, coord::broker& broker, io::clock& clock, rest_probe probe) {
    r.add(verb::post, "/topics/{topic}", [&broker, &clock, probe](request_context& ctx) mutable -> awaitable<response> {
        co_return co_await produce(broker, clock, probe, ctx, std::nullopt);
    });
    r.add(verb::post, "/topics/{topic}/partitions/{partition}",
          [&broker, &clock, probe](request_context& ctx) mutable -> awaitable<response> {
              auto p = parse_partition_param(ctx.params.get("partition"));
              if (!p) co_return to_response(p.error());
              co_return co_await produce(broker, clock, probe, ctx, *p);
          });
}

}  // namespace eddy::http
