#include "src/mpi_run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#ifdef COGSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace cogsim::app {

namespace {
const Mpi* g_mpi = nullptr;
}

const Mpi* mpi() { return g_mpi; }
void set_mpi(const Mpi* m) { g_mpi = m; }

int agree_before_run(int status, std::ostream& err) {
  if (!g_mpi || !g_mpi->shared()) return status;
  const auto [root_status, worst] = g_mpi->agree(status);
  if (status != 0 || worst == 0) return status;
  if (g_mpi->root())
    err << "cogsim: another MPI rank could not start the run (its message is printed with its rank); "
           "no results written\n";
  (void)root_status;
  return worst;
}

#ifndef COGSIM_HAVE_MPI

Mpi::Mpi(int*, char***) {
  // Under mpirun or srun without MPI support, every process would run (and write) the whole run.
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char* n = std::getenv(v); n && std::atoi(n) > 1) {
      std::fprintf(stderr, "cogsim: warning: started as one of %s processes (%s), but built without MPI: each runs "
                           "the whole run alone (install libopenmpi-dev and rebuild)\n", n, v);
      return;
    }
}
Mpi::~Mpi() = default;
std::pair<int, int> Mpi::agree(int status) const { return {status, status}; }
std::unique_ptr<engine::ChunkExchange> Mpi::exchange() const { return nullptr; }
void Mpi::send(int, std::vector<char>&) const { throw std::logic_error("Mpi::send: one process"); }
std::vector<char> Mpi::receive(int) const { throw std::logic_error("Mpi::receive: one process"); }
void Mpi::abort(int status) const { std::exit(status); }

#else

namespace {

enum Tag : int { kChunk = 1, kDone = 2, kStop = 3, kSketches = 4, kMessage = 5 };

bool launched() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"})
    if (std::getenv(v)) return true;
  return false;
}

// A blocking probe that sleeps between tries: a waiting rank leaves its core to the threads
// that evaluate paths (MPI_Probe would spin on it). The sleeps grow from 20 µs to 1 ms: a chunk
// takes milliseconds, and the pipeline has chunks in flight to cover the wait.
MPI_Status wait_for(int source, int tag) {
  MPI_Status st;
  int flag = 0;
  for (long us = 20;; us = std::min(2 * us, 1000L)) {
    MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, &st);
    if (flag) return st;
    std::this_thread::sleep_for(std::chrono::microseconds(us));
  }
}

