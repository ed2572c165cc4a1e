#version 450
// Register-tiled direct 2-D convolution, NCHW, group 1, optional bias and
// fused Relu. Same result as conv.comp, laid out for throughput:
//
// - One invocation computes NX = 8 neighbouring outputs of one row for
//   CO_BLOCK = 4 * COV output channels: 8 x COV vec4 accumulators. Every
//   input value it loads feeds CO_BLOCK multiply-adds, every weight vec4 8.
// - Weights are packed [co_block][CIN][KH][KW][CO_BLOCK] (zero-padded to a
//   whole block) so the CO_BLOCK weights of one tap are COV aligned vec4s.
// - Reads go through texel views over the same memory as the storage
//   buffers (bindings 2-4; uniform texel buffers, storage texel buffers in
//   the _img builds: common.glsl): on a CPU device (llvmpipe) a texel read
//   is a vector gather, where a storage-buffer load is a per-lane loop with
//   a bounds check, and an RGBA32F read brings 4 floats for about the price
//   of one. On GPUs the reads take the texture cache path.
// - A 1x1, stride-1, unpadded convolution is described to this shader with
//   H = OH = 1 and W = OW = H * W, so its 8-pixel blocks run over the whole
//   plane instead of stopping at row ends; when rows are whole 16-byte
//   units (VEC_IN 1) the 8 inputs of a channel are two RGBA32F fetches,
//   else (VEC_IN 2: 7x7 planes) the three that cover them.
//
// - Each kernel row's input span is fetched once and shared by the taps.
//
// Lanes run along one flat (image, channel block, output row, 8-pixel block)
// index, so neighbouring invocations read neighbouring pixels and mostly the
// same weights, and small planes still fill whole workgroups. No shared
// memory; this build has no subgroup operations: correct at any subgroup
// size.
//
// SUBGROUP_WEIGHTS (the conv_tiled_sg build, CPU devices): lanes that need
// the same weights fetch them once between them. On llvmpipe a texel read
// is a gather whether or not the lanes' indices are equal, and a shuffle by
// a constant lane is one vector permute, so the first 8 lanes of a subgroup
// fetch the KW * COV weight vec4s of a window row (pointwise: the COV of
// each of 8 / COV input channels), 8 per gather (lane l the l-th), and
// every lane takes each from its lane with subgroupShuffle. That needs every lane of a
// subgroup on the same (image, channel block), so each one's invocations
// are padded to a multiple of SG lanes (the subgroup size; idle lanes
// compute on clamped indices and store nothing), and the fetches stay in
// uniform control flow. The workgroup size must be a multiple of SG, its
// subgroups runs of consecutive invocations (plugin/engine/ops.c enables it
// on CPU devices only).
#include "common.glsl"
#ifdef SUBGROUP_WEIGHTS
#extension GL_KHR_shader_subgroup_shuffle : require
#endif

TEXEL_VIEW(2, r32f) act_s;  // activations, R32F
TEXEL_VIEW(3, rgba32f) act_v;  // activations, RGBA32F
TEXEL_VIEW(4, rgba32f) wt_v;   // weights, RGBA32F

// The window shape and the code paths are specialization constants; sizes
// and offsets are push constants, so that every convolution with the same
// window shares one pipeline (one compiled shader: on llvmpipe each costs
// megabytes of memory and a compile at start-up).
layout(constant_id = 0) const uint KH = 1;
layout(constant_id = 1) const uint KW = 1;
layout(constant_id = 2) const uint SH = 1;
layout(constant_id = 3) const uint SW = 1;
layout(constant_id = 4) const uint PAD_T = 0;
layout(constant_id = 5) const uint PAD_L = 0;
layout(constant_id = 6) const uint DH = 1;
layout(constant_id = 7) const uint DW = 1;
layout(constant_id = 8) const uint HAS_BIAS = 0;
layout(constant_id = 9) const uint RELU = 0;
layout(constant_id = 10) const uint COV = 4;      // 1 to 4
layout(constant_id = 11) const uint VEC_IN = 0;   // 0, 1 or 2: see above
// W and the row start multiples of 4: a span is read as the aligned vec4s
// that cover it (else as those from its first column's: span.glsl).
layout(constant_id = 12) const uint VEC_SPAN = 0;
layout(constant_id = 13) const uint FAST_DIV = 0;  // see flat_div.glsl
// SUBGROUP_WEIGHTS: the subgroup size, at least 8 (1: no padding).
layout(constant_id = 14) const uint SG = 1;
// OW, the output's offset and image stride multiples of 4: a channel's 8
// outputs are two ST4 stores (common.glsl) instead of 8.
layout(constant_id = 15) const uint VEC_OUT = 0;
#include "flat_div.glsl"

