#include "src/heap.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#if defined(__GLIBC__) && defined(__linux__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace cogsim::app {

bool prefer_huge_pages() {
  if (const char* v = std::getenv("COGSIM_HUGEPAGES"); v && std::strcmp(v, "0") == 0) return false;
#if defined(__GLIBC__) && defined(__linux__) && defined(MADV_HUGEPAGE)
  // Everything from one heap grown by brk (not per-thread arenas, not one mmap per large block),
  // reserved in one step and never trimmed: the range advised below then covers what the run
  // allocates. Threads allocate per chunk of paths, not per path, so one arena is no contention.
  constexpr std::size_t kReserve = std::size_t{512} << 20, kHuge = std::size_t{2} << 20;
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(2 * kReserve));
  mallopt(M_TOP_PAD, static_cast<int>(kReserve));
  // Allocations from the top of the heap until one extends it by the reservation (virtual: only
  // touched pages are backed); in a fresh process the first does. The range from the first of them
  // to the new end is then advised.
  constexpr std::size_t kProbe = std::size_t{4} << 20;
  void* probes[32] = {};
  std::uintptr_t first = 0, end = 0;
  bool grew = false;
  for (int i = 0; i < 32 && !grew; ++i) {
    const auto before = reinterpret_cast<std::uintptr_t>(sbrk(0));
    if (!(probes[i] = std::malloc(kProbe))) break;
    const auto at = reinterpret_cast<std::uintptr_t>(probes[i]);
    end = reinterpret_cast<std::uintptr_t>(sbrk(0));
    if (at >= end) break;  // an mmap fallback: the heap cannot grow
    if (i == 0) first = at;
    grew = end > before;
  }
  bool advised = false;
  if (grew) {
    const std::uintptr_t lo = (first + kHuge - 1) & ~(kHuge - 1), hi = end & ~(kHuge - 1);
    advised = hi > lo && madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE) == 0;
  }
  for (void* p : probes) std::free(p);
  return advised;
#else
  return false;
#endif
}

std::uint64_t available_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  std::uint64_t limit = pages > 0 && page > 0 ? std::uint64_t(pages) * std::uint64_t(page) : UINT64_MAX;
  for (int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    rlimit rl{};
    if (getrlimit(resource, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) limit = std::min<std::uint64_t>(limit, rl.rlim_cur);
  }
  std::ifstream cgroup("/sys/fs/cgroup/memory.max");  // cgroup v2; "max" when unlimited
  std::string max;
  if (cgroup >> max && !max.empty() && max.find_first_not_of("0123456789") == std::string::npos)
    limit = std::min<std::uint64_t>(limit, std::stoull(max));
  return limit;
}

}  // namespace cogsim::app
