// The file seam. Storage talks only to these interfaces, so tests can swap the real file system for an
// in-memory one or a fault-injecting one (torn writes, fsync failure, ENOSPC, crash = lose everything
// not yet synced).
//
// All calls are synchronous and may block: callers on a shard run them on the blocking pool when they
// can take long (fsync, open). A file object may be used from two threads at once only as "one thread
// writes/reads, another calls sync()"; implementations must allow that.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "bytes/bytes.h"

namespace eddy::io {

class file {
public:
    virtual ~file() = default;

    // Reads up to out.size() bytes at pos; returns the count read (short only at end of file).
    [[nodiscard]] virtual result<size_t> read_at(uint64_t pos, mutable_bytes_view out) = 0;
    // Writes all of data at pos (extending the file if needed). A partial write is an error.
    [[nodiscard]] virtual result<void> write_at(uint64_t pos, bytes_view data) = 0;
    // Makes every completed write durable (fdatasync).
    [[nodiscard]] virtual result<void> sync() = 0;
    [[nodiscard]] virtual result<void> truncate(uint64_t size) = 0;
    [[nodiscard]] virtual result<uint64_t> size() = 0;
    // The OS file descriptor, for zero-copy sends (sendfile); -1 for files that have none (in-memory and
    // fault-injecting ones), whose users then read instead.
    [[nodiscard]] virtual int native_handle() const { return -1; }
};

enum class open_mode {
    read_only,      // must exist
    read_write,     // must exist
    create,         // read-write; created empty when missing, kept when present
    create_new,     // read-write; fails with EEXIST when present
};

class filesystem {
public:
    virtual ~filesystem() = default;

    [[nodiscard]] virtual result<std::unique_ptr<file>> open(const std::string& path, open_mode mode) = 0;
    // Names (not paths) of the entries in dir, in no particular order.
    [[nodiscard]] virtual result<std::vector<std::string>> list(const std::string& dir) = 0;
    // Creates dir and its missing parents; success when it already exists.
    [[nodiscard]] virtual result<void> create_directories(const std::string& dir) = 0;
    // Removes a file or an empty directory.
    [[nodiscard]] virtual result<void> remove(const std::string& path) = 0;
    // Removes a directory tree.
    [[nodiscard]] virtual result<void> remove_all(const std::string& path) = 0;
    // Atomically replaces to with from (rename(2)); durable once the parent directory is synced.
    [[nodiscard]] virtual result<void> rename(const std::string& from, const std::string& to) = 0;
    [[nodiscard]] virtual result<bool> exists(const std::string& path) = 0;
    // Makes creations, removals and renames in dir durable.
    [[nodiscard]] virtual result<void> sync_directory(const std::string& dir) = 0;
};

// The real file system (POSIX calls, pread/pwrite, fdatasync).
std::unique_ptr<filesystem> make_posix_filesystem();

// Joins two path parts with exactly one '/'.
[[nodiscard]] std::string join_path(std::string_view a, std::string_view b);

}  // namespace eddy::io
