#include "runtime/gate.h"

#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <gtest/gtest.h>

#include "runtime/errc.h"
#include "runtime/tests/runtime_fixture.h"

namespace eddy::runtime {
namespace {

namespace asio = boost::asio;
using testing::sharded_test;
using testing::yield_until;

class gate_test : public sharded_test {};

TEST_P(gate_test, close_without_holders_completes_and_refuses_entry) {
    auto ok = run([]() -> asio::awaitable<bool> {
        gate g;
        {
            auto h = g.enter();
            if (!h || g.in_flight() != 1) co_return false;
        }
        if (g.in_flight() != 0) co_return false;
        co_await g.close();
        auto late = g.enter();
        co_return !late && late.error().code == make_error_code(errc::gate_closed) && g.is_closed();
    });
    EXPECT_TRUE(ok);
}

// Operations hold the gate while they do work on the last shard; close() must wait for all of them.
TEST_P(gate_test, close_waits_for_in_flight_operations) {
    auto last = shard_id{smp() - 1};
    auto ok = run([last]() -> asio::awaitable<bool> {
        auto ex = co_await asio::this_coro::executor;
        gate g;
        wakeup go(ex);
        int finished = 0;
        for (int i = 0; i < 3; ++i) {
            auto h = g.enter();
            if (!h) co_return false;
            asio::co_spawn(ex, [&, h = std::move(*h)]() mutable -> asio::awaitable<void> {
                co_await go.wait();
                co_await run_on(last, [] { return 1; });
                ++finished;
                h.release();
            }, asio::detached);
        }
        bool closed = false;
        asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
            co_await g.close();
            closed = true;
        }, asio::detached);
        for (int i = 0; i < 20; ++i) co_await yield();
        if (closed || g.in_flight() != 3) co_return false;
        if (g.enter()) co_return false;  // closing gates refuse entry already
        go.notify();
        if (!co_await yield_until([&] { return closed; })) co_return false;
        co_return finished == 3 && g.in_flight() == 0;
    });
    EXPECT_TRUE(ok);
}

TEST_P(gate_test, holder_move_keeps_one_entry) {
    auto ok = run([]() -> asio::awaitable<bool> {
        gate g;
        auto h = g.enter();
        gate::holder moved = std::move(*h);
        gate::holder assigned;
        assigned = std::move(moved);
        bool one = g.in_flight() == 1;
        assigned.release();
        co_await g.close();
        co_return one && g.in_flight() == 0;
    });
    EXPECT_TRUE(ok);
}

INSTANTIATE_TEST_SUITE_P(smp, gate_test, testing::smp_values());

}  // namespace
}  // namespace eddy::runtime
