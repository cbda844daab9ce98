#pragma once
// Process-wide allocation policy of the command line (the engine allocates through the ordinary
// heap and never depends on this).

#include <cstdint>

namespace cogsim::app {

// Asks for transparent huge pages on the heap, where glibc and Linux allow it: a run's working
// memory (each thread's workspace and quantile sketches, ~10 MB at RM1) is touched for the first
// time during the run, and in a virtual machine a 4 KiB page fault costs ~10 µs: 6 000 of them
// were 10-15 % of a one-million-path run. With 2 MiB pages there are a few dozen. Does nothing
// when COGSIM_HUGEPAGES=0, elsewhere than glibc, or where the kernel has THP off; never fails.
// Must run before any thread starts (it fixes glibc's arenas). Returns whether the advice was taken.
bool prefer_huge_pages();

// The memory this process may use, in bytes: the machine's, or less where a limit says so
// (RLIMIT_AS, RLIMIT_DATA, the cgroup's memory.max). What a run is checked against before it
// allocates (engine::RunOptions::memory_limit).
std::uint64_t available_memory();

}  // namespace cogsim::app
