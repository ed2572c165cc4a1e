/* GstVkInceptionMeta: the classification result of gst-vkinception's
 * `vkinception` element, attached to each video buffer it passes.
 *
 * Link with `pkg-config --libs gstreamer-vkinception-1.0`. Applications
 * read it with gst_buffer_get_vk_inception_meta(); it survives copies and
 * scaling (the result describes the picture, not its pixels).
 */
#ifndef GST_VK_INCEPTION_META_H
#define GST_VK_INCEPTION_META_H

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_VK_INCEPTION_META_API_TYPE (gst_vk_inception_meta_api_get_type ())
#define GST_VK_INCEPTION_META_INFO (gst_vk_inception_meta_get_info ())

/* One class of the top-k. */
typedef struct {
  guint class_id;               /* index in the model's output */
  gchar *label;                 /* from the labels file, or the index */
  gfloat score;                 /* the model's output (smoothed if enabled) */
} GstVkInceptionClassification;

typedef struct {
  GstMeta meta;

  gchar *model;                 /* model file name */
  guint n_classes;              /* top-k, highest score first; may be 0 */
  GstVkInceptionClassification *classes;

  /* The frame the result was computed on. When reused is TRUE the network
   * did not run on this buffer (interval, or async while busy) and the
   * result is the one computed on frame number source_frame (counted from 0
   * since the element started) whose timestamp was source_pts. */
  gboolean reused;
  guint64 source_frame;
  GstClockTime source_pts;

  gdouble latency_ms;           /* inference time of that result */
} GstVkInceptionMeta;

GType gst_vk_inception_meta_api_get_type (void);
const GstMetaInfo *gst_vk_inception_meta_get_info (void);

/**
 * gst_buffer_add_vk_inception_meta:
 * @classes: (array length=n_classes): copied, labels included
 */
GstVkInceptionMeta *gst_buffer_add_vk_inception_meta (GstBuffer * buffer,
    const gchar * model, const GstVkInceptionClassification * classes, guint n_classes,
    gboolean reused, guint64 source_frame, GstClockTime source_pts,
    gdouble latency_ms);

#define gst_buffer_get_vk_inception_meta(b) \
  ((GstVkInceptionMeta *) gst_buffer_get_meta ((b), GST_VK_INCEPTION_META_API_TYPE))

G_END_DECLS

#endif
