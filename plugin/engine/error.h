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

G_END_DECLS

#endif
