#version 450
// Device peak, arithmetic: every invocation runs ITERS rounds of NACC
// independent vec4 multiply-add chains (acc = acc * a + b), so the ALUs are
// never waiting on one result. a and b come from a buffer (nothing folds at
// compile time), each chain starts from a different value (nothing is merged)
// and the sum is written out (nothing is dead). With a = 1 - b every chain
// converges to 1: no overflow and no denormals.
//
// Work per invocation and dispatch: ITERS * NACC * 4 multiply-adds, i.e.
// ITERS * NACC * 8 flops (plugin/engine/peak.c counts the same).
layout(local_size_x_id = 100, local_size_y_id = 101, local_size_z_id = 102) in;

layout(constant_id = 0) const uint ITERS = 256;

// Must match PEAK_FMA_CHAINS in plugin/engine/peak.c.
#define NACC 8

layout(std430, binding = 0) readonly buffer Params { vec4 params; };
layout(std430, binding = 1) writeonly buffer Result { float result[]; };

void main()
{
  float a = params.x, b = params.y, seed = params.z;
  vec4 va = vec4(a), vb = vec4(b);
  vec4 start = (float(gl_GlobalInvocationID.x) + vec4(0.0, 0.25, 0.5, 0.75))
      * seed;
  vec4 acc[NACC];
  for (int k = 0; k < NACC; k++)
    acc[k] = start + float(k) * 0.125;

  for (uint i = 0; i < ITERS; i++) {
    for (int k = 0; k < NACC; k++)
      acc[k] = fma(acc[k], va, vb);
  }

  vec4 sum = vec4(0.0);
  for (int k = 0; k < NACC; k++)
    sum += acc[k];
  result[gl_GlobalInvocationID.x] = sum.x + sum.y + sum.z + sum.w;
}
