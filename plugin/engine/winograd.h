/* Winograd F(4x4, 3x3) convolutions: a 3x3 stride-1 convolution as three
 * dispatches (shaders/winograd.glsl): the input transform, 36 matrix
 * products (a batched 1x1 convolution on conv_tiled.comp or conv.comp, with
 * filters transformed here at set-up) and the output transform, with bias
 * and Relu. 4x fewer multiply-adds than the direct shaders, for two passes
 * over a transformed copy of the input and output. The net (net.c) gives
 * each such convolution two scratch tensors in its arena and three levels. */
#ifndef VKI_WINOGRAD_H
#define VKI_WINOGRAD_H

#include "ops.h"

G_BEGIN_DECLS

/* The three dispatches, in order. */
typedef enum
{
  VKI_WINOGRAD_INPUT = 1,
  VKI_WINOGRAD_PRODUCT,
  VKI_WINOGRAD_OUTPUT,
} VkiWinogradStep;

/* Where the net runs a fitting convolution as Winograd by default (CPU
 * devices, float32): from this many direct multiply-adds, on output planes
 * of at least this many pixels (why: plugin/engine/net.c). */
#define VKI_WINOGRAD_MIN_MACS (G_GINT64_CONSTANT (8) << 20)
#define VKI_WINOGRAD_MIN_PLANE (14 * 14)

/* Can @node run as a Winograd convolution (3x3, stride 1, dilation 1)? */
gboolean vki_winograd_fits (const VkiNode * node);

/* Floats of its two scratch tensors: the transformed input @u and the
 * product @m. */
void vki_winograd_scratch (const VkiNode * node,
    const GstVkInceptionShape * shapes, gint64 * u, gint64 * m);

/* Appends the constants of @step to @weights: the transformed filters (the
 * product, laid out for place->conv), the bias (the output transform).
 * Without @values only their room (zeros): the net's sizing pass. */
void vki_winograd_pack (GstVkInceptionModel * m, const VkiNode * node,
    VkiWinogradStep step, gboolean values, GArray * weights,
    VkiOpPlace * place);

/* Describes the dispatch of @step; @place holds the offsets of the input,
 * output, scratch tensors and of what vki_winograd_pack() placed. */
void vki_winograd_describe (const VkiNode * node,
    const GstVkInceptionShape * shapes, const VkiOpPlace * place,
    VkiWinogradStep step, VkiOpDesc * desc);

G_END_DECLS

#endif
