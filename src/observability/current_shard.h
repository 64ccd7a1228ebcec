// The calling thread's shard index, which picks the per-shard cell a metric update writes to.
//
// The runtime calls set_current_shard(i) once on shard i's thread before it runs any work. A metric
// handle updated on that thread then writes only to slot i of each series, with a plain (relaxed,
// non-read-modify-write) store that no other thread writes. Threads that never call it (tests, the
// blocking pool, helper threads) share one extra slot updated with atomic read-modify-writes.
#pragma once

#include <cstdint>
#include <optional>

#include "base/ids.h"

namespace eddy::observability {

namespace detail {
inline constexpr uint32_t no_shard = UINT32_MAX;
// constinit keeps access to a plain TLS load, without a thread_local initialization guard.
constinit inline thread_local uint32_t current_shard = no_shard;
}  // namespace detail

// REQUIRES: at most one live thread at a time has a given shard index, for every index in use
// (otherwise two writers share a slot and increments can be lost).
inline void set_current_shard(uint32_t shard) { detail::current_shard = shard; }
inline void set_current_shard(shard_id shard) { detail::current_shard = shard.value(); }
// The thread goes back to the shared slot (e.g. a shard thread that is stopping).
inline void clear_current_shard() { detail::current_shard = detail::no_shard; }

[[nodiscard]] inline std::optional<uint32_t> current_shard() {
    if (detail::current_shard == detail::no_shard) return std::nullopt;
    return detail::current_shard;
}

}  // namespace eddy::observability
