// The HTTP server in-process on loopback (1 and 2 shards), driven by a plain blocking socket client:
// routing and the error shape, keep-alive and pipelining, HEAD, limits (431, 413, 408, idle close,
// connection cap), malformed requests, handler failures, graceful stop with a request in flight, and
// its metrics.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/json/parse.hpp>

#include "http/handlers/health.h"
#include "http/handlers/metrics.h"
#include "http/responses.h"
#include "http/server.h"
#include "http/tests/test_client.h"
#include "observability/prometheus_text.h"
#include "runtime/blocking_pool.h"
#include "runtime/tests/runtime_fixture.h"
#include "runtime/timer.h"

namespace eddy::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

using client = testing::test_client;

class http_server_test : public runtime::testing::sharded_test {
protected:
    void start(http_limits limits = {}) {
        registry_ = std::make_unique<observability::metric_registry>(smp());
        http_server_options o;
        o.port = 0;
        o.limits = limits;
        server_ = std::make_unique<http_server>(*shards_, o, registry_.get());
        add_health_routes(server_->routes(), ready_);
        add_metrics_routes(server_->routes(), *registry_, pool_);
        server_->routes().add(verb::post, "/echo/{name}", [](request_context& ctx) -> asio::awaitable<response> {
            boost::json::object o{{"name", ctx.params.get("name")}, {"body", ctx.req.body()}};
            if (auto q = ctx.query.get("q")) o["q"] = *q;
            co_return json_response(status::ok, o);
        });
        server_->routes().add(verb::get, "/throw", [](request_context&) -> asio::awaitable<response> {
            throw std::runtime_error("boom");
            co_return response{};
        });
        server_->routes().add(verb::get, "/slow", [this](request_context&) -> asio::awaitable<response> {
            slow_entered_ = true;
            while (!slow_release_) co_await runtime::sleep_for(1ms);
            co_return text_response(status::ok, "done", "text/plain");
        });
        auto r = run([this] { return server_->start(); });
        ASSERT_TRUE(r) << r.error().message();
        port_ = server_->bound_port();
    }
    void stop() {
        if (server_) run([this] { return server_->stop(); });
        server_.reset();
    }
    void TearDown() override {
        slow_release_ = true;
        stop();
        pool_.stop();
        sharded_test::TearDown();
    }
    std::string metrics() { return observability::prometheus_text(*registry_); }

    runtime::blocking_pool pool_{1};
    std::unique_ptr<observability::metric_registry> registry_;
    std::unique_ptr<http_server> server_;
    readiness ready_;
    uint16_t port_ = 0;
    std::atomic<bool> slow_entered_{false};
    std::atomic<bool> slow_release_{false};
};

TEST_P(http_server_test, health_and_readiness) {
    start();
    client c(port_);
    auto r = c.get("/healthz");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result(), status::ok);
    EXPECT_EQ((*r)[beast_http::field::content_type], "application/json");
    EXPECT_EQ(boost::json::parse(r->body()).at("status"), "ok");
    r = c.get("/readyz");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result(), status::service_unavailable);
    ready_.ready = true;
    r = c.get("/readyz");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result(), status::ok);
}

TEST_P(http_server_test, not_found_and_method_not_allowed_use_the_error_shape) {
    start();
    client c(port_);
    auto r = c.get("/nope");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result(), status::not_found);
    auto body = boost::json::parse(r->body());
    EXPECT_EQ(body.at("error_code"), 404);
    EXPECT_TRUE(body.at("message").is_string());
    c.send("DELETE /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result(), status::method_not_allowed);
    EXPECT_EQ((*r)[beast_http::field::allow], "GET, HEAD");
    r = c.get("/healthz/%zz");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result(), status::bad_request);
}

TEST_P(http_server_test, keep_alive_pipelining_params_and_query) {
    start();
    client c(port_);
    // Three requests in one write: answered in order on the same connection.
    c.send("POST /echo/a%20b?q=x+y HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none"
           "POST /echo/two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\ntwo"
           "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r1 = c.read();
    auto r2 = c.read();
    auto r3 = c.read();
    ASSERT_TRUE(r1 && r2 && r3);
    auto b1 = boost::json::parse(r1->body());
    EXPECT_EQ(b1.at("name"), "a b");
    EXPECT_EQ(b1.at("body"), "one");
    EXPECT_EQ(b1.at("q"), "x y");
    EXPECT_EQ(boost::json::parse(r2->body()).at("body"), "two");
    EXPECT_EQ(r3->result(), status::ok);
    EXPECT_TRUE(r3->keep_alive());
    // Connection: close is honoured.
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto r4 = c.read();
    ASSERT_TRUE(r4);
    EXPECT_FALSE(r4->keep_alive());
    EXPECT_TRUE(c.closed_by_server());
}

TEST_P(http_server_test, head_sends_only_the_head) {
    start();
    client c(port_);
    c.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read(true);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result(), status::ok);
    EXPECT_EQ((*r)[beast_http::field::content_length], "15");
    // The next response follows directly: no body bytes were sent for HEAD.
    auto r2 = c.get("/healthz");
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->body(), R"({"status":"ok"})");
}

