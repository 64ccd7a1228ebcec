// The eddy binary: dispatches to a subcommand (see app/commands.cc).
#include <malloc.h>

#include <string>
#include <vector>

#include "app/commands.h"

namespace {

// glibc serves allocations above its mmap threshold (128 KiB, adapting up to 32 MiB) with a fresh mmap
// and returns freed heap tops above its trim threshold to the kernel, so the buffers of the data path
// (fetch reads of up to max.partition.fetch.bytes per partition, produce requests of up to a MiB or
// more) would be page-faulted in again on every request. Page faults, not copies, then dominated the
// broker's CPU profile of a catch-up consumer (5 ms of CPU per MB served; 0.8 ms once freed memory is
// reused; docs/benchmarks.md). Keeping freed memory in the heap bounds it by the peak in use.
void keep_freed_memory_for_reuse() {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);   // the largest glibc accepts on 64-bit
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

}  // namespace

int main(int argc, char** argv) {
    keep_freed_memory_for_reuse();
    std::vector<std::string> args(argv + 1, argv + argc);
    return eddy::app::make_command_table().dispatch(args, stdout, stderr);
}
