#include "kafka/server/probe.h"

#include "observability/buckets.h"

namespace eddy::kafka::server {

result<kafka_families> kafka_families::register_in(observability::metric_registry& registry) {
    kafka_families f;
    EDDY_TRY_ASSIGN(f.requests, registry.add_counter("eddy_kafka_requests_total",
                                                     "Kafka requests handled, by API (Produce, Fetch, ...).", {"api"}));
    EDDY_TRY_ASSIGN(f.errors, registry.add_counter("eddy_kafka_request_errors_total",
                                                   "Non-zero error codes in Kafka responses, by API and Kafka error "
                                                   "code; a response counts each partition or resource it "
                                                   "answers with an error.",
                                                   {"api", "code"}));
    EDDY_TRY_ASSIGN(f.latency, registry.add_histogram("eddy_kafka_request_duration_seconds",
                                                      "Time from a Kafka request being read to its response being "
                                                      "ready, by API (acks=all produces include the fsync).",
                                                      {"api"}, observability::latency_buckets()));
    EDDY_TRY_ASSIGN(f.bad_requests, registry.add_counter("eddy_kafka_bad_requests_total",
                                                         "Kafka requests that could not be decoded or asked for an "
                                                         "API or version eddy does not serve (the connection is "
                                                         "closed)."));
    EDDY_TRY_ASSIGN(f.connection_errors,
                    registry.add_counter("eddy_kafka_connection_errors_total",
                                         "Kafka connections or requests that ended with an unexpected error."));
    EDDY_TRY_ASSIGN(f.connections, registry.add_gauge("eddy_kafka_connections", "Open Kafka connections."));
    EDDY_TRY_ASSIGN(f.accepted,
                    registry.add_counter("eddy_kafka_connections_accepted_total", "Kafka connections accepted."));
    return f;
}

std::string_view api_label(std::string_view request_name) {
    constexpr std::string_view suffix = "Request";
    if (request_name.ends_with(suffix)) request_name.remove_suffix(suffix.size());
    return request_name;
}

kafka_probe::kafka_probe(const kafka_families& f)
    : f_(&f),
      bad_requests_(f.bad_requests.get()),
      connection_errors_(f.connection_errors.get()),
      connections_(f.connections.get()),
      accepted_(f.accepted.get()) {}

kafka_probe::api_handles& kafka_probe::handles_for(int16_t api_key, std::string_view request_name) {
    auto i = static_cast<size_t>(api_key);
    if (i >= apis_.size()) apis_.resize(i + 1);
    if (!apis_[i]) {
        auto h = std::make_unique<api_handles>();
        h->label = std::string(api_label(request_name));
        h->requests = f_->requests.get({h->label});
        h->latency = f_->latency.get({h->label});
        apis_[i] = std::move(h);
    }
    return *apis_[i];
}

void kafka_probe::request_done(int16_t api_key, std::string_view request_name, std::chrono::nanoseconds took,
                               std::span<const error_count> errors) {
    if (f_ == nullptr || api_key < 0) return;
    auto& h = handles_for(api_key, request_name);
    h.requests.inc();
    h.latency.observe(took);
    for (const auto& e : errors) {
        observability::counter* c = nullptr;
        for (auto& [code, handle] : h.errors) {
            if (code == e.code) c = &handle;
        }
        if (c == nullptr) c = &h.errors.emplace_back(e.code, f_->errors.get({h.label, std::to_string(e.code)})).second;
        c->add(e.count);
    }
}

void kafka_probe::bad_request() {
    if (f_ != nullptr) bad_requests_.inc();
}

void kafka_probe::connection_error() {
    if (f_ != nullptr) connection_errors_.inc();
}

void kafka_probe::connection_opened() {
    if (f_ == nullptr) return;
    connections_.inc();
    accepted_.inc();
}

void kafka_probe::connection_closed() {
    if (f_ != nullptr) connections_.dec();
}

}  // namespace eddy::kafka::server
