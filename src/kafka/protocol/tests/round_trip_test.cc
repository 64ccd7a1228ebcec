// Every API, request and response, at every version we decode: a message filled with non-default
// values encodes, decodes and re-encodes to the same bytes; every strict prefix fails to decode.
#include <gtest/gtest.h>

#include "kafka/protocol/codec.h"
#include "kafka/protocol/tests/test_values.h"

namespace eddy::kafka::protocol {
namespace {

using testing::api_case;

class all_apis : public ::testing::TestWithParam<api_case> {};

template <typename M>
void check_round_trip(int16_t version) {
    SCOPED_TRACE(fmt::format("{} v{}", M::api_name, version));
    const M m = testing::filled<M>();
    auto first = encode_body(m, version);
    ASSERT_TRUE(first) << first.error().message();
    auto decoded = decode_body<M>(*first, version);
    ASSERT_TRUE(decoded) << decoded.error().message();
    auto second = encode_body(*decoded, version);
    ASSERT_TRUE(second) << second.error().message();
    EXPECT_EQ(*first, *second);

    auto defaults = encode_body(M{}, version);
    ASSERT_TRUE(defaults);
    // A body of at most one byte is a message without fields in this version (e.g. ListGroups v3).
    const bool has_fields = defaults->size() > 1 || *first != *defaults;
    if (has_fields) {
        EXPECT_NE(*first, *defaults) << "filled values did not reach the wire";
    }
    if constexpr (std::equality_comparable<M>) {
        auto again = decode_body<M>(*second, version);
        ASSERT_TRUE(again);
        EXPECT_EQ(*again, *decoded);
        if (has_fields) {
            EXPECT_NE(*decoded, M{});
        }
    }
}

template <typename M>
void check_truncation(int16_t version) {
    SCOPED_TRACE(fmt::format("{} v{}", M::api_name, version));
    auto full = encode_body(testing::filled<M>(), version);
    ASSERT_TRUE(full);
    for (size_t n = 0; n < full->size(); ++n) {
        auto r = decode_body<M>(bytes_view(*full).first(n), version);
        ASSERT_FALSE(r) << "prefix of " << n << " of " << full->size() << " bytes decoded";
    }
    bytes longer = *full;
    longer.push_back(0);
    auto r = decode_body<M>(longer, version);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, make_error_code(errc::trailing_bytes));
}

TEST_P(all_apis, round_trip_every_version) {
    testing::visit_case(GetParam(), [](auto type) {
        using M = typename decltype(type)::type;
        for (int16_t v = M::min_version; v <= M::max_version; ++v) check_round_trip<M>(v);
    });
}

TEST_P(all_apis, every_prefix_is_an_error) {
    testing::visit_case(GetParam(), [](auto type) {
        using M = typename decltype(type)::type;
        for (int16_t v = M::min_version; v <= M::max_version; ++v) check_truncation<M>(v);
    });
}

TEST_P(all_apis, versions_outside_the_range_are_rejected) {
    testing::visit_case(GetParam(), [](auto type) {
        using M = typename decltype(type)::type;
        bytes body(64, 0);
        for (int16_t v : {static_cast<int16_t>(M::min_version - 1), static_cast<int16_t>(M::max_version + 1)}) {
            auto r = decode_body<M>(body, v);
            ASSERT_FALSE(r);
            EXPECT_EQ(r.error().code, make_error_code(errc::unsupported_version));
            auto e = encode_body(M{}, v);
            ASSERT_FALSE(e);
            EXPECT_EQ(e.error().code, make_error_code(errc::unsupported_version));
        }
    });
}

INSTANTIATE_TEST_SUITE_P(kafka, all_apis, ::testing::ValuesIn(testing::all_api_cases()),
                         [](const auto& info) { return testing::api_case_name(info.param); });

}  // namespace
}  // namespace eddy::kafka::protocol