layout(push_constant) uniform Params {
  uint n, cin, h, w, cout, oh, ow;
  uint in_off, out_off, out_bstride;
  uint w_off;                                     // floats, multiple of 4
  uint b_off;
  // Floats (a multiple of 4) between the filters of consecutive images: 0,
  // or each image its own (Winograd's batched product, winograd.glsl).
  uint w_nstride;
  // The fp16a build: what the packed weights were scaled by, inverted
  // (common.glsl).
  float w_unscale;
} pc;
#define N pc.n
#define CIN pc.cin
#define H pc.h
#define W pc.w
#define COUT pc.cout
#define OH pc.oh
#define OW pc.ow
#define IN_OFF pc.in_off
#define OUT_OFF pc.out_off
#define OUT_BSTRIDE pc.out_bstride
#define W_OFF pc.w_off
#define B_OFF pc.b_off

#define SPAN_W W
#define SPAN_PAD 0.0
#define SPAN_T mfloat
#include "span.glsl"
// The span path when the window row fits; a 1x1 with VEC_IN reads its two
// vec4s directly, and wider windows load per tap.
const bool SPAN_MODE = VEC_IN == 0 && SPAN_FITS;
const uint CO_BLOCK = COV * 4;
const uint TAPS = KH * KW;

// Input p of the block for tap column kx: 0 outside the row (padding). The
// fetch index is clamped into the row so it never leaves the tensor.
#define LOAD(p) \
  { int ix = ix0 + (p) * int(SW) + kx_off; \
    float v = FETCH(act_s, row + clamp(ix, 0, int(W) - 1)).r; \
    x[p] = mfloat((ix >= 0 && ix < int(W)) ? v : 0.0); }

#define WEIGHTS(kx) \
  int t = wi + int((kx) * COV); \
  mvec4 w0 = mvec4(FETCH(wt_v, t)); \
  mvec4 w1 = mvec4(COV > 1 ? FETCH(wt_v, t + 1) : vec4(0.0)); \
  mvec4 w2 = mvec4(COV > 2 ? FETCH(wt_v, t + 2) : vec4(0.0)); \
  mvec4 w3 = mvec4(COV > 3 ? FETCH(wt_v, t + 3) : vec4(0.0));

// Input p of an unaligned block (VEC_IN 2): f[] from the vec4 holding the
// first input, s floats in.
#define SHIFT(p) \
  x[p] = mfloat(s == 0 ? f[p] : s == 1 ? f[(p) + 1] : s == 2 ? f[(p) + 2] \
      : f[(p) + 3]);

#define SPAN_X(p, kx) x[p] = xs[(p) * SW + (kx) * DW];

#define SPAN_TAP(kx) \
  if (kx < KW) { \
    mfloat x[NX]; \
    SPAN_X(0, kx) SPAN_X(1, kx) SPAN_X(2, kx) SPAN_X(3, kx) \
    SPAN_X(4, kx) SPAN_X(5, kx) SPAN_X(6, kx) SPAN_X(7, kx) \
    WEIGHTS(kx) \
    FMA(0) FMA(1) FMA(2) FMA(3) FMA(4) FMA(5) FMA(6) FMA(7) \
  }

