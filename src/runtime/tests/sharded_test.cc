#include "runtime/sharded.h"

#include <string>

#include <gtest/gtest.h>

#include "runtime/tests/runtime_fixture.h"

namespace eddy::runtime {
namespace {

namespace asio = boost::asio;
using testing::sharded_test;

// Remembers the shard it was created on, and checks it is used and destroyed there too.
struct per_shard_counter {
    per_shard_counter(std::string name, int start) : name(std::move(name)), value(start), home(this_shard()) {}
    ~per_shard_counter() { EDDY_ASSERT(this_shard() == home, "destroyed off its shard"); }
    asio::awaitable<void> stop() {
        stopped_on_home = this_shard() == home;
        ++*stops;
        co_return;
    }
    std::string name;
    int value;
    shard_id home;
    bool stopped_on_home = false;
    int* stops = nullptr;
};

class sharded_container_test : public sharded_test {};

TEST_P(sharded_container_test, one_instance_per_shard_used_on_its_shard) {
    sharded<per_shard_counter> counters(*shards_);
    int stops = 0;
    auto ok = run([&]() -> asio::awaitable<bool> {
        co_await counters.start(std::string("c"), 10);
        co_await counters.invoke_on_all([&stops](per_shard_counter& c) { c.stops = &stops; });
        for (uint32_t i = 0; i < smp(); ++i) {
            auto bump = [i](per_shard_counter& c) {
                c.value += static_cast<int>(i);
                return std::make_pair(c.home, c.value);
            };
            auto [home, value] = co_await counters.invoke_on(shard_id{i}, std::move(bump));
            if (home != shard_id{i} || value != 10 + static_cast<int>(i)) co_return false;
        }
        bool local_ok = counters.local().home == shard_id{0} && counters.local().name == "c";
        co_await counters.stop();
        co_return local_ok;
    });
    EXPECT_TRUE(ok);
    EXPECT_EQ(stops, static_cast<int>(smp()));
}

INSTANTIATE_TEST_SUITE_P(smp, sharded_container_test, testing::smp_values());

}  // namespace
}  // namespace eddy::runtime
