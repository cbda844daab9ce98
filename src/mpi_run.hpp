// Several processes on one run (MPI): started by `mpirun -np R cogsim run ...` or `srun`, the
// same binary splits the chunks of paths over the ranks (engine/partition.hpp); rank 0 merges
// them in chunk order, writes every file and shows the progress. Without MPI at build time, or
// started without a launcher, this is one process: rank 0 of 1.
#pragma once

#include <iosfwd>
#include <memory>
#include <utility>
#include <vector>

#include "engine/partition.hpp"

namespace cogsim::app {

class Mpi {
 public:
  // Initialises MPI when a launcher started this process (OMPI_COMM_WORLD_SIZE, PMIX_RANK or
  // PMI_SIZE in the environment) and cogsim was built with MPI.
  Mpi(int* argc, char*** argv);
  ~Mpi();  // MPI_Finalize
  Mpi(const Mpi&) = delete;
  Mpi& operator=(const Mpi&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool root() const { return rank_ == 0; }
  bool shared() const { return size_ > 1; }  // several processes on each run
  // Every process's exit status before a run (collective): {the root's, the worst}.
  std::pair<int, int> agree(int status) const;
  // A message to another rank, and the next one from a rank (in the order they were sent).
  void send(int dest, std::vector<char>& bytes) const;
  std::vector<char> receive(int source) const;
  // The exchange of one run's chunks; null with one process.
  std::unique_ptr<engine::ChunkExchange> exchange() const;
  // Ends every rank now with `status` (an internal error on one rank: the others would wait).
  [[noreturn]] void abort(int status) const;
  // After agree(): this rank failed while the root did not (its message is worth printing).
  bool failed_alone() const { return failed_alone_; }

 private:
  int rank_ = 0, size_ = 1;
  bool initialised_ = false;
  mutable bool failed_alone_ = false;
};

// Before a shared run, every rank's status (from its checks and the model's compilation) is
// agreed on, so that no rank waits in the run for one that stopped. Returns the status this rank
// ends with: its own, or, where only another failed, that one (said on `err`).
int agree_before_run(int status, std::ostream& err);

// The processes of this program (set by main; null in a test that calls run_cli: one process).
const Mpi* mpi();
void set_mpi(const Mpi* m);

}  // namespace cogsim::app
