#version 450
// Element-wise copy with optional per-channel affine (unfolded
// BatchNormalization) and Relu. The source is contiguous, seen as
// [OUTER][BLOCK]; the destination puts block o at OUT_OFF + o * OUT_OSTRIDE,
// which is how a Concat input is copied into its slice.
#include "common.glsl"

layout(constant_id = 0) const uint OUTER = 1;
layout(constant_id = 1) const uint BLOCK = 1;
layout(constant_id = 2) const uint C = 1;
layout(constant_id = 3) const uint INNER = 1;
layout(constant_id = 4) const uint IN_OFF = 0;
layout(constant_id = 5) const uint OUT_OFF = 0;
layout(constant_id = 6) const uint OUT_OSTRIDE = 0;
layout(constant_id = 7) const uint AFFINE = 0;
layout(constant_id = 8) const uint S_OFF = 0;
layout(constant_id = 9) const uint T_OFF = 0;
layout(constant_id = 10) const uint RELU = 0;

void main()
{
  uint o = gl_GlobalInvocationID.y;
  if (o >= OUTER)
    return;
  // Grid-stride loop: BLOCK may exceed what one dispatch row can cover.
  uint step = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
  for (uint i = gl_GlobalInvocationID.x; i < BLOCK; i += step) {
    float v = LD(IN_OFF + o * BLOCK + i);
    if (AFFINE != 0) {
      uint c = (i / INNER) % C;
      v = v * wt[S_OFF + c] + wt[T_OFF + c];
    }
    if (RELU != 0)
      v = max(v, 0.0);
    ST(OUT_OFF + o * OUT_OSTRIDE + i, v);
  }
}
