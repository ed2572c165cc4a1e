/* What each op needs from the rest of the engine: its output shape, its
 * constants packed for the device, its cost, and a description of its
 * dispatch (shader, specialization constants, invocation count). The
 * pipeline helper (pipeline.h) and the net (net.c) do everything else. */
#ifndef VKI_OPS_H
#define VKI_OPS_H

#include "graph.h"
#include "pipeline.h"

G_BEGIN_DECLS

/* How a convolution runs. */
typedef enum
{
  VKI_CONV_DIRECT,              /* conv.comp: one invocation per output
                                 * pixel and 4 output channels */
  VKI_CONV_TILED,               /* conv_tiled.comp: 8 pixels x 4-16 channels
                                 * per invocation, texel reads */
  VKI_CONV_SPLIT,               /* conv_split.comp: conv.comp with the input
                                 * channels split across invocations */
  VKI_CONV_GEMM,                /* conv_gemm.comp: implicit GEMM, tiles
                                 * staged in shared memory (GPU-shaped) */
} VkiConvKind;

/* How the net chooses shaders (vki_op_choose_shader()). */
typedef enum
{
  VKI_SHADER_POLICY_CPU,        /* convolutions tiled wherever texel reads
                                 * are available (tuned on lavapipe), no
                                 * split sums */
  VKI_SHADER_POLICY_GPU,        /* per layer, by a cost model of a GPU */
  VKI_SHADER_POLICY_DIRECT,     /* conv.comp, no split (tests, fallback) */
  VKI_SHADER_POLICY_SPLIT,      /* conv_split.comp and split Gemm sums, as
                                 * wide as they go (tests) */
  VKI_SHADER_POLICY_GEMM,       /* conv_gemm.comp for every convolution
                                 * whose tiles fit the workgroup count
                                 * limit, the rest as the GPU policy */
} VkiShaderPolicy;

/* Where an op's tensors live. Offsets are in floats: activations in the
 * net's arena, constants in its weight buffer. */
typedef struct
{
  guint32 in_off;               /* first (only) input, contiguous */
  guint32 out_off;
  guint32 out_bstride;          /* floats between consecutive batch items of
                                 * the output (more than its own size when it
                                 * writes a slice of a Concat) */
  guint32 w_off, b_off;
  gboolean tiled;               /* set by the net: texel views of the arena
                                 * and weights exist (within the device's
                                 * limits), so pools read through them */
  VkiConvKind conv;             /* convolutions: set by
                                 * vki_op_choose_shader(); Gemm and LRN:
                                 * VKI_CONV_TILED reads through the texel
                                 * views (gemm_texel, lrn_tiled) where the
                                 * shapes let it */
  guint32 split;                /* VKI_CONV_SPLIT and Gemm: invocations per
                                 * output, 1 to 64 */
  guint32 w_nstride;            /* convolutions: floats between the filters
                                 * of consecutive images; 0, they share one
                                 * (all but Winograd's batched product) */
  guint32 u_off, m_off;         /* Winograd convolutions: the transformed
                                 * input and product (winograd.h) */
  guint32 subgroup;             /* VKI_CONV_TILED: the subgroup size where
                                 * conv_tiled_sg shares weight fetches
                                 * (vki_op_subgroup_weights()), else 0 */
  gboolean image_reads;         /* the net runs the *_img shader builds */
  gboolean vec_out;             /* vec4 stores where rows allow them
                                 * (vki_op_vec_stores()) */
  gboolean scale_weights;       /* set by the net (fp16-arithmetic): pack
                                 * convolution and Gemm weights times
                                 * 2^w_exp */
  gint w_exp;                   /* set by vki_op_pack(): puts the largest
                                 * weight in [0.5, 1); 0 when unscaled */
} VkiOpPlace;

typedef struct
{
  const VkiShader *shader;
  guint32 spec[VKI_MAX_SPEC];
  guint n_spec;
  guint n_texels;               /* 0, or 3 texel-buffer bindings after the
                                 * two storage buffers: activations as R32F
                                 * and RGBA32F, weights as RGBA32F */
  guint32 push[VKI_MAX_PUSH];   /* per-dispatch values (push constants):
                                 * dispatches whose shader and spec[] match
                                 * share one pipeline */
  guint n_push;
  guint32 global[3];            /* invocations */
  guint dims;                   /* 1 to 3, for the workgroup shape */
  guint32 local[3];             /* the workgroup size the shader needs, or
                                 * zeros: the pipeline helper chooses */
  gboolean fold;                /* a 1-D dispatch the shader indexes as
                                 * y * (groups x * size x) + x: may be folded
                                 * into y past the workgroup count limit */
} VkiOpDesc;

/* Sets shapes[node->output] from the shapes of its inputs. The message of
 * any error names the node. */
gboolean vki_op_infer (GstVkInceptionModel * m, VkiNode * node,
    GstVkInceptionShape * shapes, GError ** error);

