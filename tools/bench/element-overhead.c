/* vkinception-element-bench: what the vkinception element adds to an
 * inference, measured in one process so that a machine whose speed drifts
 * from minute to minute (a shared host) moves every side alike.
 *
 * Each round times F frames through the element (GstHarness: push, then
 * pull, of a frame in --format, RGBx unless told, laid out as videotestsrc
 * lays it out, already drawn), F
 * through the engine as the element's path runs them
 * (gst_vk_inception_net_run_frames_in_place, on the same frames), and F
 * inferences on a float input (gst_vk_inception_net_run: the network's own
 * time, as `vkinception-infer --bench` measures it). Prints, as key=value
 * lines, the median over rounds of each side's ms per frame and of the
 * per-round ratios to the float-input inference. Then the conversion's
 * own device time on the same frames (gst_vk_inception_net_profile_frames,
 * the median of CONVERT_RUNS profiled runs), where the queue has
 * timestamps.
 *
 * Needs the plugin on GST_PLUGIN_PATH. A benchmark: the tests never run
 * it. */
#include <gst/gst.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <gst/vkinception/engine.h>
#include "videoformat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_FRAMES 4              /* distinct frames, pushed in turn */
#define CONVERT_RUNS 21         /* profiled runs for the conversion's time */

typedef struct
{
  gchar *model, *format;
  gint width, height, frames, rounds;
  GstVideoInfo info;            /* the frames' layout, GStreamer's */
  GstVkInceptionFrameFormat frame;      /* as the element describes it */
} Options;

/* The engine's side, on a device of its own: one net taking frames of
 * --format with the model's preprocessing (as the element sets itself up),
 * one taking floats. */
typedef struct
{
  GstVkInceptionDevice *dev;
  GstVkInceptionNet *frames, *floats;
  float *input, *output;
} Engine;

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof (double), compare_doubles);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static gboolean
parse_options (int argc, char **argv, Options * o, GError ** error)
{
  GOptionEntry entries[] = {
    {"model", 0, 0, G_OPTION_ARG_FILENAME, &o->model, "ONNX model file",
        "FILE"},
    {"width", 0, 0, G_OPTION_ARG_INT, &o->width, "Frame width (1280)", "W"},
    {"height", 0, 0, G_OPTION_ARG_INT, &o->height, "Frame height (720)", "H"},
    {"frames", 0, 0, G_OPTION_ARG_INT, &o->frames,
        "Frames per side per round (20)", "F"},
    {"rounds", 0, 0, G_OPTION_ARG_INT, &o->rounds, "Rounds (30)", "R"},
    {"format", 0, 0, G_OPTION_ARG_STRING, &o->format,
        "Frame format: RGBx (the default) or another the element reads "
          "(I420, NV12, YUY2...)", "F"},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- what the vkinception "
      "element adds to an inference, in one process");
  gboolean ok;

  o->width = 1280;
  o->height = 720;
  o->frames = 20;
  o->rounds = 30;
  g_option_context_add_main_entries (ctx, entries, NULL);
  ok = g_option_context_parse (ctx, &argc, &argv, error);
  g_option_context_free (ctx);
  if (ok && (!o->model || o->width < 1 || o->height < 1 || o->width > 16384
          || o->height > 16384 || o->frames < 1 || o->rounds < 1)) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "--model is required; sizes (up to 16384), frames and rounds must "
        "be positive");
    ok = FALSE;
  }
  if (ok) {
    GstVideoFormat f = gst_video_format_from_string (o->format ? o->format :
        "RGBx");
    if (f == GST_VIDEO_FORMAT_UNKNOWN
        || !gst_video_info_set_format (&o->info, f, o->width, o->height)
        || !gst_vk_inception_frame_format_from_video_info (&o->info,
            &o->frame)) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "--format %s is not a format the element reads", o->format);
      ok = FALSE;
    }
  }
  return ok;
}

static gsize
numel (const GstVkInceptionShape * s)
{
  gsize n = 1;
  for (guint i = 0; i < s->rank; i++)
    n *= (gsize) s->dims[i];
  return n;
}

static void
engine_clear (Engine * e)
{
  gst_vk_inception_net_free (e->frames);
  gst_vk_inception_net_free (e->floats);
  if (e->dev)
    gst_vk_inception_device_unref (e->dev);
  g_free (e->input);
  g_free (e->output);
  memset (e, 0, sizeof (*e));
}

