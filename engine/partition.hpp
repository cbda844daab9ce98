// A run shared by several processes (MPI ranks: src/mpi_run.cpp; the engine knows no MPI).
//
// Chunk c is evaluated by the process that owns it (mine(c); c mod R for R ranks), with its
// threads. Every process sends the summary of each of its chunks, in chunk order, to the root,
// which merges all chunks in chunk order exactly as one process does: the same left fold of
// the same per-chunk moments, the same integer hit counts, the same early-stopping decision
// after each chunk. Quantile sketches hold integer counts, so their merge order is free: each
// process merges its own (per thread, as one process does) and the root merges those. Hence the
// root's result is bit-identical to a single process's for any process and thread count.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/bytes.hpp"
#include "engine/diagnostic.hpp"
#include "engine/replicates.hpp"
#include "engine/stats.hpp"

namespace cogsim::engine {

using CorrSums = std::array<double, 5>;  // Σa, Σb, Σa², Σb², Σab of copula uniforms (centred)

// What a chunk of paths adds to a run, in the form the in-order merge takes.
struct ChunkSummary {
  std::uint64_t index = 0, paths = 0;
  std::vector<Moments> moments;          // per series, folded (LaneMoments::fold)
  std::vector<std::uint64_t> hits;
  std::vector<QuantileSketch> sketches;  // only when the run may stop early
  std::vector<CorrSums> corr;
  std::optional<Diagnostic> error;
  std::size_t nonfinite_series = SIZE_MAX;
  ReplicateSums replicates;              // a design run's (engine/design.hpp); empty otherwise
  std::uint32_t error_program = 0;  // with error: which of run_core's programs raised it

  void serialize(Writer& w) const;
  static ChunkSummary deserialize(Reader& r);
};

class ChunkExchange {
 public:
  virtual ~ChunkExchange() = default;
  virtual bool is_root() const = 0;
  virtual bool mine(std::uint64_t chunk) const = 0;
  // Not the root: hands one of its chunks to the root (called in chunk order). True once the
  // root has said stop (early stop or an error): no more chunks are wanted.
  virtual bool send(const ChunkSummary& chunk) = 0;
  // The root: chunk `index` of another process (asked for in increasing order).
  virtual ChunkSummary receive(std::uint64_t index) = 0;
  // The root: no more chunks are wanted (idempotent).
  virtual void stop_all() = 0;
  // After the last chunk: the root drains what others sent past its stop; the others say done
  // and wait for the root's stop.
  virtual void finish() = 0;
  // After finish(): the others send their sketches (merged over their threads) and the root
  // merges them into `sketches`, in rank order.
  virtual void reduce_sketches(std::vector<QuantileSketch>& sketches) = 0;
};

}  // namespace cogsim::engine
