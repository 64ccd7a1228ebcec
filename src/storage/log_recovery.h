// Directory-level recovery steps run when a log opens (internal to storage):
// - finish a compaction swap that was committed but not completed (see docs/formats/segment.md):
//   a "<base>.log.swap" means the rewritten segment is committed: its .index.swap/.timeindex.swap (if
//   still present) and then the .log.swap are renamed over the originals;
// - delete leftovers: "*.cleaned" (an uncommitted rewrite), ".swap" files without a ".log.swap",
//   "*.rolling" (a segment a roll created whose name never became final: nothing in it was durable),
//   index files whose .log is gone, and "log_start_offset.tmp".
#pragma once

#include <string>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "io/file.h"

namespace eddy::storage {

[[nodiscard]] result<void> finish_interrupted_swaps(io::filesystem& fs, const std::string& dir);
// Deletes leftovers and returns the base offsets of the segments present, ascending.
[[nodiscard]] result<std::vector<offset>> clean_directory(io::filesystem& fs, const std::string& dir);
// Completes the swap of segment `base` whose .log.swap exists: renames (in order) .index.swap,
// .timeindex.swap and .log.swap over the originals, then syncs dir. Used by compaction and recovery.
[[nodiscard]] result<void> complete_swap(io::filesystem& fs, const std::string& dir, offset base);

}  // namespace eddy::storage
