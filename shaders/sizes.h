/* Sizes the shaders and the engine (plugin/engine/ops.c) must agree on:
 * plain #defines, valid as both GLSL and C, included by both. */
#ifndef VKI_SHADER_SIZES_H
#define VKI_SHADER_SIZES_H

/* conv_tiled.comp and pool_tiled.comp (span.glsl): outputs of one row per
 * invocation, the widest window row and the widest input span one holds. */
#define TILED_NX 8
#define TILED_KW_MAX 7
#define TILED_SPAN_MAX 24

/* conv.comp and conv_split.comp (conv_direct.glsl): output channels per
 * invocation. */
#define CONV_CO_PER 4

/* conv_split.comp and gemm.comp: the workgroup size, which is also the
 * most invocations one output's sum is split across. */
#define SPLIT_WG 64

/* conv_gemm.comp: a workgroup's output tile (GEMM_BM output channels x
 * GEMM_BN output pixels), the input channels and taps it stages in shared
 * memory per step, and each invocation's register block (GEMM_TM x
 * GEMM_TN). Its workgroup, (BM / TM) x (BN / TN) = 128 invocations, is the
 * guaranteed minimum of maxComputeWorkGroupInvocations. */
#define GEMM_BM 64
#define GEMM_BN 64
#define GEMM_BK 16
#define GEMM_TM 8
#define GEMM_TN 4
#define GEMM_WG ((GEMM_BM / GEMM_TM) * (GEMM_BN / GEMM_TN))

/* The fp16a builds (common.glsl, mfloat): products a float16 sum runs over
 * before it is added into a float32 total. */
#define FP16_SUM_TERMS 16
/* flat_div.glsl: dispatches of fewer invocations divide their indices in
 * float (2^22). */
#define FLAT_FAST_DIV_MAX 4194304

/* lrn_tiled.comp: channels per invocation, and the widest window it
 * holds in registers. */
#define LRN_CHUNK 32
#define LRN_SIZE_MAX 9

/* Winograd F(4x4, 3x3) (winograd.glsl, plugin/engine/winograd.c): outputs
 * per tile side, the side of the transformed tile, and the multiple the
 * columns of the transformed tensors are padded to (whole 8-pixel blocks of
 * conv_tiled.comp, and 16-byte rows). */
#define WINOGRAD_TILE 4
#define WINOGRAD_ALPHA 6
#define WINOGRAD_COLS_ALIGN 8

#endif
