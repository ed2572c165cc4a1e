#version 450
// Convolution as an implicit GEMM with shared-memory tiles, shaped for
// GPUs: out[co][n] = sum over k of W[co][k] * X[k][n], where k runs over
// (input channel, tap) and n over (image, output pixel), so that the images
// of a batch make one long N and small planes still fill whole tiles.
//
// - A workgroup of GEMM_WG invocations computes a GEMM_BM x GEMM_BN tile
//   of outputs (output channels x pixels). Per step of GEMM_BK values of k
//   it stages the weights' GEMM_BM x GEMM_BK block and the inputs'
//   GEMM_BK x GEMM_BN block (the im2col of the window, zeros in the
//   padding, gathered on the fly) in shared memory, each invocation loading
//   a few of each, then every invocation reads its operands from there:
//   every staged value feeds GEMM_TM or GEMM_TN multiply-adds.
// - Each invocation holds a GEMM_TM x GEMM_TN register block: GEMM_TM
//   neighbouring output channels, GEMM_TN pixels GEMM_BN / GEMM_TN apart so
//   that neighbouring invocations read neighbouring shared-memory words
//   (no bank conflicts) and store neighbouring pixels.
// - Global loads are coalesced: along k for the weights (a filter is
//   contiguous), along n for the inputs (neighbouring output pixels).
//
// Shapes are specialization constants (conv_direct.glsl's, weights packed
// as conv.comp's), so the index arithmetic folds. Only barriers and shared
// memory: correct at any subgroup size. Every invocation reaches every
// barrier: none returns early.
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
#include "conv_direct.glsl"

const uint BM = GEMM_BM, BN = GEMM_BN, BK = GEMM_BK;
const uint TM = GEMM_TM, TN = GEMM_TN;
const uint THREADS = GEMM_WG;
const uint TAPS = KH * KW;
const uint K = CIN * TAPS;
const uint PLANE = OH * OW;
const uint NTOT = N * PLANE;
// Staging: the weights' block as [k][m], a row padded by one word so that
// the invocations storing one k column hit different banks.
const uint A_ROW = BM + 1;
const uint A_STEP = THREADS / BK;    // rows of the weight block per pass
const uint B_STEP = THREADS / BN;    // k rows of the input block per pass

shared mfloat As[BK * A_ROW];
shared mfloat Bs[BK * BN];

void main()
{
  uint t = gl_LocalInvocationID.x;
  uint n0 = gl_WorkGroupID.x * BN;
  uint m0 = gl_WorkGroupID.y * BM;

  // The input column this invocation stages, fixed for the whole loop: its
  // image and window origin are computed once.
  uint bn = t % BN, bk = t / BN;
  uint col = n0 + bn;
  bool col_ok = col < NTOT;
  uint img = col_ok ? col / PLANE : 0;
  uint p = col_ok ? col - img * PLANE : 0;
  uint oy = p / OW;
  int iy0 = int(oy * SH) - int(PAD_T);
  int ix0 = int((p - oy * OW) * SW) - int(PAD_L);
  uint in_base = IN_OFF + img * CIN * H * W;

  // The weight column (k within the step) this invocation stages.
  uint ak = t % BK, am = t / BK;

  uint tx = t % (BN / TN), ty = t / (BN / TN);
  mfloat acc[TM][TN];
  [[unroll]] for (uint i = 0; i < TM; i++)
    [[unroll]] for (uint j = 0; j < TN; j++)
      acc[i][j] = mfloat(0.0);
#ifdef FP16_ARITHMETIC
  // The fp16a build's float32 totals: each step's GEMM_BK (FP16_SUM_TERMS)
  // products are summed in float16, then added here (common.glsl).
  float total[TM][TN];
  [[unroll]] for (uint i = 0; i < TM; i++)
    [[unroll]] for (uint j = 0; j < TN; j++)
      total[i][j] = 0.0;
#define SUM(i, j) total[i][j]
#else
#define SUM(i, j) acc[i][j]
#endif

  for (uint k0 = 0; k0 < K; k0 += BK) {
    uint k = k0 + ak;
    [[unroll]] for (uint i = 0; i < BM / A_STEP; i++) {
      uint m = am + i * A_STEP, co = m0 + m;
      As[ak * A_ROW + m] = mfloat(co < COUT && k < K ? wt[W_OFF + co * K + k]
          : 0.0);
    }
    [[unroll]] for (uint i = 0; i < BK / B_STEP; i++) {
      uint kk = bk + i * B_STEP;
      uint kb = k0 + kk;
      mfloat v = mfloat(0.0);
      if (col_ok && kb < K) {
        uint ci = kb / TAPS, tap = kb - ci * TAPS;
        uint ky = tap / KW;
        int iy = iy0 + int(ky * DH);
        int ix = ix0 + int((tap - ky * KW) * DW);
        if (iy >= 0 && iy < int(H) && ix >= 0 && ix < int(W))
          v = MLD(in_base + (ci * H + uint(iy)) * W + uint(ix));
      }
      Bs[kk * BN + bn] = v;
    }
    barrier();

    // Not unrolled here: a GPU's compiler unrolls a constant trip count
    // by itself, and llvmpipe compiles the unrolled loop three times
    // slower (tests build every shape).
    for (uint kk = 0; kk < BK; kk++) {
      mfloat a[TM], b[TN];
      [[unroll]] for (uint i = 0; i < TM; i++)
        a[i] = As[kk * A_ROW + ty * TM + i];
      [[unroll]] for (uint j = 0; j < TN; j++)
        b[j] = Bs[kk * BN + tx + j * (BN / TN)];
      [[unroll]] for (uint i = 0; i < TM; i++)
        [[unroll]] for (uint j = 0; j < TN; j++)
          MAD(acc[i][j], a[i], b[j]);
    }
#ifdef FP16_ARITHMETIC
    [[unroll]] for (uint i = 0; i < TM; i++)
      [[unroll]] for (uint j = 0; j < TN; j++) {
        total[i][j] += float(acc[i][j]) * W_UNSCALE;
        acc[i][j] = mfloat(0.0);
      }
#endif
    // Nobody restages until everybody has read this step.
    barrier();
  }

  [[unroll]] for (uint j = 0; j < TN; j++) {
    uint n = n0 + tx + j * (BN / TN);
    if (n >= NTOT)
      continue;
    uint on = n / PLANE;
    uint dst = OUT_OFF + on * OUT_BSTRIDE + (n - on * PLANE);
    [[unroll]] for (uint i = 0; i < TM; i++) {
      uint co = m0 + ty * TM + i;
      if (co >= COUT)
        break;
      float r = SUM(i, j) + (HAS_BIAS != 0 ? wt[B_OFF + co] : 0.0);
      ST(dst + co * PLANE, RELU != 0 ? max(r, 0.0) : r);
    }
  }
}
