// By how much a target is missed (src/shortfall.hpp), against an exact sort of the values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "src/shortfall.hpp"

namespace cogsim {
namespace {

using app::report::shortfall;

struct Exact {
  double missed, median, p90, mean;
};

// The shortfalls of the values on the missing side, sorted: the median and P90 by rank, the mean.
Exact exact(std::vector<double> x, double t, bool above) {
  std::vector<double> gap;
  for (double v : x)
    if (above ? v < t : v > t) gap.push_back(above ? t - v : v - t);
  std::sort(gap.begin(), gap.end());
  auto rank = [&](double q) { return gap[std::size_t(std::ceil(q * double(gap.size()))) - 1]; };
  double mean = 0;
  for (double g : gap) mean += g;
  return {double(gap.size()) / double(x.size()), rank(0.5), rank(0.9), mean / double(gap.size())};
}

// A skewed sample (squares of 1..20 000, between 1 and 4·10⁸), targets on both sides: the sketch's
// answers within its relative accuracy (0.1 % of the values, so 0.2 % of the largest value on the
// missing side covers it) of the exact ones.
TEST(Shortfall, ConditionalQuantilesOfTheMissMatchAnExactSort) {
  std::vector<double> x;
  engine::QuantileSketch s;
  for (int i = 1; i <= 20000; ++i) {
    x.push_back(double(i) * i);
    s.add(x.back());
  }
  for (bool above : {true, false})
    for (double t : {1e6 + 0.5, 1e8 + 0.5, 3.5e8 + 0.5}) {
      const auto got = shortfall(s, t, above);
      ASSERT_TRUE(got) << t;
      const Exact want = exact(x, t, above);
      const double tol = 2e-3 * (above ? t : 4e8);
      EXPECT_NEAR(got->missed, want.missed, 1.0 / 20000 + 1e-3) << t << " " << above;
      EXPECT_NEAR(got->median, want.median, tol) << t << " " << above;
      EXPECT_NEAR(got->p90, want.p90, tol) << t << " " << above;
      EXPECT_NEAR(got->mean, want.mean, tol) << t << " " << above;
      EXPECT_GT(got->p90, got->median);
    }
  EXPECT_FALSE(shortfall(s, 0.5, true));   // every value is above: never missed
  EXPECT_FALSE(shortfall(s, 5e8, false));  // every value is below
}

}  // namespace
}  // namespace cogsim
