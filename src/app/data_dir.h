// Exclusive ownership of a data directory: `eddy serve` creates the directory if needed and holds an
// flock on <dir>/LOCK for as long as it runs, so a second server on the same directory fails at once
// instead of corrupting the first one's logs. The lock dies with the process (kill -9 included), so a
// stale LOCK file never blocks a restart. The file holds the owner's pid, for the error message.
#pragma once

#include <string>

#include "base/result.h"

namespace eddy::app {

class data_dir_lock {
public:
    // Creates dir (and parents) when missing, then takes the lock without waiting.
    // Fails with errc::data_dir_locked (naming the holder's pid when known) if another process has it.
    [[nodiscard]] static result<data_dir_lock> acquire(const std::string& dir);

    data_dir_lock(data_dir_lock&& o) noexcept;
    data_dir_lock& operator=(data_dir_lock&& o) noexcept;
    data_dir_lock(const data_dir_lock&) = delete;
    data_dir_lock& operator=(const data_dir_lock&) = delete;
    // Releases the lock (closing the file releases the flock).
    ~data_dir_lock();

    [[nodiscard]] const std::string& dir() const { return dir_; }

private:
    data_dir_lock(std::string dir, int fd) : dir_(std::move(dir)), fd_(fd) {}
    std::string dir_;
    int fd_ = -1;
};

}  // namespace eddy::app
