/* One place where Vulkan results become GErrors. */
#ifndef VKI_ERROR_H
#define VKI_ERROR_H

#include <gst/vkinception/engine.h>

G_BEGIN_DECLS

/* Returns TRUE for VK_SUCCESS (and other non-negative results). Otherwise sets
 * @error to "<what>: <VkResult name>" in the matching error code. */
gboolean vki_result_to_error (VkResult result, GError ** error,
    const gchar * format, ...) G_GNUC_PRINTF (3, 4);

const gchar *vki_result_to_string (VkResult result);

/* A copy of @s (NULL: "") fit to quote in a message: valid UTF-8 (invalid
 * bytes become U+FFFD) on one line (control characters become '?'). */
gchar *vki_printable (const gchar * s);

/* Makes @error's message (if any) printable as vki_printable() does: GError
 * messages are UTF-8, and bindings decode them. The public functions that
 * quote model files or paths call it on the error they return. */
void vki_error_make_printable (GError * error);

G_END_DECLS

#endif
