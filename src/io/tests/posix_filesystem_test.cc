#include <gtest/gtest.h>

#include <filesystem>

#include "io/file.h"

namespace eddy::io {
namespace {

class posix_fs_test : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("eddy-io-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        ASSERT_TRUE(fs_->create_directories(dir_.string()));
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::unique_ptr<filesystem> fs_ = make_posix_filesystem();
    std::filesystem::path dir_;
};

TEST_F(posix_fs_test, write_read_truncate_sync) {
    auto path = join_path(dir_.string(), "a.log");
    auto f = fs_->open(path, open_mode::create_new);
    ASSERT_TRUE(f) << f.error().message();
    ASSERT_TRUE((*f)->write_at(0, as_bytes("hello world")));
    ASSERT_TRUE((*f)->sync());
    EXPECT_EQ(*(*f)->size(), 11u);
    bytes buf(20);
    auto n = (*f)->read_at(6, buf);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 5u);
    EXPECT_EQ(as_string_view(bytes_view(buf).first(5)), "world");
    ASSERT_TRUE((*f)->truncate(5));
    EXPECT_EQ(*(*f)->size(), 5u);
    EXPECT_FALSE(fs_->open(path, open_mode::create_new));
    auto names = fs_->list(dir_.string());
    ASSERT_TRUE(names);
    EXPECT_EQ(*names, std::vector<std::string>{"a.log"});
}

TEST_F(posix_fs_test, errors_carry_errno_and_path) {
    auto r = fs_->open(join_path(dir_.string(), "missing"), open_mode::read_only);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, std::errc::no_such_file_or_directory);
    EXPECT_NE(r.error().context.find("missing"), std::string::npos);
}

TEST(join_path, one_separator) {
    EXPECT_EQ(join_path("a", "b"), "a/b");
    EXPECT_EQ(join_path("a/", "/b"), "a/b");
    EXPECT_EQ(join_path("", "b"), "b");
}

}  // namespace
}  // namespace eddy::io
