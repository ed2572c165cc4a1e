#version 450
// Winograd F(4x4, 3x3), step 3 of 3 (see winograd.glsl): the output
// transform. One invocation per (output channel, tile): it reads the 36
// values M[xi] of its column, computes the 4x4 outputs Y = A^T m A, adds
// the bias, applies the fused Relu and stores the outputs inside the image
// (the last tiles of a row or column may hang over its edge). The output
// may be a slice of a Concat (OUT_BSTRIDE). Where every tile row starts on
// a 16-byte boundary (VEC_OUT: the output's width, offset and image
// stride multiples of 4), a row of 4 outputs is one vec4 store: on
// llvmpipe each store is a loop over the lanes, so 4 stores a tile
// instead of 16.
#include "common.glsl"
#include "winograd.glsl"

layout(constant_id = 0) const uint HAS_BIAS = 0;
layout(constant_id = 1) const uint RELU = 0;
layout(constant_id = 2) const uint FAST_DIV = 0;  // see flat_div.glsl
layout(constant_id = 3) const uint VEC_OUT = 0;
#include "flat_div.glsl"

layout(push_constant) uniform Params {
  uint n, cout, oh, ow;
  uint tiles_h, tiles_w;
  uint tp;
  uint m_off, out_off, out_bstride, b_off;
} pc;

// Column k of A^T m into t[][k], from M[i * 6 + k].
#define M_AT(i, k) LDX(at + (i * ALPHA + k) * stride)
#define T_COL(r) t[r][k]
#define COLUMN(kk) \
  { const uint k = kk; \
    float m0 = M_AT(0, k), m1 = M_AT(1, k), m2 = M_AT(2, k); \
    float m3 = M_AT(3, k), m4 = M_AT(4, k), m5 = M_AT(5, k); \
    AT6(m0, m1, m2, m3, m4, m5, T_COL) }

// Output (oy0 + r, ox0 + c), if inside the image.
#define STORE(r, c) \
  if (oy0 + r < pc.oh && ox0 + c < pc.ow) { \
    float v = y[c] + b; \
    ST(row + c, RELU != 0 ? max(v, 0.0) : v); \
  }

// Row r of (A^T m) A.
#define Y_ROW(c) y[c]
#define ROW(r) \
  { float y[TILE]; \
    uint row = base + (oy0 + r) * pc.ow + ox0; \
    AT6(t[r][0], t[r][1], t[r][2], t[r][3], t[r][4], t[r][5], Y_ROW) \
    if (VEC_OUT != 0) { \
      if (oy0 + r < pc.oh) { \
        vec4 v = vec4(y[0], y[1], y[2], y[3]) + b; \
        ST4(row >> 2, RELU != 0 ? max(v, vec4(0.0)) : v); \
      } \
    } else { \
      STORE(r, 0) STORE(r, 1) STORE(r, 2) STORE(r, 3) \
    } }

void main()
{
  uint g = gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x
      + gl_GlobalInvocationID.x;
  uint tiles = pc.tiles_h * pc.tiles_w;
  uint cols = pc.n * tiles;
  if (g >= pc.cout * cols)
    return;
  uint co = flat_div(g, cols);
  uint col = g - co * cols;

  uint stride = pc.cout * pc.tp;
  uint at = pc.m_off + co * pc.tp + col;
  float t[TILE][ALPHA];
  COLUMN(0) COLUMN(1) COLUMN(2) COLUMN(3) COLUMN(4) COLUMN(5)

  uint n = flat_div(col, tiles), tile = col - n * tiles;
  uint ty = flat_div(tile, pc.tiles_w);
  uint oy0 = ty * TILE, ox0 = (tile - ty * pc.tiles_w) * TILE;
  float b = HAS_BIAS != 0 ? wt[pc.b_off + co] : 0.0;
  uint base = pc.out_off + n * pc.out_bstride + co * pc.oh * pc.ow;
  ROW(0) ROW(1) ROW(2) ROW(3)
}
