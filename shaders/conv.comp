#version 450
// Direct 2-D convolution, NCHW, group 1, with optional bias and fused Relu.
// One invocation computes one output pixel for CO_PER output channels, so
// each input value is loaded once per CO_PER multiply-adds. The weights are
// packed as [ceil(COUT / CO_PER) * CO_PER][CIN][KH][KW], zero-padded, so the
// inner loop needs no bounds check on the output channel.
#include "common.glsl"
#include "conv_direct.glsl"

void main()
{
  const uint CO_BLOCKS = (COUT + CO_PER - 1) / CO_PER;
  uint ox = gl_GlobalInvocationID.x;
  uint oy = gl_GlobalInvocationID.y;
  uint z = gl_GlobalInvocationID.z;
  if (ox >= OW || oy >= OH || z >= N * CO_BLOCKS)
    return;
  uint n = z / CO_BLOCKS;
  uint co0 = (z % CO_BLOCKS) * CO_PER;

  conv_store(n, co0, oy, ox, conv_accumulate(n, co0, oy, ox, 0, 1));
}
