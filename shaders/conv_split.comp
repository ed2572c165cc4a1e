#version 450
// Direct 2-D convolution with the reduction over input channels split
// across SPLIT invocations, for GPUs running layers with few outputs and
// long filters (batch 1, 7x7 planes, 832 input channels): there one
// invocation per output leaves most of the device idle, each waiting on
// CIN * KH * KW loads in a row. Here a 64-invocation workgroup computes
// 64 / SPLIT outputs (each for CO_PER output channels, as conv.comp); the
// SPLIT invocations of one output take every SPLIT-th input channel, and
// their partial sums meet in shared memory. Same specialization constants
// 0-22 and weight layout as conv.comp (conv_direct.glsl).
#include "common.glsl"
#include "conv_direct.glsl"

// A power of two, 1 to WG.
layout(constant_id = 23) const uint SPLIT = 1;

#define WG SPLIT_WG

shared vec4 partial[WG];

void main()
{
  const uint OUTS = WG / SPLIT;
  const uint CO_BLOCKS = (COUT + CO_PER - 1) / CO_PER;
  uint lid = gl_LocalInvocationID.x;
  // Neighbouring invocations take neighbouring outputs (pixels first), so
  // one subgroup's input loads fall on few cache lines.
  uint s = lid / OUTS;
  uint group = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  uint item = group * OUTS + lid % OUTS;
  bool live = item < N * CO_BLOCKS * OH * OW;
  uint ox = item % OW;
  uint oy = (item / OW) % OH;
  uint z = item / (OW * OH);
  uint n = z / CO_BLOCKS;
  uint co0 = (z % CO_BLOCKS) * CO_PER;

  vec4 acc = live ? conv_accumulate(n, co0, oy, ox, s, SPLIT) : vec4(0.0);

  // Every invocation reaches every barrier (live or not).
  partial[lid] = acc;
  barrier();
  for (uint half_split = SPLIT / 2; half_split > 0; half_split /= 2) {
    if (s < half_split)
      partial[lid] += partial[lid + half_split * OUTS];
    barrier();
  }
  if (s != 0 || !live)
    return;

  conv_store(n, co0, oy, ox, partial[lid]);
}
