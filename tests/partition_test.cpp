// The states that the ranks of an MPI run exchange (engine/partition.hpp): a state read back
// from its bytes is the state written, so that a merge in another process is the same merge.
#include "engine/partition.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

using namespace cogsim::engine;

namespace {

template <typename T>
T round_trip(const T& x) {
  Writer w;
  x.serialize(w);
  Reader r(w.bytes().data(), w.bytes().size());
  T y = T::deserialize(r);
  EXPECT_TRUE(r.done());
  return y;
}

QuantileSketch sketch_of(double mean, unsigned seed, std::size_t n) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> d(mean, 1.0);
  QuantileSketch s(1e-3, 1e-6);
  std::vector<double> x(n);
  for (auto& v : x) v = d(g);
  s.add(x.data(), x.size());  // leaves fresh (unsettled) counts: serialize must settle them
  return s;
}

std::vector<double> quantiles(const QuantileSketch& s) {
  std::vector<double> q;
  for (int i = 0; i <= 1000; ++i) q.push_back(s.quantile(i / 1000.0));
  return q;
}

}  // namespace

TEST(Partition, MomentsRoundTripBitForBit) {
  Moments m;
  m.shift = 0.1;
  for (int i = 0; i < 1000; ++i) m.add(std::sin(i) * 1e3);
  const Moments c = round_trip(m);
  EXPECT_EQ(std::bit_cast<std::uint64_t>(c.shift), std::bit_cast<std::uint64_t>(m.shift));
  EXPECT_EQ(c.n, m.n);
  EXPECT_EQ(std::bit_cast<std::uint64_t>(c.s1), std::bit_cast<std::uint64_t>(m.s1));
  EXPECT_EQ(std::bit_cast<std::uint64_t>(c.s2), std::bit_cast<std::uint64_t>(m.s2));
}

TEST(Partition, SketchMergedFromBytesIsTheSameMerge) {
  const QuantileSketch a = sketch_of(0.0, 1, 5000), b = sketch_of(2.0, 2, 7000);  // b crosses zero less
  QuantileSketch direct = a, via_bytes = a;
  direct.merge(b);
  via_bytes.merge(round_trip(b));
  EXPECT_EQ(via_bytes.count(), direct.count());
  EXPECT_EQ(quantiles(via_bytes), quantiles(direct));
  EXPECT_EQ(quantiles(round_trip(a)), quantiles(a));
  // An empty sketch, and one read back then added to.
  EXPECT_EQ(round_trip(QuantileSketch(1e-3, 1e-6)).count(), 0u);
  QuantileSketch c = round_trip(a);
  c.add(3.5);
  QuantileSketch d = a;
  d.add(3.5);
  EXPECT_EQ(quantiles(c), quantiles(d));
}

TEST(Partition, ChunkSummaryRoundTrip) {
  ChunkSummary s;
  s.index = 17;
  s.paths = 16384;
  s.moments.resize(2);
  s.moments[0].shift = 3;
  s.moments[0].add(4.5);
  s.hits = {1, 2, 3};
  s.sketches.push_back(sketch_of(1.0, 3, 100));
  s.corr = {{1, 2, 3, 4, 5}};
  cogsim::Diagnostic d;
  d.loc = {2, 10, 4};
  d.message = "series 1 is not a finite number on path 12";
  s.error = d;
  s.nonfinite_series = 1;
  s.error_program = 1;  // the variant of a comparison: its sources locate the error
  const ChunkSummary c = round_trip(s);
  EXPECT_EQ(c.index, 17u);
  EXPECT_EQ(c.paths, 16384u);
  ASSERT_EQ(c.moments.size(), 2u);
  EXPECT_EQ(c.moments[0].s2, s.moments[0].s2);
  EXPECT_EQ(c.hits, s.hits);
  ASSERT_EQ(c.sketches.size(), 1u);
  EXPECT_EQ(quantiles(c.sketches[0]), quantiles(s.sketches[0]));
  EXPECT_EQ(c.corr, s.corr);
  ASSERT_TRUE(c.error);
  EXPECT_EQ(c.error->message, d.message);
  EXPECT_EQ(c.error->loc.offset, 10u);
  EXPECT_EQ(c.nonfinite_series, 1u);
  EXPECT_EQ(c.error_program, 1u);
}

TEST(Partition, TruncatedStateIsRefused) {
  Writer w;
  sketch_of(0.0, 4, 100).serialize(w);
  Reader r(w.bytes().data(), w.bytes().size() - 3);
  EXPECT_THROW(QuantileSketch::deserialize(r), std::runtime_error);
}

// ---------------------------------------------------------------------------------------------
// The engine's side of a shared run, without MPI: R "ranks" as threads of this process, each
// running simulate() with an exchange over in-memory mailboxes (the protocol of src/mpi_run.cpp:
// chunks in order to the root, "done", the sketches; a stop flag from the root). Rank 0's result
// must be the one-process result to the bit.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "engine/simulator.hpp"
#include "src/results.hpp"
#include "tests/support.hpp"

