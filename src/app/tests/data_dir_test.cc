#include "app/data_dir.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "app/errc.h"

namespace eddy::app {
namespace {

class data_dir_test : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/eddy-data-dir-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(root_); }
    std::string root_;
};

TEST_F(data_dir_test, creates_the_directory_and_excludes_a_second_owner) {
    auto dir = root_ + "/nested/data";
    auto first = data_dir_lock::acquire(dir);
    ASSERT_TRUE(first) << first.error().message();
    EXPECT_TRUE(std::filesystem::is_directory(dir));
    EXPECT_TRUE(std::filesystem::exists(dir + "/LOCK"));

    // flock locks belong to open file descriptions, so a second open in this process conflicts too.
    auto second = data_dir_lock::acquire(dir);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, make_error_code(errc::data_dir_locked));
    EXPECT_NE(second.error().message().find(fmt::format("pid {}", ::getpid())), std::string::npos)
        << second.error().message();

    { auto moved = std::move(*first); }  // released here
    auto third = data_dir_lock::acquire(dir);
    EXPECT_TRUE(third) << third.error().message();
}

TEST_F(data_dir_test, a_file_in_the_way_is_an_error) {
    auto path = root_ + "/file";
    { std::ofstream(path) << "x"; }
    auto r = data_dir_lock::acquire(path);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, make_error_code(errc::data_dir_invalid));
}

}  // namespace
}  // namespace eddy::app
