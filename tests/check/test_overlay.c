/* vkinceptionoverlay: negotiation (blend or attach), drawing in RGBA, I420
 * and NV12, untouched buffers, the render cache and the properties.
 *
 * The element is linked into this test and registered here, so the test
 * runs without the plugin being built or installed. No Vulkan needed.
 */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <gst/vkinception/vkinceptionmeta.h>

#include <math.h>
#include <string.h>

#include "gstvkinceptionoverlay.h"

#define COMPOSITION_CAPS \
  "video/x-raw(" GST_CAPS_FEATURE_META_GST_VIDEO_OVERLAY_COMPOSITION ")"

typedef struct
{
  gint x, y;
  guint w, h;
} Rect;

static const GstVkInceptionClassification cats[] = {
  {281, (gchar *) "tabby, tabby cat", 0.873f},
  {285, (gchar *) "Egyptian cat", 0.061f},
  {282, (gchar *) "tiger cat", 0.032f},
  {287, (gchar *) "lynx, catamount", 0.011f},
  {728, (gchar *) "plastic bag", 0.004f},
  {904, (gchar *) "window screen", 0.002f},
  {478, (gchar *) "carton", 0.001f},
  {539, (gchar *) "doormat, welcome mat", 0.001f},
};

static void
setup (void)
{
  fail_unless (GST_ELEMENT_REGISTER (vkinceptionoverlay, NULL));
}

static gchar *
caps_string (const gchar * format, gint width, gint height)
{
  return g_strdup_printf ("video/x-raw, format=%s, width=%d, height=%d, "
      "framerate=30/1", format, width, height);
}

/* A mid-grey frame (every byte 0x80: grey in RGB and in YUV). */
static GstBuffer *
make_frame (const gchar * format, gint width, gint height)
{
  GstVideoInfo info;
  GstBuffer *buf;
  GstMapInfo map;

  fail_unless (gst_video_info_set_format (&info,
          gst_video_format_from_string (format), width, height));
  buf = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  memset (map.data, 0x80, map.size);
  gst_buffer_unmap (buf, &map);
  return buf;
}

static GstBuffer *
make_frame_with_result (const gchar * format, gint width, gint height,
    const GstVkInceptionClassification * classes, guint n_classes)
{
  GstBuffer *buf = make_frame (format, width, height);
  fail_unless (gst_buffer_add_vk_inception_meta (buf, "googlenet.onnx",
          classes, n_classes, FALSE, 0, 0, 12.5) != NULL);
  return buf;
}

static GstHarness *
new_harness (const gchar * format, gint width, gint height,
    const gchar * sink_caps, gboolean propose_meta)
{
  GstHarness *h = gst_harness_new ("vkinceptionoverlay");
  gchar *caps = caps_string (format, width, height);

  if (sink_caps)
    gst_harness_set_sink_caps_str (h, sink_caps);
  if (propose_meta)
    gst_harness_add_propose_allocation_meta (h,
        GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE, NULL);
  gst_harness_set_src_caps_str (h, caps);
  g_free (caps);
  return h;
}

static gboolean
buffers_equal (GstBuffer * a, GstBuffer * b)
{
  GstMapInfo ma, mb;
  gboolean equal;

  fail_unless (gst_buffer_map (a, &ma, GST_MAP_READ));
  fail_unless (gst_buffer_map (b, &mb, GST_MAP_READ));
  /* An empty buffer maps to NULL, which memcmp() may not be given. */
  equal = ma.size == mb.size && (ma.size == 0
      || memcmp (ma.data, mb.data, ma.size) == 0);
  gst_buffer_unmap (a, &ma);
  gst_buffer_unmap (b, &mb);
  return equal;
}

static Rect
composition_rect (GstBuffer * buf)
{
  GstVideoOverlayCompositionMeta *meta;
  GstVideoOverlayRectangle *r;
  Rect rect;

  meta = gst_buffer_get_video_overlay_composition_meta (buf);
  fail_unless (meta != NULL);
  fail_unless_equals_int (gst_video_overlay_composition_n_rectangles
      (meta->overlay), 1);
  r = gst_video_overlay_composition_get_rectangle (meta->overlay, 0);
  fail_unless (gst_video_overlay_rectangle_get_render_rectangle (r, &rect.x,
          &rect.y, &rect.w, &rect.h));
  return rect;
}