// The 8 inputs x[] of a pointwise block (VEC_IN, kernel width 1, stride 1,
// no padding) from the row starting at `row`. VEC_IN 1 (W and the row start
// multiples of 4): the two aligned vec4s at row + ix0; past the row end (a
// last block of 4) the second repeats the first, and those outputs are not
// stored. VEC_IN 2 (any alignment): the three vec4s from the one holding
// the first input, clamped to the arena, and the 8 inputs picked from them
// by selects (s may differ per lane).
#define VEC_INPUTS \
  if (VEC_IN == 2) { \
    int first = row + ix0, at = first >> 2, s = first & 3; \
    int last = VIEW_SIZE(act_v) - 1; \
    vec4 v0 = FETCH(act_v, at); \
    vec4 v1 = FETCH(act_v, min(at + 1, last)); \
    vec4 v2 = FETCH(act_v, min(at + 2, last)); \
    float f[12] = float[12](v0.x, v0.y, v0.z, v0.w, v1.x, v1.y, v1.z, \
        v1.w, v2.x, v2.y, v2.z, v2.w); \
    SHIFT(0) SHIFT(1) SHIFT(2) SHIFT(3) SHIFT(4) SHIFT(5) SHIFT(6) \
    SHIFT(7) \
  } else { \
    int at = (row + ix0) >> 2; \
    vec4 lo = FETCH(act_v, at); \
    vec4 hi = FETCH(act_v, ix0 + 4 < int(W) ? at + 1 : at); \
    mvec4 ml = mvec4(lo), mh = mvec4(hi); \
    x[0] = ml.x; x[1] = ml.y; x[2] = ml.z; x[3] = ml.w; \
    x[4] = mh.x; x[5] = mh.y; x[6] = mh.z; x[7] = mh.w; \
  }

#ifdef SUBGROUP_WEIGHTS
// Weight vec4 k (a literal after specialization) of the 8 * 4 the lanes
// fetched into wg0..wg3.
#define SG_PICK(k) \
  subgroupShuffle((k) < 8 ? wg0 : (k) < 16 ? wg1 : (k) < 24 ? wg2 : wg3, \
      (k) % 8)
// Weight j of tap kx in a row of KW taps; literal lane indices for every
// COV, since the shuffle's lane must be a constant.
#define SG_W(kx, j) \
  (COV == 4 ? SG_PICK((kx) * 4 + (j)) : COV == 3 ? SG_PICK((kx) * 3 + (j)) : \
   COV == 2 ? SG_PICK((kx) * 2 + (j)) : SG_PICK((kx) + (j)))
#define SG_WEIGHTS(kx) \
  mvec4 w0 = mvec4(SG_W(kx, 0)); \
  mvec4 w1 = mvec4(COV > 1 ? SG_W(kx, 1) : vec4(0.0)); \
  mvec4 w2 = mvec4(COV > 2 ? SG_W(kx, 2) : vec4(0.0)); \
  mvec4 w3 = mvec4(COV > 3 ? SG_W(kx, 3) : vec4(0.0));
#define SG_FETCH(r) \
  (KW * COV > (r) * 8 ? FETCH(wt_v, min(wi + (r) * 8 + lane, wlast)) \
      : vec4(0.0))
// Input channel ci + c of the G whose weights the lanes fetched: its 8
// inputs by VEC_INPUTS, its weights taps c of the fetch.
#define SG_POINT(c) \
  if (c < G) { \
    int row = int(IN_OFF + (n * CIN + ci + c) * H * W); \
    mfloat x[NX]; \
    VEC_INPUTS \
    SG_WEIGHTS(c) \
    FMA(0) FMA(1) FMA(2) FMA(3) FMA(4) FMA(5) FMA(6) FMA(7) \
  }
#define SG_SPAN_TAP(kx) \
  if (kx < KW) { \
    mfloat x[NX]; \
    SPAN_X(0, kx) SPAN_X(1, kx) SPAN_X(2, kx) SPAN_X(3, kx) \
    SPAN_X(4, kx) SPAN_X(5, kx) SPAN_X(6, kx) SPAN_X(7, kx) \
    SG_WEIGHTS(kx) \
    FMA(0) FMA(1) FMA(2) FMA(3) FMA(4) FMA(5) FMA(6) FMA(7) \
  }
#endif

#define FMA(p) \
  { MAD_SV(a[p][0], x[p], w0); \
    if (COV > 1) MAD_SV(a[p][1], x[p], w1); \
    if (COV > 2) MAD_SV(a[p][2], x[p], w2); \
    if (COV > 3) MAD_SV(a[p][3], x[p], w3); }

// The fp16a build (common.glsl): the float16 sums a[][] go into float32
// totals t[][] once they hold CI_PER_SUM input channels' products (FOLD,
// after c more channels; ADD_SUMS, at the end); stores read the totals.
// In the other builds a[][] are the float32 sums themselves.
#ifdef FP16_ARITHMETIC
#define ADD_SUM(p) \
  { t[p][0] += vec4(a[p][0]) * pc.w_unscale; \
    if (COV > 1) t[p][1] += vec4(a[p][1]) * pc.w_unscale; \
    if (COV > 2) t[p][2] += vec4(a[p][2]) * pc.w_unscale; \
    if (COV > 3) t[p][3] += vec4(a[p][3]) * pc.w_unscale; \
    INIT(p) }
