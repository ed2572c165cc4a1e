/**
 * SECTION:element-vkinceptionoverlay
 * @title: vkinceptionoverlay
 * @see_also: vkinception, #GstVkInceptionMeta
 *
 * Draws the classification result that `vkinception` attaches to each buffer
 * (a #GstVkInceptionMeta): one row per class, highest score first, each with
 * a bar as long as the score and the text "label 0.873", on a translucent
 * dark box in a corner of the picture. The text size follows the video
 * height. Buffers without a result, and gap buffers (no picture), pass
 * through untouched.
 *
 * The drawing is a #GstVideoOverlayComposition. When downstream handles
 * #GstVideoOverlayCompositionMeta (it accepts the
 * `meta:GstVideoOverlayComposition` caps feature and proposes the meta in
 * the allocation query, as glimagesink does), the composition is attached
 * to the buffer and the sink composites it; otherwise it is blended into the
 * frame here, so the result shows on any sink, in any raw format.
 *
 * It is rendered once per distinct result and reused while the result,
 * as displayed, stays the same: with `vkinception interval=N` or
 * `async=true` that is one render per inference, not per frame. A reused
 * result is drawn like a fresh one: with interval=N most frames carry one,
 * and marking them would make the overlay blink at the inference rate.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc ! \
 *     vkinception model=googlenet.onnx labels=synset_words.txt ! \
 *     videoconvert ! vkinceptionoverlay ! videoconvert ! autovideosink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvkinceptionoverlay.h"

#include <gst/vkinception/vkinceptionmeta.h>
#include <pango/pangocairo.h>

#include <math.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_vk_inception_overlay_debug);
#define GST_CAT_DEFAULT gst_vk_inception_overlay_debug

#define DEFAULT_ENABLED TRUE
#define DEFAULT_POSITION GST_VK_INCEPTION_OVERLAY_POSITION_TOP_LEFT
#define DEFAULT_FONT_DESC "Sans"
#define DEFAULT_MAX_ROWS 5

/* Text size in pixels: the video height over this, so the box covers the
 * same share of the picture at any resolution (8.6 -> 10 px at 240 lines,
 * 38 px at 1080). */
#define HEIGHT_PER_FONT_PX 28.0
/* Below this, glyphs stop being legible, whatever the video size. */
#define MIN_FONT_PX 10.0

/* Layout, in units of the font size. */
#define PAD_EM 0.5              /* box edge to its content */
#define MARGIN_EM 0.5           /* picture edge to the box */
#define GAP_EM 0.5              /* between bar, label and score */
#define ROW_GAP_EM 0.25
#define BAR_WIDTH_EM 4.0
#define BAR_HEIGHT_LINES 0.5    /* of the line height */
#define CORNER_EM 0.35
/* Never shrink the label column below this, even on tiny pictures: an
 * ellipsis alone says nothing. */
#define MIN_LABEL_EM 2.0
/* Nor let one long label ("great grey owl, great gray owl, Strix
 * nebulosa") stretch the box across the whole picture. */
#define MAX_LABEL_EM 16.0

#define BOX_ALPHA 0.65

#define CAPS_FEATURE_COMPOSITION \
  GST_CAPS_FEATURE_META_GST_VIDEO_OVERLAY_COMPOSITION

/* What gst_video_overlay_composition_blend() can draw into. */
#define BLEND_CAPS \
  GST_VIDEO_CAPS_MAKE (GST_VIDEO_OVERLAY_COMPOSITION_BLEND_FORMATS)

/* Listed first so that a source free to choose (videotestsrc into a
 * fakesink) picks a common 8-bit format rather than the first of
 * GST_VIDEO_FORMATS_ALL, ABGR64_LE. */
#define COMMON_CAPS GST_VIDEO_CAPS_MAKE ("{ I420, NV12, YV12, NV21, YUY2, " \
    "UYVY, RGBA, BGRA, RGBx, BGRx, ARGB, ABGR, xRGB, xBGR, RGB, BGR, GRAY8 }")

/* Anything else is fine too, any memory and any format, as long as the
 * composition is attached rather than blended (transform_caps() sees to
 * that): the format is left open for that reason. */