/* Where the element puts the box for these settings, read from the
 * composition it attaches when downstream takes the meta. */
static Rect
overlay_rect (const gchar * format, gint width, gint height,
    const GstVkInceptionClassification * classes, guint n_classes,
    const gchar * prop, ...)
{
  GstHarness *h = new_harness (format, width, height, NULL, TRUE);
  GstBuffer *out;
  Rect rect;
  va_list args;

  if (prop) {
    va_start (args, prop);
    g_object_set_valist (G_OBJECT (h->element), prop, args);
    va_end (args);
  }
  out = gst_harness_push_and_pull (h, make_frame_with_result (format, width,
          height, classes, n_classes));
  rect = composition_rect (out);
  fail_unless (rect.x >= 0 && rect.y >= 0);
  fail_unless (rect.x + rect.w <= (guint) width);
  fail_unless (rect.y + rect.h <= (guint) height);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
  return rect;
}

/* Checks that @out differs from @in inside @rect and only there, plane by
 * plane (subsampled planes compared at their own resolution, with a pixel
 * of slack at the box edge). Returns how many bytes changed. */
static guint
check_changed_only_inside (GstBuffer * in, GstBuffer * out,
    const gchar * format, gint width, gint height, Rect rect)
{
  GstVideoInfo info;
  GstVideoFrame fin, fout;
  guint changed_inside = 0, changed_outside = 0, p, c;

  fail_unless (gst_video_info_set_format (&info,
          gst_video_format_from_string (format), width, height));
  fail_unless (gst_video_frame_map (&fin, &info, in, GST_MAP_READ));
  fail_unless (gst_video_frame_map (&fout, &info, out, GST_MAP_READ));

  for (p = 0; p < GST_VIDEO_FRAME_N_PLANES (&fin); p++) {
    const GstVideoFormatInfo *finfo = info.finfo;
    guint8 *a = GST_VIDEO_FRAME_PLANE_DATA (&fin, p);
    guint8 *b = GST_VIDEO_FRAME_PLANE_DATA (&fout, p);
    gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (&fin, p);
    gint pstride = 1, wsub = 0, hsub = 0, rows, row_bytes, x, y;

    for (c = 0; c < GST_VIDEO_FRAME_N_COMPONENTS (&fin); c++) {
      if (GST_VIDEO_FORMAT_INFO_PLANE (finfo, c) == p) {
        pstride = GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, c);
        wsub = GST_VIDEO_FORMAT_INFO_W_SUB (finfo, c);
        hsub = GST_VIDEO_FORMAT_INFO_H_SUB (finfo, c);
        break;
      }
    }
    rows = GST_VIDEO_FRAME_COMP_HEIGHT (&fin, c);
    row_bytes = GST_VIDEO_FRAME_COMP_WIDTH (&fin, c) * pstride;

    for (y = 0; y < rows; y++) {
      for (x = 0; x < row_bytes; x++) {
        gint px = (x / pstride) << wsub, py = y << hsub;
        gboolean inside = px >= rect.x - (1 << wsub)
            && px < (gint) (rect.x + rect.w) + (1 << wsub)
            && py >= rect.y - (1 << hsub)
            && py < (gint) (rect.y + rect.h) + (1 << hsub);
        if (a[y * stride + x] != b[y * stride + x]) {
          if (inside)
            changed_inside++;
          else
            changed_outside++;
        }
      }
    }
  }
  gst_video_frame_unmap (&fin);
  gst_video_frame_unmap (&fout);

  fail_unless_equals_int (changed_outside, 0);
  /* A tenth of the box at least: the box itself darkens all of it. */
  fail_unless (changed_inside > rect.w * rect.h / 10,
      "only %u bytes changed in a %ux%u box", changed_inside, rect.w, rect.h);
  return changed_inside;
}