#define ADD_SUMS \
  ADD_SUM(0) ADD_SUM(1) ADD_SUM(2) ADD_SUM(3) ADD_SUM(4) ADD_SUM(5) \
  ADD_SUM(6) ADD_SUM(7)
#define FOLD(c) \
  if ((in_sum += (c)) >= CI_PER_SUM) { \
    ADD_SUMS \
    in_sum = 0; \
  }
#define SUM t
#else
#define ADD_SUMS
#define FOLD(c)
#define SUM a
#endif
#define INIT(p) \
  { a[p][0] = mvec4(0.0); a[p][1] = mvec4(0.0); a[p][2] = mvec4(0.0); \
    a[p][3] = mvec4(0.0); }

#define STORE_J(p, j) \
  if (COV > j) \
    for (uint c = 0; c < 4; c++) { \
      uint co = co0 + j * 4 + c; \
      if (co >= COUT) \
        break; \
      float r = SUM[p][j][c] + bias[j][c]; \
      ST(out_base + co * OH * OW + p, RELU != 0 ? max(r, 0.0) : r); \
    }

#define STORE(p) \
  if (ox0 + p < OW) { \
    STORE_J(p, 0) STORE_J(p, 1) STORE_J(p, 2) STORE_J(p, 3) \
  }

// Outputs 4h..4h+3 of the block (all inside the row or all past it: OW
// is a multiple of 4) as one store per channel.
#define STORE4_J(h, j) \
  if (COV > j) \
    for (uint c = 0; c < 4; c++) { \
      uint co = co0 + j * 4 + c; \
      if (co >= COUT) \
        break; \
      vec4 r = vec4(SUM[4 * h][j][c], SUM[4 * h + 1][j][c], \
          SUM[4 * h + 2][j][c], SUM[4 * h + 3][j][c]) + bias[j][c]; \
      ST4((out_base + co * OH * OW) / 4 + h, \
          RELU != 0 ? max(r, vec4(0.0)) : r); \
    }

#define STORE4(h) \
  if (ox0 + 4 * h < OW) { \
    STORE4_J(h, 0) STORE4_J(h, 1) STORE4_J(h, 2) STORE4_J(h, 3) \
  }