#define ALL_CAPS COMMON_CAPS "; " BLEND_CAPS "; " \
  "video/x-raw(ANY), " \
  "width = " GST_VIDEO_SIZE_RANGE ", " \
  "height = " GST_VIDEO_SIZE_RANGE ", " \
  "framerate = " GST_VIDEO_FPS_RANGE

static GstStaticCaps blend_caps = GST_STATIC_CAPS (BLEND_CAPS);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (ALL_CAPS));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (ALL_CAPS));

enum
{
  PROP_0,
  PROP_ENABLED,
  PROP_POSITION,
  PROP_FONT_DESC,
  PROP_MAX_ROWS,
};

/* The properties as one buffer sees them: copied under the object lock so
 * that a change from the application never lands half-way through a
 * frame. */
typedef struct
{
  gboolean enabled;
  GstVkInceptionOverlayPosition position;
  gchar *font_desc;
  guint max_rows;
} Settings;

/* One row as it will be drawn. */
typedef struct
{
  const gchar *label;
  gchar id_label[16];           /* the class number, for a missing label */
  gchar score_text[G_ASCII_DTOSTR_BUF_SIZE];
  gdouble fill;                 /* bar length, 0..1 */
} Row;

struct _GstVkInceptionOverlay
{
  GstBaseTransform parent;

  /* Properties, under the object lock. */
  Settings props;

  /* Streaming thread only. */
  GstVideoInfo info;
  gboolean can_blend;           /* the input is raw video in system memory */
  gboolean attach;              /* attach the composition instead of blending */
  gboolean check_allocation;    /* ask downstream before the next drawing */
  gboolean draw;                /* the buffer in flight gets drawn on */
  Settings frame;               /* props for the buffer in flight */

  /* Render cache, streaming thread only. */
  PangoContext *pango;
  gchar *cache_key;
  GstVideoOverlayComposition *composition;
};

