// ADDING AN API: write handlers/<name>.cc defining `handler_entry make_<name>_handler()` (see handler.h)
// and add one line `X(<name>)` to EDDY_KAFKA_HANDLERS below. CMake picks up handlers/*.cc by itself.
#include "kafka/server/handler_table.h"

#include <algorithm>
#include <array>

namespace eddy::kafka::server {

#define EDDY_KAFKA_HANDLERS(X) \
    X(produce)                 \
    X(fetch)                   \
    X(list_offsets)            \
    X(metadata)                \
    X(api_versions)            \
    X(create_topics)           \
    X(delete_topics)           \
    X(delete_records)          \
    X(init_producer_id)        \
    X(describe_configs)        \
    X(alter_configs)           \
    X(create_partitions)       \
    X(incremental_alter_configs) \
    X(find_coordinator)          \
    X(join_group)                \
    X(sync_group)                \
    X(heartbeat)                 \
    X(leave_group)               \
    X(offset_commit)             \
    X(offset_fetch)              \
    X(list_groups)               \
    X(describe_groups)           \
    X(delete_groups)             \
    X(offset_delete)

#define EDDY_DECLARE_HANDLER(name) handler_entry make_##name##_handler();
EDDY_KAFKA_HANDLERS(EDDY_DECLARE_HANDLER)
#undef EDDY_DECLARE_HANDLER

namespace {

std::vector<handler_entry> build_table() {
    std::vector<handler_entry> t{
#define EDDY_MAKE_HANDLER(name) make_##name##_handler(),
        EDDY_KAFKA_HANDLERS(EDDY_MAKE_HANDLER)
#undef EDDY_MAKE_HANDLER
    };
    std::sort(t.begin(), t.end(), [](const auto& a, const auto& b) { return a.api_key < b.api_key; });
    return t;
}

}  // namespace

std::span<const handler_entry> handler_table() {
    static const std::vector<handler_entry> table = build_table();
    return table;
}

const handler_entry* find_handler(int16_t api_key) {
    auto t = handler_table();
    auto it = std::lower_bound(t.begin(), t.end(), api_key, [](const auto& e, int16_t k) { return e.api_key < k; });
    return it != t.end() && it->api_key == api_key ? &*it : nullptr;
}

}  // namespace eddy::kafka::server
