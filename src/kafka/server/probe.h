// Metrics of the Kafka listener (docs/metrics.md): requests, error codes and latency by API, requests
// refused as undecodable, connections closed by an error, open and accepted connections.
//
// kafka_families is registered once (by kafka_server); each shard keeps its own kafka_probe, touched only
// by that shard, whose handle cache makes recording a request lock-free after the first request of its
// API (and error code) on that shard. Nothing here runs per record: one call per request or connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "kafka/server/error_codes.h"
#include "observability/metric_registry.h"

namespace eddy::kafka::server {

struct kafka_families {
    observability::counter_family requests;           // eddy_kafka_requests_total{api}
    observability::counter_family errors;             // eddy_kafka_request_errors_total{api,code}
    observability::histogram_family latency;          // eddy_kafka_request_duration_seconds{api}
    observability::counter_family bad_requests;       // eddy_kafka_bad_requests_total
    observability::counter_family connection_errors;  // eddy_kafka_connection_errors_total
    observability::gauge_family connections;          // eddy_kafka_connections
    observability::counter_family accepted;           // eddy_kafka_connections_accepted_total

    [[nodiscard]] static result<kafka_families> register_in(observability::metric_registry& registry);
};

// "ProduceRequest" -> "Produce": the api label (Kafka's own request names, as in its JMX metrics).
[[nodiscard]] std::string_view api_label(std::string_view request_name);

// Shard-local. An empty probe (no registry) records nothing.
class kafka_probe {
public:
    kafka_probe() = default;
    // REQUIRES: f outlives the probe.
    explicit kafka_probe(const kafka_families& f);

    // A request of api `api_key` (named `request_name`, e.g. "ProduceRequest") was handled in `took`;
    // `errors` are the non-zero error codes its response carries (error_codes.h).
    void request_done(int16_t api_key, std::string_view request_name, std::chrono::nanoseconds took,
                      std::span<const error_count> errors);
    // A frame, header or body that could not be decoded, or an api/version we do not serve.
    void bad_request();
    // A connection or handler that ended with an exception.
    void connection_error();
    void connection_opened();
    void connection_closed();

private:
    struct api_handles {
        std::string label;
        observability::counter requests;
        observability::histogram latency;
        std::vector<std::pair<int16_t, observability::counter>> errors;  // by code, in first-seen order
    };
    api_handles& handles_for(int16_t api_key, std::string_view request_name);

    const kafka_families* f_ = nullptr;
    std::vector<std::unique_ptr<api_handles>> apis_;  // indexed by api key
    observability::counter bad_requests_;
    observability::counter connection_errors_;
    observability::gauge connections_;
    observability::counter accepted_;
};

}  // namespace eddy::kafka::server