G_DEFINE_TYPE (GstVkInceptionOverlay, gst_vk_inception_overlay,
    GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (vkinceptionoverlay, "vkinceptionoverlay",
    GST_RANK_NONE, GST_TYPE_VK_INCEPTION_OVERLAY);

GType
gst_vk_inception_overlay_position_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_VK_INCEPTION_OVERLAY_POSITION_TOP_LEFT, "Top left corner",
        "top-left"},
    {GST_VK_INCEPTION_OVERLAY_POSITION_TOP_RIGHT, "Top right corner",
        "top-right"},
    {GST_VK_INCEPTION_OVERLAY_POSITION_BOTTOM_LEFT, "Bottom left corner",
        "bottom-left"},
    {GST_VK_INCEPTION_OVERLAY_POSITION_BOTTOM_RIGHT, "Bottom right corner",
        "bottom-right"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstVkInceptionOverlayPosition", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static void
settings_clear (Settings * s)
{
  g_clear_pointer (&s->font_desc, g_free);
}

static void
settings_copy (Settings * dest, const Settings * src)
{
  settings_clear (dest);
  *dest = *src;
  dest->font_desc = g_strdup (src->font_desc);
}

static void
gst_vk_inception_overlay_clear_cache (GstVkInceptionOverlay * self)
{
  g_clear_pointer (&self->composition, gst_video_overlay_composition_unref);
  g_clear_pointer (&self->cache_key, g_free);
}

/* ------------------------------------------------------------ negotiation */

static gboolean
caps_has_composition_feature (const GstCaps * caps, guint i)
{
  GstCapsFeatures *f = gst_caps_get_features (caps, i);
  return f && !gst_caps_features_is_any (f) &&
      gst_caps_features_contains (f, CAPS_FEATURE_COMPOSITION);
}

/* @one: a single structure with the composition feature. */
static GstCaps *
without_composition_feature (const GstCaps * one)
{
  GstCaps *caps = gst_caps_copy (one);
  GstCapsFeatures *f = gst_caps_features_copy (gst_caps_get_features (one, 0));

  gst_caps_features_remove (f, CAPS_FEATURE_COMPOSITION);
  if (gst_caps_features_get_size (f) == 0) {
    /* Nothing left means system memory: say so the usual way. */
    gst_caps_features_free (f);
    f = NULL;
  }
  gst_caps_set_features (caps, 0, f);
  return caps;
}

/* @one: a single structure without the composition feature. Sinks spell
 * system memory with the meta either way, so both are offered. */
static GstCaps *
with_composition_feature (const GstCaps * one)
{
  GstCaps *caps = gst_caps_copy (one);
  GstCapsFeatures *f = gst_caps_features_copy (gst_caps_get_features (one, 0));

  gst_caps_features_add (f, CAPS_FEATURE_COMPOSITION);
  gst_caps_set_features (caps, 0, f);

  if (gst_caps_features_is_equal (gst_caps_get_features (one, 0),
          GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY)) {
    GstCaps *bare = gst_caps_copy (one);
    gst_caps_set_features (bare, 0,
        gst_caps_features_new (CAPS_FEATURE_COMPOSITION, NULL));
    caps = gst_caps_merge (bare, caps);
  }
  return caps;
}

/* Like basetextoverlay: towards downstream, each input structure can go out
 * with the composition feature added (first, so that a downstream that
 * composites takes it) or as it is if we can blend into it; towards
 * upstream, a downstream structure with the feature can be fed with or
 * without it, and one without only with what we can blend into. */
static GstCaps *
gst_vk_inception_overlay_transform_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * filter)
{
  GstCaps *blendable, *ret;
  guint i;

  if (gst_caps_is_any (caps)) {
    ret = gst_caps_ref (caps);
    goto done;
  }

  blendable = gst_static_caps_get (&blend_caps);
  ret = gst_caps_new_empty ();

  for (i = 0; i < gst_caps_get_size (caps); i++) {
    GstCaps *one = gst_caps_copy_nth (caps, i);
    GstCapsFeatures *f = gst_caps_get_features (one, 0);

    if (gst_caps_features_is_any (f)) {
      ret = gst_caps_merge (ret, one);
    } else if (caps_has_composition_feature (one, 0)) {
      GstCaps *bare = direction == GST_PAD_SRC ?
          without_composition_feature (one) : NULL;
      /* Going downstream, input that already carries compositions keeps
       * the feature: ours joins them. */
      ret = gst_caps_merge (ret, one);
      if (bare)
        ret = gst_caps_merge (ret, bare);
    } else {
      if (direction == GST_PAD_SINK)
        ret = gst_caps_merge (ret, with_composition_feature (one));
      ret = gst_caps_merge (ret, gst_caps_intersect_full (one, blendable,
              GST_CAPS_INTERSECT_FIRST));
      gst_caps_unref (one);
    }
  }
  gst_caps_unref (blendable);

done:
  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, ret,
        GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (ret);
    ret = tmp;
  }
  GST_LOG_OBJECT (trans, "%s %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT,
      direction == GST_PAD_SINK ? "downstream" : "upstream", caps, ret);
  return ret;
}

static gboolean
gst_vk_inception_overlay_set_caps (GstBaseTransform * trans, GstCaps * incaps,
    GstCaps * outcaps)
{
  GstVkInceptionOverlay *self = GST_VK_INCEPTION_OVERLAY (trans);
  GstCaps *blendable;
  gboolean upstream_has_meta, caps_have_meta;

  if (!gst_video_info_from_caps (&self->info, incaps)) {
    GST_WARNING_OBJECT (self, "invalid caps %" GST_PTR_FORMAT, incaps);
    return FALSE;
  }

  blendable = gst_static_caps_get (&blend_caps);
  self->can_blend = gst_caps_is_subset (incaps, blendable);
  gst_caps_unref (blendable);

  upstream_has_meta = caps_has_composition_feature (incaps, 0);
  caps_have_meta = caps_has_composition_feature (outcaps, 0);
  self->check_allocation = FALSE;

  if (upstream_has_meta || (caps_have_meta && !self->can_blend)) {
    self->attach = TRUE;
  } else if (caps_have_meta) {
    /* Downstream caps allow the meta, but caps say nothing about whether
     * anything down there will composite it (fakesink and appsink take any
     * caps): the allocation query does. It needs our caps sent first,
     * which happens after this returns, so it is asked before the first
     * drawing. Without the meta there we blend, as with plain caps. */
    self->attach = FALSE;
    self->check_allocation = TRUE;
  } else if (self->can_blend) {
    self->attach = FALSE;
  } else {
    GST_WARNING_OBJECT (self, "cannot blend into %" GST_PTR_FORMAT
        " and downstream does not take overlay compositions", incaps);
    return FALSE;
  }

  GST_DEBUG_OBJECT (self, "in %" GST_PTR_FORMAT ", out %" GST_PTR_FORMAT
      ": %s", incaps, outcaps, self->check_allocation ?
      "asking downstream" : self->attach ? "attaching" : "blending");
  return TRUE;
}