/* Does the op run a shader of its own (FALSE: Reshape, Flatten, Concat)? */
gboolean vki_op_dispatches (const VkiNode * node);

/* Can the op write its output with a batch stride, straight into a Concat
 * slice? */
gboolean vki_op_writes_views (const VkiNode * node);

/* Sets place->conv and place->split (convolutions, Gemm, LRN; other ops
 * get the defaults) by @policy; @texels: texel reads are available. Call before
 * vki_op_pack(): the convolution kinds pack their weights differently. */
void vki_op_choose_shader (const VkiNode * node,
    const GstVkInceptionShape * shapes, VkiShaderPolicy policy,
    gboolean texels, VkiOpPlace * place);

/* The subgroup size with which convolutions on conv_tiled.comp run its
 * conv_tiled_sg build, whose subgroups fetch each weight once and share it
 * by shuffles, or 0 for the plain build. Only on CPU devices under the CPU
 * policy (measured on lavapipe, where a texel fetch is a gather and a
 * shuffle by a constant lane one permute), with subgroup shuffles in
 * compute and a power-of-two subgroup size of 8 to 64, so that the
 * workgroups the pipeline helper chooses there (that size or 64) hold
 * whole subgroups of consecutive invocations. VKINCEPTION_SUBGROUP_WEIGHTS=0
 * turns it off (tests, comparisons). */
guint32 vki_op_subgroup_weights (GstVkInceptionDevice * dev,
    VkiShaderPolicy policy);

/* Whether a net of @precision on @dev runs the *_img builds of the shaders
 * that read the texel views, which read them as storage texel buffers:
 * float32 nets on CPU devices (on llvmpipe imageLoad is inline code where
 * texelFetch calls a function; GPUs keep the path measured on them, fp16
 * nets the formats every device reads), unless VKINCEPTION_IMAGE_READS=0
 * (tests, comparisons). */
gboolean vki_op_image_reads (GstVkInceptionDevice * dev,
    GstVkInceptionPrecision precision);

/* Whether conv_tiled.comp, winograd_in.comp, winograd_out.comp and (for
 * some frame formats, vki_frame_describe()) preprocess.comp store four
 * outputs at a time where the rows are whole vec4s (ST4 in
 * common.glsl): on CPU devices (on
 * llvmpipe every store is a loop over the lanes; GPUs keep the path
 * measured on them), unless VKINCEPTION_VEC_STORES=0 (tests,
 * comparisons). */
gboolean vki_op_vec_stores (GstVkInceptionDevice * dev);

/* Whether an op placed at @p whose output rows are @row_len floats long
 * stores them as vec4s: the net allows it (@p->vec_out) and every row, the
 * output's offset and its image stride start on a whole vec4. */
gboolean vki_op_vec_rows (const VkiOpPlace * p, gint64 row_len);

/* flat_div.glsl's FAST_DIV for a dispatch of @invocations: 1 below
 * FLAT_FAST_DIV_MAX, unless VKINCEPTION_INT_DIV=1 (tests) asks for
 * integer division everywhere. */
guint32 vki_op_fast_div (gint64 invocations);

/* Appends the op's constants, laid out for its shader, to @weights (float
 * array), 16-byte aligned; returns their offsets in @place. Expects what
 * the model loader guarantees: every Conv and Gemm has its weights, every
 * affine op its scale and shift. */
void vki_op_pack (GstVkInceptionModel * m, VkiNode * node,
    const GstVkInceptionShape * shapes, GArray * weights, VkiOpPlace * place);

void vki_op_describe (VkiNode * node, const GstVkInceptionShape * shapes,
    const VkiOpPlace * place, VkiOpDesc * desc);

/* A copy of @outer blocks of @block floats, the destination blocks
 * @out_ostride apart (a Concat input that could not be written in place). */
void vki_op_describe_copy (guint32 outer, guint32 block, guint32 in_off,
    guint32 out_off, guint32 out_ostride, VkiOpDesc * desc);

/* The pads of a convolution or pool as it runs (auto_pad resolved): top,
 * left, bottom, right. */
void vki_op_resolve_pads (const VkiNode * node,
    const GstVkInceptionShape * shapes, gint64 pads[4]);

/* Appends @n floats (zeros if @data is NULL) to @weights at the next
 * 16-byte boundary; returns their offset in floats. */
guint32 vki_op_append (GArray * weights, const float *data, gsize n);

/* Appends @cout filters of @filter floats each ([cout][filter], as ONNX
 * holds them), laid out for the convolution shader @kind; returns their
 * offset in floats. */
guint32 vki_op_pack_filters (const float *w, gint64 cout, gint64 filter,
    VkiConvKind kind, GArray * weights);

/* Weights and biases, and multiply-adds per inference (convolutions and
 * fully connected layers; other ops count 0 multiply-adds). */
void vki_op_count (GstVkInceptionModel * m, VkiNode * node,
    const GstVkInceptionShape * shapes, guint64 * params, guint64 * macs);

G_END_DECLS

#endif
