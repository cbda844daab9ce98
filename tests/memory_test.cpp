// Peak memory is flat in the number of paths: statistics stream, nothing is kept per path.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace {

// Peak resident set (KB) of `cogsim run` at `paths`, measured in a fresh process so that no
// earlier child of the test runner counts. One thread: with two, the short run's peak depended on
// whether the second thread got a chunk before the first finished them all (20 or 27 MB on a
// loaded host, the test then failing at 5M paths' 33 MB), which says nothing about paths.
long peak_kb(std::uint64_t paths) {
  int fd[2];
  if (pipe(fd) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    std::string cmd = std::string(COGSIM_EXE) + " run " + COGSIM_SOURCE_DIR +
                      "/scenarios/cog-2022-2024 --quiet --threads 1 --paths " + std::to_string(paths);
    long kb = std::system(cmd.c_str()) == 0 ? [] {
      rusage ru{};
      getrusage(RUSAGE_CHILDREN, &ru);
      return ru.ru_maxrss;
    }()
                                            : -1;
    if (write(fd[1], &kb, sizeof kb) != sizeof kb) _exit(1);
    _exit(0);
  }
  close(fd[1]);
  long kb = -1;
  if (read(fd[0], &kb, sizeof kb) != sizeof kb) kb = -1;
  close(fd[0]);
  waitpid(pid, nullptr, 0);
  return kb;
}

TEST(Memory, PeakAtFiveMillionPathsIsAtMostOneAndAHalfTimesThePeakAtOneHundredThousand) {
  long small = peak_kb(100000), large = peak_kb(5000000);
  ASSERT_GT(small, 0);
  ASSERT_GT(large, 0);
  EXPECT_LE(double(large), 1.5 * double(small)) << small << " KB at 100k paths, " << large << " KB at 5M";
}

}  // namespace
