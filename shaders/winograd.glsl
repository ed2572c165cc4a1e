// Winograd F(4x4, 3x3) (Lavin and Gray, "Fast Algorithms for Convolutional
// Neural Networks", 2016): a 3x3 stride-1 convolution computed per 4x4 tile
// of outputs from the 6x6 input tile that covers it, as
//   Y = A^T [(G g G^T) (.) (B^T d B)] A,
// 36 multiply-adds per tile and input channel instead of 144. What the
// transform shaders share. The filter transform G g G^T runs on the host
// (plugin/engine/winograd.c), once per model.
//
// The transformed tensors live in the arena, one 2-D matrix per position xi
// of the 6x6 tile, so that the middle step is 36 independent matrix
// products (a batched 1x1 convolution, conv_tiled.comp or conv.comp):
//   U[xi][ci][col]  (winograd_in.comp)    M[xi][co][col]  (the product)
// with one column per tile of every image, padded to TP (a multiple of 8).

#include "sizes.h"
#define TILE WINOGRAD_TILE
#define ALPHA WINOGRAD_ALPHA

// The _texel builds (TEXEL_READS) read the arena through its R32F texel
// view (binding 2, as conv_tiled.comp): on llvmpipe a vector gather instead
// of a per-lane loop.
#ifdef TEXEL_READS
TEXEL_VIEW(2, r32f) act_s;
#define LDX(i) FETCH(act_s, int(i)).r
#else
#define LDX(i) LD(i)
#endif

// Every array index below is a literal (the macros unroll the loops), so
// that the compiler keeps the tiles in registers: on llvmpipe an array
// indexed by a loop variable lives in memory, each access a per-lane loop.

// B^T applied to d0..d5 (a column or row of the 6x6 input tile), into the
// array elements o(0)..o(5).
#define BT6(d0, d1, d2, d3, d4, d5, o) \
  o(0) = 4.0 * d0 - 5.0 * d2 + d4; \
  o(1) = -4.0 * (d1 + d2) + d3 + d4; \
  o(2) = 4.0 * (d1 - d2) - d3 + d4; \
  o(3) = 2.0 * (d3 - d1) - d2 + d4; \
  o(4) = 2.0 * (d1 - d3) - d2 + d4; \
  o(5) = 4.0 * d1 - 5.0 * d3 + d5;

// A^T applied to m0..m5 (a column or row of the 6x6 product tile), into
// o(0)..o(3).
#define AT6(m0, m1, m2, m3, m4, m5, o) \
  o(0) = m0 + m1 + m2 + m3 + m4; \
  o(1) = m1 - m2 + 2.0 * (m3 - m4); \
  o(2) = m1 + m2 + 4.0 * (m3 + m4); \
  o(3) = m1 - m2 + 8.0 * (m3 - m4) + m5;
