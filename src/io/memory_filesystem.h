// An in-memory filesystem for tests: fast, deterministic, no disk. Everything written is immediately
// "durable" (there is no crash model here; see fault_filesystem.h for that).
//
// Thread-safe: one mutex guards the whole tree, file handles included. Directories are tracked: a file
// can be created only in an existing directory (as with POSIX), list() shows files and subdirectories.
// Paths are normalized ("a//b/" == "a/b"); relative and absolute paths are distinct trees. rename()
// moves files only (not directories). An open handle keeps its data after the name is removed or
// replaced, as an unlinked file does on POSIX.
#pragma once

#include <memory>

#include "io/file.h"

namespace eddy::io {

std::unique_ptr<filesystem> make_memory_filesystem();

// Path helpers shared by the in-memory file systems.
// "a//b/" -> "a/b"; "/" stays "/".
[[nodiscard]] std::string normalize_path(std::string_view p);
// Parent of a normalized path: "a/b" -> "a", "/a" -> "/", "a" -> "".
[[nodiscard]] std::string parent_path(std::string_view normalized);

}  // namespace eddy::io
