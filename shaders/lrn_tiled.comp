#version 450
// LRN as lrn.comp computes it, laid out for llvmpipe (the CPU shader
// policy): one invocation normalises 4 neighbouring pixels of a run of
// LRN_CHUNK channels. Each channel's 4 inputs are one RGBA32F texel fetch
// (binding 3), and the window's values stay in registers as it slides
// along the channels, so an input is fetched about once where lrn.comp
// loads it SIZE + 1 times. The window is summed in lrn.comp's order.
// Used where the plane is whole texels (HW and the input offset multiples
// of 4) and SIZE <= LRN_SIZE_MAX (plugin/engine/ops.c).
#include "common.glsl"
#include "sizes.h"

TEXEL_VIEW(3, rgba32f) act_v;  // activations, RGBA32F

// The window is specialised, the sizes and offsets are push constants, so
// that the LRNs of a net share one pipeline (on llvmpipe each costs
// megabytes).
layout(constant_id = 0) const uint SIZE = 1;
layout(constant_id = 1) const float ALPHA = 1e-4;
layout(constant_id = 2) const float BETA = 0.75;
layout(constant_id = 3) const float BIAS = 1.0;
layout(constant_id = 4) const uint FAST_DIV = 0;  // see flat_div.glsl
#include "flat_div.glsl"

layout(push_constant) uniform Params {
  uint n, c, hw;
  uint in_off, out_off, out_bstride;
} pc;
#define N pc.n
#define C pc.c
#define HW pc.hw
#define IN_OFF pc.in_off
#define OUT_OFF pc.out_off
#define OUT_BSTRIDE pc.out_bstride

// The window of channel c is c - BEFORE .. c + AFTER.
const int BEFORE = int((SIZE - 1) / 2);
const int AFTER = int(SIZE / 2);
void main()
{
  uint QUADS = HW / 4;
  uint CHUNKS = (C + LRN_CHUNK - 1) / LRN_CHUNK;
  // One flat index over (image, channel run, 4-pixel quad).
  uint g = gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x
      + gl_GlobalInvocationID.x;
  if (g >= N * CHUNKS * QUADS)
    return;
  uint t = flat_div(g, QUADS);
  uint q = g - t * QUADS;
  uint n = flat_div(t, CHUNKS);
  int c0 = int((t - n * CHUNKS) * LRN_CHUNK);
  int c1 = min(c0 + int(LRN_CHUNK), int(C));
  int texel0 = int((IN_OFF + n * C * HW) / 4 + q);

  // win[j]: channel c - BEFORE + j of the current c, zero outside 0..C-1
  // (the index is clamped so that the fetch stays in the tensor).
  vec4 win[LRN_SIZE_MAX];
  for (int j = 0; j < int(LRN_SIZE_MAX); j++) {
    int k = c0 - BEFORE + j;
    vec4 v = FETCH(act_v, texel0 + clamp(k, 0, int(C) - 1) * int(QUADS));
    win[j] = j < int(SIZE) && k >= 0 && k < int(C) ? v : vec4(0.0);
  }

  uint out_base = OUT_OFF + n * OUT_BSTRIDE + q * 4;
  for (int c = c0; c < c1; c++) {
    vec4 sum = vec4(0.0);
    for (int j = 0; j < int(LRN_SIZE_MAX); j++)
      if (j < int(SIZE))
        sum += win[j] * win[j];
    vec4 d = BIAS + ALPHA / float(SIZE) * sum;
    // d^-0.75 (AlexNet's and GoogLeNet's beta) as two square roots: on
    // llvmpipe pow() is a log and an exp.
    vec4 y = BETA == 0.75 ? win[BEFORE] * inversesqrt(d) * sqrt(inversesqrt(d))
        : win[BEFORE] / pow(d, vec4(BETA));
    uint o = out_base + uint(c) * HW;
    ST(o, y.x);
    ST(o + 1, y.y);
    ST(o + 2, y.z);
    ST(o + 3, y.w);

    // Slide to c + 1: channel c + 1 + AFTER enters at the end.
    for (int j = 0; j + 1 < int(LRN_SIZE_MAX); j++)
      win[j] = win[j + 1];
    int k = c + 1 + AFTER;
    vec4 v = FETCH(act_v, texel0 + min(k, int(C) - 1) * int(QUADS));
    win[SIZE - 1] = k < int(C) ? v : vec4(0.0);
  }
}
