// A fault-injecting in-memory filesystem that models durability, for crash and error tests.
//
// Model (the rules tests are written against):
// - Every file (inode) has durable content and current content. write_at/truncate change only the
//   current content; file::sync() makes current content durable. Reads see current content.
// - Names: creating, renaming or removing a file changes the current namespace at once; the durable
//   namespace of a directory catches up only on sync_directory(dir). Directories themselves (made by
//   create_directories) are durable immediately: a simplification, storage still syncs the parent.
// - crash(torn): the "machine" loses power. The namespace reverts to the durable one and every file
//   reverts to its durable content, except that the file named torn->path (current name) keeps the first
//   torn->keep bytes written past its durable size (a torn write: any prefix of the unsynced tail).
//   From then on every call fails with io::errc::injected_crash until restart(); handles opened before
//   the crash fail forever (they belonged to the dead process).
// - Sync failures: fail_next_sync(ec) fails the next file sync; fail_syncs_where(pred, ec) fails every
//   file sync and sync_directory whose path matches until clear_faults(). A failed sync makes nothing
//   durable (the unsynced writes stay unsynced; a later successful sync may still persist them).
// - Space: set_space_limit(n) caps the total current size of all files. A write that would exceed it
//   fails with ENOSPC and leaves the file unchanged, unless partial_writes is set: then the bytes that
//   fit are written first (a short write, as a real disk does) and the call still fails with ENOSPC.
//
// Thread-safe: one mutex guards everything.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <system_error>

#include "io/file.h"

namespace eddy::io {

class fault_filesystem final : public filesystem {
public:
    struct torn_write {
        std::string path;
        uint64_t keep = 0;  // bytes of the unsynced tail (past the durable size) that survive
    };

    fault_filesystem();
    ~fault_filesystem() override;

    // filesystem
    [[nodiscard]] result<std::unique_ptr<file>> open(const std::string& path, open_mode mode) override;
    [[nodiscard]] result<std::vector<std::string>> list(const std::string& dir) override;
    [[nodiscard]] result<void> create_directories(const std::string& dir) override;
    [[nodiscard]] result<void> remove(const std::string& path) override;
    [[nodiscard]] result<void> remove_all(const std::string& path) override;
    [[nodiscard]] result<void> rename(const std::string& from, const std::string& to) override;
    [[nodiscard]] result<bool> exists(const std::string& path) override;
    [[nodiscard]] result<void> sync_directory(const std::string& dir) override;

    // Faults.
    void fail_next_sync(std::error_code ec = std::make_error_code(std::errc::io_error));
    void fail_syncs_where(std::function<bool(const std::string&)> pred,
                          std::error_code ec = std::make_error_code(std::errc::io_error));
    // REQUIRES: limit >= 0. Counts the current size of every named file.
    void set_space_limit(std::optional<uint64_t> limit, bool partial_writes = false);
    // Crashes (as crash() with no torn write) just before the (n+1)-th mutating call from now: write_at,
    // truncate, file sync, open that creates, rename, remove, sync_directory. That call fails with
    // injected_crash. Lets a test crash at every step of a multi-step protocol.
    void crash_after_ops(uint64_t n);
    void clear_faults();  // sync failures, the space limit and a pending crash_after_ops
    void crash(std::optional<torn_write> torn = std::nullopt);
    void restart();

    // Inspection.
    // Bytes of path's current content past its durable size (0 when not longer, or unknown file).
    [[nodiscard]] uint64_t unsynced_tail(const std::string& path) const;
    [[nodiscard]] uint64_t file_syncs() const;       // successful file::sync() calls
    [[nodiscard]] uint64_t directory_syncs() const;  // successful sync_directory() calls
    // Flips one byte of path's current and durable content (corruption at rest). REQUIRES: pos < size.
    void corrupt_byte(const std::string& path, uint64_t pos);

    struct state;

private:
    std::shared_ptr<state> s_;
};

}  // namespace eddy::io