static void
gst_vk_inception_overlay_decide_attach (GstVkInceptionOverlay * self)
{
  GstBaseTransform *trans = GST_BASE_TRANSFORM (self);
  GstCaps *caps;
  GstQuery *query;

  caps = gst_pad_get_current_caps (trans->srcpad);
  if (!caps)
    return;                     /* deactivating: blend, ask next time */
  self->check_allocation = FALSE;

  query = gst_query_new_allocation (caps, FALSE);
  if (!gst_pad_peer_query (trans->srcpad, query))
    GST_DEBUG_OBJECT (self, "allocation query failed");
  self->attach = gst_query_find_allocation_meta (query,
      GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE, NULL);
  gst_query_unref (query);
  gst_caps_unref (caps);

  GST_DEBUG_OBJECT (self, "downstream %s overlay compositions",
      self->attach ? "takes" : "does not take");
}

/* -------------------------------------------------------------- rendering */

static gboolean
gst_vk_inception_overlay_ensure_pango (GstVkInceptionOverlay * self)
{
  PangoFontMap *fontmap;
  cairo_font_options_t *options;

  if (self->pango)
    return TRUE;

  /* A font map of our own: Pango font maps are not thread-safe, and the
   * default one belongs to whichever thread asks first. */
  fontmap = pango_cairo_font_map_new ();
  if (!fontmap)
    return FALSE;
  self->pango = pango_font_map_create_context (fontmap);
  g_object_unref (fontmap);
  if (!self->pango)
    return FALSE;

  /* Grey antialiasing: subpixel colour fringes would be smeared by chroma
   * subsampling and scaling. Unhinted metrics so that sizes scale evenly
   * with the video height. */
  options = cairo_font_options_create ();
  cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (self->pango, options);
  cairo_font_options_destroy (options);
  return TRUE;
}

