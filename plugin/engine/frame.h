/* Raw video frames as network input: how their planes are packed for the
 * upload, and the preprocess dispatch that converts them on the device. */
#ifndef VKI_FRAME_H
#define VKI_FRAME_H

#include "ops.h"

G_BEGIN_DECLS

#define VKI_FRAME_MAX_PLANES 3

typedef struct
{
  GstVkInceptionFrameFormat format;
  guint n_planes;
  gsize row_bytes[VKI_FRAME_MAX_PLANES];        /* visible bytes per row */
  gsize rows[VKI_FRAME_MAX_PLANES];
  gsize stride[VKI_FRAME_MAX_PLANES];   /* packed, 4-byte aligned */
  gsize offset[VKI_FRAME_MAX_PLANES];   /* bytes from the frame's start */
  gsize data_bytes;             /* what the conversion reads of a frame */
  gsize frame_bytes;            /* per frame in the upload, 16-byte aligned */
} VkiFrameLayout;

gboolean vki_frame_layout_init (VkiFrameLayout * layout,
    const GstVkInceptionFrameFormat * format, GError ** error);

/* The preprocess dispatch writing an NCHW tensor of @dst at @out_off;
 * @vec_out: vec4 stores where the rows allow them (vki_op_vec_stores()). */
void vki_frame_describe (const VkiFrameLayout * layout,
    const GstVkInceptionPreprocess * pre, const GstVkInceptionShape * dst,
    guint32 out_off, gboolean vec_out, VkiOpDesc * desc);

/* Copies the visible bytes of @n frames into @dst, packed per @layout. */
void vki_frame_pack (const VkiFrameLayout * layout, guint8 * dst, guint n,
    const guint8 *const *const *frames, const gint *const *strides);

G_END_DECLS

#endif
