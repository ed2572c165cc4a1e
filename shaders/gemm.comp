#version 450
// Fully connected layer (Gemm, MatMul): out[m][n] = sum_k A[m][k] * B[n][k]
// + bias, with B stored as [N][K] and alpha/beta already applied at load.
// BIAS_MODE 0: none, 1: one value per column, 2: a full [M][N] matrix.
// A 64-invocation workgroup computes 64 / SPLIT outputs: the SPLIT
// invocations of one output take every SPLIT-th k, and their partial sums
// meet in shared memory (on GPUs, where 1000 outputs each summing 1024
// products in a row would leave the device waiting on loads).
//
// gemm_texel.spv is this shader built with TEXEL_READS: A's rows and B's
// rows come through the RGBA32F texel views of the arena and the weights
// (bindings 3 and 4), four k per fetch, where a storage-buffer load fetches
// one (on llvmpipe a per-lane loop; see conv_tiled.comp). The CPU shader
// policy uses it when A is not transposed, K is a multiple of 4 and A
// starts on a whole texel (ops.c).
#include "common.glsl"

#ifdef TEXEL_READS
TEXEL_VIEW(3, rgba32f) act_v;  // activations, RGBA32F
TEXEL_VIEW(4, rgba32f) wt_v;   // weights, RGBA32F
#endif

layout(constant_id = 0) const uint M = 1;
layout(constant_id = 1) const uint NCOLS = 1;
layout(constant_id = 2) const uint K = 1;
layout(constant_id = 3) const uint TRANS_A = 0;
layout(constant_id = 4) const uint BIAS_MODE = 0;
layout(constant_id = 5) const uint IN_OFF = 0;
layout(constant_id = 6) const uint OUT_OFF = 0;
layout(constant_id = 7) const uint OUT_RSTRIDE = 0;
layout(constant_id = 8) const uint W_OFF = 0;
layout(constant_id = 9) const uint B_OFF = 0;
layout(constant_id = 10) const uint RELU = 0;
// A power of two, 1 to WG.
layout(constant_id = 11) const uint SPLIT = 1;
// The fp16a build: what the packed weights were scaled by, inverted
// (common.glsl).
layout(constant_id = 12) const float W_UNSCALE = 1.0;

#include "sizes.h"
#define WG SPLIT_WG

// The fp16a build: a float16 sum goes into the float32 total every
// FP16_SUM_TERMS products (common.glsl). Partial sums and the bias are
// float32 in every build.
#ifdef FP16_ARITHMETIC
#define ADD_SUM(total, acc, ftype, mtype) \
  { total += ftype(acc) * W_UNSCALE; acc = mtype(0.0); }
#define FOLD(total, acc, ftype, mtype) \
  if (++in_sum == FP16_SUM_TERMS) { \
    ADD_SUM(total, acc, ftype, mtype) \
    in_sum = 0; \
  }
#else
#define ADD_SUM(total, acc, ftype, mtype) total += acc;
#define FOLD(total, acc, ftype, mtype)
#endif

shared float partial[WG];

void main()
{
  const uint OUTS = WG / SPLIT;
  uint lid = gl_LocalInvocationID.x;
  uint s = lid / OUTS;
  uint group = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  uint item = group * OUTS + lid % OUTS;
  bool live = item < M * NCOLS;
  uint col = item % NCOLS;
  uint row = item / NCOLS;

  float sum = 0.0;
  if (live) {
#ifdef TEXEL_READS
    int a4 = int((IN_OFF + row * K) / 4);
    int w4 = int((W_OFF + col * K) / 4);
    mvec4 acc = mvec4(0.0);
    vec4 total = vec4(0.0);
    uint in_sum = 0;
    for (uint k = s; k < K / 4; k += SPLIT) {
      MAD(acc, mvec4(FETCH(act_v, a4 + int(k))),
          mvec4(FETCH(wt_v, w4 + int(k))));
      FOLD(total, acc, vec4, mvec4)
    }
    ADD_SUM(total, acc, vec4, mvec4)
    sum = (total.x + total.y) + (total.z + total.w);
#else
    uint w = W_OFF + col * K;
    mfloat acc = mfloat(0.0);
    uint in_sum = 0;
    for (uint k = s; k < K; k += SPLIT) {
      mfloat a = TRANS_A != 0 ? MLD(IN_OFF + k * M + row)
          : MLD(IN_OFF + row * K + k);
      MAD(acc, a, mfloat(wt[w + k]));
      FOLD(sum, acc, float, mfloat)
    }
    ADD_SUM(sum, acc, float, mfloat)
#endif
  }
  // SPLIT is a constant: every invocation reaches every barrier.
  if (SPLIT > 1) {
    partial[lid] = sum;
    barrier();
    for (uint half_split = SPLIT / 2; half_split > 0; half_split /= 2) {
      if (s < half_split)
        partial[lid] += partial[lid + half_split * OUTS];
      barrier();
    }
    sum = partial[lid];
  }
  if (s != 0 || !live)
    return;

  if (BIAS_MODE == 1)
    sum += wt[B_OFF + col];
  else if (BIAS_MODE == 2)
    sum += wt[B_OFF + row * NCOLS + col];
  if (RELU != 0)
    sum = max(sum, 0.0);
  ST(OUT_OFF + row * OUT_RSTRIDE + col, sum);
}
