// A gtest fixture whose tests share one `eddy serve` (started once per suite on free loopback ports);
// a failing test prints the server's log. Suites derive from it and use server_; a suite that needs
// other server options sets options_ in its own SetUpTestSuite before calling this one's.
#pragma once

#include <cstdio>

#include <gtest/gtest.h>

#include "eddy_server.h"

namespace eddy::testing {

class shared_server_test : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        server_ = new eddy_server(options_);
        ASSERT_TRUE(server_->start()) << "eddy serve did not become ready:\n" << server_->log();
    }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    void TearDown() override {
        if (HasFailure()) std::fprintf(stderr, "server log:\n%s\n", server_->log().c_str());
    }

    static inline eddy_server::options options_{};
    static inline eddy_server* server_ = nullptr;
};

}  // namespace eddy::testing