TEST_P(http_server_test, oversized_head_gets_431_and_body_413) {
    http_limits l;
    l.max_header_bytes = 1024;
    l.max_body_bytes = 100;
    start(l);
    {
        client c(port_);
        c.send(fmt::format("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", std::string(2000, 'a')));
        auto r = c.read();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->result(), status::request_header_fields_too_large);
        EXPECT_TRUE(c.closed_by_server());
    }
    {
        client c(port_);
        c.send(fmt::format("POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n{}", std::string(101, 'b')));
        auto r = c.read();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->result(), status::payload_too_large);
        EXPECT_EQ(boost::json::parse(r->body()).at("error_code"), 413);
    }
    {
        // Expect: 100-continue with a body over the limit: refused before the body is sent.
        client c(port_);
        c.send("POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
        auto r = c.read();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->result(), status::payload_too_large);
    }
    {
        // Chunked bodies are bounded too.
        client c(port_);
        c.send(fmt::format("POST /echo/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n",
                           200, std::string(200, 'c')));
        auto r = c.read();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->result(), status::payload_too_large);
    }
    auto m = metrics();
    EXPECT_NE(m.find(R"(eddy_http_requests_refused_total{reason="header_too_large"} 1)"), std::string::npos) << m;
    EXPECT_NE(m.find(R"(eddy_http_requests_refused_total{reason="body_too_large"} 3)"), std::string::npos) << m;
}

TEST_P(http_server_test, expect_continue_within_limit_is_answered) {
    start();
    client c(port_);
    c.send("POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
    auto cont = c.read(true);
    ASSERT_TRUE(cont);
    EXPECT_EQ(cont->result(), status::continue_);
    c.send("hi");
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(boost::json::parse(r->body()).at("body"), "hi");
}

TEST_P(http_server_test, slow_head_gets_408_and_idle_connection_closes) {
    http_limits l;
    l.header_timeout = 200ms;
    l.idle_timeout = 200ms;
    start(l);
    {
        client c(port_);
        c.send("GET /healthz HTTP/1.1\r\nHost");  // and then nothing
        auto r = c.read();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->result(), status::request_timeout);
        EXPECT_TRUE(c.closed_by_server());
    }
    {
        client c(port_);
        ASSERT_TRUE(c.get("/healthz"));
        EXPECT_TRUE(c.closed_by_server());  // idle keep-alive connection closed after idle_timeout
    }
    EXPECT_NE(metrics().find(R"(eddy_http_requests_refused_total{reason="timeout"} 1)"), std::string::npos);
}

TEST_P(http_server_test, malformed_requests_get_400) {
    start();
    for (std::string_view raw : {"GARBAGE\r\n\r\n", "GET /healthz HTTP/9.9\r\n\r\n",
                                 "GET /healthz HTTP/1.1\r\nContent-Length: x\r\n\r\n",
                                 "GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n"}) {
        client c(port_);
        c.send(raw);
        auto r = c.read();
        ASSERT_TRUE(r) << raw;
        EXPECT_EQ(r->result(), status::bad_request) << raw;
        EXPECT_TRUE(c.closed_by_server());
    }
    // The server still serves.
    client c(port_);
    ASSERT_TRUE(c.get("/healthz"));
}

TEST_P(http_server_test, failing_handler_gets_500_and_connection_survives) {
    start();
    client c(port_);
    auto r = c.get("/throw");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result(), status::internal_server_error);
    EXPECT_EQ(boost::json::parse(r->body()).at("error_code"), 50001);
    auto r2 = c.get("/healthz");
    ASSERT_TRUE(r2);
    EXPECT_EQ(r2->result(), status::ok);
}

TEST_P(http_server_test, connection_cap_answers_503) {
    http_limits l;
    l.max_connections = 1;
    start(l);
    client first(port_);
    ASSERT_TRUE(first.get("/healthz"));
    client second(port_);
    auto r = second.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result(), status::service_unavailable);
}

TEST_P(http_server_test, stop_finishes_requests_in_flight_and_closes_idle_connections) {
    start();
    client busy(port_);
    busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(runtime::testing::wait_until([this] { return slow_entered_.load(); }));
    // Connections are dealt to the shards round-robin: two idle ones per shard put at least one on every
    // shard, so once all are closed every shard has begun to stop, the busy connection's included.
    std::vector<std::unique_ptr<client>> idle;
    for (uint32_t i = 0; i < 2 * smp(); ++i) {
        idle.push_back(std::make_unique<client>(port_));
        ASSERT_TRUE(idle.back()->get("/healthz"));
    }
    std::thread stopper([this] { stop(); });
    for (auto& c : idle) EXPECT_TRUE(c->closed_by_server());
    slow_release_ = true;
    auto r = busy.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body(), "done");
    EXPECT_FALSE(r->keep_alive());
    stopper.join();
}

TEST_P(http_server_test, metrics_endpoint_counts_requests) {
    start();
    client c(port_);
    ASSERT_TRUE(c.get("/healthz"));
    ASSERT_TRUE(c.get("/nope"));
    auto r = c.get("/metrics");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->result(), status::ok);
    EXPECT_EQ((*r)[beast_http::field::content_type], observability::prometheus_content_type);
    auto& m = r->body();
    EXPECT_NE(m.find(R"(eddy_http_requests_total{route="/healthz",method="GET",code="200"} 1)"), std::string::npos) << m;
    EXPECT_NE(m.find(R"(eddy_http_requests_total{route="unmatched",method="GET",code="404"} 1)"), std::string::npos) << m;
    EXPECT_NE(m.find("eddy_http_request_duration_seconds_bucket{route=\"/healthz\",method=\"GET\""), std::string::npos);
    EXPECT_NE(m.find("eddy_http_connections 1"), std::string::npos) << m;
}

INSTANTIATE_TEST_SUITE_P(smp, http_server_test, runtime::testing::smp_values());

}  // namespace
}  // namespace eddy::http
