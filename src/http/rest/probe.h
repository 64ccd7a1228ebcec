// Metrics of the REST Proxy API (docs/metrics.md): records produced and consumed over HTTP by embedded
// format, and the consumer instances alive. Request counts, errors and latency per route are the HTTP
// server's (http/probe.h).
//
// Registered once; the handles are shared by every shard (each shard updates its own cells). A probe
// without a registry records nothing.
#pragma once

#include <cstdint>

#include "base/result.h"
#include "http/rest/common.h"
#include "observability/metric_registry.h"

namespace eddy::http::rest {

class rest_probe {
public:
    rest_probe() = default;
    [[nodiscard]] static result<rest_probe> register_in(observability::metric_registry& registry);

    void produced(embedded_format f, uint64_t records) {
        if (auto& c = f == embedded_format::binary ? produced_binary_ : produced_json_) c.add(records);
    }
    void consumed(embedded_format f, uint64_t records) {
        if (auto& c = f == embedded_format::binary ? consumed_binary_ : consumed_json_) c.add(records);
    }
    // REQUIRES: called from the consumer table's home shard only (a gauge set lives in one shard's cell).
    void instances(size_t n) {
        if (instances_) instances_.set(static_cast<double>(n));
    }

private:
    observability::counter produced_binary_;
    observability::counter produced_json_;
    observability::counter consumed_binary_;
    observability::counter consumed_json_;
    observability::gauge instances_;
};

}  // namespace eddy::http::rest
