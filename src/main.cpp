#include <iostream>
#include <new>
#include <memory>
#include <sstream>

#include "src/cli.hpp"
#include "src/heap.hpp"
#include "src/mpi_run.hpp"

int main(int argc, char** argv) {
  cogsim::app::prefer_huge_pages();  // before any thread starts
  std::unique_ptr<cogsim::app::Mpi> mpi;
  try {
    mpi = std::make_unique<cogsim::app::Mpi>(&argc, &argv);
    cogsim::app::set_mpi(mpi.get());
    if (mpi->root()) return cogsim::app::run_cli(argc, argv, std::cout, std::cerr);
    // Another rank of a shared run: rank 0 prints; this one only a failure of its own.
    std::ostringstream out, err;
    const int rc = cogsim::app::run_cli(argc, argv, out, err);
    if (mpi->failed_alone()) std::cerr << "cogsim (MPI rank " << mpi->rank() << "): " << err.str();
    return rc;
  } catch (const std::bad_alloc&) {  // past what engine::check_run_memory estimated
    std::cerr << "cogsim: out of memory";
    if (mpi && mpi->shared()) std::cerr << " on MPI rank " << mpi->rank();
    std::cerr << ": the model or the run needs more memory than this machine (or its limits) gives; fewer "
                 "output series, fewer --threads or a smaller --block-size need less\n";
    if (mpi && mpi->shared()) mpi->abort(cogsim::app::kRuntime);
    return cogsim::app::kRuntime;
  } catch (const std::exception& e) {
    std::cerr << "cogsim: internal error";
    if (mpi && mpi->shared()) std::cerr << " on MPI rank " << mpi->rank();
    std::cerr << ": " << e.what() << "\n";
    if (mpi && mpi->shared()) mpi->abort(cogsim::app::kFailure);
    return cogsim::app::kFailure;
  }
}
