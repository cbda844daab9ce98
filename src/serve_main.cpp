// cogsim-serve: the server of `cogsim serve` (src/serve.hpp), run by `cogsim serve ...`.
#include <CLI/CLI.hpp>
#include <iostream>

#include "src/cli_numbers.hpp"
#include "src/heap.hpp"
#include "src/serve.hpp"

int main(int argc, char** argv) {
  // Before any thread starts: one heap, never trimmed, on huge pages where allowed (src/heap.hpp).
  // A server runs one comparison per edit; without it each run's buffers were returned to the
  // kernel and faulted in again, page by page, on the next edit.
  cogsim::app::prefer_huge_pages();
  cogsim::app::serve::Options o;
  CLI::App app{"cogsim serve — a local what-if page for a scenario (docs/serve.md)", "cogsim serve"};
  app.add_option("SCENARIO", o.path, "Rules file (.cog) or scenario folder holding main.cog")->required();
  app.add_option("--port,-p", o.port, "Port (default 8080; 0: any free port)")->check(CLI::Range(0, 65535));
  app.add_option("--host", o.host, "Address to listen on (default 127.0.0.1: this machine only)");
  app.add_option("--save-dir", o.save_dir, "Folder where \"Enregistrer l'avenant\" writes its scenario file")->check(cogsim::app::path_given());
  app.add_option("--threads,-t", o.threads, "Worker threads (default: all cores)")->check(CLI::Range(1, 1024));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) ? 2 : 0;
  }
  return cogsim::app::serve::serve(o, std::cout, std::cerr);
}