static gboolean
engine_init (Engine * e, const Options * o, GError ** error)
{
  GstVkInceptionModel *model;
  GstVkInceptionPreprocess pre;
  GstVkInceptionShape in, out;
  gboolean ok;

  memset (e, 0, sizeof (*e));
  model = gst_vk_inception_model_new_from_file (o->model, error);
  ok = model && (e->dev = gst_vk_inception_device_new (NULL, error))
      && (e->frames = gst_vk_inception_net_new (model, e->dev, NULL, error))
      && (e->floats = gst_vk_inception_net_new (model, e->dev, NULL, error))
      && gst_vk_inception_model_get_preprocess (model, &pre, error)
      && gst_vk_inception_net_set_frame_format (e->frames, &o->frame, &pre,
      error);
  gst_vk_inception_model_free (model);
  if (ok) {
    gst_vk_inception_net_get_input_shape (e->floats, 0, &in);
    gst_vk_inception_net_get_output_shape (e->floats, 0, &out);
    if (gst_vk_inception_net_get_n_inputs (e->floats) != 1 || in.dims[0] != 1) {
      g_set_error (error, GST_VK_INCEPTION_ERROR,
          GST_VK_INCEPTION_ERROR_SHAPE, "%s: a model of one input at batch "
          "1 is needed", o->model);
      ok = FALSE;
    } else {
      e->input = g_new0 (float, numel (&in));
      e->output = g_new0 (float, MAX (numel (&out), 1));
    }
  }
  if (!ok)
    engine_clear (e);
  return ok;
}

/* Maps @frame for reading and points @planes at its planes, laid out as
 * @info. */
static gboolean
map_frame (GstBuffer * frame, const GstVideoInfo * info, GstMapInfo * map,
    const guint8 ** planes, GError ** error)
{
  if (!gst_buffer_map (frame, map, GST_MAP_READ)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "could not map a frame");
    return FALSE;
  }
  for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (info); p++)
    planes[p] = map->data + GST_VIDEO_INFO_PLANE_OFFSET (info, p);
  return TRUE;
}

/* One engine inference on @frame (laid out as @info) as the element's path
 * runs it. */
static gboolean
engine_run_frame (Engine * e, GstBuffer * frame, const GstVideoInfo * info,
    gboolean * in_place, GError ** error)
{
  GstMapInfo map;
  const guint8 *planes[GST_VIDEO_MAX_PLANES];
  const guint8 *const *frames[1] = { planes };
  const gint *strides[1] = { info->stride };
  gsize readable;
  gboolean ok;

  if (!map_frame (frame, info, &map, planes, error))
    return FALSE;
  readable = map.maxsize;
  ok = gst_vk_inception_net_run_frames_in_place (e->frames, frames, strides,
      &readable, &e->output, in_place, error);
  gst_buffer_unmap (frame, &map);
  return ok;
}

/* Prints the conversion's device time on @frame, or nothing where the
 * queue has no timestamps. */
static gboolean
engine_time_conversion (Engine * e, GstBuffer * frame,
    const GstVideoInfo * info, GError ** error)
{
  GstMapInfo map;
  const guint8 *planes[GST_VIDEO_MAX_PLANES];
  const guint8 *const *frames[1] = { planes };
  const gint *strides[1] = { info->stride };
  double ms[CONVERT_RUNS];
  GError *profile_error = NULL;
  gboolean ok;

  if (!map_frame (frame, info, &map, planes, error))
    return FALSE;
  ok = gst_vk_inception_net_upload_frames (e->frames, frames, strides, error);
  gst_buffer_unmap (frame, &map);
  for (guint i = 0; ok && !profile_error && i < CONVERT_RUNS; i++)
    gst_vk_inception_net_profile_frames (e->frames, &ms[i], NULL,
        &profile_error);
  if (!ok)
    return FALSE;
  if (!profile_error) {
    printf ("convert_ms=%.4f\n", median (ms, CONVERT_RUNS));
    return TRUE;
  }
  if (g_error_matches (profile_error, GST_VK_INCEPTION_ERROR,
          GST_VK_INCEPTION_ERROR_UNSUPPORTED)) {
    g_error_free (profile_error);
    return TRUE;
  }
  g_propagate_error (error, profile_error);
  return FALSE;
}

/* One frame through the element, as a source would push it: a buffer of
 * its own (sharing the frame's memory), writable, so no copy is made. */
static gboolean
element_run_frame (GstHarness * h, GstBus * bus, GstBuffer * frame,
    GError ** error)
{
  GstBuffer *out;
  GstMessage *msg;

  if (gst_harness_push (h, gst_buffer_copy (frame)) != GST_FLOW_OK
      || !(out = gst_harness_pull (h))) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "the element did not pass a frame on (see GST_DEBUG=vkinception:2)");
    return FALSE;
  }
  gst_buffer_unref (out);
  /* Its message, taken off the bus as an application would. */
  while ((msg = gst_bus_pop (bus)))
    gst_message_unref (msg);
  return TRUE;
}

