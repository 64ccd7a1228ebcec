#include "http/rest/probe.h"

namespace eddy::http::rest {

result<rest_probe> rest_probe::register_in(observability::metric_registry& registry) {
    rest_probe p;
    EDDY_TRY_ASSIGN(auto produced, registry.add_counter("eddy_rest_records_produced_total",
                                                        "Records appended through the REST Proxy API, by embedded "
                                                        "format (binary, json).",
                                                        {"format"}));
    EDDY_TRY_ASSIGN(auto consumed, registry.add_counter("eddy_rest_records_consumed_total",
                                                        "Records returned to REST Proxy consumer instances, by "
                                                        "embedded format (binary, json).",
                                                        {"format"}));
    EDDY_TRY_ASSIGN(auto instances, registry.add_gauge("eddy_rest_consumer_instances",
                                                       "REST Proxy consumer instances alive."));
    p.produced_binary_ = produced.get({"binary"});
    p.produced_json_ = produced.get({"json"});
    p.consumed_binary_ = consumed.get({"binary"});
    p.consumed_json_ = consumed.get({"json"});
    p.instances_ = instances.get();
    return p;
}

}  // namespace eddy::http::rest
