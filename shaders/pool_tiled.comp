#version 450
// MaxPool over 2-D windows (pads, dilation, ceil mode), NCHW, optional
// fused Relu: pool.comp's result, laid out like conv_tiled.comp. One
// invocation computes NX = 8 neighbouring outputs of one row; each kernel
// row's input span is fetched once through the texel views and shared by
// the KW taps (span.glsl; 3x3 stride 1: 10 fetches for 8 outputs instead of
// 72). Used when the span fits (SPAN <= 24, KW <= 7); pool.comp otherwise.
// Positions in the padding never win the max, as in ONNX.
#include "common.glsl"

// Binding 2, the R32F view conv_tiled.comp reads, is not needed here.
TEXEL_VIEW(3, rgba32f) act_v;  // activations, RGBA32F

layout(constant_id = 0) const uint KH = 1;
layout(constant_id = 1) const uint KW = 1;
layout(constant_id = 2) const uint SH = 1;
layout(constant_id = 3) const uint SW = 1;
layout(constant_id = 4) const uint PAD_T = 0;
layout(constant_id = 5) const uint PAD_L = 0;
layout(constant_id = 6) const uint DH = 1;
layout(constant_id = 7) const uint DW = 1;
layout(constant_id = 8) const uint RELU = 0;
layout(constant_id = 9) const uint VEC_SPAN = 0;  // see span.glsl
layout(constant_id = 10) const uint FAST_DIV = 0;  // see flat_div.glsl
#include "flat_div.glsl"

// Sizes and offsets: pools with the same window share a pipeline.
layout(push_constant) uniform Params {
  uint nc, c, h, w, oh, ow;
  uint in_off, out_off, out_bstride;
} pc;

const float LOWEST = -3.402823466e38;
#define SPAN_W pc.w
#define SPAN_PAD LOWEST
#define SPAN_T float
#include "span.glsl"

#define TAP_P(p, kx) r[p] = max(r[p], xs[(p) * SW + (kx) * DW]);

#define TAP(kx) \
  if (kx < KW) { \
    TAP_P(0, kx) TAP_P(1, kx) TAP_P(2, kx) TAP_P(3, kx) \
    TAP_P(4, kx) TAP_P(5, kx) TAP_P(6, kx) TAP_P(7, kx) \
  }

#define STORE(p) \
  if (ox0 + p < pc.ow) \
    ST(out_base + p, RELU != 0 ? max(r[p], 0.0) : r[p]);

void main()
{
  uint xb = (pc.ow + NX - 1) / NX;
  // One flat index over (channel, row, 8-pixel block), as in conv_tiled.
  uint g = gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x
      + gl_GlobalInvocationID.x;
  if (g >= pc.nc * pc.oh * xb)
    return;
  uint q = flat_div(g, xb);
  uint ox0 = (g - q * xb) * NX;
  uint nc = flat_div(q, pc.oh);
  uint oy = q - nc * pc.oh;

  float r[NX] = float[NX](LOWEST, LOWEST, LOWEST, LOWEST, LOWEST, LOWEST,
      LOWEST, LOWEST);
  int iy0 = int(oy * SH) - int(PAD_T);
  int ix0 = int(ox0 * SW) - int(PAD_L);
  uint base = pc.in_off + nc * pc.h * pc.w;

  for (uint ky = 0; ky < KH; ky++) {
    int iy = iy0 + int(ky * DH);
    if (iy < 0 || iy >= int(pc.h))
      continue;
    int row = int(base + uint(iy) * pc.w);
    float xs[SPAN_MAX];
    SPAN_LOAD_ROW
    TAP(0) TAP(1) TAP(2) TAP(3) TAP(4) TAP(5) TAP(6)
  }

  uint n = flat_div(nc, pc.c), c = nc - n * pc.c;
  uint out_base = pc.out_off + n * pc.out_bstride + (c * pc.oh + oy) * pc.ow
      + ox0;
  STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5) STORE(6) STORE(7)
}
