#pragma once
// Function multiversioning for the hot kernels: GCC compiles the function once per listed
// instruction set and picks the best one for the running CPU at load time (an ifunc), so one
// portable binary gets AVX-512 / AVX2 loops where the machine has them.
//
// Bit-identical results across the versions (and so across machines) rest on two rules, kept
// project-wide: no FMA contraction (-ffp-contract=off in CMakeLists.txt: a fused a*b+c rounds once,
// the plain one twice), and no libm call whose result could depend on the CPU inside a kernel
// (engine/detmath.hpp has our own exp, log, pow, sin and cos for that reason).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(COGSIM_NO_CLONES)
#define COGSIM_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define COGSIM_CLONES
#endif
