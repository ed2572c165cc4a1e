/* Sharing one Vulkan device between vkinception elements: the GstContext
 * protocol (GstContext's documentation, "Context propagation"). Elements
 * whose `device` property is equal share; the property is part of the
 * context type, because a bin keeps one context per type: with a single
 * type, an element with another selector would replace the context that
 * the others share. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvkinceptioncontext.h"

/* GStreamer's own category for contexts (GST_DEBUG=GST_CONTEXT:5), which
 * gst/gstinfo.h does not export. */
GST_DEBUG_CATEGORY_STATIC (context_debug);
#define GST_CAT_DEFAULT context_debug

static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_GET (context_debug, "GST_CONTEXT");
    g_once_init_leave (&done, 1);
  }
}

/* How a device prints in a structure (gst-launch-1.0's "Got context"
 * line, debug logs): its name, where GStreamer would print NULL for a
 * boxed type it does not know. */
static gchar *
serialize_device (const GValue * value)
{
  GstVkInceptionDevice *dev = g_value_get_boxed (value);
  gchar *escaped, *text;

  if (!dev)
    return g_strdup ("NULL");
  escaped = g_strescape (gst_vk_inception_device_get_name (dev), NULL);
  text = g_strdup_printf ("\"%s\"", escaped);
  g_free (escaped);
  return text;
}

static void
register_serializer (GType type)
{
  /* Static: GStreamer keeps a pointer to it. */
  static GstValueTable table = { 0, NULL, serialize_device, NULL };

  table.type = type;
  gst_value_register (&table);
}

G_DEFINE_BOXED_TYPE_WITH_CODE (GstVkInceptionDevice, gst_vk_inception_device,
    gst_vk_inception_device_ref, gst_vk_inception_device_unref,
    register_serializer (g_define_type_id));

gchar *
gst_vk_inception_context_type (const gchar * selector)
{
  return selector ? g_strconcat (GST_VK_INCEPTION_DEVICE_CONTEXT_TYPE, "/",
      selector, NULL) : g_strdup (GST_VK_INCEPTION_DEVICE_CONTEXT_TYPE);
}

GstContext *
gst_vk_inception_context_new (GstVkInceptionDevice * dev,
    const gchar * selector)
{
  /* Not persistent: a pipeline going to NULL drops it, and with it the
   * device, as it drops the elements' own references. */
  gchar *type = gst_vk_inception_context_type (selector);
  GstContext *context = gst_context_new (type, FALSE);

  g_free (type);
  gst_structure_set (gst_context_writable_structure (context),
      "device", GST_TYPE_VK_INCEPTION_DEVICE, dev,
      "selector", G_TYPE_STRING, selector,
      "device-name", G_TYPE_STRING, gst_vk_inception_device_get_name (dev),
      NULL);
  return context;
}

GstVkInceptionDevice *
gst_vk_inception_context_get_device (GstContext * context,
    const gchar * selector)
{
  gchar *type = gst_vk_inception_context_type (selector);
  gboolean ours;
  const GstStructure *s;
  const GValue *v;

  init_debug ();
  ours = context && g_strcmp0 (gst_context_get_context_type (context),
      type) == 0;
  g_free (type);
  if (!ours)
    return NULL;
  s = gst_context_get_structure (context);
  v = gst_structure_get_value (s, "device");
  if (!v || !G_VALUE_HOLDS (v, GST_TYPE_VK_INCEPTION_DEVICE)
      || !g_value_get_boxed (v)) {
    GST_WARNING ("ignoring a %s context without a device: %" GST_PTR_FORMAT,
        gst_context_get_context_type (context), s);
    return NULL;
  }
  return gst_vk_inception_device_ref (g_value_get_boxed (v));
}

/* The device of @element's own context of @type, the type for @selector. */
static GstVkInceptionDevice *
own_device (GstElement * element, const gchar * type, const gchar * selector)
{
  GstContext *context = gst_element_get_context (element, type);
  GstVkInceptionDevice *dev =
      gst_vk_inception_context_get_device (context, selector);

  if (context)
    gst_context_unref (context);
  return dev;
}

typedef struct
{
  GstQuery *query;
  const gchar *selector;
  GstVkInceptionDevice *dev;
} PeerSearch;

static gboolean
ask_peer (GstElement * element, GstPad * pad, gpointer data)
{
  PeerSearch *search = data;
  GstContext *context = NULL;

  if (!gst_pad_peer_query (pad, search->query))
    return TRUE;
  gst_query_parse_context (search->query, &context);
  search->dev = gst_vk_inception_context_get_device (context,
      search->selector);
  if (!search->dev)
    return TRUE;
  GST_DEBUG_OBJECT (element, "device from a neighbour through %"
      GST_PTR_FORMAT, pad);
  gst_element_set_context (element, context);
  return FALSE;
}

GstVkInceptionDevice *
gst_vk_inception_context_find_device (GstElement * element,
    const gchar * selector)
{
  gchar *type = gst_vk_inception_context_type (selector);
  PeerSearch search = { NULL, selector, own_device (element, type, selector) };

  if (!search.dev) {
    /* Downstream first, then upstream, as GStreamer's elements ask. */
    search.query = gst_query_new_context (type);
    gst_element_foreach_src_pad (element, ask_peer, &search);
    if (!search.dev)
      gst_element_foreach_sink_pad (element, ask_peer, &search);
    gst_query_unref (search.query);
  }
  if (!search.dev) {
    /* A bin that has the context sets it on the element before
     * gst_element_post_message() returns. */
    gst_element_post_message (element,
        gst_message_new_need_context (GST_OBJECT (element), type));
    search.dev = own_device (element, type, selector);
  }
  g_free (type);
  return search.dev;
}

void
gst_vk_inception_context_announce (GstElement * element,
    GstVkInceptionDevice * dev, const gchar * selector)
{
  GstContext *context = gst_vk_inception_context_new (dev, selector);

  init_debug ();
  gst_element_set_context (element, context);
  GST_DEBUG_OBJECT (element, "posting its device: %" GST_PTR_FORMAT, context);
  gst_element_post_message (element,
      gst_message_new_have_context (GST_OBJECT (element), context));
}

gboolean
gst_vk_inception_context_answer (GstElement * element, GstQuery * query)
{
  const gchar *type;
  GstContext *context;

  if (GST_QUERY_TYPE (query) != GST_QUERY_CONTEXT
      || !gst_query_parse_context_type (query, &type)
      || !g_str_has_prefix (type, GST_VK_INCEPTION_DEVICE_CONTEXT_TYPE))
    return FALSE;
  context = gst_element_get_context (element, type);
  if (!context)
    return FALSE;
  gst_query_set_context (query, context);
  gst_context_unref (context);
  return TRUE;
}
