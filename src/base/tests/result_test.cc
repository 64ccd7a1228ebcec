#include <gtest/gtest.h>

#include "base/ids.h"
#include "base/result.h"

namespace eddy {
namespace {

result<int> half(int v) {
    if (v % 2 != 0) return make_errno_error(EINVAL, "{} is odd", v);
    return v / 2;
}

result<int> quarter(int v) {
    EDDY_TRY_ASSIGN(int h, half(v));
    EDDY_TRY_ASSIGN(int q, half(h));
    return q;
}

TEST(result, propagates_errors_with_context) {
    EXPECT_EQ(*quarter(8), 2);
    auto r = quarter(6);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, std::errc::invalid_argument);
    EXPECT_EQ(r.error().context, "3 is odd");
    EXPECT_NE(r.error().message().find("3 is odd: "), std::string::npos);
}

TEST(strong_id, arithmetic_and_ordering) {
    offset a{10};
    offset b = a + 5;
    EXPECT_LT(a, b);
    EXPECT_EQ(b - a, 5);
    ++b;
    EXPECT_EQ(b.value(), 16);
    static_assert(!std::is_convertible_v<offset, partition_id>);
    static_assert(!std::is_convertible_v<int64_t, offset>);
    EXPECT_EQ(fmt::format("{}", b), "16");
}

}  // namespace
}  // namespace eddy