int
main (int argc, char **argv)
{
  Options o = { 0 };
  GError *error = NULL;
  Engine e = { 0 };
  GstHarness *h = NULL;
  GstElement *element = NULL;
  GstBus *bus;
  GstBuffer *frames[N_FRAMES] = { NULL };
  gsize size;
  double *element_ms, *frame_ms, *float_ms, *element_ratio, *frame_ratio;
  guint64 in_place_frames = 0;
  gboolean in_place = FALSE, ok = TRUE;
  gchar *launch, *caps;

  gst_init (&argc, &argv);
  bus = gst_bus_new ();
  if (!parse_options (argc, argv, &o, &error) || !engine_init (&e, &o, &error))
    goto fail;

  {
    /* gst_harness_new_parse() aborts on a missing element. */
    GstElementFactory *factory = gst_element_factory_find ("vkinception");
    if (!factory) {
      g_set_error (&error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
          "no vkinception element (is the plugin on GST_PLUGIN_PATH?)");
      goto fail;
    }
    gst_object_unref (factory);
  }
  launch = g_strdup_printf ("vkinception name=vki model=\"%s\"", o.model);
  {
    GstCaps *c = gst_video_info_to_caps (&o.info);
    gst_caps_set_simple (c, "framerate", GST_TYPE_FRACTION, 30, 1, NULL);
    caps = gst_caps_to_string (c);
    gst_caps_unref (c);
  }
  h = gst_harness_new_parse (launch);
  g_free (launch);
  if (h) {
    element = gst_bin_get_by_name (GST_BIN (h->element), "vki");
    gst_element_set_bus (h->element, bus);
    gst_harness_set_src_caps_str (h, caps);
  }
  g_free (caps);

  /* GStreamer's layout, which the element reads in place. */
  size = GST_VIDEO_INFO_SIZE (&o.info);
  for (guint f = 0; f < N_FRAMES; f++) {
    GstMapInfo map;
    GRand *r = g_rand_new_with_seed (f);
    frames[f] = gst_buffer_new_allocate (NULL, size, NULL);
    gst_buffer_map (frames[f], &map, GST_MAP_WRITE);
    for (gsize i = 0; i < size; i += 4) {
      guint32 v = g_rand_int (r);
      memcpy (map.data + i, &v, 4);
    }
    gst_buffer_unmap (frames[f], &map);
    g_rand_free (r);
  }

  element_ms = g_new (double, o.rounds);
  frame_ms = g_new (double, o.rounds);
  float_ms = g_new (double, o.rounds);
  element_ratio = g_new (double, o.rounds);
  frame_ratio = g_new (double, o.rounds);
  /* Round -1 warms every side up and is not counted. The sides take turns
   * at going first, as the first frames after another side's run on
   * colder caches. */
  for (gint r = -1; ok && r < o.rounds; r++) {
    double ms[3] = { 0 };
    for (gint k = 0; ok && k < 3; k++) {
      gint side = (k + MAX (r, 0)) % 3;
      gint64 t0 = g_get_monotonic_time ();
      for (gint i = 0; ok && i < o.frames; i++) {
        GstBuffer *frame = frames[i % N_FRAMES];
        if (side == 0)
          ok = element_run_frame (h, bus, frame, &error);
        else if (side == 1) {
          ok = engine_run_frame (&e, frame, &o.info, &in_place, &error);
          in_place_frames += in_place;
        } else
          ok = gst_vk_inception_net_run (e.floats,
              (const float *const *) &e.input, &e.output, &error);
      }
      ms[side] = (g_get_monotonic_time () - t0) / 1000.0 / o.frames;
    }
    if (r >= 0) {
      element_ms[r] = ms[0];
      frame_ms[r] = ms[1];
      float_ms[r] = ms[2];
      element_ratio[r] = ms[0] / ms[2];
      frame_ratio[r] = ms[1] / ms[2];
    }
  }
  if (ok) {
    guint64 element_in_place = 0;
    g_object_get (element, "frames-in-place", &element_in_place, NULL);
    printf ("format=%s\n", GST_VIDEO_INFO_NAME (&o.info));
    printf ("rounds=%d\nframes_per_round=%d\n", o.rounds, o.frames);
    printf ("element_ms=%.4f\n", median (element_ms, o.rounds));
    printf ("engine_frame_ms=%.4f\n", median (frame_ms, o.rounds));
    printf ("engine_float_ms=%.4f\n", median (float_ms, o.rounds));
    printf ("element_vs_float=%.4f\n", median (element_ratio, o.rounds) - 1);
    printf ("engine_frame_vs_float=%.4f\n", median (frame_ratio, o.rounds) - 1);
    printf ("element_frames_in_place=%" G_GUINT64_FORMAT "\n",
        element_in_place);
    printf ("engine_frames_in_place=%" G_GUINT64_FORMAT "\n", in_place_frames);
    ok = engine_time_conversion (&e, frames[0], &o.info, &error);
  }
  g_free (element_ms);
  g_free (frame_ms);
  g_free (float_ms);
  g_free (element_ratio);
  g_free (frame_ratio);
  for (guint f = 0; f < N_FRAMES; f++)
    gst_clear_buffer (&frames[f]);
  if (!ok)
    goto fail;
  gst_object_unref (element);
  gst_harness_teardown (h);
  gst_object_unref (bus);
  engine_clear (&e);
  g_free (o.model);
  g_free (o.format);
  return 0;

fail:
  fprintf (stderr, "vkinception-element-bench: %s\n", error->message);
  g_clear_error (&error);
  if (element)
    gst_object_unref (element);
  if (h)
    gst_harness_teardown (h);
  gst_object_unref (bus);
  engine_clear (&e);
  g_free (o.model);
  g_free (o.format);
  return 1;
}
