// The command line: `cogsim run`, `cogsim check`. Maps diagnostics to exit statuses.
#pragma once

#include <iosfwd>

namespace cogsim::app {

enum Exit : int {
  kOk = 0,
  kFailure = 1,       // an internal error
  kUsage = 2,         // bad command-line usage
  kInvalidModel = 3,  // the rules file is unreadable or invalid, or an assert failed
  kCannotWrite = 4,   // an output file cannot be written
  kRuntime = 5,       // the model failed while running (invalid draw parameters)
};

int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err);

// `cogsim serve ...`: replaces this process by cogsim-serve (src/launch_serve.cpp); returns only
// on failure.
int launch_serve(int argc, char** argv, std::ostream& err);

}  // namespace cogsim::app
