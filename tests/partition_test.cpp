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
}

TEST(Partition, TruncatedStateIsRefused) {
  Writer w;
  sketch_of(0.0, 4, 100).serialize(w);
  Reader r(w.bytes().data(), w.bytes().size() - 3);
  EXPECT_THROW(QuantileSketch::deserialize(r), std::runtime_error);
}
