/* VkResult -> GError, in the spirit of gst-libs/gst/vulkan/gstvkerror.c. */
#include "error.h"

G_DEFINE_QUARK (gst-vk-inception-error-quark, gst_vk_inception_error);

const gchar *
vki_result_to_string (VkResult result)
{
  switch (result) {
#define CASE(r) case r: return #r
      CASE (VK_SUCCESS);
      CASE (VK_NOT_READY);
      CASE (VK_TIMEOUT);
      CASE (VK_INCOMPLETE);
      CASE (VK_ERROR_OUT_OF_HOST_MEMORY);
      CASE (VK_ERROR_OUT_OF_DEVICE_MEMORY);
      CASE (VK_ERROR_INITIALIZATION_FAILED);
      CASE (VK_ERROR_DEVICE_LOST);
      CASE (VK_ERROR_MEMORY_MAP_FAILED);
      CASE (VK_ERROR_LAYER_NOT_PRESENT);
      CASE (VK_ERROR_EXTENSION_NOT_PRESENT);
      CASE (VK_ERROR_FEATURE_NOT_PRESENT);
      CASE (VK_ERROR_INCOMPATIBLE_DRIVER);
      CASE (VK_ERROR_TOO_MANY_OBJECTS);
      CASE (VK_ERROR_FORMAT_NOT_SUPPORTED);
      CASE (VK_ERROR_FRAGMENTED_POOL);
      CASE (VK_ERROR_OUT_OF_POOL_MEMORY);
      CASE (VK_ERROR_INVALID_EXTERNAL_HANDLE);
      CASE (VK_ERROR_FRAGMENTATION);
      CASE (VK_ERROR_INVALID_SHADER_NV);
#undef CASE
    default:
      return "VK_ERROR_UNKNOWN";
  }
}

static GstVkInceptionError
result_to_code (VkResult result)
{
  switch (result) {
    case VK_ERROR_OUT_OF_HOST_MEMORY:
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
    case VK_ERROR_OUT_OF_POOL_MEMORY:
    case VK_ERROR_FRAGMENTED_POOL:
    case VK_ERROR_FRAGMENTATION:
      return GST_VK_INCEPTION_ERROR_OUT_OF_MEMORY;
    case VK_ERROR_DEVICE_LOST:
      return GST_VK_INCEPTION_ERROR_DEVICE_LOST;
    case VK_ERROR_INCOMPATIBLE_DRIVER:
      return GST_VK_INCEPTION_ERROR_NO_DEVICE;
    default:
      return GST_VK_INCEPTION_ERROR_VULKAN;
  }
}

gboolean
vki_result_to_error (VkResult result, GError ** error, const gchar * format,
    ...)
{
  va_list args;
  gchar *what;

  if (result >= VK_SUCCESS)
    return TRUE;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, GST_VK_INCEPTION_ERROR, result_to_code (result),
      "%s: %s", what, vki_result_to_string (result));
  g_free (what);
  return FALSE;
}

gchar *
vki_printable (const gchar * s)
{
  gchar *p = g_utf8_make_valid (s ? s : "", -1);
  for (gchar * c = p; *c; c++)
    if ((guchar) * c < 0x20 || *c == 0x7f)
      *c = '?';
  return p;
}

void
vki_error_make_printable (GError * error)
{
  gchar *p;

  if (!error || !error->message)
    return;
  p = vki_printable (error->message);
  g_free (error->message);
  error->message = p;
}
