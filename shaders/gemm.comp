#version 450
// Fully connected layer (Gemm, MatMul): out[m][n] = sum_k A[m][k] * B[n][k]
// + bias, with B stored as [N][K] and alpha/beta already applied at load.
// BIAS_MODE 0: none, 1: one value per column, 2: a full [M][N] matrix.
#include "common.glsl"

layout(constant_id = 0) const uint M = 1;
layout(constant_id = 1) const uint NCOLS = 1;
layout(constant_id = 2) const uint K = 1;
layout(constant_id = 3) const uint TRANS_A = 0;
layout(constant_id = 4) const uint BIAS_MODE = 0;
layout(constant_id = 5) const uint IN_OFF = 0;
layout(constant_id = 6) const uint OUT_OFF = 0;
layout(constant_id = 7) const uint OUT_RSTRIDE = 0;
layout(constant_id = 8) const uint W_OFF = 0;
layout(constant_id = 9) const uint B_OFF = 0;
layout(constant_id = 10) const uint RELU = 0;

void main()
{
  uint col = gl_GlobalInvocationID.x;
  uint row = gl_GlobalInvocationID.y;
  if (col >= NCOLS || row >= M)
    return;
  float sum = 0.0;
  uint w = W_OFF + col * K;
  for (uint k = 0; k < K; k++) {
    float a = TRANS_A != 0 ? LD(IN_OFF + k * M + row) : LD(IN_OFF + row * K + k);
    sum += a * wt[w + k];
  }
  if (BIAS_MODE == 1)
    sum += wt[B_OFF + col];
  else if (BIAS_MODE == 2)
    sum += wt[B_OFF + row * NCOLS + col];
  if (RELU != 0)
    sum = max(sum, 0.0);
  ST(OUT_OFF + row * OUT_RSTRIDE + col, sum);
}