std::vector<char> receive_bytes(int source, int tag, int* got_tag = nullptr) {
  MPI_Status st = wait_for(source, tag);
  int n = 0;
  MPI_Get_count(&st, MPI_BYTE, &n);
  std::vector<char> buf(static_cast<std::size_t>(n));
  MPI_Recv(buf.data(), n, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  if (got_tag) *got_tag = st.MPI_TAG;
  return buf;
}

void send_bytes(std::vector<char>& buf, int dest, int tag) {
  if (buf.size() > std::size_t(INT32_MAX)) throw std::runtime_error("MPI: a message over 2 GB");
  MPI_Send(buf.data(), static_cast<int>(buf.size()), MPI_BYTE, dest, tag, MPI_COMM_WORLD);
}

// Chunk c belongs to rank c mod R: the ranks advance together, so the root's in-order merge
// never waits long for one of them.
class MpiExchange final : public engine::ChunkExchange {
 public:
  MpiExchange(int rank, int size) : rank_(rank), size_(size) {}
  bool is_root() const override { return rank_ == 0; }
  bool mine(std::uint64_t c) const override { return owner(c) == rank_; }

  bool send(const engine::ChunkSummary& chunk) override {
    engine::Writer w;
    chunk.serialize(w);
    send_bytes(w.bytes(), 0, kChunk);
    int flag = 0;
    MPI_Iprobe(0, kStop, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
    if (flag) take_stop();
    return stopped_;
  }

  engine::ChunkSummary receive(std::uint64_t index) override {
    std::vector<char> buf = receive_bytes(owner(index), kChunk);
    engine::Reader r(buf.data(), buf.size());
    engine::ChunkSummary c = engine::ChunkSummary::deserialize(r);
    if (c.index != index || !r.done())
      throw std::runtime_error("MPI: rank " + std::to_string(owner(index)) + " sent chunk " +
                               std::to_string(c.index) + " where " + std::to_string(index) + " was due");
    return c;
  }

  void stop_all() override {
    if (stopped_) return;
    stopped_ = true;
    int nothing = 0;
    for (int k = 1; k < size_; ++k) MPI_Send(&nothing, 1, MPI_INT, k, kStop, MPI_COMM_WORLD);
  }

  void finish() override {
    if (rank_ == 0) {
      // Chunks evaluated past the stop are dropped, up to each rank's "done".
      for (int k = 1; k < size_; ++k)
        for (int tag = kChunk; tag != kDone;) receive_bytes(k, MPI_ANY_TAG, &tag);
      return;
    }
    std::vector<char> none;
    send_bytes(none, 0, kDone);
    if (!stopped_) {
      wait_for(0, kStop);
      take_stop();
    }
  }

  void reduce_sketches(std::vector<engine::QuantileSketch>& sketches) override {
    if (rank_ != 0) {
      engine::Writer w;
      w.put<std::uint64_t>(sketches.size());
      for (const auto& s : sketches) s.serialize(w);
      send_bytes(w.bytes(), 0, kSketches);
      return;
    }
    for (int k = 1; k < size_; ++k) {
      std::vector<char> buf = receive_bytes(k, kSketches);
      engine::Reader r(buf.data(), buf.size());
      const auto n = r.get<std::uint64_t>();
      if (n != sketches.size()) throw std::runtime_error("MPI: rank " + std::to_string(k) + " sent other series");
      for (std::size_t i = 0; i < n; ++i) {
        engine::QuantileSketch s = engine::QuantileSketch::deserialize(r);
        if (sketches[i].count() == 0) sketches[i] = std::move(s);
        else sketches[i].merge(s);
      }
    }
  }

 private:
  int owner(std::uint64_t c) const { return static_cast<int>(c % static_cast<std::uint64_t>(size_)); }
  void take_stop() {
    int nothing = 0;
    MPI_Recv(&nothing, 1, MPI_INT, 0, kStop, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    stopped_ = true;
  }
  int rank_, size_;
  bool stopped_ = false;
};

}  // namespace

Mpi::Mpi(int* argc, char*** argv) {
  if (!launched()) return;
  int provided = 0;
  // MPI is called from one thread at a time (the pipeline's in-order merge stage), not always
  // the same one.
  MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided);
  initialised_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  if (provided < MPI_THREAD_SERIALIZED && size_ > 1)
    throw std::runtime_error("MPI: this MPI library does not allow calls from several threads (MPI_THREAD_SERIALIZED)");
}

Mpi::~Mpi() {
  if (initialised_) MPI_Finalize();
}

std::pair<int, int> Mpi::agree(int status) const {
  if (!shared()) return {status, status};
  int mine[2] = {rank_ == 0 ? status : 0, status}, all[2] = {0, 0};
  MPI_Allreduce(mine, all, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  failed_alone_ = status != 0 && all[0] == 0;
  return {all[0], all[1]};
}

void Mpi::send(int dest, std::vector<char>& bytes) const { send_bytes(bytes, dest, kMessage); }
std::vector<char> Mpi::receive(int source) const { return receive_bytes(source, kMessage); }

std::unique_ptr<engine::ChunkExchange> Mpi::exchange() const {
  if (!shared()) return nullptr;
  return std::make_unique<MpiExchange>(rank_, size_);
}

void Mpi::abort(int status) const {
  if (initialised_) MPI_Abort(MPI_COMM_WORLD, status);
  std::exit(status);
}

#endif

}  // namespace cogsim::app
