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
layout(constant_id = 2) const uint FAST_DIV = 0;  // see flat_div.glsl
#include "flat_div.glsl"

layout(push_constant) uniform Params {
  uint n, cin, h, w;
  uint tiles_h, tiles_w;        // tiles per image
  uint tp;                      // columns: n * tiles_h * tiles_w, padded
  uint in_off, u_off;
} pc;

// Input (iy0 + i, ix0 + j) of the tile, 0 outside the image or past the
// last tile; the index is clamped into the image so it never leaves it.
#define LOAD(i, j) \
  { int iy = iy0 + i, ix = ix0 + j; \
    float v = LDX(base + uint(clamp(iy, 0, h1)) * pc.w \
        + uint(clamp(ix, 0, w1))); \
    d[i][j] = (tile_ok && iy >= 0 && iy <= h1 && ix >= 0 && ix <= w1) ? \
        v : 0.0; }
#define LOAD_ROW(i) \
  LOAD(i, 0) LOAD(i, 1) LOAD(i, 2) LOAD(i, 3) LOAD(i, 4) LOAD(i, 5)

// Column j of B^T d into t[][j].
#define T_COL(i) t[i][j]
#define COLUMN(jj) \
  { const int j = jj; \
    BT6(d[0][j], d[1][j], d[2][j], d[3][j], d[4][j], d[5][j], T_COL) }

// Row i of (B^T d) B, stored into U[i * 6 + k].
#define V_ROW(k) o[k]
#define ROW(i) \
  { float o[ALPHA]; \
    BT6(t[i][0], t[i][1], t[i][2], t[i][3], t[i][4], t[i][5], V_ROW) \
    ST(at + (i * ALPHA + 0) * stride, o[0]); \
    ST(at + (i * ALPHA + 1) * stride, o[1]); \
    ST(at + (i * ALPHA + 2) * stride, o[2]); \
    ST(at + (i * ALPHA + 3) * stride, o[3]); \
    ST(at + (i * ALPHA + 4) * stride, o[4]); \
    ST(at + (i * ALPHA + 5) * stride, o[5]); }

void main()
{
  uint g = gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x
      + gl_GlobalInvocationID.x;
  if (g >= pc.cin * pc.tp)
    return;
  uint ci = flat_div(g, pc.tp);
  uint col = g - ci * pc.tp;
  uint tiles = pc.tiles_h * pc.tiles_w;
  // Padding columns read image n - 1's last tile, as zeros.
  bool tile_ok = col < pc.n * tiles;
  uint c = min(col, pc.n * tiles - 1);
  uint n = flat_div(c, tiles), t0 = c - n * tiles;
  uint ty = flat_div(t0, pc.tiles_w);
  int iy0 = int(ty * TILE) - int(PAD_T);
  int ix0 = int((t0 - ty * pc.tiles_w) * TILE) - int(PAD_L);
  int h1 = int(pc.h) - 1, w1 = int(pc.w) - 1;
  uint base = pc.in_off + (n * pc.cin + ci) * pc.h * pc.w;

  float d[ALPHA][ALPHA];
  LOAD_ROW(0) LOAD_ROW(1) LOAD_ROW(2) LOAD_ROW(3) LOAD_ROW(4) LOAD_ROW(5)

  float t[ALPHA][ALPHA];
  COLUMN(0) COLUMN(1) COLUMN(2) COLUMN(3) COLUMN(4) COLUMN(5)

  uint stride = pc.cin * pc.tp;
  uint at = pc.u_off + ci * pc.tp + col;
  ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5)
}
