#version 450
// Winograd F(4x4, 3x3), step 1 of 3 (see winograd.glsl): the input
// transform. One invocation per (input channel, column): it reads the 6x6
// input tile of its column (zeros outside the image: the padding), and
// writes its 36 transformed values V = B^T d B, one into each U[xi].
// Padding columns (past the last tile) are written as zeros.
//
// VEC_OUT (CPU devices): one invocation per (input channel, 4 columns), the
// 4 tiles' values at each position one ST4 store (common.glsl; TP is a
// multiple of 8): on llvmpipe every store is a loop over the lanes, so 36
// stores for 4 tiles instead of 144.
#include "common.glsl"
#include "winograd.glsl"

layout(constant_id = 0) const uint PAD_T = 1;
layout(constant_id = 1) const uint PAD_L = 1;
layout(constant_id = 2) const uint FAST_DIV = 0;  // see flat_div.glsl
layout(constant_id = 3) const uint VEC_OUT = 0;
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

// The tile of column @col: its input (d, zeros outside the image or past
// the last tile) and B^T d (t), as the rows of V the caller takes.
#define TILE_LOAD(col) \
  bool tile_ok = (col) < pc.n * tiles; \
  uint c = min(col, pc.n * tiles - 1); \
  uint n = flat_div(c, tiles), t0 = c - n * tiles; \
  uint ty = flat_div(t0, pc.tiles_w); \
  int iy0 = int(ty * TILE) - int(PAD_T); \
  int ix0 = int((t0 - ty * pc.tiles_w) * TILE) - int(PAD_L); \
  uint base = pc.in_off + (n * pc.cin + ci) * pc.h * pc.w; \
  float d[ALPHA][ALPHA]; \
  LOAD_ROW(0) LOAD_ROW(1) LOAD_ROW(2) LOAD_ROW(3) LOAD_ROW(4) LOAD_ROW(5) \
  float t[ALPHA][ALPHA]; \
  COLUMN(0) COLUMN(1) COLUMN(2) COLUMN(3) COLUMN(4) COLUMN(5)

// V of the tile of column col0 + k into v[k][] (VEC_OUT).
#define V_AT(j) v[k][i * ALPHA + j]
#define V_ROW_INTO(ii) \
  { const int i = ii; \
    BT6(t[i][0], t[i][1], t[i][2], t[i][3], t[i][4], t[i][5], V_AT) }
#define TILE_V(kk) \
  { const uint k = kk; \
    TILE_LOAD(col0 + k) \
    V_ROW_INTO(0) V_ROW_INTO(1) V_ROW_INTO(2) V_ROW_INTO(3) V_ROW_INTO(4) \
    V_ROW_INTO(5) }

#define ST_POS(xi) \
  ST4(at4 + (xi) * stride4, vec4(v[0][xi], v[1][xi], v[2][xi], v[3][xi]));
#define ST_POS6(r) \
  ST_POS(r * ALPHA) ST_POS(r * ALPHA + 1) ST_POS(r * ALPHA + 2) \
  ST_POS(r * ALPHA + 3) ST_POS(r * ALPHA + 4) ST_POS(r * ALPHA + 5)

void main()
{
  uint g = gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x
      + gl_GlobalInvocationID.x;
  uint tiles = pc.tiles_h * pc.tiles_w;
  int h1 = int(pc.h) - 1, w1 = int(pc.w) - 1;
  uint stride = pc.cin * pc.tp;

  if (VEC_OUT != 0) {
    uint groups = pc.tp / 4;
    if (g >= pc.cin * groups)
      return;
    uint ci = flat_div(g, groups);
    uint col0 = (g - ci * groups) * 4;
    float v[4][ALPHA * ALPHA];
    TILE_V(0) TILE_V(1) TILE_V(2) TILE_V(3)
    uint at4 = (pc.u_off + ci * pc.tp + col0) / 4, stride4 = stride / 4;
    ST_POS6(0) ST_POS6(1) ST_POS6(2) ST_POS6(3) ST_POS6(4) ST_POS6(5)
    return;
  }

  if (g >= pc.cin * pc.tp)
    return;
  uint ci = flat_div(g, pc.tp);
  uint col = g - ci * pc.tp;
  // Padding columns read image n - 1's last tile, as zeros.
  TILE_LOAD(col)
  uint at = pc.u_off + ci * pc.tp + col;
  ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5)
}
