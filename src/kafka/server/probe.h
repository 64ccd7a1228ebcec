// Counters of the Kafka listener (process-wide, relaxed atomics; cheap enough for every request). The
// observability module can export them; tests read them directly.
#pragma once

#include <atomic>
#include <cstdint>

namespace eddy::kafka::server {

struct server_probe {
    std::atomic<uint64_t> connections_accepted{0};
    std::atomic<uint64_t> connections_active{0};
    std::atomic<uint64_t> requests{0};
    std::atomic<uint64_t> bad_requests{0};        // undecodable frames/headers/bodies, unknown apis/versions
    std::atomic<uint64_t> connection_errors{0};   // connections closed by an exception or I/O error
    std::atomic<uint64_t> produce_errors{0};      // partitions answered with an error code
    std::atomic<uint64_t> fetch_errors{0};
};

[[nodiscard]] inline server_probe& probe() {
    static server_probe p;
    return p;
}

}  // namespace eddy::kafka::server
