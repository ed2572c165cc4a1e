#version 450
// GlobalAveragePool: one invocation averages one (n, c) plane.
#include "common.glsl"

layout(constant_id = 0) const uint NC = 1;
layout(constant_id = 1) const uint C = 1;
layout(constant_id = 2) const uint HW = 1;
layout(constant_id = 3) const uint IN_OFF = 0;
layout(constant_id = 4) const uint OUT_OFF = 0;
layout(constant_id = 5) const uint OUT_BSTRIDE = 0;
layout(constant_id = 6) const uint RELU = 0;

void main()
{
  uint nc = gl_GlobalInvocationID.x;
  if (nc >= NC)
    return;
  uint base = IN_OFF + nc * HW;
  float sum = 0.0;
  for (uint i = 0; i < HW; i++)
    sum += LD(base + i);
  float r = sum / float(HW);
  if (RELU != 0)
    r = max(r, 0.0);
  ST(OUT_OFF + (nc / C) * OUT_BSTRIDE + nc % C, r);
}
