// The "authorized operations" bit fields that Metadata (v8+) and DescribeGroups (v3+) return on request.
// Bit n stands for the ACL operation whose Kafka code is n (AclOperation: READ 3, WRITE 4, CREATE 5,
// DELETE 6, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11,
// IDEMPOTENT_WRITE 12). eddy has no authorizer, so, as Kafka does without one, every operation the
// resource type supports is authorized.
#pragma once

#include <cstdint>
#include <initializer_list>

namespace eddy::kafka::server {

enum class acl_resource { topic, group, cluster };

[[nodiscard]] constexpr int32_t authorized_operations(acl_resource r) {
    constexpr int read = 3, write = 4, create = 5, del = 6, alter = 7, describe = 8, cluster_action = 9,
                  describe_configs = 10, alter_configs = 11, idempotent_write = 12;
    auto bits = [](std::initializer_list<int> ops) {
        int32_t out = 0;
        for (int op : ops) out |= int32_t{1} << op;
        return out;
    };
    switch (r) {
    case acl_resource::topic:
        return bits({read, write, create, describe, del, alter, describe_configs, alter_configs});
    case acl_resource::group:
        return bits({read, describe, del, describe_configs, alter_configs});
    case acl_resource::cluster:
        return bits({create, cluster_action, describe_configs, alter_configs, idempotent_write, alter, describe});
    }
    return 0;
}

}  // namespace eddy::kafka::server
