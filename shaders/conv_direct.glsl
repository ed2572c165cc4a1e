// What conv.comp and conv_split.comp share: their specialization constants
// 0-22 and 24, the weight layout ([ceil(COUT / CO_PER) * CO_PER][CIN][KH][KW],
// zero-padded) and the direct accumulation and store of one output pixel
// for CO_PER output channels. Include after common.glsl.

layout(constant_id = 0) const uint N = 1;
layout(constant_id = 1) const uint CIN = 1;
layout(constant_id = 2) const uint H = 1;
layout(constant_id = 3) const uint W = 1;
layout(constant_id = 4) const uint COUT = 1;
layout(constant_id = 5) const uint OH = 1;
layout(constant_id = 6) const uint OW = 1;
layout(constant_id = 7) const uint KH = 1;
layout(constant_id = 8) const uint KW = 1;
layout(constant_id = 9) const uint SH = 1;
layout(constant_id = 10) const uint SW = 1;
layout(constant_id = 11) const uint PAD_T = 0;
layout(constant_id = 12) const uint PAD_L = 0;
layout(constant_id = 13) const uint DH = 1;
layout(constant_id = 14) const uint DW = 1;
layout(constant_id = 15) const uint IN_OFF = 0;
layout(constant_id = 16) const uint OUT_OFF = 0;
layout(constant_id = 17) const uint OUT_BSTRIDE = 0;
layout(constant_id = 18) const uint W_OFF = 0;
layout(constant_id = 19) const uint B_OFF = 0;
layout(constant_id = 20) const uint HAS_BIAS = 0;
layout(constant_id = 21) const uint RELU = 0;
// Floats between the filters of consecutive images: 0, or each image its
// own (Winograd's batched product, winograd.glsl).
layout(constant_id = 22) const uint W_NSTRIDE = 0;
// (23: conv_split.comp's SPLIT.) The fp16a builds: what the packed weights
// were scaled by, inverted (common.glsl).
layout(constant_id = 24) const float W_UNSCALE = 1.0;

#include "sizes.h"
#define CO_PER CONV_CO_PER

// Input channels whose products one float16 sum holds (fp16a builds).
const uint CI_PER_SUM = KH * KW >= FP16_SUM_TERMS ? 1
    : FP16_SUM_TERMS / (KH * KW);

// Output pixel (oy, ox) of batch item n, channels co0 .. co0 + 3, summed
// over input channels ci0, ci0 + ci_step, ... (all of them when 0, 1).
vec4 conv_accumulate(uint n, uint co0, uint oy, uint ox, uint ci0,
    uint ci_step)
{
  const uint FILTER = CIN * KH * KW;
  mvec4 acc = mvec4(0.0);
#ifdef FP16_ARITHMETIC
  vec4 total = vec4(0.0);
  uint in_sum = 0;
#endif
  int iy0 = int(oy * SH) - int(PAD_T);
  int ix0 = int(ox * SW) - int(PAD_L);
  uint in_base = IN_OFF + n * CIN * H * W;
  uint w_base = W_OFF + n * W_NSTRIDE + co0 * FILTER;

  for (uint ci = ci0; ci < CIN; ci += ci_step) {
    for (uint ky = 0; ky < KH; ky++) {
      int iy = iy0 + int(ky * DH);
      if (iy < 0 || iy >= int(H))
        continue;
      for (uint kx = 0; kx < KW; kx++) {
        int ix = ix0 + int(kx * DW);
        if (ix < 0 || ix >= int(W))
          continue;
        mfloat v = MLD(in_base + (ci * H + uint(iy)) * W + uint(ix));
        uint wi = w_base + (ci * KH + ky) * KW + kx;
        MAD_SV(acc, v, mvec4(wt[wi], wt[wi + FILTER], wt[wi + 2 * FILTER],
            wt[wi + 3 * FILTER]));
      }
    }
#ifdef FP16_ARITHMETIC
    if (++in_sum == CI_PER_SUM) {
      total += vec4(acc) * W_UNSCALE;
      acc = mvec4(0.0);
      in_sum = 0;
    }
#endif
  }
#ifdef FP16_ARITHMETIC
  return total + vec4(acc) * W_UNSCALE;
#else
  return acc;
#endif
}

// Adds the bias, applies the fused Relu and stores the channels that exist.
void conv_store(uint n, uint co0, uint oy, uint ox, vec4 acc)
{
  for (uint j = 0; j < CO_PER; j++) {
    uint co = co0 + j;
    if (co >= COUT)
      break;
    float r = acc[j];
    if (HAS_BIAS != 0)
      r += wt[B_OFF + co];
    if (RELU != 0)
      r = max(r, 0.0);
    ST(OUT_OFF + n * OUT_BSTRIDE + (co * OH + oy) * OW + ox, r);
  }
}
