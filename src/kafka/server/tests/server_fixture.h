// Test fixture for the Kafka listener in-process: a broker and a group service over an in-memory file
// system and a manual clock, on 1 or 2 shards (the test parameter), served on an ephemeral port and
// driven through real TCP sockets (raw_client) with our own codecs.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "coord/broker.h"
#include "coord/group_service.h"
#include "io/fault_filesystem.h"
#include "kafka/server/server.h"
#include "kafka/server/tests/raw_client.h"
#include "observability/metric_registry.h"
#include "observability/prometheus_text.h"
#include "runtime/tests/runtime_fixture.h"

namespace eddy::kafka::server::testing {

class server_fixture : public runtime::testing::sharded_test {
protected:
    template <typename T>
    using awaitable = boost::asio::awaitable<T>;

    void SetUp() override {
        sharded_test::SetUp();
        pool_ = std::make_unique<runtime::blocking_pool>(1);
        coord::broker_options bo;
        bo.data_dir = "/data";
        broker_ = std::make_unique<coord::broker>(*shards_, *pool_, fs_, clock_, bo);
        coord::group_service_options go;
        go.data_dir = "/data";
        go.groups.initial_rebalance_delay = std::chrono::milliseconds(0);
        go.seed = 1;
        groups_ = std::make_unique<coord::group_service>(*shards_, *pool_, fs_, clock_, go);
        server_options so;
        so.port = 0;
        so.limits.max_frame_size = 1 << 20;
        so.registry = &registry_;
        server_ = std::make_unique<kafka_server>(*shards_, *broker_, so);
        server_->set_groups(groups_.get());
        auto r = run([this]() -> awaitable<result<void>> {
            if (auto b = co_await broker_->start(); !b) co_return b;
            if (auto g = co_await groups_->start(); !g) co_return g;
            co_return co_await server_->start();
        });
        ASSERT_TRUE(r) << r.error().message();
    }
    void TearDown() override {
        run([this]() -> awaitable<void> {
            co_await server_->stop();
            co_await groups_->stop();
            co_await broker_->stop();
        });
        // The services hold timers and sockets on the shards' io_contexts: they go before the shards do.
        server_.reset();
        groups_.reset();
        broker_.reset();
        pool_->stop();
        sharded_test::TearDown();
    }

    kafka::testing::raw_client client() { return kafka::testing::raw_client("127.0.0.1", server_->bound_port()); }

    result<coord::topic_info> create_topic(std::string name, int32_t partitions) {
        return run([this, name, partitions]() -> awaitable<result<coord::topic_info>> {
            coord::create_topic_request req{.name = name, .num_partitions = partitions};
            co_return co_await broker_->create_topic(std::move(req));
        });
    }

    // The value of one sample of the server's metrics, if exported.
    std::optional<double> sample(const std::string& series) const {
        auto text = observability::prometheus_text(registry_);
        auto at = text.find("\n" + series + " ");
        if (at == std::string::npos) return std::nullopt;
        return std::stod(text.substr(at + series.size() + 2));
    }

    io::fault_filesystem fs_;
    io::manual_clock clock_;
    observability::metric_registry registry_{2};
    std::unique_ptr<runtime::blocking_pool> pool_;
    std::unique_ptr<coord::broker> broker_;
    std::unique_ptr<coord::group_service> groups_;
    std::unique_ptr<kafka_server> server_;
};

}  // namespace eddy::kafka::server::testing
