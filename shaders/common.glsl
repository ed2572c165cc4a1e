// Shared by every compute shader: the workgroup size comes from
// specialization constants 100-102 (chosen from device limits at pipeline
// creation), and every op reads and writes float32 tensors in one activation
// arena (binding 0) with its constants in one weight buffer (binding 1).
// All offsets are in floats.
layout(local_size_x_id = 100, local_size_y_id = 101, local_size_z_id = 102) in;

// Activations are float32, or float16 in the *_fp16 variants (built with
// FP16; storage only: shaders compute in float32 but where mfloat, below,
// says otherwise). Shaders read and write them through LD() and ST() only.
#ifdef FP16
#extension GL_EXT_shader_16bit_storage : require
layout(std430, binding = 0) buffer Activations { float16_t act[]; };
#define LD(i) float(act[i])
#define ST(i, v) act[i] = float16_t(v)
#else
layout(std430, binding = 0) buffer Activations { float act[]; };
#define LD(i) act[i]
#define ST(i, v) act[i] = (v)
#endif
// ST4(i, v): the 4 activations from float 4 * i (a 16-byte boundary in
// float32, 8 bytes in float16), one vector store (Activations4 is the
// arena again): on llvmpipe every store is a loop over the lanes, so one
// store of 4 costs little more than one of 1.
#ifdef FP16
layout(std430, binding = 0) buffer Activations4 { f16vec4 act4[]; };
#define ST4(i, v) act4[i] = f16vec4(v)
#else
layout(std430, binding = 0) buffer Activations4 { vec4 act4[]; };
#define ST4(i, v) act4[i] = (v)
#endif
layout(std430, binding = 1) readonly buffer Weights { float wt[]; };

// The multiply-add types, mfloat and mvec4: float32, or float16 in the
// *_fp16a builds of the convolutions and Gemm (FP16_ARITHMETIC, with FP16;
// nets of precision fp16-arithmetic on devices with shaderFloat16). There
// activations, weights, products and the running sums are float16, and each
// sum is added into a float32 total once it holds FP16_SUM_TERMS
// (sizes.h) products or a little more (a whole input channel's taps): one
// float16 sum along a whole filter (up to 832 x 9 products) lost too much
// (e2e: relative error 1.25e-2 after a softmax, against a bound of 1e-2).
// The engine packs each layer's weights times a power of two that puts the
// largest in [0.5, 1), against overflow (plugin/engine/ops.c,
// scale_weights()); the shader multiplies each sum back by W_UNSCALE as it
// adds it to the total. Totals, split reductions and the bias are float32.
// Every conversion is written out: float32 to float16 is not implicit in
// GLSL.
#ifdef FP16_ARITHMETIC
#ifndef FP16
#error FP16_ARITHMETIC needs FP16
#endif
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#define mfloat float16_t
#define mvec4 f16vec4
#define MLD(i) act[i]
#else
#define mfloat float
#define mvec4 vec4
#define MLD(i) mfloat(LD(i))
#endif
// acc += a * b (a, b and acc of one type), and acc += s * v (an mfloat
// times an mvec4): in float16 fused, one rounding instead of two, as a GPU's
// float16 FMA computes it; in float32 as written (the float32 builds as
// they were measured).
#ifdef FP16_ARITHMETIC
#define MAD(acc, a, b) acc = fma(a, b, acc)
#define MAD_SV(acc, s, v) acc = fma(mvec4(s), v, acc)
#else
#define MAD(acc, a, b) acc += (a) * (b)
#define MAD_SV(acc, s, v) acc += (s) * (v)
#endif

// The texel views (bindings 2-4, read by the tiled and *_texel shaders):
// uniform texel buffers read with texelFetch, or in the *_img builds
// (IMAGE_READS; float32 activations only) storage texel buffers read with
// imageLoad. llvmpipe turns a texelFetch of a float format into a call of
// a sampling function, around which the caller's live vector registers
// are saved and restored, and an imageLoad into inline code
// (docs/performance.md, "Image reads").
#ifdef IMAGE_READS
#define TEXEL_VIEW(b, fmt) layout(binding = b, fmt) readonly uniform imageBuffer
#define FETCH(view, i) imageLoad(view, i)
#define VIEW_SIZE(view) imageSize(view)
#else
#define TEXEL_VIEW(b, fmt) layout(binding = b) uniform samplerBuffer
#define FETCH(view, i) texelFetch(view, i)
#define VIEW_SIZE(view) textureSize(view)
#endif
