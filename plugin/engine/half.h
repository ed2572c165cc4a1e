/* IEEE 754 binary16 <-> float32 on the host, for the inputs and outputs of
 * a net with float16 activations. */
#ifndef VKI_HALF_H
#define VKI_HALF_H

#include <glib.h>

G_BEGIN_DECLS

/* Round to nearest even; overflow gives infinity, NaN stays NaN. */
void vki_half_from_floats (guint16 * dst, const float *src, gsize n);

/* Exact. */
void vki_floats_from_half (float *dst, const guint16 * src, gsize n);

G_END_DECLS

#endif
