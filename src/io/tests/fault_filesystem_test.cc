#include <gtest/gtest.h>

#include "io/errc.h"
#include "io/fault_filesystem.h"

namespace eddy::io {
namespace {

std::string read_all(filesystem& fs, const std::string& path) {
    auto f = fs.open(path, open_mode::read_only);
    if (!f) return "<missing>";
    bytes buf(*(*f)->size());
    auto n = (*f)->read_at(0, buf);
    return std::string(as_string_view(bytes_view(buf).first(*n)));
}

class fault_fs_test : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(fs_.create_directories("/d")); }
    std::unique_ptr<file> make(const std::string& path, std::string_view content, bool sync_file, bool sync_dir) {
        auto f = fs_.open(path, open_mode::create);
        EXPECT_TRUE(f);
        EXPECT_TRUE((*f)->write_at(0, as_bytes(content)));
        if (sync_file) {
            EXPECT_TRUE((*f)->sync());
        }
        if (sync_dir) {
            EXPECT_TRUE(fs_.sync_directory("/d"));
        }
        return std::move(*f);
    }
    fault_filesystem fs_;
};

TEST_F(fault_fs_test, crash_drops_unsynced_writes) {
    auto f = make("/d/a", "durable", true, true);
    ASSERT_TRUE(f->write_at(7, as_bytes("+lost")));
    EXPECT_EQ(read_all(fs_, "/d/a"), "durable+lost");
    EXPECT_EQ(fs_.unsynced_tail("/d/a"), 5u);
    fs_.crash();
    EXPECT_EQ(f->size().error().code, errc::injected_crash);
    EXPECT_EQ(fs_.open("/d/a", open_mode::read_only).error().code, errc::injected_crash);
    fs_.restart();
    EXPECT_EQ(read_all(fs_, "/d/a"), "durable");
    EXPECT_EQ(f->size().error().code, errc::injected_crash);  // old handles stay dead
}

TEST_F(fault_fs_test, torn_write_keeps_any_prefix_of_the_tail) {
    for (uint64_t keep = 0; keep <= 6; ++keep) {
        fault_filesystem fs;
        ASSERT_TRUE(fs.create_directories("/d"));
        auto f = *fs.open("/d/a", open_mode::create);
        ASSERT_TRUE(f->write_at(0, as_bytes("abc")));
        ASSERT_TRUE(f->sync());
        ASSERT_TRUE(fs.sync_directory("/d"));
        ASSERT_TRUE(f->write_at(3, as_bytes("defg")));
        fs.crash(fault_filesystem::torn_write{"/d/a", keep});
        fs.restart();
        EXPECT_EQ(read_all(fs, "/d/a"), std::string("abcdefg").substr(0, 3 + std::min<uint64_t>(keep, 4)));
    }
}

TEST_F(fault_fs_test, new_file_needs_directory_sync) {
    make("/d/synced_dir", "x", true, true);
    make("/d/no_dir_sync", "y", true, false);
    fs_.crash();
    fs_.restart();
    EXPECT_EQ(read_all(fs_, "/d/synced_dir"), "x");
    EXPECT_FALSE(*fs_.exists("/d/no_dir_sync"));
}

TEST_F(fault_fs_test, rename_and_remove_durable_after_directory_sync) {
    make("/d/a", "A", true, true);
    make("/d/b", "B", true, true);
    ASSERT_TRUE(fs_.rename("/d/a", "/d/b"));
    fs_.crash();
    fs_.restart();
    EXPECT_EQ(read_all(fs_, "/d/a"), "A");
    EXPECT_EQ(read_all(fs_, "/d/b"), "B");
    ASSERT_TRUE(fs_.rename("/d/a", "/d/b"));
    ASSERT_TRUE(fs_.remove("/d/b"));
    ASSERT_TRUE(fs_.sync_directory("/d"));
    fs_.crash();
    fs_.restart();
    EXPECT_FALSE(*fs_.exists("/d/a"));
    EXPECT_FALSE(*fs_.exists("/d/b"));
}

TEST_F(fault_fs_test, failed_sync_persists_nothing) {
    auto f = make("/d/a", "abc", true, true);
    ASSERT_TRUE(f->write_at(3, as_bytes("def")));
    fs_.fail_next_sync();
    auto r = f->sync();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, std::errc::io_error);
    EXPECT_EQ(fs_.unsynced_tail("/d/a"), 3u);
    ASSERT_TRUE(f->sync());  // one-shot
    EXPECT_EQ(fs_.file_syncs(), 2u);

    fs_.fail_syncs_where([](const std::string& p) { return p.ends_with(".log"); });
    auto g = make("/d/x.log", "q", false, false);
    EXPECT_FALSE(g->sync());
    EXPECT_FALSE(g->sync());
    EXPECT_TRUE(f->sync());
    fs_.clear_faults();
    EXPECT_TRUE(g->sync());
}

TEST_F(fault_fs_test, space_limit_all_or_nothing_and_partial) {
    auto f = make("/d/a", "12345", false, false);
    fs_.set_space_limit(8);
    ASSERT_TRUE(f->write_at(0, as_bytes("abc")));  // overwrite, no growth
    auto r = f->write_at(5, as_bytes("6789"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, std::errc::no_space_on_device);
    EXPECT_EQ(read_all(fs_, "/d/a"), "abc45");
    fs_.set_space_limit(8, true);
    ASSERT_FALSE(f->write_at(5, as_bytes("6789")));
    EXPECT_EQ(read_all(fs_, "/d/a"), "abc45678");
    fs_.clear_faults();
    ASSERT_TRUE(f->write_at(8, as_bytes("9")));
}

TEST_F(fault_fs_test, truncate_is_not_durable_until_sync) {
    auto f = make("/d/a", "abcdef", true, true);
    ASSERT_TRUE(f->truncate(2));
    fs_.crash();
    fs_.restart();
    EXPECT_EQ(read_all(fs_, "/d/a"), "abcdef");
}

TEST_F(fault_fs_test, corrupt_byte_hits_durable_content) {
    make("/d/a", "abc", true, true);
    fs_.corrupt_byte("/d/a", 1);
    fs_.crash();
    fs_.restart();
    auto s = read_all(fs_, "/d/a");
    EXPECT_EQ(s[0], 'a');
    EXPECT_NE(s[1], 'b');
}

TEST_F(fault_fs_test, crash_after_ops_crashes_before_the_counted_call) {
    auto f = make("/d/a", "abc", true, true);
    fs_.crash_after_ops(2);
    ASSERT_TRUE(f->write_at(3, as_bytes("d")));  // op 1
    ASSERT_TRUE(f->sync());                      // op 2
    auto r = fs_.rename("/d/a", "/d/b");         // op 3: crashes first
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::injected_crash);
    fs_.restart();
    EXPECT_EQ(read_all(fs_, "/d/a"), "abcd");
    EXPECT_FALSE(*fs_.exists("/d/b"));
    ASSERT_TRUE(fs_.rename("/d/a", "/d/b"));  // one-shot
}

}  // namespace
}  // namespace eddy::io
