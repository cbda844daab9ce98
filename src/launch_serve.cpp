// `cogsim serve ...` runs cogsim-serve (src/serve_main.cpp) from cogsim's own folder.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "src/cli.hpp"

namespace cogsim::app {

int launch_serve(int argc, char** argv, std::ostream& err) {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::string server = (ec ? std::filesystem::path(argv[0]).parent_path() : self.parent_path()) / "cogsim-serve";
  std::vector<char*> args{server.data()};
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  err.flush();
  ::execv(server.c_str(), args.data());
  err << "cogsim: cannot start " << server << " (" << std::strerror(errno) << "): `cogsim serve` is built "
      << "when cpp-httplib is installed (Debian: libcpp-httplib-dev; scripts/install-deps.sh)\n";
  return kFailure;
}

}  // namespace cogsim::app
