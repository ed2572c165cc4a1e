// Shared by every compute shader: the workgroup size comes from
// specialization constants 100-102 (chosen from device limits at pipeline
// creation), and every op reads and writes float32 tensors in one activation
// arena (binding 0) with its constants in one weight buffer (binding 1).
// All offsets are in floats.
layout(local_size_x_id = 100, local_size_y_id = 101, local_size_z_id = 102) in;

// Activations are float32, or float16 in the *_fp16 variants (built with
// FP16; storage only: every shader computes in float32). Shaders read and
// write them through LD() and ST() only.
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
