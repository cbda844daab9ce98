#include "engine/memory_check.hpp"

#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>

#include "engine/quantiles.hpp"

namespace cogsim::engine {

namespace {

// A sketch's fine windows: one per reported level, at most kMaxWindowBins counts of 4 bytes each.
std::uint64_t sketch_bytes() { return reported_quantiles().size() * std::uint64_t{kMaxWindowBins} * 4 + 1024; }

std::string gigabytes(std::uint64_t bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f GB", double(bytes) / 1e9);
  return buf;
}

using Place = std::tuple<std::size_t, std::uint32_t, std::uint32_t>;  // program, file, offset

// The definition behind the most series (each series is a value of some output of one program).
std::pair<Place, std::uint64_t> most_series(const std::vector<const Program*>& progs,
                                            const std::vector<SeriesSpec>& series) {
  std::vector<std::map<Operand, SourceLoc>> where(progs.size());
  for (std::size_t k = 0; k < progs.size(); ++k)
    for (const auto& o : progs[k]->outputs)
      for (const auto& [y, op] : o.years) where[k][op] = o.loc;
  std::map<Place, std::uint64_t> count;
  for (const auto& s : series) {
    auto it = where[s.plus.prog].find(s.plus.op);
    if (it != where[s.plus.prog].end()) ++count[{std::size_t(s.plus.prog), it->second.file, it->second.offset}];
  }
  std::pair<Place, std::uint64_t> best{{0, UINT32_MAX, 0}, 0};
  for (const auto& [place, n] : count)
    if (n > best.second) best = {place, n};
  return best;
}

// The expression with the most instructions (about one per cell).
std::pair<Place, std::uint64_t> most_cells(const std::vector<const Program*>& progs) {
  std::map<Place, std::uint64_t> count;
  for (std::size_t k = 0; k < progs.size(); ++k)
    for (const auto& in : progs[k]->code) {
      const SourceLoc& l = progs[k]->origins.at(in.origin);
      ++count[{k, l.file, l.offset}];
    }
  std::pair<Place, std::uint64_t> best{{0, UINT32_MAX, 0}, 0};
  for (const auto& [place, n] : count)
    if (n > best.second) best = {place, n};
  return best;
}

std::uint64_t instructions(const std::vector<const Program*>& progs) {
  std::uint64_t n = 0;
  for (const Program* p : progs) n += p->code.size();
  return n;
}

std::uint64_t slots(const std::vector<const Program*>& progs) {
  std::uint64_t n = 0;
  for (const Program* p : progs) n += static_cast<std::uint64_t>(std::max(0, p->num_slots));
  return n;
}

}  // namespace

MemoryEstimate estimate_run_memory(const std::vector<const Program*>& progs, std::size_t series,
                                   const RunOptions& opt) {
  MemoryEstimate e;
  if (opt.central) return e;
  const std::uint64_t threads = opt.threads > 0 ? opt.threads : tbb::this_task_arena::max_concurrency();
  const std::uint64_t block = std::max<std::size_t>(1, opt.block_size);
  // Each workspace: a block of every slot, and a scratch of two blocks.
  e.workspaces = threads * (slots(progs) + 2 * progs.size()) * block * sizeof(double);
  // Own sketches per thread, the run's, and with an early stop one set per chunk in flight.
  const std::uint64_t sets = threads + 1 + (opt.target_se > 0 ? 2 * threads : 0);
  e.sketches = series * sets * sketch_bytes();
  e.pilot = series * pilot_paths(opt.paths) * sizeof(double);
  e.bytes = std::max(e.pilot, e.workspaces + e.sketches);
  return e;
}

std::optional<MemoryRefusal> check_run_memory(const std::vector<const Program*>& progs,
                                              const std::vector<SeriesSpec>& series, const RunOptions& opt) {
  if (opt.memory_limit == 0) return std::nullopt;
  const MemoryEstimate e = estimate_run_memory(progs, series.size(), opt);
  if (e.bytes <= opt.memory_limit) return std::nullopt;
  const bool by_series = std::max(e.pilot, e.sketches) >= e.workspaces;
  auto [place, n] = by_series ? most_series(progs, series) : most_cells(progs);
  if (std::get<1>(place) == UINT32_MAX) std::tie(place, n) = most_cells(progs);
  MemoryRefusal r;
  r.program = std::get<0>(place);
  r.error.loc = {std::get<1>(place), std::get<2>(place), 1};
  r.error.message = "a run would need about " + gigabytes(e.bytes) + " of memory, more than the " +
                    gigabytes(opt.memory_limit) + " available: ";
  if (by_series)
    r.error.message += "this definition gives " + std::to_string(n) + " of its " + std::to_string(series.size()) +
                       " series, and each series keeps its quantile counts in every thread; output fewer series "
                       "(a sum over the members rather than each one) or run with fewer --threads";
  else
    r.error.message += "this expression gives " + std::to_string(n) + " of the model's " +
                       std::to_string(instructions(progs)) + " instructions; each thread keeps a block of " +
                       std::to_string(opt.block_size) + " paths of the model's " + std::to_string(slots(progs)) +
                       " values; a smaller --block-size or fewer --threads (or --max-cells to refuse models this "
                       "large when they are checked)";
  return r;
}

}  // namespace cogsim::engine
