#version 450
// Local response normalisation across channels (ONNX LRN):
// y = x / (bias + alpha / size * sum of x^2 over the channel window)^beta,
// the window running from c - floor((size-1)/2) to c + ceil((size-1)/2).
#include "common.glsl"

layout(constant_id = 0) const uint N = 1;
layout(constant_id = 1) const uint C = 1;
layout(constant_id = 2) const uint HW = 1;
layout(constant_id = 3) const uint SIZE = 1;
layout(constant_id = 4) const float ALPHA = 1e-4;
layout(constant_id = 5) const float BETA = 0.75;
layout(constant_id = 6) const float BIAS = 1.0;
layout(constant_id = 7) const uint IN_OFF = 0;
layout(constant_id = 8) const uint OUT_OFF = 0;
layout(constant_id = 9) const uint OUT_BSTRIDE = 0;

void main()
{
  uint i = gl_GlobalInvocationID.x;
  uint c = gl_GlobalInvocationID.y;
  uint n = gl_GlobalInvocationID.z;
  if (i >= HW || c >= C || n >= N)
    return;
  uint base = IN_OFF + n * C * HW;
  int lo = max(int(c) - int((SIZE - 1) / 2), 0);
  int hi = min(int(c) + int(SIZE / 2), int(C) - 1);
  float sum = 0.0;
  for (int k = lo; k <= hi; k++) {
    float v = LD(base + uint(k) * HW + i);
    sum += v * v;
  }
  float x = LD(base + c * HW + i);
  ST(OUT_OFF + n * OUT_BSTRIDE + c * HW + i,
      x / pow(BIAS + ALPHA / float(SIZE) * sum, BETA));
}
