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

// B^T applied to six values (a column or row of the 6x6 input tile).
#define BT6(d, o) \
  o[0] = 4.0 * d[0] - 5.0 * d[2] + d[4]; \
  o[1] = -4.0 * (d[1] + d[2]) + d[3] + d[4]; \
  o[2] = 4.0 * (d[1] - d[2]) - d[3] + d[4]; \
  o[3] = 2.0 * (d[3] - d[1]) - d[2] + d[4]; \
  o[4] = 2.0 * (d[1] - d[3]) - d[2] + d[4]; \
  o[5] = 4.0 * d[1] - 5.0 * d[3] + d[5];

// A^T applied to six values (a column or row of the 6x6 product tile).
#define AT6(m, o) \
  o[0] = m[0] + m[1] + m[2] + m[3] + m[4]; \
  o[1] = m[1] - m[2] + 2.0 * (m[3] - m[4]); \
  o[2] = m[1] + m[2] + 4.0 * (m[3] + m[4]); \
  o[3] = m[1] - m[2] + 8.0 * (m[3] - m[4]) + m[5];