static void
rounded_rectangle (cairo_t * cr, gdouble w, gdouble h, gdouble r)
{
  r = MIN (r, MIN (w, h) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, w - r, r, r, -G_PI / 2, 0);
  cairo_arc (cr, w - r, h - r, r, 0, G_PI / 2);
  cairo_arc (cr, r, h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, r, r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static gint
layout_width (PangoLayout * layout, const gchar * text)
{
  PangoRectangle logical;
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  return logical.width;
}

/* Draws @rows into a new composition for a @width x @height picture, or
 * returns NULL if Pango or Cairo fail. */
static GstVideoOverlayComposition *
gst_vk_inception_overlay_render (GstVkInceptionOverlay * self,
    const Row * rows, guint n_rows, const Settings * s, gint width,
    gint height)
{
  PangoFontDescription *desc;
  PangoLayout *layout;
  PangoRectangle logical;
  GstVideoOverlayComposition *comp = NULL;
  GstVideoOverlayRectangle *rect;
  GstBuffer *pixels = NULL;
  GstMapInfo map;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  gsize offset[GST_VIDEO_MAX_PLANES] = { 0, };
  gint stride[GST_VIDEO_MAX_PLANES] = { 0, };
  gdouble font_px;
  gint pad, margin, gap, row_gap, bar_w, bar_h, line_h;
  gint label_w = 0, score_w = 0, avail, box_w, box_h, x, y, fit;
  guint i;

  if (!gst_vk_inception_overlay_ensure_pango (self))
    return NULL;

  font_px = MAX (MIN_FONT_PX, height / HEIGHT_PER_FONT_PX);
  pad = lround (font_px * PAD_EM);
  margin = lround (font_px * MARGIN_EM);
  gap = lround (font_px * GAP_EM);
  row_gap = lround (font_px * ROW_GAP_EM);
  bar_w = lround (font_px * BAR_WIDTH_EM);

  /* The family, weight and style come from font-desc; the size is ours, as
   * it has to follow the video height. */
  desc = pango_font_description_from_string (s->font_desc ?
      s->font_desc : DEFAULT_FONT_DESC);
  pango_font_description_set_absolute_size (desc, font_px * PANGO_SCALE);
  layout = pango_layout_new (self->pango);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  /* A label with a newline in it must still take one row. */
  pango_layout_set_single_paragraph_mode (layout, TRUE);

  pango_layout_set_text (layout, "0.000", -1);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  line_h = MAX (logical.height, 1);
  bar_h = MAX (2, lround (line_h * BAR_HEIGHT_LINES));

  /* Rows that do not fit the picture height are dropped, lowest first. */
  fit = MAX (1, (height - 2 * margin - 2 * pad + row_gap) / (line_h + row_gap));
  n_rows = MIN (n_rows, (guint) fit);
  box_h = 2 * pad + n_rows * line_h + (n_rows - 1) * row_gap;

  for (i = 0; i < n_rows; i++) {
    label_w = MAX (label_w, layout_width (layout, rows[i].label));
    score_w = MAX (score_w, layout_width (layout, rows[i].score_text));
  }

  /* Longer labels are ellipsized. */
  avail = width - 2 * margin - 2 * pad - bar_w - 2 * gap - score_w;
  avail = MIN (avail, lround (font_px * MAX_LABEL_EM));
  label_w = MIN (label_w, MAX (avail, lround (font_px * MIN_LABEL_EM)));
  box_w = 2 * pad + bar_w + gap + label_w + gap + score_w;

  /* Only on pictures too small for one row: clip rather than fail. */
  box_w = CLAMP (box_w, 1, width);
  box_h = CLAMP (box_h, 1, height);

  stride[0] = cairo_format_stride_for_width (CAIRO_FORMAT_ARGB32, box_w);
  pixels = gst_buffer_new_allocate (NULL, (gsize) stride[0] * box_h, NULL);
  if (!pixels || !gst_buffer_map (pixels, &map, GST_MAP_WRITE)) {
    GST_ERROR_OBJECT (self, "could not allocate %dx%d overlay", box_w, box_h);
    goto out;
  }
  memset (map.data, 0, map.size);
  surface = cairo_image_surface_create_for_data (map.data,
      CAIRO_FORMAT_ARGB32, box_w, box_h, stride[0]);
  cr = cairo_create (surface);
  pango_cairo_update_layout (cr, layout);

  rounded_rectangle (cr, box_w, box_h, font_px * CORNER_EM);
  cairo_set_source_rgba (cr, 0, 0, 0, BOX_ALPHA);
  cairo_fill (cr);

  for (i = 0; i < n_rows; i++) {
    gint row_y = pad + i * (line_h + row_gap);
    gdouble bar_y = row_y + (line_h - bar_h) / 2.0;
    gint sw;

    cairo_rectangle (cr, pad, bar_y, bar_w, bar_h);
    cairo_set_source_rgba (cr, 1, 1, 1, 0.25);
    cairo_fill (cr);
    if (rows[i].fill > 0) {
      cairo_rectangle (cr, pad, bar_y, rows[i].fill * bar_w, bar_h);
      cairo_set_source_rgb (cr, 0.30, 0.80, 0.45);
      cairo_fill (cr);
    }

    pango_layout_set_width (layout, label_w * PANGO_SCALE);
    pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    pango_layout_set_text (layout, rows[i].label, -1);
    cairo_move_to (cr, pad + bar_w + gap, row_y);
    cairo_set_source_rgb (cr, 1, 1, 1);
    pango_cairo_show_layout (cr, layout);

    /* Scores right-aligned, so that their digits line up. */
    pango_layout_set_width (layout, -1);
    pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_NONE);
    sw = layout_width (layout, rows[i].score_text);
    cairo_move_to (cr, box_w - pad - sw, row_y);
    cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
    pango_cairo_show_layout (cr, layout);
  }

  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  gst_buffer_unmap (pixels, &map);
  if (status != CAIRO_STATUS_SUCCESS) {
    GST_ERROR_OBJECT (self, "drawing failed: %s",
        cairo_status_to_string (status));
    goto out;
  }

  /* Cairo's ARGB32 is premultiplied native-endian ARGB, which is what
   * overlay rectangles take. */
  gst_buffer_add_video_meta_full (pixels, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, box_w, box_h, 1, offset,
      stride);

  switch (s->position) {
    case GST_VK_INCEPTION_OVERLAY_POSITION_TOP_RIGHT:
    case GST_VK_INCEPTION_OVERLAY_POSITION_BOTTOM_RIGHT:
      x = MAX (0, width - margin - box_w);
      break;
    default:
      x = MIN (margin, width - box_w);
      break;
  }
  switch (s->position) {
    case GST_VK_INCEPTION_OVERLAY_POSITION_BOTTOM_LEFT:
    case GST_VK_INCEPTION_OVERLAY_POSITION_BOTTOM_RIGHT:
      y = MAX (0, height - margin - box_h);
      break;
    default:
      y = MIN (margin, height - box_h);
      break;
  }

  rect = gst_video_overlay_rectangle_new_raw (pixels, x, y, box_w, box_h,
      GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
  comp = gst_video_overlay_composition_new (rect);
  gst_video_overlay_rectangle_unref (rect);

  GST_DEBUG_OBJECT (self, "rendered %u rows, %dx%d at %d,%d, %.1f px text",
      n_rows, box_w, box_h, x, y, font_px);

out:
  if (pixels)
    gst_buffer_unref (pixels);
  g_object_unref (layout);
  return comp;
}

/* Returns the composition for @meta (owned by @self, valid until the next
 * call), rendering it only if it differs from the last one; NULL if there
 * is nothing to draw or drawing failed. */
static GstVideoOverlayComposition *
gst_vk_inception_overlay_get_composition (GstVkInceptionOverlay * self,
    const GstVkInceptionMeta * meta, const Settings * s)
{
  gint width = GST_VIDEO_INFO_WIDTH (&self->info);
  gint height = GST_VIDEO_INFO_HEIGHT (&self->info);
  GString *key;
  Row *rows;
  guint i, n;

  n = meta->n_classes;
  if (s->max_rows > 0)
    n = MIN (n, s->max_rows);
  if (n == 0 || width <= 0 || height <= 0)
    return NULL;

  /* The key is what ends up on screen. Keying on the scores as displayed,
   * not as computed, matters with smoothing: every frame then brings new
   * floats, but mostly the same three decimals. */
  rows = g_new0 (Row, n);
  key = g_string_sized_new (256);
  g_string_append_printf (key, "%dx%d %d %s\n", width, height, s->position,
      s->font_desc);
  for (i = 0; i < n; i++) {
    const GstVkInceptionClassification *c = &meta->classes[i];
    gdouble shown;

    rows[i].label = c->label;
    if (!rows[i].label) {
      g_snprintf (rows[i].id_label, sizeof (rows[i].id_label), "%u",
          c->class_id);
      rows[i].label = rows[i].id_label;
    }
    /* Not printf: the decimal point must not depend on the locale. */
    g_ascii_formatd (rows[i].score_text, sizeof (rows[i].score_text), "%.3f",
        c->score);
    /* The bar follows the text, so the key covers it too; NaN gets none. */
    shown = g_ascii_strtod (rows[i].score_text, NULL);
    rows[i].fill = shown > 0 ? MIN (shown, 1.0) : 0.0;

    g_string_append_printf (key, "%" G_GSIZE_FORMAT ":%s %s\n",
        strlen (rows[i].label), rows[i].label, rows[i].score_text);
  }

  if (self->cache_key && strcmp (key->str, self->cache_key) == 0) {
    g_string_free (key, TRUE);
    g_free (rows);
    return self->composition;
  }

  gst_vk_inception_overlay_clear_cache (self);
  self->composition = gst_vk_inception_overlay_render (self, rows, n, s,
      width, height);
  /* Cached even on failure (as NULL): retrying the same drawing every
   * frame would fail the same way. */
  self->cache_key = g_string_free (key, FALSE);
  g_free (rows);
  if (!self->composition) {
    GST_ELEMENT_WARNING (self, LIBRARY, FAILED,
        ("Could not draw the classification result."), (NULL));
  }
  return self->composition;
}

/* ---------------------------------------------------------------- buffers */

/* Only a buffer we draw on has to be writable: the others go on as they
 * came, rather than being copied because someone else holds a ref (the
 * classifier itself, with async=true). */
static GstFlowReturn
gst_vk_inception_overlay_prepare_output_buffer (GstBaseTransform * trans,
    GstBuffer * inbuf, GstBuffer ** outbuf)
{
  GstVkInceptionOverlay *self = GST_VK_INCEPTION_OVERLAY (trans);
  GstVkInceptionMeta *meta = gst_buffer_get_vk_inception_meta (inbuf);

  GST_OBJECT_LOCK (self);
  settings_copy (&self->frame, &self->props);
  GST_OBJECT_UNLOCK (self);

  self->draw = self->frame.enabled && meta && meta->n_classes > 0;
  if (!self->draw) {
    *outbuf = inbuf;
    return GST_FLOW_OK;
  }
  return GST_BASE_TRANSFORM_CLASS
      (gst_vk_inception_overlay_parent_class)->prepare_output_buffer (trans,
      inbuf, outbuf);
}

static void
attach_composition (GstBuffer * buf, GstVideoOverlayComposition * comp)
{
  GstVideoOverlayCompositionMeta *existing;
  GstVideoOverlayComposition *merged = NULL;
  GstVideoOverlayComposition *parts[2];
  guint i, j;

  /* Sinks read only the first composition meta: add our rectangle to one
   * put there upstream rather than adding a second meta. */
  existing = gst_buffer_get_video_overlay_composition_meta (buf);
  if (!existing) {
    gst_buffer_add_video_overlay_composition_meta (buf, comp);
    return;
  }

  /* The same rectangles, not copies (as composition_copy() would make):
   * sinks cache their uploads by rectangle. */
  parts[0] = existing->overlay;
  parts[1] = comp;
  for (i = 0; i < G_N_ELEMENTS (parts); i++) {
    guint n = gst_video_overlay_composition_n_rectangles (parts[i]);
    for (j = 0; j < n; j++) {
      GstVideoOverlayRectangle *r =
          gst_video_overlay_composition_get_rectangle (parts[i], j);
      if (!merged)
        merged = gst_video_overlay_composition_new (r);
      else
        gst_video_overlay_composition_add_rectangle (merged, r);
    }
  }
  gst_video_overlay_composition_unref (existing->overlay);
  existing->overlay = merged;
}

static GstFlowReturn
gst_vk_inception_overlay_transform_ip (GstBaseTransform * trans,
    GstBuffer * buf)
{
  GstVkInceptionOverlay *self = GST_VK_INCEPTION_OVERLAY (trans);
  GstVkInceptionMeta *meta;
  GstVideoOverlayComposition *comp;
  GstVideoFrame frame;

  /* A gap buffer has no picture to draw on (and may have no bytes). */
  if (!self->draw || GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP))
    return GST_FLOW_OK;

  meta = gst_buffer_get_vk_inception_meta (buf);
  comp = gst_vk_inception_overlay_get_composition (self, meta, &self->frame);
  if (!comp)
    return GST_FLOW_OK;

  if (self->check_allocation)
    gst_vk_inception_overlay_decide_attach (self);

  if (self->attach) {
    attach_composition (buf, comp);
    return GST_FLOW_OK;
  }

  if (!gst_video_frame_map (&frame, &self->info, buf, GST_MAP_READWRITE)) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, (NULL),
        ("could not map the video frame for writing"));
    return GST_FLOW_ERROR;
  }
  if (!gst_video_overlay_composition_blend (comp, &frame))
    GST_WARNING_OBJECT (self, "blending failed");
  gst_video_frame_unmap (&frame);
  return GST_FLOW_OK;
}