void main()
{
  uint XB = (OW + NX - 1) / NX;
  uint CO_BLOCKS = (COUT + CO_BLOCK - 1) / CO_BLOCK;
  // One flat index over (n, co block, row, 8-pixel block), so that small
  // planes still fill whole workgroups; folded into y past the workgroup
  // count limit.
  uint g = gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x
      + gl_GlobalInvocationID.x;
  // Invocations per (image, channel block): its blocks, padded to whole
  // subgroups (SG 1: none).
  uint blocks = OH * XB, per = (blocks + SG - 1) / SG * SG;
  if (g >= N * CO_BLOCKS * per)
    return;
  bool live = true;
  if (SG > 1) {
    uint nc = flat_div(g, per), b = g - nc * per;
    live = b < blocks;
    g = nc * blocks + min(b, blocks - 1);
  }
  uint q = flat_div(g, XB);
  uint ox0 = (g - q * XB) * NX;
  g = flat_div(q, OH);
  uint oy = q - g * OH;
  uint n = flat_div(g, CO_BLOCKS);
  uint cob = g - n * CO_BLOCKS;

  // Every index into a[] and x[] is a literal (the macros), so the
  // compiler keeps them in registers.
  mvec4 a[NX][4];
  INIT(0) INIT(1) INIT(2) INIT(3) INIT(4) INIT(5) INIT(6) INIT(7)
#ifdef FP16_ARITHMETIC
  vec4 t[NX][4];
  for (uint p = 0; p < NX; p++)
    for (uint j = 0; j < 4; j++)
      t[p][j] = vec4(0.0);
  const uint CI_PER_SUM = TAPS >= FP16_SUM_TERMS ? 1 : FP16_SUM_TERMS / TAPS;
  uint in_sum = 0;
#endif

  int iy0 = int(oy * SH) - int(PAD_T);
  int ix0 = int(ox0 * SW) - int(PAD_L);
  int wi = int(W_OFF / 4 + n * (pc.w_nstride / 4) + cob * CIN * TAPS * COV);
#ifdef SUBGROUP_WEIGHTS
  int lane = int(gl_SubgroupInvocationID & 7u);
  int wlast = VIEW_SIZE(wt_v) - 1;
  // Pointwise: one fetch holds the weights of G input channels (the engine
  // runs this build only where G divides CIN).
  const uint G = 8 / COV;
  if (VEC_IN != 0) {
    for (uint ci = 0; ci < CIN; ci += G, wi += int(G * COV)) {
      vec4 wg0 = FETCH(wt_v, min(wi + lane, wlast));
      vec4 wg1 = vec4(0.0), wg2 = vec4(0.0), wg3 = vec4(0.0);
      SG_POINT(0) SG_POINT(1) SG_POINT(2) SG_POINT(3)
      SG_POINT(4) SG_POINT(5) SG_POINT(6) SG_POINT(7)
      FOLD(G)
    }
  } else if (SPAN_MODE) {
    // Windows: a row's taps, KW * COV <= 28 vec4s in up to four fetches. A
    // row in the padding reads a clamped row as zeros, so that every lane
    // takes part in the shuffles. (The loop after the else, dead code here
    // once specialized, serves windows wider than the span.)
    for (uint ci = 0; ci < CIN; ci++) {
      for (uint ky = 0; ky < KH; ky++, wi += int(KW * COV)) {
        int iy = iy0 + int(ky * DH);
        bool inside = iy >= 0 && iy < int(H);
        int row = int(IN_OFF + ((n * CIN + ci) * H + uint(clamp(iy, 0,
                int(H) - 1))) * W);
        vec4 wg0 = SG_FETCH(0), wg1 = SG_FETCH(1), wg2 = SG_FETCH(2),
            wg3 = SG_FETCH(3);
        mfloat xs[SPAN_MAX];
        SPAN_LOAD_ROW
        for (uint j = 0; j < SPAN; j++)
          xs[j] = inside ? xs[j] : mfloat(0.0);
        SG_SPAN_TAP(0) SG_SPAN_TAP(1) SG_SPAN_TAP(2) SG_SPAN_TAP(3)
        SG_SPAN_TAP(4) SG_SPAN_TAP(5) SG_SPAN_TAP(6)
      }
      FOLD(1)
    }
  } else
#endif
  for (uint ci = 0; ci < CIN; ci++) {
    for (uint ky = 0; ky < KH; ky++, wi += int(KW * COV)) {
      int iy = iy0 + int(ky * DH);
      if (iy < 0 || iy >= int(H))
        continue;
      int row = int(IN_OFF + ((n * CIN + ci) * H + uint(iy)) * W);
      if (SPAN_MODE) {
        mfloat xs[SPAN_MAX];
        SPAN_LOAD_ROW
        SPAN_TAP(0) SPAN_TAP(1) SPAN_TAP(2) SPAN_TAP(3) SPAN_TAP(4)
        SPAN_TAP(5) SPAN_TAP(6)
        continue;
      }
      for (uint kx = 0; kx < KW; kx++) {
        int kx_off = int(kx * DW);
        mfloat x[NX];
        if (VEC_IN != 0) {
          VEC_INPUTS
        } else {
          LOAD(0) LOAD(1) LOAD(2) LOAD(3) LOAD(4) LOAD(5) LOAD(6) LOAD(7)
        }
        WEIGHTS(kx)
        FMA(0) FMA(1) FMA(2) FMA(3) FMA(4) FMA(5) FMA(6) FMA(7)
      }
    }
    FOLD(1)
  }
  ADD_SUMS

  uint out_base = OUT_OFF + n * OUT_BSTRIDE + oy * OW + ox0;
  uint co0 = cob * CO_BLOCK;
  // The block's biases, one RGBA32F fetch per 4 channels (B_OFF and co0 are
  // multiples of 4; the weight buffer ends on a whole vec4), instead of a
  // storage-buffer load per output.
  vec4 bias[4];
  for (uint j = 0; j < 4; j++)
    bias[j] = HAS_BIAS != 0 && j < COV && co0 + j * 4 < COUT ?
        FETCH(wt_v, int((B_OFF + co0) / 4 + j)) : vec4(0.0);
  if (!live)
    return;
  if (VEC_OUT != 0) {
    STORE4(0) STORE4(1)
  } else {
    STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5) STORE(6) STORE(7)
  }
}