/* Blends (downstream takes plain video only) and checks the result. */
static void
check_blend (const gchar * format, gint width, gint height)
{
  Rect rect = overlay_rect (format, width, height, cats, 5, NULL);
  gchar *caps = caps_string (format, width, height);
  GstHarness *h = new_harness (format, width, height, caps, FALSE);
  GstBuffer *in, *out;

  in = make_frame_with_result (format, width, height, cats, 5);
  out = gst_harness_push_and_pull (h, gst_buffer_ref (in));
  fail_unless (gst_buffer_get_video_overlay_composition_meta (out) == NULL);
  check_changed_only_inside (in, out, format, width, height, rect);

  gst_buffer_unref (in);
  gst_buffer_unref (out);
  g_free (caps);
  gst_harness_teardown (h);
}

GST_START_TEST (test_blend_rgba)
{
  check_blend ("RGBA", 333, 217);
}

GST_END_TEST;

GST_START_TEST (test_blend_i420)
{
  check_blend ("I420", 333, 217);
}

GST_END_TEST;

GST_START_TEST (test_blend_nv12)
{
  check_blend ("NV12", 320, 240);
}

GST_END_TEST;

GST_START_TEST (test_blend_1080p)
{
  Rect small = overlay_rect ("I420", 320, 240, cats, 5, NULL);
  Rect large = overlay_rect ("I420", 1920, 1080, cats, 5, NULL);

  check_blend ("I420", 1920, 1080);
  check_blend ("RGBA", 1920, 1080);

  /* The text follows the video height: 4.5 times the lines, nearly 4 times
   * the box (the small one is held at the minimum text size). */
  fail_unless (large.h > 3 * small.h, "box %u high at 1080, %u at 240",
      large.h, small.h);
  fail_unless (large.w > 3 * small.w, "box %u wide at 1080, %u at 240",
      large.w, small.w);
}

GST_END_TEST;

