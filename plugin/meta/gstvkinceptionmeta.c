/* GstVkInceptionMeta: see include/gst/vkinception/vkinceptionmeta.h. */
#include <gst/vkinception/vkinceptionmeta.h>

static const gchar *tags[] = { NULL };

GType
gst_vk_inception_meta_api_get_type (void)
{
  static GType type = 0;
  if (g_once_init_enter (&type)) {
    /* No tags: the result holds for the picture whatever is done to its
     * pixels, so it is kept across every transform. */
    GType t = gst_meta_api_type_register ("GstVkInceptionMetaAPI", tags);
    g_once_init_leave (&type, t);
  }
  return type;
}

static void
set_classes (GstVkInceptionMeta * m, const GstVkInceptionClassification * classes,
    guint n)
{
  m->n_classes = n;
  m->classes = n ? g_new0 (GstVkInceptionClassification, n) : NULL;
  for (guint i = 0; i < n; i++) {
    m->classes[i].class_id = classes[i].class_id;
    m->classes[i].label = g_strdup (classes[i].label);
    m->classes[i].score = classes[i].score;
  }
}

static gboolean
meta_init (GstMeta * meta, gpointer params, GstBuffer * buffer)
{
  GstVkInceptionMeta *m = (GstVkInceptionMeta *) meta;
  m->model = NULL;
  m->n_classes = 0;
  m->classes = NULL;
  m->reused = FALSE;
  m->source_frame = 0;
  m->source_pts = GST_CLOCK_TIME_NONE;
  m->latency_ms = 0;
  return TRUE;
}

static void
meta_free (GstMeta * meta, GstBuffer * buffer)
{
  GstVkInceptionMeta *m = (GstVkInceptionMeta *) meta;
  for (guint i = 0; i < m->n_classes; i++)
    g_free (m->classes[i].label);
  g_free (m->classes);
  g_free (m->model);
}

static gboolean
meta_transform (GstBuffer * dest, GstMeta * meta, GstBuffer * buffer,
    GQuark type, gpointer data)
{
  GstVkInceptionMeta *m = (GstVkInceptionMeta *) meta;
  /* Copies, scaling and any other transform: the classes describe the whole
   * picture, so they carry over unchanged. */
  return gst_buffer_add_vk_inception_meta (dest, m->model, m->classes,
      m->n_classes, m->reused, m->source_frame, m->source_pts,
      m->latency_ms) != NULL;
}

const GstMetaInfo *
gst_vk_inception_meta_get_info (void)
{
  static const GstMetaInfo *info = NULL;
  if (g_once_init_enter ((GstMetaInfo **) & info)) {
    const GstMetaInfo *i = gst_meta_register (GST_VK_INCEPTION_META_API_TYPE,
        "GstVkInceptionMeta", sizeof (GstVkInceptionMeta), meta_init,
        meta_free, meta_transform);
    g_once_init_leave ((GstMetaInfo **) & info, (GstMetaInfo *) i);
  }
  return info;
}

GstVkInceptionMeta *
gst_buffer_add_vk_inception_meta (GstBuffer * buffer, const gchar * model,
    const GstVkInceptionClassification * classes, guint n_classes, gboolean reused,
    guint64 source_frame, GstClockTime source_pts, gdouble latency_ms)
{
  GstVkInceptionMeta *m;

  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  g_return_val_if_fail (n_classes == 0 || classes != NULL, NULL);
  m = (GstVkInceptionMeta *) gst_buffer_add_meta (buffer,
      GST_VK_INCEPTION_META_INFO, NULL);
  if (!m)
    return NULL;
  m->model = g_strdup (model);
  set_classes (m, classes, n_classes);
  m->reused = reused;
  m->source_frame = source_frame;
  m->source_pts = source_pts;
  m->latency_ms = latency_ms;
  return m;
}
