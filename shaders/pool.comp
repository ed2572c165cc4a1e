#version 450
// MaxPool and AveragePool over 2-D windows with asymmetric pads, dilation
// (max only), ceil mode and count_include_pad, NCHW, optional fused Relu.
#include "common.glsl"

// pool_texel.spv is this shader built with TEXEL_READS: inputs come
// through the R32F texel view of the arena (binding 2; see conv_tiled.comp
// for why that is faster on llvmpipe). The net uses it whenever it uses
// conv_tiled.
#ifdef TEXEL_READS
TEXEL_VIEW(2, r32f) act_s;
#define READ(i) FETCH(act_s, int(i)).r
#else
#define READ(i) LD(i)
#endif

layout(constant_id = 0) const uint NC = 1;
layout(constant_id = 1) const uint C = 1;
layout(constant_id = 2) const uint H = 1;
layout(constant_id = 3) const uint W = 1;
layout(constant_id = 4) const uint OH = 1;
layout(constant_id = 5) const uint OW = 1;
layout(constant_id = 6) const uint KH = 1;
layout(constant_id = 7) const uint KW = 1;
layout(constant_id = 8) const uint SH = 1;
layout(constant_id = 9) const uint SW = 1;
layout(constant_id = 10) const uint PAD_T = 0;
layout(constant_id = 11) const uint PAD_L = 0;
layout(constant_id = 12) const uint PAD_B = 0;
layout(constant_id = 13) const uint PAD_R = 0;
layout(constant_id = 14) const uint DH = 1;
layout(constant_id = 15) const uint DW = 1;
layout(constant_id = 16) const uint AVERAGE = 0;
layout(constant_id = 17) const uint COUNT_INCLUDE_PAD = 0;
layout(constant_id = 18) const uint IN_OFF = 0;
layout(constant_id = 19) const uint OUT_OFF = 0;
layout(constant_id = 20) const uint OUT_BSTRIDE = 0;
layout(constant_id = 21) const uint RELU = 0;

void main()
{
  uint ox = gl_GlobalInvocationID.x;
  uint oy = gl_GlobalInvocationID.y;
  uint nc = gl_GlobalInvocationID.z;
  if (ox >= OW || oy >= OH || nc >= NC)
    return;

  int y0 = int(oy * SH) - int(PAD_T);
  int x0 = int(ox * SW) - int(PAD_L);
  uint base = IN_OFF + nc * H * W;
  float r = AVERAGE != 0 ? 0.0 : -3.402823466e38;
  uint count = 0;

  for (uint ky = 0; ky < KH; ky++) {
    int y = y0 + int(ky * DH);
    if (y < 0 || y >= int(H))
      continue;
    for (uint kx = 0; kx < KW; kx++) {
      int x = x0 + int(kx * DW);
      if (x < 0 || x >= int(W))
        continue;
      float v = READ(base + uint(y) * W + uint(x));
      r = AVERAGE != 0 ? r + v : max(r, v);
      count++;
    }
  }
  if (AVERAGE != 0) {
    if (COUNT_INCLUDE_PAD != 0) {
      // The window counts padding but not what lies past it (ceil mode).
      int y1 = min(y0 + int(KH), int(H + PAD_B));
      int x1 = min(x0 + int(KW), int(W + PAD_R));
      count = uint((y1 - y0) * (x1 - x0));
    }
    r /= float(max(count, 1u));
  }
  if (RELU != 0)
    r = max(r, 0.0);
  uint n = nc / C, c = nc % C;
  ST(OUT_OFF + n * OUT_BSTRIDE + (c * OH + oy) * OW + ox, r);
}
