#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "io/memory_filesystem.h"

namespace eddy::io {
namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

std::string read_all(file& f) {
    bytes buf(*f.size());
    auto n = f.read_at(0, buf);
    EXPECT_TRUE(n);
    return std::string(as_string_view(bytes_view(buf).first(*n)));
}

TEST(path_helpers, normalize_and_parent) {
    EXPECT_EQ(normalize_path("a//b/"), "a/b");
    EXPECT_EQ(normalize_path("/"), "/");
    EXPECT_EQ(parent_path("a/b"), "a");
    EXPECT_EQ(parent_path("/a"), "/");
    EXPECT_EQ(parent_path("a"), "");
}

TEST(memory_filesystem, write_read_truncate) {
    auto fs = make_memory_filesystem();
    ASSERT_TRUE(fs->create_directories("/d"));
    auto f = fs->open("/d/a", open_mode::create_new);
    ASSERT_TRUE(f);
    ASSERT_TRUE((*f)->write_at(0, as_bytes("hello world")));
    ASSERT_TRUE((*f)->write_at(20, as_bytes("x")));
    EXPECT_EQ(*(*f)->size(), 21u);
    bytes buf(5);
    EXPECT_EQ(*(*f)->read_at(6, buf), 5u);
    EXPECT_EQ(as_string_view(buf), "world");
    EXPECT_EQ(*(*f)->read_at(100, buf), 0u);
    ASSERT_TRUE((*f)->truncate(5));
    EXPECT_EQ(read_all(**f), "hello");
    ASSERT_TRUE((*f)->sync());
}

TEST(memory_filesystem, open_modes_and_errors) {
    auto fs = make_memory_filesystem();
    EXPECT_EQ(fs->open("/nodir/a", open_mode::create).error().code, std::errc::no_such_file_or_directory);
    ASSERT_TRUE(fs->create_directories("/d"));
    EXPECT_EQ(fs->open("/d/a", open_mode::read_only).error().code, std::errc::no_such_file_or_directory);
    ASSERT_TRUE(fs->open("/d/a", open_mode::create));
    EXPECT_EQ(fs->open("/d/a", open_mode::create_new).error().code, std::errc::file_exists);
    EXPECT_TRUE(fs->open("/d/a", open_mode::read_write));
    EXPECT_EQ(fs->open("/d", open_mode::create).error().code, std::errc::is_a_directory);
}

TEST(memory_filesystem, directories_list_remove_rename) {
    auto fs = make_memory_filesystem();
    ASSERT_TRUE(fs->create_directories("/r/t/0"));
    ASSERT_TRUE(fs->create_directories("/r/t/1"));
    ASSERT_TRUE(fs->open("/r/t/0/x.log", open_mode::create));
    EXPECT_EQ(sorted(*fs->list("/r/t")), (std::vector<std::string>{"0", "1"}));
    EXPECT_EQ(*fs->list("/r/t/0"), std::vector<std::string>{"x.log"});
    EXPECT_EQ(fs->remove("/r/t/0").error().code, std::errc::directory_not_empty);
    ASSERT_TRUE(fs->rename("/r/t/0/x.log", "/r/t/1/y.log"));
    EXPECT_FALSE(*fs->exists("/r/t/0/x.log"));
    EXPECT_TRUE(*fs->exists("/r/t/1/y.log"));
    ASSERT_TRUE(fs->remove("/r/t/0"));
    EXPECT_EQ(*fs->list("/r/t"), std::vector<std::string>{"1"});
    ASSERT_TRUE(fs->remove_all("/r/t"));
    EXPECT_FALSE(*fs->exists("/r/t/1/y.log"));
    EXPECT_TRUE(fs->list("/r")->empty());
    EXPECT_FALSE(fs->list("/nope"));
}

TEST(memory_filesystem, rename_replaces_and_open_handle_survives) {
    auto fs = make_memory_filesystem();
    ASSERT_TRUE(fs->create_directories("d"));
    auto a = *fs->open("d/a", open_mode::create);
    ASSERT_TRUE(a->write_at(0, as_bytes("new")));
    auto b = *fs->open("d/b", open_mode::create);
    ASSERT_TRUE(b->write_at(0, as_bytes("old")));
    ASSERT_TRUE(fs->rename("d/a", "d/b"));
    EXPECT_EQ(read_all(**fs->open("d/b", open_mode::read_only)), "new");
    EXPECT_EQ(read_all(*b), "old");  // unlinked but still open
}

TEST(memory_filesystem, concurrent_writers_do_not_race) {
    auto fs = make_memory_filesystem();
    ASSERT_TRUE(fs->create_directories("d"));
    std::vector<std::thread> ts;
    for (int t = 0; t < 4; ++t) {
        ts.emplace_back([&, t] {
            auto f = *fs->open("d/f" + std::to_string(t), open_mode::create);
            for (int i = 0; i < 200; ++i) ASSERT_TRUE(f->write_at(static_cast<uint64_t>(i), as_bytes("x")));
        });
    }
    for (auto& t : ts) t.join();
    EXPECT_EQ(fs->list("d")->size(), 4u);
    EXPECT_EQ(*(*fs->open("d/f2", open_mode::read_only))->size(), 200u);
}

}  // namespace
}  // namespace eddy::io
