#include "engine/partition.hpp"

namespace cogsim::engine {

void ChunkSummary::serialize(Writer& w) const {
  w.put(index);
  w.put(paths);
  w.put<std::uint64_t>(moments.size());
  for (const auto& m : moments) m.serialize(w);
  w.put_vector(hits);
  w.put<std::uint64_t>(sketches.size());
  for (const auto& s : sketches) s.serialize(w);
  w.put_vector(corr);
  w.put<std::uint8_t>(error.has_value());
  if (error) {
    w.put(error->severity);
    w.put(error->loc);
    w.put_string(error->message);
  }
  w.put<std::uint64_t>(nonfinite_series);
  replicates.serialize(w);
  w.put(error_program);
}

ChunkSummary ChunkSummary::deserialize(Reader& r) {
  ChunkSummary c;
  c.index = r.get<std::uint64_t>();
  c.paths = r.get<std::uint64_t>();
  c.moments.resize(r.get<std::uint64_t>());
  for (auto& m : c.moments) m = Moments::deserialize(r);
  c.hits = r.get_vector<std::uint64_t>();
  const auto n_sketches = r.get<std::uint64_t>();
  for (std::uint64_t i = 0; i < n_sketches; ++i) c.sketches.push_back(QuantileSketch::deserialize(r));
  c.corr = r.get_vector<CorrSums>();
  if (r.get<std::uint8_t>()) {
    Diagnostic d;
    d.severity = r.get<Severity>();
    d.loc = r.get<SourceLoc>();
    d.message = r.get_string();
    c.error = d;
  }
  c.nonfinite_series = static_cast<std::size_t>(r.get<std::uint64_t>());
  c.replicates = ReplicateSums::deserialize(r);
  c.error_program = r.get<std::uint32_t>();
  return c;
}

}  // namespace cogsim::engine
