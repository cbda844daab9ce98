#include <iostream>

#include "src/cli.hpp"

int main(int argc, char** argv) {
  try {
    return cogsim::app::run_cli(argc, argv, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "cogsim: internal error: " << e.what() << "\n";
    return cogsim::app::kFailure;
  }
}
