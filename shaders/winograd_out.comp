#version 450
// Winograd F(4x4, 3x3), step 3 of 3 (see winograd.glsl): the output
// transform. One invocation per (output channel, tile): it reads the 36
// values M[xi] of its column, computes the 4x4 outputs Y = A^T m A, adds
// the bias, applies the fused Relu and stores the outputs inside the image
// (the last tiles of a row or column may hang over its edge). The output
// may be a slice of a Concat (OUT_BSTRIDE).
#include "common.glsl"
#include "winograd.glsl"

layout(constant_id = 0) const uint HAS_BIAS = 0;
layout(constant_id = 1) const uint RELU = 0;

layout(push_constant) uniform Params {
  uint n, cout, oh, ow;
  uint tiles_h, tiles_w;
  uint tp;
  uint m_off, out_off, out_bstride, b_off;
} pc;

void main()
{
  uint g = gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x
      + gl_GlobalInvocationID.x;
  uint tiles = pc.tiles_h * pc.tiles_w;
  uint cols = pc.n * tiles;
  if (g >= pc.cout * cols)
    return;
  uint col = g % cols;
  uint co = g / cols;

  uint stride = pc.cout * pc.tp;
  uint at = pc.m_off + co * pc.tp + col;
  float t[TILE][ALPHA];
  for (uint k = 0; k < ALPHA; k++) {
    float c[ALPHA], o[TILE];
    for (uint i = 0; i < ALPHA; i++)
      c[i] = LD(at + (i * ALPHA + k) * stride);
    AT6(c, o)
    for (uint r = 0; r < TILE; r++)
      t[r][k] = o[r];
  }

  uint n = col / tiles, tile = col % tiles;
  uint oy0 = (tile / pc.tiles_w) * TILE, ox0 = (tile % pc.tiles_w) * TILE;
  float b = HAS_BIAS != 0 ? wt[pc.b_off + co] : 0.0;
  uint base = pc.out_off + n * pc.out_bstride + co * pc.oh * pc.ow;
  for (uint r = 0; r < TILE; r++) {
    float y[TILE];
    AT6(t[r], y)
    if (oy0 + r >= pc.oh)
      break;
    for (uint c = 0; c < TILE; c++) {
      if (ox0 + c >= pc.ow)
        break;
      float v = y[c] + b;
      ST(base + (oy0 + r) * pc.ow + ox0 + c, RELU != 0 ? max(v, 0.0) : v);
    }
  }
}
