// The command line's allocation policy: transparent huge pages on the heap where the kernel offers
// them, nothing when COGSIM_HUGEPAGES=0.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "src/heap.hpp"

namespace {

// The VmFlags line of the mapping holding address a, from /proc/self/smaps ("" if not found).
std::string vm_flags_at(std::uintptr_t a) {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t lo = 0, hi = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> lo >> dash >> hi && dash == '-') inside = a >= lo && a < hi;
    else if (inside && line.rfind("VmFlags:", 0) == 0) return line;
  }
  return "";
}

bool kernel_offers_thp() {
  std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string s;
  std::getline(f, s);
  return !s.empty() && s.find("[never]") == std::string::npos;
}

// AddressSanitizer replaces malloc with its own allocator (its own mappings, no brk heap), so the
// advice given to glibc's heap cannot be seen on a malloc'd block there (scripts/sanitizers.sh).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

TEST(Heap, HugePagesAdvisedOnTheHeapUnlessTurnedOff) {
  setenv("COGSIM_HUGEPAGES", "0", 1);
  EXPECT_FALSE(cogsim::app::prefer_huge_pages());
  unsetenv("COGSIM_HUGEPAGES");
  if (kAddressSanitizer) GTEST_SKIP() << "AddressSanitizer's allocator replaces the glibc heap that is advised";
  if (!kernel_offers_thp()) GTEST_SKIP() << "transparent huge pages are off in this kernel";
  ASSERT_TRUE(cogsim::app::prefer_huge_pages());
  // A block of the size of a run's sketches comes from the advised heap ("hg" in its flags).
  void* block = std::malloc(std::size_t{8} << 20);
  ASSERT_NE(block, nullptr);
  const std::string flags = vm_flags_at(reinterpret_cast<std::uintptr_t>(block) + (std::size_t{4} << 20));
  std::free(block);
  EXPECT_NE(flags.find(" hg"), std::string::npos) << flags;
}

}  // namespace