GST_START_TEST (test_no_meta_untouched)
{
  GstHarness *h = new_harness ("RGBA", 333, 217, NULL, FALSE);
  GstBuffer *in, *ref, *out;

  /* Held elsewhere too, as a tee or an async classifier would: not copied
   * for nothing. */
  in = make_frame ("RGBA", 333, 217);
  ref = gst_buffer_copy_deep (in);
  out = gst_harness_push_and_pull (h, gst_buffer_ref (in));
  fail_unless (out == in);
  fail_unless (buffers_equal (ref, out));
  fail_unless (gst_buffer_get_video_overlay_composition_meta (out) == NULL);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  gst_buffer_unref (ref);

  /* An empty result draws nothing either. */
  in = make_frame_with_result ("RGBA", 333, 217, NULL, 0);
  ref = gst_buffer_copy_deep (in);
  out = gst_harness_push_and_pull (h, in);
  fail_unless (buffers_equal (ref, out));
  fail_unless (gst_buffer_get_video_overlay_composition_meta (out) == NULL);
  gst_buffer_unref (out);
  gst_buffer_unref (ref);

  /* Nor does a gap buffer carrying a result: no picture, perhaps no bytes
   * (vkinception passes both with its latest result). */
  for (guint empty = 0; empty < 2; empty++) {
    in = empty ? gst_buffer_new () : make_frame ("RGBA", 333, 217);
    fail_unless (gst_buffer_add_vk_inception_meta (in, "googlenet.onnx",
            cats, G_N_ELEMENTS (cats), TRUE, 0, 0, 12.5) != NULL);
    GST_BUFFER_FLAG_SET (in, GST_BUFFER_FLAG_GAP);
    ref = gst_buffer_copy_deep (in);
    out = gst_harness_push_and_pull (h, in);
    fail_unless (out != NULL);
    fail_unless (buffers_equal (ref, out));
    fail_unless (gst_buffer_get_video_overlay_composition_meta (out) == NULL);
    gst_buffer_unref (out);
    gst_buffer_unref (ref);
  }

  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_disabled_untouched)
{
  GstHarness *h = new_harness ("I420", 333, 217, NULL, FALSE);
  GstBuffer *in, *ref, *out;

  g_object_set (h->element, "enabled", FALSE, NULL);
  in = make_frame_with_result ("I420", 333, 217, cats, 5);
  ref = gst_buffer_copy_deep (in);
  out = gst_harness_push_and_pull (h, in);
  fail_unless (buffers_equal (ref, out));
  fail_unless (gst_buffer_get_video_overlay_composition_meta (out) == NULL);
  gst_buffer_unref (out);
  gst_buffer_unref (ref);

  /* Back on while playing. */
  g_object_set (h->element, "enabled", TRUE, NULL);
  in = make_frame_with_result ("I420", 333, 217, cats, 5);
  ref = gst_buffer_copy_deep (in);
  out = gst_harness_push_and_pull (h, in);
  fail_if (buffers_equal (ref, out));
  gst_buffer_unref (out);
  gst_buffer_unref (ref);

  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_attach_meta)
{
  GstHarness *h = new_harness ("RGBA", 333, 217, COMPOSITION_CAPS, TRUE);
  GstBuffer *in, *ref, *out;
  GstCaps *caps;
  Rect rect;

  in = make_frame_with_result ("RGBA", 333, 217, cats, 5);
  ref = gst_buffer_copy_deep (in);
  out = gst_harness_push_and_pull (h, in);

  /* The sink composites: the pixels are left alone. */
  fail_unless (buffers_equal (ref, out));
  rect = composition_rect (out);
  fail_unless (rect.w > 0 && rect.h > 0);
  fail_unless (rect.x + rect.w <= 333 && rect.y + rect.h <= 217);

  caps = gst_pad_get_current_caps (h->sinkpad);
  fail_unless (gst_caps_features_contains (gst_caps_get_features (caps, 0),
          GST_CAPS_FEATURE_META_GST_VIDEO_OVERLAY_COMPOSITION));
  gst_caps_unref (caps);

  gst_buffer_unref (out);
  gst_buffer_unref (ref);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Caps that allow the meta (an appsink or fakesink takes anything) are not
 * enough: nothing would composite it. Without the meta in the allocation
 * query the element blends. */
GST_START_TEST (test_feature_caps_without_allocation_meta_blends)
{
  GstHarness *h = new_harness ("RGBA", 333, 217, NULL, FALSE);
  GstBuffer *in, *ref, *out;

  in = make_frame_with_result ("RGBA", 333, 217, cats, 5);
  ref = gst_buffer_copy_deep (in);
  out = gst_harness_push_and_pull (h, in);
  fail_if (buffers_equal (ref, out));
  fail_unless (gst_buffer_get_video_overlay_composition_meta (out) == NULL);
  gst_buffer_unref (out);
  gst_buffer_unref (ref);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* A format the blender does not know is fine when the sink composites. */
GST_START_TEST (test_attach_only_when_not_blendable)
{
  GstHarness *h = gst_harness_new ("vkinceptionoverlay");
  GstBuffer *in, *out;

  gst_harness_add_propose_allocation_meta (h,
      GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE, NULL);
  gst_harness_set_src_caps_str (h, "video/x-raw(memory:SomethingElse), "
      "format=RGBA, width=333, height=217, framerate=30/1");

  in = gst_buffer_new ();
  fail_unless (gst_buffer_add_vk_inception_meta (in, "googlenet.onnx", cats,
          3, FALSE, 0, 0, 1.0) != NULL);
  out = gst_harness_push_and_pull (h, in);
  composition_rect (out);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Upstream attached an overlay already: ours joins its composition. */
GST_START_TEST (test_attach_merges_upstream_composition)
{
  GstHarness *h = gst_harness_new ("vkinceptionoverlay");
  GstVideoOverlayCompositionMeta *meta;
  GstVideoOverlayRectangle *rect;
  GstVideoOverlayComposition *comp;
  GstBuffer *in, *pixels, *out;

  gst_harness_add_propose_allocation_meta (h,
      GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE, NULL);
  gst_harness_set_src_caps_str (h, COMPOSITION_CAPS ", format=RGBA, "
      "width=333, height=217, framerate=30/1");

  pixels = gst_buffer_new_allocate (NULL, 16 * 16 * 4, NULL);
  gst_buffer_memset (pixels, 0, 0xff, 16 * 16 * 4);
  gst_buffer_add_video_meta (pixels, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, 16, 16);
  rect = gst_video_overlay_rectangle_new_raw (pixels, 300, 200, 16, 16,
      GST_VIDEO_OVERLAY_FORMAT_FLAG_NONE);
  comp = gst_video_overlay_composition_new (rect);

  in = make_frame_with_result ("RGBA", 333, 217, cats, 5);
  gst_buffer_add_video_overlay_composition_meta (in, comp);
  out = gst_harness_push_and_pull (h, in);

  meta = gst_buffer_get_video_overlay_composition_meta (out);
  fail_unless (meta != NULL);
  fail_unless_equals_int (gst_video_overlay_composition_n_rectangles
      (meta->overlay), 2);
  fail_unless (gst_video_overlay_composition_get_rectangle (meta->overlay,
          0) == rect);
  /* Still one meta: sinks read only the first. */
  {
    gpointer state = NULL;
    guint n = 0;
    GstMeta *m;
    while ((m = gst_buffer_iterate_meta_filtered (out, &state,
                GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE)))
      n++;
    fail_unless_equals_int (n, 1);
  }

  gst_buffer_unref (out);
  gst_video_overlay_composition_unref (comp);
  gst_video_overlay_rectangle_unref (rect);
  gst_buffer_unref (pixels);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Returns a ref, so that a new composition cannot take the address of a
 * freed one and compare equal. */
static GstVideoOverlayComposition *
push_and_get_composition (GstHarness * h,
    const GstVkInceptionClassification * classes, guint n)
{
  GstBuffer *out = gst_harness_push_and_pull (h,
      make_frame_with_result ("RGBA", 333, 217, classes, n));
  GstVideoOverlayCompositionMeta *meta =
      gst_buffer_get_video_overlay_composition_meta (out);
  GstVideoOverlayComposition *comp;

  fail_unless (meta != NULL);
  comp = gst_video_overlay_composition_ref (meta->overlay);
  gst_buffer_unref (out);
  return comp;
}

static void
check_same (GstVideoOverlayComposition * a, GstVideoOverlayComposition * b,
    gboolean same)
{
  fail_unless ((a == b) == same, "composition %s", same ? "re-rendered" :
      "not re-rendered");
  gst_video_overlay_composition_unref (a);
  gst_video_overlay_composition_unref (b);
}

GST_START_TEST (test_cache)
{
  GstHarness *h = new_harness ("RGBA", 333, 217, COMPOSITION_CAPS, TRUE);
  GstVkInceptionClassification changed[5];
  GstVideoOverlayComposition *a, *b;

  memcpy (changed, cats, sizeof (changed));

  a = push_and_get_composition (h, cats, 5);
  b = push_and_get_composition (h, cats, 5);
  check_same (a, b, TRUE);

  /* Smoothed scores move in digits that are not shown: no re-render. */
  changed[0].score = cats[0].score + 1e-5f;
  a = push_and_get_composition (h, cats, 5);
  b = push_and_get_composition (h, changed, 5);
  check_same (a, b, TRUE);

  /* A visible change is drawn. */
  changed[0].score = 0.5f;
  a = push_and_get_composition (h, cats, 5);
  b = push_and_get_composition (h, changed, 5);
  check_same (a, b, FALSE);

  memcpy (changed, cats, sizeof (changed));
  changed[1].label = (gchar *) "Siamese cat, Siamese";
  a = push_and_get_composition (h, cats, 5);
  b = push_and_get_composition (h, changed, 5);
  check_same (a, b, FALSE);

  /* So is a property change. */
  a = push_and_get_composition (h, cats, 5);
  g_object_set (h->element, "position", 3, NULL);
  b = push_and_get_composition (h, cats, 5);
  check_same (a, b, FALSE);

  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_properties)
{
  GstElement *e = gst_element_factory_make ("vkinceptionoverlay", NULL);
  gboolean enabled;
  gint position;
  gchar *font_desc;
  guint max_rows;
  Rect all, five, two, br;

  fail_unless (e != NULL);
  g_object_get (e, "enabled", &enabled, "position", &position, "font-desc",
      &font_desc, "max-rows", &max_rows, NULL);
  fail_unless (enabled);
  fail_unless_equals_int (position, 0);
  fail_unless_equals_string (font_desc, "Sans");
  fail_unless_equals_int (max_rows, 5);
  g_free (font_desc);

  gst_util_set_object_arg (G_OBJECT (e), "position", "bottom-right");
  g_object_set (e, "font-desc", "Serif Bold 30", "max-rows", 0, NULL);
  g_object_get (e, "position", &position, "font-desc", &font_desc,
      "max-rows", &max_rows, NULL);
  fail_unless_equals_int (position, 3);
  fail_unless_equals_string (font_desc, "Serif Bold 30");
  fail_unless_equals_int (max_rows, 0);
  g_free (font_desc);
  gst_object_unref (e);

  all = overlay_rect ("RGBA", 640, 480, cats, 8, "max-rows", 0, NULL);
  five = overlay_rect ("RGBA", 640, 480, cats, 8, NULL);
  two = overlay_rect ("RGBA", 640, 480, cats, 8, "max-rows", 2, NULL);
  fail_unless (all.h > five.h && five.h > two.h);

  fail_unless (five.x < 640 / 4 && five.y < 480 / 4);
  br = overlay_rect ("RGBA", 640, 480, cats, 5, "position", 3, NULL);
  fail_unless_equals_int (br.w, five.w);
  fail_unless (br.x > 640 / 4 && br.x + br.w > 640 - 640 / 16);
  fail_unless (br.y > 480 / 4 && br.y + br.h > 480 - 480 / 16);
}

GST_END_TEST;

/* Whatever a model puts out, and however small the picture. */
GST_START_TEST (test_odd_results)
{
  GstVkInceptionClassification odd[] = {
    {1, NULL, 1.7f},
    {2, (gchar *) "negative", -3.0f},
    {3, (gchar *) "not a number", NAN},
    {4, (gchar *) "a label\nwith a newline & <markup>", 0.5f},
    {5, (gchar *) "", 0.25f},
  };
  gint sizes[][2] = { {333, 217}, {16, 16}, {2, 2}, {4000, 90} };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    GstHarness *h = new_harness ("I420", sizes[i][0], sizes[i][1], NULL,
        FALSE);
    GstBuffer *out = gst_harness_push_and_pull (h,
        make_frame_with_result ("I420", sizes[i][0], sizes[i][1], odd,
            G_N_ELEMENTS (odd)));
    gst_buffer_unref (out);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

static Suite *
vkinceptionoverlay_suite (void)
{
  Suite *s = suite_create ("vkinceptionoverlay");
  TCase *tc = tcase_create ("general");

  tcase_add_checked_fixture (tc, setup, NULL);
  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_blend_rgba);
  tcase_add_test (tc, test_blend_i420);
  tcase_add_test (tc, test_blend_nv12);
  tcase_add_test (tc, test_blend_1080p);
  tcase_add_test (tc, test_no_meta_untouched);
  tcase_add_test (tc, test_disabled_untouched);
  tcase_add_test (tc, test_attach_meta);
  tcase_add_test (tc, test_feature_caps_without_allocation_meta_blends);
  tcase_add_test (tc, test_attach_only_when_not_blendable);
  tcase_add_test (tc, test_attach_merges_upstream_composition);
  tcase_add_test (tc, test_cache);
  tcase_add_test (tc, test_properties);
  tcase_add_test (tc, test_odd_results);
  return s;
}

GST_CHECK_MAIN (vkinceptionoverlay);
