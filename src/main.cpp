#include <iostream>

#include "src/cli.hpp"
#include "src/heap.hpp"

int main(int argc, char** argv) {
  cogsim::app::prefer_huge_pages();  // before any thread starts
  try {
    return cogsim::app::run_cli(argc, argv, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "cogsim: internal error: " << e.what() << "\n";
    return cogsim::app::kFailure;
  }
}