/* -------------------------------------------------------------- lifecycle */

static gboolean
gst_vk_inception_overlay_stop (GstBaseTransform * trans)
{
  GstVkInceptionOverlay *self = GST_VK_INCEPTION_OVERLAY (trans);

  gst_vk_inception_overlay_clear_cache (self);
  g_clear_object (&self->pango);
  settings_clear (&self->frame);
  self->draw = FALSE;
  self->attach = FALSE;
  self->check_allocation = FALSE;
  return TRUE;
}

static void
gst_vk_inception_overlay_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstVkInceptionOverlay *self = GST_VK_INCEPTION_OVERLAY (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_ENABLED:
      self->props.enabled = g_value_get_boolean (value);
      break;
    case PROP_POSITION:
      self->props.position = g_value_get_enum (value);
      break;
    case PROP_FONT_DESC:
      g_free (self->props.font_desc);
      self->props.font_desc = g_value_dup_string (value);
      /* NULL would otherwise reach Pango as "no family at all". */
      if (!self->props.font_desc)
        self->props.font_desc = g_strdup (DEFAULT_FONT_DESC);
      break;
    case PROP_MAX_ROWS:
      self->props.max_rows = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_vk_inception_overlay_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstVkInceptionOverlay *self = GST_VK_INCEPTION_OVERLAY (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_ENABLED:
      g_value_set_boolean (value, self->props.enabled);
      break;
    case PROP_POSITION:
      g_value_set_enum (value, self->props.position);
      break;
    case PROP_FONT_DESC:
      g_value_set_string (value, self->props.font_desc);
      break;
    case PROP_MAX_ROWS:
      g_value_set_uint (value, self->props.max_rows);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_vk_inception_overlay_finalize (GObject * object)
{
  GstVkInceptionOverlay *self = GST_VK_INCEPTION_OVERLAY (object);

  /* stop() has normally done this; not if the element never ran. */
  gst_vk_inception_overlay_clear_cache (self);
  g_clear_object (&self->pango);
  settings_clear (&self->frame);
  settings_clear (&self->props);

  G_OBJECT_CLASS (gst_vk_inception_overlay_parent_class)->finalize (object);
}

static void
gst_vk_inception_overlay_init (GstVkInceptionOverlay * self)
{
  self->props.enabled = DEFAULT_ENABLED;
  self->props.position = DEFAULT_POSITION;
  self->props.font_desc = g_strdup (DEFAULT_FONT_DESC);
  self->props.max_rows = DEFAULT_MAX_ROWS;
  gst_video_info_init (&self->info);
}

#define PARAM_FLAGS \
  (G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS)

static void
gst_vk_inception_overlay_class_init (GstVkInceptionOverlayClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);

  gobject_class->set_property = gst_vk_inception_overlay_set_property;
  gobject_class->get_property = gst_vk_inception_overlay_get_property;
  gobject_class->finalize = gst_vk_inception_overlay_finalize;

  g_object_class_install_property (gobject_class, PROP_ENABLED,
      g_param_spec_boolean ("enabled", "Enabled",
          "Draw the result; when off, buffers pass untouched",
          DEFAULT_ENABLED, PARAM_FLAGS));
  g_object_class_install_property (gobject_class, PROP_POSITION,
      g_param_spec_enum ("position", "Position",
          "Corner of the picture the result box sits in",
          GST_TYPE_VK_INCEPTION_OVERLAY_POSITION, DEFAULT_POSITION,
          PARAM_FLAGS));
  g_object_class_install_property (gobject_class, PROP_FONT_DESC,
      g_param_spec_string ("font-desc", "Font description",
          "Pango font description (family, weight, style) of the text; its "
          "size is ignored, the text is sized from the video height",
          DEFAULT_FONT_DESC, PARAM_FLAGS));
  g_object_class_install_property (gobject_class, PROP_MAX_ROWS,
      g_param_spec_uint ("max-rows", "Maximum rows",
          "Most classes to show, highest scores first (0 = all in the result)",
          0, G_MAXUINT, DEFAULT_MAX_ROWS, PARAM_FLAGS));

  gst_element_class_set_static_metadata (element_class,
      "Vulkan Inception result overlay", "Filter/Editor/Video",
      "Draws the top classes from vkinception, with scores and bars, on the "
      "video", "gst-vkinception developers");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  trans_class->transform_caps =
      GST_DEBUG_FUNCPTR (gst_vk_inception_overlay_transform_caps);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (gst_vk_inception_overlay_set_caps);
  trans_class->prepare_output_buffer =
      GST_DEBUG_FUNCPTR (gst_vk_inception_overlay_prepare_output_buffer);
  trans_class->transform_ip =
      GST_DEBUG_FUNCPTR (gst_vk_inception_overlay_transform_ip);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_vk_inception_overlay_stop);

  gst_type_mark_as_plugin_api (GST_TYPE_VK_INCEPTION_OVERLAY_POSITION, 0);

  GST_DEBUG_CATEGORY_INIT (gst_vk_inception_overlay_debug,
      "vkinceptionoverlay", 0, "vkinception result overlay");
}