namespace {

enum Tag { kChunk, kDone, kSketches };

struct Mailboxes {
  explicit Mailboxes(int ranks) : to_root(ranks), stop(ranks) {}
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::deque<std::pair<Tag, std::vector<char>>>> to_root;  // per sender
  std::vector<int> stop;
  void post(int from, Tag tag, std::vector<char> bytes) {
    std::lock_guard<std::mutex> l(m);
    to_root[from].emplace_back(tag, std::move(bytes));
    cv.notify_all();
  }
  std::pair<Tag, std::vector<char>> take(int from) {
    std::unique_lock<std::mutex> l(m);
    cv.wait(l, [&] { return !to_root[from].empty(); });
    auto msg = std::move(to_root[from].front());
    to_root[from].pop_front();
    return msg;
  }
};

class ThreadExchange final : public ChunkExchange {
 public:
  ThreadExchange(Mailboxes& box, int rank, int size) : box_(box), rank_(rank), size_(size) {}
  bool is_root() const override { return rank_ == 0; }
  bool mine(std::uint64_t c) const override { return int(c % std::uint64_t(size_)) == rank_; }
  bool send(const ChunkSummary& chunk) override {
    Writer w;
    chunk.serialize(w);
    box_.post(rank_, kChunk, std::move(w.bytes()));
    std::lock_guard<std::mutex> l(box_.m);
    return box_.stop[rank_] != 0;
  }
  ChunkSummary receive(std::uint64_t index) override {
    auto [tag, bytes] = box_.take(int(index % std::uint64_t(size_)));
    EXPECT_EQ(tag, kChunk);
    Reader r(bytes.data(), bytes.size());
    ChunkSummary c = ChunkSummary::deserialize(r);
    EXPECT_EQ(c.index, index);
    return c;
  }
  void stop_all() override {
    std::lock_guard<std::mutex> l(box_.m);
    for (auto& s : box_.stop) s = 1;
  }
  void finish() override {
    if (rank_ != 0) return box_.post(rank_, kDone, {});
    for (int k = 1; k < size_; ++k)
      while (box_.take(k).first != kDone) {
      }
  }
  void reduce_sketches(std::vector<QuantileSketch>& sketches) override {
    if (rank_ != 0) {
      Writer w;
      for (const auto& s : sketches) s.serialize(w);
      return box_.post(rank_, kSketches, std::move(w.bytes()));
    }
    for (int k = 1; k < size_; ++k) {
      auto [tag, bytes] = box_.take(k);
      EXPECT_EQ(tag, kSketches);
      Reader r(bytes.data(), bytes.size());
      for (auto& s : sketches) {
        QuantileSketch o = QuantileSketch::deserialize(r);
        if (s.count() == 0) s = std::move(o);
        else s.merge(o);
      }
    }
  }

 private:
  Mailboxes& box_;
  int rank_, size_;
};

std::string results_text(const Program& p, const RunResults& r) {
  if (r.error) return "error: " + r.error->message;
  cogsim::app::RunMeta meta;  // the same for both: only the figures are compared
  return cogsim::app::results_json(p, r, meta).dump(1);
}

// Rank 0's results of `ranks` threads sharing the run (each rank one worker thread).
RunResults shared_run(const Program& p, RunOptions opt, int ranks) {
  Mailboxes box(ranks);
  std::vector<RunResults> results(static_cast<std::size_t>(ranks));
  std::vector<std::thread> threads;
  opt.threads = 1;
  for (int k = 0; k < ranks; ++k)
    threads.emplace_back([&, k] {
      ThreadExchange ex(box, k, ranks);
      RunOptions o = opt;
      o.exchange = &ex;
      results[std::size_t(k)] = simulate(p, o);
    });
  for (auto& t : threads) t.join();
  return std::move(results[0]);
}

}  // namespace

TEST(Partition, SharedRunIsTheOneProcessRunToTheBit) {
  const Program p = cogsim::test::load_model("scenarios/cog-2022-2024");
  for (int variant = 0; variant < 3; ++variant) {
    RunOptions opt;
    opt.paths = 150000;  // 10 chunks, the last one short
    opt.threads = 1;
    if (variant == 1) opt.sampling = Sampling::LatinHypercube;
    if (variant == 2) opt.paths = 2000000, opt.target_se = 0.002;  // stops after a few chunks
    const std::string one = results_text(p, simulate(p, opt));
    for (int ranks : {2, 3}) EXPECT_EQ(results_text(p, shared_run(p, opt, ranks)), one) << variant << " " << ranks;
    if (variant == 2) {
      EXPECT_NE(one.find("\"stopped_early\": true"), std::string::npos);
    }
  }
}

TEST(Partition, AnErrorOnAnotherRanksChunkIsTheOneProcessError) {
  // The first path where sqrt's argument is negative lies past the first chunk.
  const Program p = cogsim::test::compile_model(
      "model \"x\" base 2019 years 2020..2020\nvar s[t in 2020..2020] = normal(0, 1)\n"
      "var x[t in 2020..2020] = sqrt(4.2 - s[t])\noutput x\n");
  RunOptions opt;
  opt.paths = 2000000;
  const RunResults one = simulate(p, opt);
  ASSERT_TRUE(one.error);
  EXPECT_NE(one.error->message.find("on path 28587 "), std::string::npos) << one.error->message;
  for (int ranks : {2, 3}) {
    const RunResults shared = shared_run(p, opt, ranks);
    ASSERT_TRUE(shared.error);
    EXPECT_EQ(shared.error->message, one.error->message);
  }
}
