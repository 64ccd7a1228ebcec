#include "kafka/protocol/wire.h"

#include <gtest/gtest.h>

namespace eddy::kafka::protocol {
namespace {

bytes b(std::initializer_list<int> v) {
    bytes out;
    for (int x : v) out.push_back(static_cast<uint8_t>(x));
    return out;
}

TEST(wire, fixed_width_integers_are_big_endian) {
    bytes buf;
    writer w(buf);
    w.write_int8(-2);
    w.write_int16(0x0102);
    w.write_int32(-1);
    w.write_int64(0x0102030405060708);
    w.write_uint16(0xfffe);
    w.write_float64(1.5);
    w.write_bool(true);
    ASSERT_TRUE(w.finish());
    EXPECT_EQ(buf, b({0xfe, 1, 2, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 0xff, 0xfe,  //
                      0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 1}));
    reader r(buf);
    EXPECT_EQ(*r.read_int8(), -2);
    EXPECT_EQ(*r.read_int16(), 0x0102);
    EXPECT_EQ(*r.read_int32(), -1);
    EXPECT_EQ(*r.read_int64(), 0x0102030405060708);
    EXPECT_EQ(*r.read_uint16(), 0xfffe);
    EXPECT_EQ(*r.read_float64(), 1.5);
    EXPECT_EQ(*r.read_bool(), true);
    EXPECT_TRUE(r.empty());
    auto past = r.read_int8();
    ASSERT_FALSE(past);
    EXPECT_EQ(past.error().code, make_error_code(errc::truncated));
}

TEST(wire, strings_classic_and_compact) {
    bytes buf;
    writer w(buf);
    w.write_string("hi", false);
    w.write_string("hi", true);
    w.write_string(std::optional<std::string>(), false, true);
    w.write_string(std::optional<std::string>(), true, true);
    ASSERT_TRUE(w.finish());
    EXPECT_EQ(buf, b({0, 2, 'h', 'i', 3, 'h', 'i', 0xff, 0xff, 0}));
    reader r(buf);
    EXPECT_EQ(*r.read_string(false), "hi");
    EXPECT_EQ(*r.read_string(true), "hi");
    EXPECT_EQ(*r.read_nullable_string(false, true), std::nullopt);
    EXPECT_EQ(*r.read_nullable_string(true, true), std::nullopt);
}

TEST(wire, null_where_not_nullable_is_an_error_both_ways) {
    const bytes r_in = b({0xff, 0xff});
    reader r(r_in);
    auto s = r.read_string(false);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, make_error_code(errc::null_not_allowed));

    bytes buf;
    writer w(buf);
    w.write_string(std::optional<std::string>(), false, false);
    auto f = w.finish();
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().code, make_error_code(errc::null_not_allowed));
}

TEST(wire, lengths_beyond_the_input_are_truncation_not_allocation) {
    const bytes big_array_in = b({0x7f, 0xff, 0xff, 0xff});
    reader big_array(big_array_in);
    EXPECT_FALSE(big_array.read_array_length(false, false));
    const bytes big_bytes_in = b({0x7f, 0xff, 0xff, 0xff, 1});
    reader big_bytes(big_bytes_in);
    EXPECT_FALSE(big_bytes.read_bytes(false));
    const bytes negative_in = b({0xff, 0xff, 0xff, 0xfe});
    reader negative(negative_in);
    auto n = negative.read_array_length(false, true);
    ASSERT_FALSE(n);
    EXPECT_EQ(n.error().code, make_error_code(errc::malformed));
    const bytes compact_in = b({0xff, 0xff, 0xff, 0xff, 0x0f});
    reader compact(compact_in);  // uvarint 2^32-1 -> length 2^32-2
    EXPECT_FALSE(compact.read_bytes(true));
}

TEST(wire, uvarint_truncated_and_overlong) {
    const bytes truncated_in = b({0x80, 0x80});
    reader truncated(truncated_in);
    auto t = truncated.read_uvarint();
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, make_error_code(errc::truncated));
    const bytes overlong_in = b({0xff, 0xff, 0xff, 0xff, 0xff, 0x01});
    reader overlong(overlong_in);
    auto o = overlong.read_uvarint();
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().code, make_error_code(errc::malformed));
    const bytes ok_in = b({0xac, 0x02});
    reader ok(ok_in);
    EXPECT_EQ(*ok.read_uvarint(), 300u);
}

TEST(wire, string_too_long_for_int16_length_fails_encoding) {
    bytes buf;
    writer w(buf);
    w.write_string(std::string(40000, 'x'), false);
    auto f = w.finish();
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().code, make_error_code(errc::value_too_large));
    bytes ok;
    writer compact(ok);
    compact.write_string(std::string(40000, 'x'), true);
    EXPECT_TRUE(compact.finish());
}

TEST(wire, tagged_fields_known_and_unknown) {
    bytes buf;
    writer w(buf);
    w.write_uvarint(2);
    bytes v1;
    writer f1(v1);
    f1.write_int32(42);
    w.write_tagged_field(1, f1);
    bytes v5;
    writer f5(v5);
    f5.write_string("zz", true);
    w.write_tagged_field(5, f5);
    ASSERT_TRUE(w.finish());
    EXPECT_EQ(buf, b({2, 1, 4, 0, 0, 0, 42, 5, 3, 3, 'z', 'z'}));

    reader r(buf);
    int32_t seen = 0;
    auto res = r.read_tagged_fields([&](uint32_t tag, reader& field) -> result<bool> {
        if (tag != 1) return false;
        EDDY_TRY_ASSIGN(seen, field.read_int32());
        return true;
    });
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(seen, 42);
    EXPECT_TRUE(r.empty());
}

TEST(wire, tagged_field_size_beyond_input_is_truncated) {
    const bytes r_in = b({1, 0, 9, 1, 2});
    reader r(r_in);
    auto res = r.read_tagged_fields([](uint32_t, reader&) -> result<bool> { return false; });
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, make_error_code(errc::truncated));
}

TEST(wire, uuid_and_records) {
    uuid u{};
    for (size_t i = 0; i < u.size(); ++i) u[i] = static_cast<uint8_t>(i);
    const bytes batch = b({9, 8, 7});
    bytes buf;
    writer w(buf);
    w.write_uuid(u);
    w.write_records(records_view(batch), true);
    w.write_records(records_view(), false);
    ASSERT_TRUE(w.finish());
    reader r(buf);
    EXPECT_EQ(*r.read_uuid(), u);
    auto rec = r.read_records(true);
    ASSERT_TRUE(rec && rec->has_value());
    EXPECT_EQ(bytes((*rec)->begin(), (*rec)->end()), batch);
    auto null_rec = r.read_records(false);
    ASSERT_TRUE(null_rec);
    EXPECT_FALSE(null_rec->has_value());
}

}  // namespace
}  // namespace eddy::kafka::protocol
