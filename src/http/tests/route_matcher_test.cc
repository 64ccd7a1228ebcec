// Path patterns, percent-decoding and query parsing of the HTTP router.
#include <gtest/gtest.h>

#include "http/route_matcher.h"

namespace eddy::http {
namespace {

TEST(percent_decode, decodes_escapes_and_rejects_bad_ones) {
    EXPECT_EQ(*percent_decode("a%2Fb%20c"), "a/b c");
    EXPECT_EQ(*percent_decode("a+b"), "a+b");
    EXPECT_EQ(*percent_decode("a+b", true), "a b");
    EXPECT_FALSE(percent_decode("%"));
    EXPECT_FALSE(percent_decode("%4"));
    EXPECT_FALSE(percent_decode("%zz"));
    EXPECT_FALSE(percent_decode("%00"));
    EXPECT_EQ(*percent_decode("%41%4a"), "AJ");
}

TEST(split_target, separates_path_and_query) {
    EXPECT_EQ(split_target("/a/b?x=1&y").first, "/a/b");
    EXPECT_EQ(split_target("/a/b?x=1&y").second, "x=1&y");
    EXPECT_EQ(split_target("/a").second, "");
    EXPECT_EQ(split_target("/a?x#frag").second, "x");
}

TEST(query_params, parses_names_values_and_flags) {
    auto q = query_params::parse("timeout=100&name=a%20b&flag&x=1+2&&x=3");
    ASSERT_TRUE(q);
    EXPECT_EQ(*q->get("timeout"), "100");
    EXPECT_EQ(*q->get("name"), "a b");
    EXPECT_EQ(*q->get("flag"), "");
    EXPECT_EQ(*q->get("x"), "1 2");
    EXPECT_FALSE(q->get("missing"));
    EXPECT_FALSE(query_params::parse("a=%"));
}

TEST(route_matcher, matches_literals_and_parameters) {
    route_matcher m;
    ASSERT_TRUE(m.add("/topics", 0));
    ASSERT_TRUE(m.add("/topics/{topic}", 1));
    ASSERT_TRUE(m.add("/topics/{topic}/partitions/{partition}", 2));
    ASSERT_TRUE(m.add("/", 3));

    auto r = m.find("/topics/orders/partitions/3");
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->route, 2u);
    EXPECT_EQ((*r)->params.get("topic"), "orders");
    EXPECT_EQ((*r)->params.get("partition"), "3");

    EXPECT_EQ((*m.find("/topics"))->route, 0u);
    EXPECT_EQ((*m.find("/topics/"))->route, 0u);
    EXPECT_EQ((*m.find("/"))->route, 3u);
    EXPECT_EQ((*m.find("/topics/a%2Fb"))->params.get("topic"), "a/b");
    EXPECT_FALSE(*m.find("/topics/a/partitions"));
    EXPECT_FALSE(*m.find("/nope"));
    EXPECT_FALSE(*m.find("/topics//partitions/1"));  // empty parameter
    EXPECT_FALSE(m.find("no-slash"));
    EXPECT_FALSE(m.find("/topics/%zz"));
}

TEST(route_matcher, literal_wins_and_backtracks_to_parameter) {
    route_matcher m;
    ASSERT_TRUE(m.add("/consumers/{group}/instances/{instance}", 0));
    ASSERT_TRUE(m.add("/consumers/special/offsets", 1));
    EXPECT_EQ((*m.find("/consumers/special/offsets"))->route, 1u);
    auto r = m.find("/consumers/special/instances/i1");
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->route, 0u);
    EXPECT_EQ((*r)->params.get("group"), "special");
    EXPECT_EQ((*r)->params.get("instance"), "i1");
}

TEST(route_matcher, rejects_bad_patterns) {
    route_matcher m;
    EXPECT_FALSE(m.add("topics", 0));
    EXPECT_FALSE(m.add("/a/{}", 0));
    EXPECT_FALSE(m.add("/a/{x", 0));
    EXPECT_FALSE(m.add("/a//b", 0));
    ASSERT_TRUE(m.add("/a/{x}", 0));
    EXPECT_FALSE(m.add("/a/{x}", 1));      // twice
    EXPECT_FALSE(m.add("/a/{y}/b", 2));    // another name at the same place
}

}  // namespace
}  // namespace eddy::http
