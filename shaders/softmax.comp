#version 450
// Softmax along one axis of a tensor seen as [OUTER][LEN][INNER].
#include "common.glsl"

layout(constant_id = 0) const uint OUTER = 1;
layout(constant_id = 1) const uint LEN = 1;
layout(constant_id = 2) const uint INNER = 1;
layout(constant_id = 3) const uint IN_OFF = 0;
layout(constant_id = 4) const uint OUT_OFF = 0;

void main()
{
  uint i = gl_GlobalInvocationID.x;
  uint o = gl_GlobalInvocationID.y;
  if (i >= INNER || o >= OUTER)
    return;
  uint base = o * LEN * INNER + i;
  // Subtracting the maximum keeps exp() finite for large logits.
  float mx = -3.402823466e38;
  for (uint l = 0; l < LEN; l++)
    mx = max(mx, LD(IN_OFF + base + l * INNER));
  float sum = 0.0;
  for (uint l = 0; l < LEN; l++)
    sum += exp(LD(IN_OFF + base + l * INNER) - mx);
  for (uint l = 0; l < LEN; l++)
    ST(OUT_OFF + base + l * INNER, exp(LD(IN_OFF + base + l * INNER) - mx) / sum);
}
