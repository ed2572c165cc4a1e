/* The vkinception plugin: the classifier and its overlay. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gstvkinception.h"
#include "gstvkinceptionoverlay.h"

/* The engine has no GStreamer dependency and logs through GLib; inside
 * GStreamer its messages go to their own debug category. */
GST_DEBUG_CATEGORY_STATIC (vkinception_engine_debug);

static void
engine_log (const gchar * domain, GLogLevelFlags level, const gchar * message,
    gpointer user_data)
{
  GstDebugLevel gst_level = GST_LEVEL_DEBUG;
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    gst_level = GST_LEVEL_ERROR;
  else if (level & G_LOG_LEVEL_WARNING)
    gst_level = GST_LEVEL_WARNING;
  else if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
    gst_level = GST_LEVEL_INFO;
  GST_CAT_LEVEL_LOG (vkinception_engine_debug, gst_level, NULL, "%s", message);
}

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ok = FALSE;

  GST_DEBUG_CATEGORY_INIT (vkinception_engine_debug, "vkinception-engine", 0,
      "gst-vkinception Vulkan inference engine");
  g_log_set_handler ("vkinception-engine", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL
      | G_LOG_FLAG_RECURSION, engine_log, NULL);

  ok |= GST_ELEMENT_REGISTER (vkinception, plugin);
  ok |= GST_ELEMENT_REGISTER (vkinceptionoverlay, plugin);
  return ok;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, vkinception,
    "Classify video with GoogLeNet as Vulkan compute shaders",
    plugin_init, PACKAGE_VERSION, "LGPL", PACKAGE, PACKAGE_ORIGIN)
