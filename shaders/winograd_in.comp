#version 450
// Winograd F(4x4, 3x3), step 1 of 3 (see winograd.glsl): the input
// transform. One invocation per (input channel, column): it reads the 6x6
// input tile of its column (zeros outside the image: the padding), and
// writes its 36 transformed values V = B^T d B, one into each U[xi].
// Padding columns (past the last tile) are written as zeros.
#include "common.glsl"
#include "winograd.glsl"

layout(constant_id = 0) const uint PAD_T = 1;
layout(constant_id = 1) const uint PAD_L = 1;

layout(push_constant) uniform Params {
  uint n, cin, h, w;
  uint tiles_h, tiles_w;        // tiles per image
  uint tp;                      // columns: n * tiles_h * tiles_w, padded
  uint in_off, u_off;
} pc;

void main()
{
  uint g = gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x
      + gl_GlobalInvocationID.x;
  if (g >= pc.cin * pc.tp)
    return;
  uint col = g % pc.tp;
  uint ci = g / pc.tp;
  uint tiles = pc.tiles_h * pc.tiles_w;

  float d[ALPHA][ALPHA];
  for (uint i = 0; i < ALPHA; i++)
    for (uint j = 0; j < ALPHA; j++)
      d[i][j] = 0.0;
  if (col < pc.n * tiles) {
    uint n = col / tiles, t = col % tiles;
    int iy0 = int((t / pc.tiles_w) * TILE) - int(PAD_T);
    int ix0 = int((t % pc.tiles_w) * TILE) - int(PAD_L);
    uint base = pc.in_off + (n * pc.cin + ci) * pc.h * pc.w;
    for (uint i = 0; i < ALPHA; i++) {
      int iy = iy0 + int(i);
      if (iy < 0 || iy >= int(pc.h))
        continue;
      for (uint j = 0; j < ALPHA; j++) {
        int ix = ix0 + int(j);
        if (ix >= 0 && ix < int(pc.w))
          d[i][j] = LD(base + uint(iy) * pc.w + uint(ix));
      }
    }
  }

  // B^T d, column by column, then (B^T d) B, row by row.
  float t[ALPHA][ALPHA];
  for (uint j = 0; j < ALPHA; j++) {
    float c[ALPHA], o[ALPHA];
    for (uint i = 0; i < ALPHA; i++)
      c[i] = d[i][j];
    BT6(c, o)
    for (uint i = 0; i < ALPHA; i++)
      t[i][j] = o[i];
  }
  uint stride = pc.cin * pc.tp;
  uint at = pc.u_off + ci * pc.tp + col;
  for (uint i = 0; i < ALPHA; i++) {
    float o[ALPHA];
    BT6(t[i], o)
    for (uint k = 0; k < ALPHA; k++)
      ST(at + (i * ALPHA + k) * stride, o[k]);
  }
}
