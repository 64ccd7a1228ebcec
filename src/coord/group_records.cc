#include "coord/group_records.h"

#include "coord/codec.h"
#include "coord/errc.h"

namespace eddy::coord {
namespace {

constexpr uint16_t offset_value_version = 0;
constexpr uint16_t group_value_version = 0;

result<void> check_version(record_reader& v, uint16_t want, std::string_view what) {
    uint16_t version = v.u16();
    if (v.failed()) return make_error(errc::corrupt_record, "{} record without a version", what);
    if (version != want) return make_error(errc::unsupported_record_version, "{} record version {}", what, version);
    return {};
}

void write_member(record_writer& w, const group_metadata_value::member& m) {
    w.str(m.member_id).nullable_str(m.group_instance_id).str(m.client_id).str(m.client_host);
    w.i32(m.rebalance_timeout_ms).i32(m.session_timeout_ms).blob(m.subscription).blob(m.assignment);
}

group_metadata_value::member read_member(record_reader& r) {
    group_metadata_value::member m;
    m.member_id = r.str();
    m.group_instance_id = r.nullable_str();
    m.client_id = r.str();
    m.client_host = r.str();
    m.rebalance_timeout_ms = r.i32();
    m.session_timeout_ms = r.i32();
    m.subscription = r.blob();
    m.assignment = r.blob();
    return m;
}

}  // namespace

record encode_offset_record(std::string_view group_id, const topic_partition& tp,
                            const std::optional<committed_offset>& value) {
    record_writer k;
    k.u16(static_cast<uint16_t>(record_type::offset_commit)).str(group_id).str(tp.topic).i32(tp.partition.value());
    record r{k.take(), std::nullopt};
    if (value) {
        record_writer v;
        v.u16(offset_value_version).i64(value->value.value()).i32(value->leader_epoch);
        v.nullable_str(value->metadata).i64(value->commit_timestamp.value());
        r.value = v.take();
    }
    return r;
}

result<offset_record> decode_offset_record(const record& r) {
    record_reader k(r.key);
    (void)k.u16();
    offset_record out;
    out.group_id = k.str();
    out.tp.topic = k.str();
    out.tp.partition = partition_id{k.i32()};
    if (!k.ok_and_done()) return make_error(errc::corrupt_record, "offset commit key");
    if (!r.value) return out;
    record_reader v(*r.value);
    EDDY_TRY(check_version(v, offset_value_version, "offset commit"));
    committed_offset c;
    c.value = offset{v.i64()};
    c.leader_epoch = v.i32();
    c.metadata = v.nullable_str();
    c.commit_timestamp = timestamp_ms{v.i64()};
    if (!v.ok_and_done()) return make_error(errc::corrupt_record, "offset commit value of group '{}'", out.group_id);
    out.value = std::move(c);
    return out;
}

record encode_group_record(std::string_view group_id, const std::optional<group_metadata_value>& value) {
    record_writer k;
    k.u16(static_cast<uint16_t>(record_type::group_metadata)).str(group_id);
    record r{k.take(), std::nullopt};
    if (value) {
        record_writer v;
        v.u16(group_value_version).str(value->protocol_type).i32(value->generation);
        v.nullable_str(value->protocol_name).nullable_str(value->leader_id).i64(value->state_timestamp.value());
        v.u32(static_cast<uint32_t>(value->members.size()));
        for (const auto& m : value->members) write_member(v, m);
        r.value = v.take();
    }
    return r;
}

result<group_record> decode_group_record(const record& r) {
    record_reader k(r.key);
    (void)k.u16();
    group_record out;
    out.group_id = k.str();
    if (!k.ok_and_done()) return make_error(errc::corrupt_record, "group metadata key");
    if (!r.value) return out;
    record_reader v(*r.value);
    EDDY_TRY(check_version(v, group_value_version, "group metadata"));
    group_metadata_value g;
    g.protocol_type = v.str();
    g.generation = v.i32();
    g.protocol_name = v.nullable_str();
    g.leader_id = v.nullable_str();
    g.state_timestamp = timestamp_ms{v.i64()};
    uint32_t n = v.u32();
    for (uint32_t i = 0; i < n && !v.failed(); ++i) g.members.push_back(read_member(v));
    if (!v.ok_and_done()) return make_error(errc::corrupt_record, "group metadata value of '{}'", out.group_id);
    out.value = std::move(g);
    return out;
}

}  // namespace eddy::coord
