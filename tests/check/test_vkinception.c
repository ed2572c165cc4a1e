/* Element tests for vkinception: caps, meta, messages, labels, interval,
 * async, renegotiation, flushing, seeking, device sharing, errors and state
 * cycles.
 *
 * Every model here is built in memory with tests/onnx-builder.h and is tiny
 * (a 3x3 convolution on a 16x16 input and five classes) and every frame is
 * small, so that the whole suite runs in seconds on lavapipe. The
 * element is checked against the engine's public API run on the same bytes,
 * and its reading of each video format against GStreamer's own converter,
 * never against numbers written down by hand.
 *
 * Each test runs in its own process (check's fork mode), with a temporary
 * directory for its model and labels files made and removed by the
 * fixture. */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <gst/vkinception/engine.h>
#include <gst/vkinception/vkinceptionmeta.h>
#include <glib/gstdio.h>

#include <math.h>
#include <string.h>

#include "test-common.h"
#include "videoformat.h"

#define N_CLASSES 5
/* The side of the fixed-size models' input. */
#define NET_SIDE 16
/* How far the element's scores may be from the engine's own. */
#define SCORE_TOLERANCE 1e-5
/* Generous: a frame takes milliseconds, but valgrind is slow. */
#define WAIT_TIMEOUT (60 * GST_SECOND)

/* ------------------------------------------------------------ temp files */

static gchar *tmp_dir;

static void
tmp_setup (void)
{
  GError *error = NULL;
  tmp_dir = g_dir_make_tmp ("vkinception-check-XXXXXX", &error);
  g_assert_no_error (error);
  /* The elements' devices are their own (or shared among them): their
   * validation messages are caught as the engine prints them. */
  vki_test_watch_validation ();
}

static void
tmp_teardown (void)
{
  GDir *dir = g_dir_open (tmp_dir, 0, NULL);
  const gchar *name;

  fail_unless_equals_int (vki_test_validation_printed (), 0);

  while (dir && (name = g_dir_read_name (dir))) {
    gchar *path = g_build_filename (tmp_dir, name, NULL);
    g_unlink (path);
    g_free (path);
  }
  if (dir)
    g_dir_close (dir);
  g_rmdir (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
}

/* A path in the test's directory, whether or not the file exists. */
static gchar *
tmp_path (const gchar * name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static gchar *
write_tmp (const gchar * name, const void *data, gssize len)
{
  gchar *path = tmp_path (name);
  GError *error = NULL;
  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return path;
}

/* ---------------------------------------------------------------- models */

typedef enum
{
  /* conv 3x3 -> relu -> GlobalAveragePool -> Flatten -> Gemm -> Softmax at
   * 1x3x16x16: the pooling makes every class depend on the whole picture,
   * so the probabilities change with the frame's content. */
  MODEL_SOFTMAX,
  /* The same without the Softmax: the element turns logits into
   * probabilities itself. */
  MODEL_LOGITS,
  /* MODEL_LOGITS with height and width left open: it runs at the element's
   * input-size. */
  MODEL_OPEN,
  /* Flatten -> Gemm straight from a fixed 1x3x8x8 input: the Gemm's weights
   * fit that size only. */
  MODEL_FIXED_ONLY,
} ModelKind;

static gboolean
ends_in_softmax (ModelKind kind)
{
  return kind == MODEL_SOFTMAX || kind == MODEL_FIXED_ONLY;
}

static void
add_random_initializer (VkiTestModel * tm, const gchar * name, guint32 seed,
    guint rank, const gint64 * dims, float range)
{
  gsize n = 1;
  float *data;

  for (guint i = 0; i < rank; i++)
    n *= dims[i];
  data = vki_test_random (seed, n, -range, range);
  vki_test_model_initializer (tm, name, rank, dims, data);
  g_free (data);
}

/* Writes a model of @kind with seeded weights (the same kind is always the
 * same model) and returns its path. */
static gchar *
write_model (ModelKind kind)
{
  static const gint64 k3[] = { 3, 3 }, pads[] = { 1, 1, 1, 1 };
  const gint64 features = kind == MODEL_FIXED_ONLY ? 3 * 8 * 8 : 4;
  const gint64 conv_w[] = { 4, 3, 3, 3 }, conv_b[] = { 4 };
  const gint64 gemm_w[] = { N_CLASSES, features }, gemm_b[] = { N_CLASSES };
  gint64 input[] = { 1, 3, NET_SIDE, NET_SIDE };
  VkiTestModel *tm = vki_test_model_new (13);
  Onnx__NodeProto *node;
  const gchar *last;
  gchar *name, *path;
  guint8 *data;
  gsize size;

  if (kind == MODEL_OPEN)
    input[2] = input[3] = -1;
  if (kind == MODEL_FIXED_ONLY)
    input[2] = input[3] = 8;
  vki_test_model_input (tm, "x", 4, input);

  if (kind == MODEL_FIXED_ONLY) {
    vki_test_model_node (tm, "Flatten", "x", "flat");
  } else {
    add_random_initializer (tm, "conv_w", 1, 4, conv_w, 0.5f);
    add_random_initializer (tm, "conv_b", 2, 1, conv_b, 0.5f);
    node = vki_test_model_node (tm, "Conv", "x,conv_w,conv_b", "conv");
    vki_test_node_ints (tm, node, "kernel_shape", 2, k3);
    vki_test_node_ints (tm, node, "pads", 4, pads);
    vki_test_model_node (tm, "Relu", "conv", "relu");
    vki_test_model_node (tm, "GlobalAveragePool", "relu", "pool");
    vki_test_model_node (tm, "Flatten", "pool", "flat");
  }
  add_random_initializer (tm, "gemm_w", 3, 2, gemm_w,
      kind == MODEL_FIXED_ONLY ? 0.1f : 3.0f);
  add_random_initializer (tm, "gemm_b", 4, 1, gemm_b, 0.5f);
  node = vki_test_model_node (tm, "Gemm", "flat,gemm_w,gemm_b", "logits");
  vki_test_node_int (tm, node, "transB", 1);
  last = "logits";
  if (ends_in_softmax (kind)) {
    vki_test_model_node (tm, "Softmax", "logits", "prob");
    last = "prob";
  }
  vki_test_model_output (tm, last);

  data = vki_test_model_pack (tm, &size);
  name = g_strdup_printf ("model-%d.onnx", kind);
  path = write_tmp (name, data, size);
  g_free (name);
  g_free (data);
  vki_test_model_free (tm);
  return path;
}

/* ---------------------------------------------------------------- frames */

/* @size random bytes. Each seed draws its own brightness and contrast, so
 * that different frames give clearly different classes even through the
 * models' global pooling. */
static guint8 *
random_bytes (gsize size, guint32 seed)
{
  GRand *r = g_rand_new_with_seed (seed);
  gint lo = g_rand_int_range (r, 0, 160);
  gint hi = lo + g_rand_int_range (r, 32, 96);
  guint8 *bytes = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    bytes[i] = (guint8) g_rand_int_range (r, lo, hi);
  g_rand_free (r);
  return bytes;
}

/* Times @buf as frame number @index of a 30 fps stream; returns it. */
static GstBuffer *
frame_times (GstBuffer * buf, guint index)
{
  GST_BUFFER_PTS (buf) = gst_util_uint64_scale (index, GST_SECOND, 30);
  GST_BUFFER_DURATION (buf) = gst_util_uint64_scale (1, GST_SECOND, 30);
  return buf;
}

/* Frame number @index of a 30 fps stream. */
static GstBuffer *
frame_buffer (const guint8 * bytes, gsize size, guint index)
{
  return frame_times (gst_buffer_new_memdup (bytes, size), index);
}

/* ------------------------------------------------------------- harnesses */

/* A started vkinception in a harness, its bus kept to read the messages a
 * harness would otherwise drop. */
typedef struct
{
  GstHarness *h;
  GstElement *element;
  GstBus *bus;
  GstVideoInfo info;
  guint n_pushed;
  gboolean count_alive;         /* count the pushed frames in frames_alive */
} Run;

/* Frames pushed and not yet freed, counted with weak references: what the
 * element holds on to. */
static gint frames_alive;

static void
frame_freed (gpointer data, GstMiniObject * obj)
{
  g_atomic_int_add (&frames_alive, -1);
}

/* Starts the element on @model with the properties that follow (name,
 * value pairs, NULL-terminated). */
static void
run_start (Run * run, const gchar * model, const gchar * first_prop, ...)
{
  va_list args;

  memset (run, 0, sizeof (*run));
  run->element = gst_element_factory_make ("vkinception", "vki");
  fail_unless (run->element != NULL);
  g_object_set (run->element, "model", model, NULL);
  va_start (args, first_prop);
  if (first_prop)
    g_object_set_valist (G_OBJECT (run->element), first_prop, args);
  va_end (args);
  run->bus = gst_bus_new ();
  gst_element_set_bus (run->element, run->bus);
  /* The harness sets the element to PLAYING: start() runs here. */
  run->h = gst_harness_new_with_element (run->element, "sink", "src");
}

static void
run_stop (Run * run)
{
  gst_harness_teardown (run->h);
  gst_element_set_bus (run->element, NULL);
  gst_object_unref (run->element);
  gst_object_unref (run->bus);
}

static void
run_set_caps (Run * run, const gchar * caps)
{
  GstCaps *c = gst_caps_from_string (caps);
  fail_unless (gst_video_info_from_caps (&run->info, c), "caps %s", caps);
  gst_caps_unref (c);
  gst_harness_set_src_caps_str (run->h, caps);
}

/* Pushes @buf (taking it) and returns the buffer that came out after
 * checking that its pixels are the ones pushed: the element must never
 * touch the video. */
static GstBuffer *
run_push_buffer (Run * run, GstBuffer * buf)
{
  gpointer bytes;
  gsize size;
  GstBuffer *out;

  gst_buffer_extract_dup (buf, 0, -1, &bytes, &size);
  run->n_pushed++;
  if (run->count_alive) {
    g_atomic_int_inc (&frames_alive);
    gst_mini_object_weak_ref (GST_MINI_OBJECT (buf), frame_freed, NULL);
  }
  fail_unless_equals_int (gst_harness_push (run->h, buf), GST_FLOW_OK);
  out = gst_harness_pull (run->h);
  fail_unless (out != NULL);
  fail_unless_equals_uint64 (gst_buffer_get_size (out), size);
  fail_unless (gst_buffer_memcmp (out, 0, bytes, size) == 0,
      "the element changed the pixels");
  g_free (bytes);
  return out;
}

/* Pushes the next frame, random content from @seed (run_push_buffer()). */
static GstBuffer *
run_push (Run * run, guint32 seed)
{
  gsize size = GST_VIDEO_INFO_SIZE (&run->info);
  guint8 *bytes = random_bytes (size, seed);
  GstBuffer *buf = frame_buffer (bytes, size, run->n_pushed);

  g_free (bytes);
  return run_push_buffer (run, buf);
}

static guint64
frames_classified (GstElement * element)
{
  guint64 n;
  g_object_get (element, "frames-classified", &n, NULL);
  return n;
}

static guint64
frames_in_place (GstElement * element)
{
  guint64 n;
  g_object_get (element, "frames-in-place", &n, NULL);
  return n;
}

/* Whether the element should read frames laid out as GStreamer lays them
 * out in place: on lavapipe, which imports host memory, unless a test run
 * turns that off (VKINCEPTION_NO_HOST_IMPORT=1). */
static gboolean
expect_in_place (GstElement * element)
{
  gchar *name = NULL;
  gboolean yes;
  g_object_get (element, "device-name", &name, NULL);
  yes = name && strstr (name, "llvmpipe")
      && g_strcmp0 (g_getenv ("VKINCEPTION_NO_HOST_IMPORT"), "1") != 0;
  g_free (name);
  return yes;
}

/* The next "vkinception" element message already posted, or NULL. */
static GstMessage *
pop_result_message (GstBus * bus)
{
  GstMessage *msg;
  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT))) {
    if (gst_message_has_name (msg, "vkinception"))
      return msg;
    gst_message_unref (msg);
  }
  return NULL;
}

/* The meta of @buf, which must have one, checked for what holds for every
 * result: at most @top_k classes, best first, known class ids. */
static const GstVkInceptionMeta *
check_meta (GstBuffer * buf, guint top_k)
{
  const GstVkInceptionMeta *meta = gst_buffer_get_vk_inception_meta (buf);

  fail_unless (meta != NULL, "no GstVkInceptionMeta on %" GST_PTR_FORMAT, buf);
  fail_unless (meta->n_classes <= MIN (top_k, N_CLASSES));
  fail_unless (meta->model != NULL && g_str_has_suffix (meta->model, ".onnx"));
  for (guint i = 0; i < meta->n_classes; i++) {
    fail_unless (meta->classes[i].class_id < N_CLASSES);
    fail_unless (meta->classes[i].label != NULL);
    fail_unless (meta->classes[i].score >= 0 && meta->classes[i].score <= 1);
    if (i > 0)
      fail_unless (meta->classes[i].score <= meta->classes[i - 1].score);
  }
  return meta;
}

/* ----------------------------------------------------- engine reference */

/* The engine's own probabilities for @frame, by the public API: load
 * @model_path (a model of @kind), build the net at @width x @height, take
 * the model's preprocessing with @resize, describe the frame as the element
 * does (the format table it shares, which test_formats_agree checks against
 * GStreamer's converter) and run it on the frame's planes. */
static float *
engine_probabilities (ModelKind kind, const gchar * model_path,
    guint width, guint height, GstVkInceptionResizeMode resize,
    const GstVideoInfo * info, GstBuffer * frame)
{
  GstVkInceptionShape shape = vki_test_shape (4, (gint64) 1, (gint64) 3,
      (gint64) height, (gint64) width);
  GstVkInceptionFrameFormat fmt = { 0 };
  GstVkInceptionPreprocess pre;
  GstVkInceptionModel *model;
  GstVkInceptionNet *net;
  GstVideoFrame vframe;
  const guint8 *planes[GST_VIDEO_MAX_PLANES];
  gint strides[GST_VIDEO_MAX_PLANES];
  const guint8 *const *frames[1] = { planes };
  const gint *const stride_list[1] = { strides };
  float *out = g_new0 (float, N_CLASSES);
  GError *error = NULL;
  double sum = 0, max = -INFINITY;

  model = gst_vk_inception_model_new_from_file (model_path, &error);
  g_assert_no_error (error);
  net = gst_vk_inception_net_new (model, vki_test_device (), &shape, &error);
  g_assert_no_error (error);
  fail_unless (gst_vk_inception_model_get_preprocess (model, &pre, &error));
  pre.resize = resize;

  fail_unless (gst_vk_inception_frame_format_from_video_info (info, &fmt),
      "no frame format for %s", GST_VIDEO_INFO_NAME (info));
  fail_unless (gst_vk_inception_net_set_frame_format (net, &fmt, &pre,
          &error));
  g_assert_no_error (error);

  fail_unless (gst_video_frame_map (&vframe, info, frame, GST_MAP_READ));
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (&vframe); p++) {
    planes[p] = GST_VIDEO_FRAME_PLANE_DATA (&vframe, p);
    strides[p] = GST_VIDEO_FRAME_PLANE_STRIDE (&vframe, p);
  }
  fail_unless (gst_vk_inception_net_run_frames (net, frames, stride_list,
          &out, &error));
  g_assert_no_error (error);
  gst_video_frame_unmap (&vframe);
  vki_test_assert_no_validation ();
  gst_vk_inception_net_free (net);
  gst_vk_inception_model_free (model);

  /* The element reports probabilities: softmax unless the model ends in
   * one. */
  if (!ends_in_softmax (kind)) {
    for (guint i = 0; i < N_CLASSES; i++)
      max = MAX (max, out[i]);
    for (guint i = 0; i < N_CLASSES; i++)
      sum += exp (out[i] - max);
    for (guint i = 0; i < N_CLASSES; i++)
      out[i] = (float) (exp (out[i] - max) / sum);
  }
  return out;
}

/* Checks that @meta holds the top @top_k of @probs at or above @threshold,
 * in order, with their scores. */
static void
check_meta_against (const GstVkInceptionMeta * meta, const float *probs,
    guint top_k, gdouble threshold)
{
  guint order[N_CLASSES], n = 0;

  for (guint i = 0; i < N_CLASSES; i++) {
    guint pos;
    if (probs[i] < threshold)
      continue;
    for (pos = n++; pos > 0 && probs[order[pos - 1]] < probs[i]; pos--)
      order[pos] = order[pos - 1];
    order[pos] = i;
  }
  fail_unless_equals_int (meta->n_classes, MIN (n, top_k));
  for (guint i = 0; i < meta->n_classes; i++) {
    fail_unless_equals_int (meta->classes[i].class_id, order[i]);
    fail_unless (fabs (meta->classes[i].score - probs[order[i]]) <=
        SCORE_TOLERANCE, "class %u: element %g, engine %g", order[i],
        meta->classes[i].score, probs[order[i]]);
  }
}

/* ============================================================== formats */

static const gchar *all_formats[] = {
  "RGB", "BGR", "RGBA", "BGRA", "RGBx", "BGRx", "xRGB", "xBGR", "ARGB",
  "ABGR", "I420", "NV12", "GRAY8", "YV12", "NV21", "NV16", "Y42B", "Y444",
  "YUY2", "UYVY", "YVYU", "P010_10LE", "I420_10LE", "I422_10LE", "Y444_10LE",
  "GRAY16_LE",
};

/* The pad templates offer exactly these formats, in this order (the
 * element builds them from its format map; this list is written apart). */
GST_START_TEST (test_templates)
{
  GstElement *element = gst_element_factory_make ("vkinception", NULL);
  GstElementClass *klass;

  fail_unless (element != NULL);
  klass = GST_ELEMENT_GET_CLASS (element);
  for (guint t = 0; t < 2; t++) {
    GstPadTemplate *templ = gst_element_class_get_pad_template (klass,
        t ? "src" : "sink");
    GstCaps *caps;
    const GValue *formats;

    fail_unless (templ != NULL);
    caps = gst_pad_template_get_caps (templ);
    fail_unless_equals_int (gst_caps_get_size (caps), 1);
    formats = gst_structure_get_value (gst_caps_get_structure (caps, 0),
        "format");
    fail_unless (formats != NULL && GST_VALUE_HOLDS_LIST (formats));
    fail_unless_equals_int (gst_value_list_get_size (formats),
        G_N_ELEMENTS (all_formats));
    for (guint i = 0; i < G_N_ELEMENTS (all_formats); i++)
      fail_unless_equals_string (g_value_get_string (gst_value_list_get_value
              (formats, i)), all_formats[i]);
    gst_caps_unref (caps);
  }
  gst_object_unref (element);
}

GST_END_TEST;

/* Each format at odd sizes (odd widths pad the rows, odd heights leave a
 * half chroma row), one after the other in the same stream. */
GST_START_TEST (test_formats)
{
  static const guint sizes[][2] = { {333, 217}, {17, 9} };
  const gchar *format = all_formats[__i__];
  gchar *model = write_model (MODEL_SOFTMAX);
  Run run;

  run_start (&run, model, NULL);
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++) {
    gchar *caps = g_strdup_printf ("video/x-raw,format=%s,width=%u,height=%u,"
        "framerate=30/1", format, sizes[s][0], sizes[s][1]);
    run_set_caps (&run, caps);
    for (guint f = 0; f < 2; f++) {
      GstBuffer *out = run_push (&run, s * 10 + f);
      const GstVkInceptionMeta *meta = check_meta (out, 5);
      fail_unless_equals_int (meta->n_classes, N_CLASSES);
      fail_if (meta->reused);
      fail_unless_equals_uint64 (meta->source_frame, run.n_pushed - 1);
      gst_buffer_unref (out);
    }
    g_free (caps);
  }
  fail_unless_equals_uint64 (frames_classified (run.element), 4);
  run_stop (&run);
  g_free (model);
}

GST_END_TEST;

/* ===================================================== against the engine */

typedef struct
{
  const gchar *caps;
  ModelKind model;
  const gchar *input_size;      /* NULL: the model's */
  guint net_width, net_height;
  GstVkInceptionResizeMode resize;
  guint top_k;
} EngineCase;

static const EngineCase engine_cases[] = {
  /* BT.601, limited range. */
  {"video/x-raw,format=I420,width=333,height=217,framerate=30/1,"
        "colorimetry=bt601", MODEL_SOFTMAX, NULL, NET_SIDE, NET_SIDE,
      GST_VK_INCEPTION_RESIZE_STRETCH, 5},
  /* BT.709, full range, on a model whose size is open. */
  {"video/x-raw,format=NV12,width=97,height=31,framerate=30/1,"
        "colorimetry=1:3:0:0", MODEL_OPEN, "24x12", 24, 12,
      GST_VK_INCEPTION_RESIZE_CENTER_CROP, 3},
  /* Logits: the element's softmax. */
  {"video/x-raw,format=BGRx,width=17,height=9,framerate=30/1",
        MODEL_LOGITS, NULL, NET_SIDE, NET_SIDE,
      GST_VK_INCEPTION_RESIZE_LETTERBOX, 2},
  {"video/x-raw,format=GRAY8,width=35,height=21,framerate=30/1",
        MODEL_SOFTMAX, NULL, NET_SIDE, NET_SIDE,
      GST_VK_INCEPTION_RESIZE_STRETCH, 4},
  /* Packed 4:2:2, BT.709; planar 4:2:0 with V first. */
  {"video/x-raw,format=YUY2,width=45,height=27,framerate=30/1,"
        "colorimetry=bt709", MODEL_SOFTMAX, NULL, NET_SIDE, NET_SIDE,
      GST_VK_INCEPTION_RESIZE_STRETCH, 5},
  {"video/x-raw,format=YV12,width=33,height=19,framerate=30/1",
        MODEL_LOGITS, NULL, NET_SIDE, NET_SIDE,
      GST_VK_INCEPTION_RESIZE_CENTER_CROP, 3},
  /* Wide pixels: the aspect kept is the displayed one. */
  {"video/x-raw,format=RGB,width=40,height=30,framerate=30/1,"
        "pixel-aspect-ratio=2/1", MODEL_SOFTMAX, NULL, NET_SIDE, NET_SIDE,
      GST_VK_INCEPTION_RESIZE_LETTERBOX, 5},
};

/* The meta holds what the engine computes for the same frame. */
GST_START_TEST (test_meta_matches_engine)
{
  const EngineCase *c = &engine_cases[__i__];
  gchar *model = write_model (c->model);
  guint32 seeds[] = { 7, 8, 9 };
  gfloat first_score = -1;
  gboolean differ = FALSE;
  Run run;

  run_start (&run, model, "resize-mode", c->resize, "top-k", c->top_k,
      "input-size", c->input_size, NULL);
  run_set_caps (&run, c->caps);
  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++) {
    GstBuffer *out = run_push (&run, seeds[i]);
    const GstVkInceptionMeta *meta = check_meta (out, c->top_k);
    float *probs = engine_probabilities (c->model, model, c->net_width,
        c->net_height, c->resize, &run.info, out);

    check_meta_against (meta, probs, c->top_k, 0);
    /* The frames must not all give the same answer, or this test would
     * prove nothing about the element running on the frame. */
    if (i == 0)
      first_score = meta->classes[0].score;
    else if (fabs (first_score - meta->classes[0].score) > 1e-3)
      differ = TRUE;
    g_free (probs);
    gst_buffer_unref (out);
  }
  fail_unless (differ, "the model gives the same scores for every frame");
  run_stop (&run);
  g_free (model);
}

GST_END_TEST;

/* ======================================================== padded strides */

/* A copy of @buf (laid out as @info) whose rows are @pad bytes longer,
 * the padding filled with junk, described by a GstVideoMeta: what a
 * decoder or a device's buffer pool hands over. */
static GstBuffer *
padded_copy (const GstVideoInfo * info, GstBuffer * buf, guint pad)
{
  guint n_planes = GST_VIDEO_INFO_N_PLANES (info);
  gsize offsets[GST_VIDEO_MAX_PLANES], rows[GST_VIDEO_MAX_PLANES], size = 0;
  gint strides[GST_VIDEO_MAX_PLANES];
  GstBuffer *copy;
  GstMapInfo in, out;

  for (guint p = 0; p < n_planes; p++) {
    gsize end = p + 1 < n_planes ? GST_VIDEO_INFO_PLANE_OFFSET (info, p + 1)
        : GST_VIDEO_INFO_SIZE (info);
    rows[p] = (end - GST_VIDEO_INFO_PLANE_OFFSET (info, p)) /
        GST_VIDEO_INFO_PLANE_STRIDE (info, p);
    strides[p] = GST_VIDEO_INFO_PLANE_STRIDE (info, p) + pad;
    offsets[p] = size;
    size += strides[p] * rows[p];
  }
  copy = gst_buffer_new_allocate (NULL, size, NULL);
  gst_buffer_map (buf, &in, GST_MAP_READ);
  gst_buffer_map (copy, &out, GST_MAP_WRITE);
  memset (out.data, 0xa5, size);
  for (guint p = 0; p < n_planes; p++)
    for (gsize r = 0; r < rows[p]; r++)
      memcpy (out.data + offsets[p] + r * strides[p],
          in.data + GST_VIDEO_INFO_PLANE_OFFSET (info, p) +
          r * GST_VIDEO_INFO_PLANE_STRIDE (info, p),
          GST_VIDEO_INFO_PLANE_STRIDE (info, p));
  gst_buffer_unmap (copy, &out);
  gst_buffer_unmap (buf, &in);
  gst_buffer_add_video_meta_full (copy, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_INFO_FORMAT (info), GST_VIDEO_INFO_WIDTH (info),
      GST_VIDEO_INFO_HEIGHT (info), n_planes, offsets, strides);
  return copy;
}

#define PADDED_CAPS(f) "video/x-raw,format=" f ",width=33,height=17," \
  "framerate=30/1"

static const gchar *padded_caps[] = {
  PADDED_CAPS ("I420"), PADDED_CAPS ("NV12"), PADDED_CAPS ("RGB"),
  PADDED_CAPS ("YV12"), PADDED_CAPS ("NV21"), PADDED_CAPS ("NV16"),
  PADDED_CAPS ("Y42B"), PADDED_CAPS ("Y444"), PADDED_CAPS ("YUY2"),
  PADDED_CAPS ("UYVY"), PADDED_CAPS ("YVYU"), PADDED_CAPS ("P010_10LE"),
  PADDED_CAPS ("I420_10LE"), PADDED_CAPS ("I422_10LE"),
  PADDED_CAPS ("Y444_10LE"), PADDED_CAPS ("GRAY16_LE"),
};

/* The element reads the planes where the GstVideoMeta says they are: the
 * same picture with padded rows gives the same result. The plain frame,
 * laid out as GStreamer lays it out, is read in place where the device can
 * import host memory, the padded one copied: the two paths agree. */
GST_START_TEST (test_padded_strides)
{
  gchar *model = write_model (MODEL_SOFTMAX);
  GstBuffer *plain, *padded, *out;
  const GstVkInceptionMeta *a, *b;
  Run run;

  run_start (&run, model, NULL);
  run_set_caps (&run, padded_caps[__i__]);
  plain = run_push (&run, 5);
  fail_unless_equals_uint64 (frames_in_place (run.element),
      expect_in_place (run.element) ? 1 : 0);
  padded = padded_copy (&run.info, plain, 13);
  out = run_push_buffer (&run, padded);
  fail_unless_equals_uint64 (frames_in_place (run.element),
      expect_in_place (run.element) ? 1 : 0);

  a = check_meta (plain, 5);
  b = check_meta (out, 5);
  fail_if (b->reused);
  fail_unless_equals_int (a->n_classes, b->n_classes);
  for (guint i = 0; i < a->n_classes; i++) {
    fail_unless_equals_int (a->classes[i].class_id, b->classes[i].class_id);
    fail_unless (fabs (a->classes[i].score - b->classes[i].score) <=
        SCORE_TOLERANCE);
  }
  gst_buffer_unref (out);
  gst_buffer_unref (plain);
  run_stop (&run);
  g_free (model);
}

GST_END_TEST;

/* ================================================ formats against GStreamer */

/* @buf (laid out as @from) converted to @format by GStreamer's video
 * converter; @to describes the result. */
static GstBuffer *
convert_frame (GstBuffer * buf, const GstVideoInfo * from,
    const gchar * format, GstVideoInfo * to)
{
  GstVideoFrame in, conv;
  GstVideoConverter *c;
  GstBuffer *out;

  fail_unless (gst_video_info_set_format (to,
          gst_video_format_from_string (format), GST_VIDEO_INFO_WIDTH (from),
          GST_VIDEO_INFO_HEIGHT (from)));
  out = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (to), NULL);
  fail_unless (gst_video_frame_map (&in, from, buf, GST_MAP_READ));
  fail_unless (gst_video_frame_map (&conv, to, out, GST_MAP_WRITE));
  c = gst_video_converter_new (from, to, NULL);
  fail_unless (c != NULL);
  gst_video_converter_frame (c, &in, &conv);
  gst_video_converter_free (c);
  gst_video_frame_unmap (&conv);
  gst_video_frame_unmap (&in);
  return frame_times (out, 0);
}

/* A smooth RGB picture, each channel its own gradient, R and B exchanged if
 * @swap_rb. */
static GstBuffer *
gradient_frame (guint w, guint h, gboolean swap_rb, GstVideoInfo * info)
{
  GstVideoFrame in;
  GstBuffer *rgb;

  fail_unless (gst_video_info_set_format (info, GST_VIDEO_FORMAT_RGB, w, h));
  rgb = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (info), NULL);
  fail_unless (gst_video_frame_map (&in, info, rgb, GST_MAP_WRITE));
  for (guint y = 0; y < h; y++) {
    guint8 *row = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&in, 0) +
        y * GST_VIDEO_FRAME_PLANE_STRIDE (&in, 0);
    for (guint x = 0; x < w; x++) {
      guint8 r = 30 + 200 * x / w, g = 220 - 180 * y / h;
      guint8 b = 40 + 120 * (x + y) / (w + h);
      row[3 * x] = swap_rb ? b : r;
      row[3 * x + 1] = g;
      row[3 * x + 2] = swap_rb ? r : b;
    }
  }
  gst_video_frame_unmap (&in);
  return frame_times (rgb, 0);
}

/* The element's probability of every class for @frame, in @info's format. */
static void
classify_frame (Run * run, const GstVideoInfo * info, GstBuffer * frame,
    float probs[N_CLASSES])
{
  GstCaps *caps = gst_video_info_to_caps (info);
  gchar *str = gst_caps_to_string (caps);
  const GstVkInceptionMeta *meta;
  GstBuffer *out;

  run_set_caps (run, str);
  out = run_push_buffer (run, frame);
  meta = check_meta (out, N_CLASSES);
  fail_unless_equals_int (meta->n_classes, N_CLASSES);
  for (guint i = 0; i < N_CLASSES; i++)
    probs[meta->classes[i].class_id] = meta->classes[i].score;
  gst_buffer_unref (out);
  gst_caps_unref (caps);
  g_free (str);
}

static float
max_difference (const float *a, const float *b)
{
  float d = 0;
  for (guint i = 0; i < N_CLASSES; i++)
    d = MAX (d, fabsf (a[i] - b[i]));
  return d;
}

/* Largest difference allowed between a format's frame and the RGB picture
 * it was made from: GStreamer rounds to bytes (with a bias of up to 2 levels
 * in Y444) and subsamples the chroma; the element reads the nearest chroma
 * sample. Measured: at most 0.0096. */
#define FORMAT_TOLERANCE 0.02

/* Each format, converted by GStreamer from an RGB picture, gives the RGB
 * picture's result (the grey formats, which drop the colour: that of
 * GStreamer's RGB of the grey frame). The element reads every plane, chroma order and
 * subsampling as GStreamer defines them, independently of the engine's own
 * tables. The picture with R and B exchanged must differ by much more, or
 * a U/V mix-up could pass unseen. */
GST_START_TEST (test_formats_agree)
{
  const gchar *format = all_formats[__i__];
  gboolean grey = g_str_has_prefix (format, "GRAY");
  gchar *model = write_model (MODEL_LOGITS);
  float colour[N_CLASSES], swapped[N_CLASSES], want[N_CLASSES];
  float got[N_CLASSES];
  GstVideoInfo rgb_info, info, grey_info;
  GstBuffer *rgb, *frame;
  Run run;

  run_start (&run, model, "top-k", N_CLASSES, NULL);
  rgb = gradient_frame (64, 48, FALSE, &rgb_info);
  frame = convert_frame (rgb, &rgb_info, format, &info);
  if (grey)
    classify_frame (&run, &grey_info, convert_frame (frame, &info, "RGB",
            &grey_info), want);
  classify_frame (&run, &rgb_info, rgb, colour);
  if (!grey)
    memcpy (want, colour, sizeof (want));
  classify_frame (&run, &rgb_info, gradient_frame (64, 48, TRUE, &rgb_info),
      swapped);
  classify_frame (&run, &info, frame, got);
  GST_INFO ("%s: %g from RGB; R and B exchanged: %g", format,
      max_difference (got, want), max_difference (swapped, colour));
  fail_unless (max_difference (swapped, colour) > 3 * FORMAT_TOLERANCE,
      "R and B exchanged changes the result by only %g",
      max_difference (swapped, colour));
  fail_unless (max_difference (got, want) <= FORMAT_TOLERANCE,
      "%s: %g from RGB", format, max_difference (got, want));
  run_stop (&run);
  g_free (model);
}

GST_END_TEST;

/* =============================================================== interval */

#define SMALL_CAPS "video/x-raw,format=RGB,width=31,height=23,framerate=30/1"

/* interval=3: frames 0, 3, 6 are classified, the others carry the result
 * of the last one, marked reused, and post no message. */
GST_START_TEST (test_interval)
{
  gchar *model = write_model (MODEL_SOFTMAX);
  guint top_id = 0;
  gfloat top_score = 0;
  Run run;

  run_start (&run, model, "interval", 3, NULL);
  run_set_caps (&run, SMALL_CAPS);
  for (guint i = 0; i < 8; i++) {
    GstBuffer *out = run_push (&run, i);
    const GstVkInceptionMeta *meta = check_meta (out, 5);
    guint source = i - i % 3;
    GstMessage *msg = pop_result_message (run.bus);

    fail_unless_equals_int (meta->reused, i % 3 != 0);
    fail_unless_equals_uint64 (meta->source_frame, source);
    fail_unless_equals_uint64 (meta->source_pts,
        gst_util_uint64_scale (source, GST_SECOND, 30));
    fail_unless_equals_uint64 (frames_classified (run.element), i / 3 + 1);
    if (i % 3 == 0) {
      guint64 frame;
      fail_unless (msg != NULL, "no message for classified frame %u", i);
      fail_unless (gst_structure_get_uint64 (gst_message_get_structure (msg),
              "frame", &frame));
      fail_unless_equals_uint64 (frame, i);
      top_id = meta->classes[0].class_id;
      top_score = meta->classes[0].score;
      gst_message_unref (msg);
    } else {
      fail_unless (msg == NULL, "a message for reused frame %u", i);
      fail_unless_equals_int (meta->classes[0].class_id, top_id);
      fail_unless_equals_float (meta->classes[0].score, top_score);
    }
    gst_buffer_unref (out);
  }
  run_stop (&run);
  g_free (model);
}

GST_END_TEST;

static void run_push_only (Run * run, guint32 seed);

/* Pushes a gap buffer (GST_BUFFER_FLAG_GAP) of black bytes, or of none at
 * all, without pulling. */
static void
run_push_gap (Run * run, gboolean empty)
{
  gsize size = GST_VIDEO_INFO_SIZE (&run->info);
  GstBuffer *buf = frame_times (empty ? gst_buffer_new () :
      gst_buffer_new_wrapped (g_malloc0 (size), size), run->n_pushed++);

  GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_GAP);
  fail_unless_equals_int (gst_harness_push (run->h, buf), GST_FLOW_OK);
}

/* @out (taken) is the gap frame @frame, empty or not, carrying the result
 * of frame @source, reused (no meta where @source is G_MAXUINT64: nothing
 * classified yet). */
static void
check_gap (GstBuffer * out, Run * run, guint64 frame, gboolean empty,
    guint64 source)
{
  const GstVkInceptionMeta *meta = gst_buffer_get_vk_inception_meta (out);

  fail_unless (GST_BUFFER_FLAG_IS_SET (out, GST_BUFFER_FLAG_GAP));
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out),
      gst_util_uint64_scale (frame, GST_SECOND, 30));
  fail_unless_equals_uint64 (gst_buffer_get_size (out), empty ? 0 :
      GST_VIDEO_INFO_SIZE (&run->info));
  if (source == G_MAXUINT64) {
    fail_unless (meta == NULL, "a meta on gap frame %" G_GUINT64_FORMAT
        " before any result", frame);
  } else {
    meta = check_meta (out, 5);
    fail_unless (meta->reused);
    fail_unless_equals_uint64 (meta->source_frame, source);
  }
  gst_buffer_unref (out);
}

/* Gap buffers, whole frames or empty, are never classified and post
 * nothing: they carry the latest result, reused (none before the first),
 * in batches too. */
GST_START_TEST (test_gap)
{
  gchar *model = write_model (MODEL_SOFTMAX);
  GstBuffer *out;
  GstMessage *msg;
  Run run;

  run_start (&run, model, NULL);
  run_set_caps (&run, SMALL_CAPS);
  run_push_gap (&run, FALSE);
  check_gap (gst_harness_pull (run.h), &run, 0, FALSE, G_MAXUINT64);
  out = run_push (&run, 1);
  fail_unless_equals_uint64 (check_meta (out, 5)->source_frame, 1);
  gst_buffer_unref (out);
  run_push_gap (&run, FALSE);
  check_gap (gst_harness_pull (run.h), &run, 2, FALSE, 1);
  run_push_gap (&run, TRUE);
  check_gap (gst_harness_pull (run.h), &run, 3, TRUE, 1);
  out = run_push (&run, 4);
  fail_if (check_meta (out, 5)->reused);
  fail_unless_equals_uint64 (check_meta (out, 5)->source_frame, 4);
  gst_buffer_unref (out);
  fail_unless_equals_uint64 (frames_classified (run.element), 2);
  for (guint i = 0; i < 2; i++) {
    guint64 frame;
    msg = pop_result_message (run.bus);
    fail_unless (msg != NULL);
    fail_unless (gst_structure_get_uint64 (gst_message_get_structure (msg),
            "frame", &frame));
    fail_unless_equals_uint64 (frame, 1 + 3 * i);
    gst_message_unref (msg);
  }
  fail_unless (pop_result_message (run.bus) == NULL);
  run_stop (&run);

  /* batch-size=2: the empty gap waits with the frame before it, and the
   * batch runs once the frame after it is due. */
  run_start (&run, model, "batch-size", 2, NULL);
  run_set_caps (&run, SMALL_CAPS);
  run_push_only (&run, 10);
  run_push_gap (&run, TRUE);
  fail_unless_equals_int (gst_harness_buffers_in_queue (run.h), 0);
  run_push_only (&run, 12);
  fail_unless_equals_int (gst_harness_buffers_in_queue (run.h), 3);
  out = gst_harness_pull (run.h);
  fail_unless_equals_uint64 (check_meta (out, 5)->source_frame, 0);
  gst_buffer_unref (out);
  check_gap (gst_harness_pull (run.h), &run, 1, TRUE, 0);
  out = gst_harness_pull (run.h);
  fail_if (check_meta (out, 5)->reused);
  fail_unless_equals_uint64 (check_meta (out, 5)->source_frame, 2);
  gst_buffer_unref (out);
  fail_unless_equals_uint64 (frames_classified (run.element), 2);
  run_stop (&run);
  g_free (model);
}

GST_END_TEST;

/* Downstream's answer to the allocation query, as seen from the element:
 * a pool of 2 to 6 buffers of the caps' size added. */
static GstPadProbeReturn
add_downstream_pool (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);

  if (GST_QUERY_TYPE (query) == GST_QUERY_ALLOCATION)
    gst_query_add_allocation_pool (query, NULL, GPOINTER_TO_UINT (data), 2,
        6);
  return GST_PAD_PROBE_OK;
}

/* The allocation query upstream gets: downstream's metas less
 * GstVideoCropMeta (upstream must crop the pixels the network reads); with
 * batches, every pool's minimum grown by the frames a batch holds (a pool
 * of its own when downstream proposes none), so that a source whose pool is
 * just that big (a camera) never runs dry. */
GST_START_TEST (test_allocation)
{
  gchar *model = write_model (MODEL_SOFTMAX);

  for (guint c = 0; c < 4; c++) {
    const guint batch = c < 2 ? 1 : 3, interval = 2;
    const gboolean downstream_pool = c % 2;
    /* After the first batch, a batch holds the frame after the last one's
     * up to its own last one. */
    const guint held = batch > 1 ? batch * interval - 1 : 0;
    GstCaps *caps = gst_caps_from_string (SMALL_CAPS);
    GstQuery *query = gst_query_new_allocation (caps, TRUE);
    guint size, min, max;
    GstBufferPool *pool;
    GstStructure *config;
    Run run;

    run_start (&run, model, "batch-size", batch, "interval", interval, NULL);
    gst_harness_add_propose_allocation_meta (run.h, GST_VIDEO_META_API_TYPE,
        NULL);
    gst_harness_add_propose_allocation_meta (run.h,
        GST_VIDEO_CROP_META_API_TYPE, NULL);
    run_set_caps (&run, SMALL_CAPS);
    if (downstream_pool) {
      GstPad *src = gst_element_get_static_pad (run.element, "src");
      gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM |
          GST_PAD_PROBE_TYPE_PULL, add_downstream_pool,
          GUINT_TO_POINTER (GST_VIDEO_INFO_SIZE (&run.info)), NULL);
      gst_object_unref (src);
    }
    fail_unless (gst_pad_peer_query (run.h->srcpad, query));
    fail_unless (gst_query_find_allocation_meta (query,
            GST_VIDEO_META_API_TYPE, NULL));
    fail_if (gst_query_find_allocation_meta (query,
            GST_VIDEO_CROP_META_API_TYPE, NULL));
    if (!downstream_pool && held == 0) {
      fail_unless_equals_int (gst_query_get_n_allocation_pools (query), 0);
      min = 0;
    } else {
      fail_unless_equals_int (gst_query_get_n_allocation_pools (query), 1);
      gst_query_parse_nth_allocation_pool (query, 0, NULL, &size, &min, &max);
      fail_unless_equals_int (size, GST_VIDEO_INFO_SIZE (&run.info));
      fail_unless_equals_int (min, (downstream_pool ? 2 : 0) + held);
      fail_unless_equals_int (max, downstream_pool ? MAX (6, min) : 0);
    }
    gst_query_unref (query);

    /* A fixed pool of what was asked and one for the source itself. */
    pool = gst_video_buffer_pool_new ();
    config = gst_buffer_pool_get_config (pool);
    gst_buffer_pool_config_set_params (config, caps,
        GST_VIDEO_INFO_SIZE (&run.info), min + 1, min + 1);
    fail_unless (gst_buffer_pool_set_config (pool, config));
    fail_unless (gst_buffer_pool_set_active (pool, TRUE));
    for (guint f = 0; f < 4 * (held + 1); f++) {
      GstBufferPoolAcquireParams params = {.flags =
            GST_BUFFER_POOL_ACQUIRE_FLAG_DONTWAIT
      };
      GstBuffer *buf = NULL, *out;

      fail_unless (gst_buffer_pool_acquire_buffer (pool, &buf, &params) ==
          GST_FLOW_OK, "the pool ran dry at frame %u", f);
      gst_buffer_memset (buf, 0, (guint8) (f * 40), GST_VIDEO_INFO_SIZE
          (&run.info));
      fail_unless_equals_int (gst_harness_push (run.h, frame_times (buf, f)),
          GST_FLOW_OK);
      while ((out = gst_harness_try_pull (run.h)))
        gst_buffer_unref (out);
    }
    run_stop (&run);
    fail_unless (gst_buffer_pool_set_active (pool, FALSE));
    gst_object_unref (pool);
    gst_caps_unref (caps);
  }
  g_free (model);
}

GST_END_TEST;

/* ================================================================== async */

static void
wait_classified (GstElement * element, guint64 n)
{
  gint64 end = g_get_monotonic_time () + WAIT_TIMEOUT / GST_USECOND;
  while (frames_classified (element) < n) {
    fail_unless (g_get_monotonic_time () < end, "nothing classified");
    g_usleep (1000);
  }
}

/* async=true: every frame passes at once, with the latest finished result
 * (marked reused unless it is its own); at most one frame is in flight and
 * the element holds no more than that; EOS waits for it. */
GST_START_TEST (test_async)
{
  gchar *model = write_model (MODEL_OPEN);
  guint n_messages = 0;
  guint64 last_source = 0, classified, before_eos;
  GstMessage *msg;
  Run run;

  frames_alive = 0;
  /* 256x256 makes an inference take milliseconds even on a fast device,
   * far longer than passing a small frame: frames must go by it. */
  run_start (&run, model, "async", TRUE, "input-size", "256x256", NULL);
  run.count_alive = TRUE;
  run_set_caps (&run, SMALL_CAPS);

  /* Nothing is finished yet when the first frame passes: it may go
   * without a meta. */
  gst_buffer_unref (run_push (&run, 0));
  wait_classified (run.element, 1);

  for (guint i = 1; i < 12; i++) {
    GstBuffer *out = run_push (&run, i);
    const GstVkInceptionMeta *meta = check_meta (out, 5);

    fail_unless (meta->source_frame <= i);
    fail_unless (meta->source_frame >= last_source);
    fail_unless_equals_int (meta->reused, meta->source_frame != i);
    last_source = meta->source_frame;
    gst_buffer_unref (out);
    fail_unless (g_atomic_int_get (&frames_alive) <= 1,
        "the element holds %d frames", g_atomic_int_get (&frames_alive));
  }

  before_eos = frames_classified (run.element);
  fail_unless (gst_harness_push_event (run.h, gst_event_new_eos ()));
  /* EOS drained the worker, which had one frame at most to finish; it let
   * go of it and every result has posted its message. */
  classified = frames_classified (run.element);
  fail_unless (classified - before_eos <= 1);
  fail_unless_equals_int (g_atomic_int_get (&frames_alive), 0);
  /* Frame 1 found the worker idle; had every frame waited for its own
   * inference, all 12 would have been classified. */
  fail_unless (classified >= 2 && classified < 12,
      "%" G_GUINT64_FORMAT " of 12 frames classified", classified);
  while ((msg = pop_result_message (run.bus))) {
    n_messages++;
    gst_message_unref (msg);
  }
  fail_unless_equals_uint64 (n_messages, classified);
  run_stop (&run);
  g_free (model);
}

GST_END_TEST;

/* ===================================================== top-k, threshold */

/* Pushes the same picture again and returns its meta's buffer. */
static GstBuffer *
push_again (Run * run, guint top_k, gdouble threshold)
{
  g_object_set (run->element, "top-k", top_k, "threshold", threshold, NULL);
  return run_push (run, 42);
}

/* top-k and threshold change while playing: the same picture is pushed
 * each time and the result must be the right part of its full ranking. */
GST_START_TEST (test_top_k_threshold)
{
  gchar *model = write_model (MODEL_SOFTMAX);
  float probs[N_CLASSES], sorted[N_CLASSES];
  const GstVkInceptionMeta *meta;
  GstBuffer *out;
  gdouble sum = 0, threshold;
  GstMessage *msg;
  const GValue *ids;
  Run run;

  run_start (&run, model, NULL);
  run_set_caps (&run, SMALL_CAPS);

  /* The full ranking: every class, probabilities summing to 1. */
  out = push_again (&run, N_CLASSES, 0);
  meta = check_meta (out, N_CLASSES);
  fail_unless_equals_int (meta->n_classes, N_CLASSES);
  for (guint i = 0; i < N_CLASSES; i++) {
    probs[meta->classes[i].class_id] = meta->classes[i].score;
    sorted[i] = meta->classes[i].score;
    sum += meta->classes[i].score;
  }
  fail_unless (fabs (sum - 1) < 1e-5);
  gst_buffer_unref (out);

  for (guint k = 1; k <= N_CLASSES * 2; k++) {
    out = push_again (&run, k, 0);
    check_meta_against (check_meta (out, k), probs, k, 0);
    gst_buffer_unref (out);
  }

  /* Between the second and third best: exactly two remain. */
  threshold = (sorted[1] + sorted[2]) / 2;
  out = push_again (&run, N_CLASSES, threshold);
  meta = check_meta (out, N_CLASSES);
  fail_unless_equals_int (meta->n_classes, 2);
  check_meta_against (meta, probs, N_CLASSES, threshold);
  gst_buffer_unref (out);

  /* Above every class: a meta with no classes, a message with empty
   * arrays and no top-* fields. */
  while ((msg = pop_result_message (run.bus)))
    gst_message_unref (msg);
  out = push_again (&run, N_CLASSES, 1.0);
  fail_unless_equals_int (check_meta (out, N_CLASSES)->n_classes, 0);
  gst_buffer_unref (out);
  msg = pop_result_message (run.bus);
  fail_unless (msg != NULL);
  ids = gst_structure_get_value (gst_message_get_structure (msg), "class-ids");
  fail_unless (ids != NULL && gst_value_array_get_size (ids) == 0);
  fail_if (gst_structure_has_field (gst_message_get_structure (msg),
          "top-label"));
  gst_message_unref (msg);

  run_stop (&run);
  g_free (model);
}

GST_END_TEST;

/* =============================================================== messages */

/* The message of a classified frame mirrors its meta, with the frame's
 * times; post-messages=false stops them and nothing else. */
GST_START_TEST (test_messages)
{
  gchar *model = write_model (MODEL_SOFTMAX);
  Run run;

  run_start (&run, model, "top-k", 3, NULL);
  run_set_caps (&run, SMALL_CAPS);
  for (guint i = 0; i < 3; i++) {
    GstBuffer *out = run_push (&run, i);
    const GstVkInceptionMeta *meta = check_meta (out, 3);
    GstMessage *msg = pop_result_message (run.bus);
    const GstStructure *s;
    const GValue *labels, *ids, *scores;
    GstClockTime pts = GST_BUFFER_PTS (out);
    guint64 running_time, timestamp, frame;

    fail_unless (msg != NULL);
    fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (run.element));
    s = gst_message_get_structure (msg);
    /* The harness's segment starts at 0: running time is the PTS. */
    fail_unless (gst_structure_get_uint64 (s, "running-time", &running_time));
    fail_unless (gst_structure_get_uint64 (s, "timestamp", &timestamp));
    fail_unless (gst_structure_get_uint64 (s, "frame", &frame));
    fail_unless_equals_uint64 (running_time, pts);
    fail_unless_equals_uint64 (timestamp, pts);
    fail_unless_equals_uint64 (frame, i);
    fail_unless_equals_string (gst_structure_get_string (s, "model"),
        meta->model);

    labels = gst_structure_get_value (s, "labels");
    ids = gst_structure_get_value (s, "class-ids");
    scores = gst_structure_get_value (s, "scores");
    fail_unless (labels && ids && scores);
    fail_unless_equals_int (gst_value_array_get_size (labels), 3);
    fail_unless_equals_int (gst_value_array_get_size (ids), 3);
    fail_unless_equals_int (gst_value_array_get_size (scores), 3);
    for (guint c = 0; c < 3; c++) {
      fail_unless_equals_string (g_value_get_string
          (gst_value_array_get_value (labels, c)), meta->classes[c].label);
      fail_unless_equals_int (g_value_get_uint (gst_value_array_get_value
              (ids, c)), meta->classes[c].class_id);
      fail_unless_equals_float (g_value_get_double (gst_value_array_get_value
              (scores, c)), meta->classes[c].score);
    }
    fail_unless_equals_string (gst_structure_get_string (s, "top-label"),
        meta->classes[0].label);
    gst_message_unref (msg);
    gst_buffer_unref (out);
  }

  g_object_set (run.element, "post-messages", FALSE, NULL);
  for (guint i = 0; i < 2; i++) {
    GstBuffer *out = run_push (&run, i);
    fail_if (check_meta (out, 3)->reused);
    gst_buffer_unref (out);
    fail_unless (pop_result_message (run.bus) == NULL);
  }
  run_stop (&run);
  g_free (model);
}

GST_END_TEST;

/* ================================================================= labels */

typedef struct
{
  const gchar *file;
  const gchar *labels[N_CLASSES];       /* NULL: class numbers */
  gboolean warning;
} LabelsCase;

static const LabelsCase labels_cases[] = {
  /* Plain; surrounding blanks and the trailing blank line are no labels. */
  {"zero\none\n  two \nthree\nfour\n\n",
      {"zero", "one", "two", "three", "four"}, FALSE},
  /* ImageNet's synset_words.txt. */
  {"n01440764 tench, Tinca tinca\n"
        "n01443537 goldfish, Carassius auratus\n"
        "n01484850 great white shark, white shark, man-eater\n"
        "n01491361 tiger shark, Galeocerdo cuvieri\n"
        "n01494475 hammerhead, hammerhead shark\n",
        {"tench, Tinca tinca", "goldfish, Carassius auratus",
          "great white shark, white shark, man-eater",
          "tiger shark, Galeocerdo cuvieri", "hammerhead, hammerhead shark"},
      FALSE},
  /* Three labels for five classes: a warning, and numbers. */
  {"a\nb\nc\n", {NULL}, TRUE},
};

GST_START_TEST (test_labels)
{
  const LabelsCase *c = &labels_cases[__i__];
  gchar *model = write_model (MODEL_SOFTMAX);
  gchar *labels = write_tmp ("labels.txt", c->file, -1);
  const GstVkInceptionMeta *meta;
  GstMessage *warning;
  GstBuffer *out;
  Run run;

  run_start (&run, model, "labels", labels, NULL);
  run_set_caps (&run, SMALL_CAPS);
  out = run_push (&run, 1);
  meta = check_meta (out, 5);
  fail_unless_equals_int (meta->n_classes, N_CLASSES);
  for (guint i = 0; i < meta->n_classes; i++) {
    guint id = meta->classes[i].class_id;
    gchar *number = g_strdup_printf ("%u", id);
    fail_unless_equals_string (meta->classes[i].label,
        c->labels[0] ? c->labels[id] : number);
    g_free (number);
  }
  gst_buffer_unref (out);

  warning = gst_bus_pop_filtered (run.bus, GST_MESSAGE_WARNING);
  fail_unless_equals_int (warning != NULL, c->warning);
  if (warning) {
    GError *error = NULL;
    gst_message_parse_warning (warning, &error, NULL);
    fail_unless (strstr (error->message, "3 labels") != NULL, "%s",
        error->message);
    g_error_free (error);
    gst_message_unref (warning);
  }
  run_stop (&run);
  g_free (labels);
  g_free (model);
}

GST_END_TEST;

/* ======================================================== renegotiation */

/* A new resolution and format mid-stream: classification goes on, on the
 * new frames as the new caps describe them. */
GST_START_TEST (test_renegotiation)
{
  static const gchar *caps[] = {
    "video/x-raw,format=RGB,width=64,height=48,framerate=30/1",
    "video/x-raw,format=I420,width=97,height=31,framerate=30/1,"
        "colorimetry=bt601",
    "video/x-raw,format=RGB,width=64,height=48,framerate=30/1",
  };
  gchar *model = write_model (MODEL_SOFTMAX);
  Run run;

  run_start (&run, model, NULL);
  for (guint c = 0; c < G_N_ELEMENTS (caps); c++) {
    run_set_caps (&run, caps[c]);
    for (guint f = 0; f < 2; f++) {
      GstBuffer *out = run_push (&run, c * 10 + f);
      const GstVkInceptionMeta *meta = check_meta (out, 5);
      float *probs = engine_probabilities (MODEL_SOFTMAX, model, NET_SIDE,
          NET_SIDE, GST_VK_INCEPTION_RESIZE_STRETCH, &run.info, out);
      fail_if (meta->reused);
      check_meta_against (meta, probs, 5, 0);
      g_free (probs);
      gst_buffer_unref (out);
    }
  }
  fail_unless_equals_uint64 (frames_classified (run.element), 6);
  run_stop (&run);
  g_free (model);
}

GST_END_TEST;

/* The element lets go of the model once its net is built; a new input-size
 * and caps mid-stream need a new net, for which it reads the file again:
 * the results are the engine's at the new size. With the file gone by then,
 * a clean error. */
GST_START_TEST (test_input_size_change)
{
  static const struct
  {
    const gchar *size;
    guint side;
    const gchar *caps;
  } steps[] = {
    {"16x16", 16, "video/x-raw,format=RGB,width=64,height=48,framerate=30/1"},
    {"24x24", 24, "video/x-raw,format=RGB,width=40,height=30,framerate=30/1"},
  };
  gchar *model = write_model (MODEL_OPEN);
  GstMessage *msg;
  GError *error = NULL;
  gchar *debug = NULL;
  Run run;

  run_start (&run, model, "input-size", steps[0].size, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++) {
    g_object_set (run.element, "input-size", steps[i].size, NULL);
    run_set_caps (&run, steps[i].caps);
    for (guint f = 0; f < 2; f++) {
      GstBuffer *out = run_push (&run, i * 10 + f);
      const GstVkInceptionMeta *meta = check_meta (out, 5);
      float *probs = engine_probabilities (MODEL_OPEN, model, steps[i].side,
          steps[i].side, GST_VK_INCEPTION_RESIZE_STRETCH, &run.info, out);
      fail_if (meta->reused);
      check_meta_against (meta, probs, 5, 0);
      g_free (probs);
      gst_buffer_unref (out);
    }
  }
  fail_unless_equals_uint64 (frames_classified (run.element), 4);

  g_unlink (model);
  g_object_set (run.element, "input-size", "20x20", NULL);
  run_set_caps (&run, "video/x-raw,format=RGB,width=33,height=21,"
      "framerate=30/1");
  msg = gst_bus_pop_filtered (run.bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error once the model file is gone");
  gst_message_parse_error (msg, &error, &debug);
  fail_unless (error->domain == GST_RESOURCE_ERROR);
  fail_unless (strstr (error->message, "again") != NULL, "%s", error->message);
  g_error_free (error);
  g_free (debug);
  gst_message_unref (msg);
  run_stop (&run);
  g_free (model);
}

GST_END_TEST;

/* ============================================================ flush, EOS */

static void
push_flush (Run * run)
{
  GstSegment segment;

  fail_unless (gst_harness_push_event (run->h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (run->h,
          gst_event_new_flush_stop (TRUE)));
  /* The flush took the segment away. */
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (run->h, gst_event_new_segment
          (&segment)));
}

/* Flushes, in sync and async mode, then EOS: the stream goes on after the
 * flush and EOS comes out after the last result. */
GST_START_TEST (test_flush_eos)
{
  gboolean async = __i__ == 1;
  gchar *model = write_model (MODEL_SOFTMAX);
  gboolean eos = FALSE;
  GstEvent *event;
  Run run;

  run_start (&run, model, "async", async, NULL);
  run_set_caps (&run, SMALL_CAPS);
  for (guint round = 0; round < 3; round++) {
    for (guint f = 0; f < 3; f++) {
      GstBuffer *out = run_push (&run, round * 10 + f);
      if (!async) {
        fail_if (check_meta (out, 5)->reused);
      }
      gst_buffer_unref (out);
    }
    push_flush (&run);
  }
  if (!async) {
    fail_unless_equals_uint64 (frames_classified (run.element), 9);
  } else {
    fail_unless (frames_classified (run.element) >= 1);
  }

  fail_unless (gst_harness_push_event (run.h, gst_event_new_eos ()));
  while (!eos && (event = gst_harness_try_pull_event (run.h))) {
    eos = GST_EVENT_TYPE (event) == GST_EVENT_EOS;
    gst_event_unref (event);
  }
  fail_unless (eos, "EOS did not come out");
  run_stop (&run);
  g_free (model);
}

GST_END_TEST;

/* ================================================================ batches */

/* Pushes frame @seed without pulling. */
static void
run_push_only (Run * run, guint32 seed)
{
  gsize size = GST_VIDEO_INFO_SIZE (&run->info);
  guint8 *bytes = random_bytes (size, seed);
  GstBuffer *buf = frame_buffer (bytes, size, run->n_pushed++);
  g_free (bytes);
  fail_unless_equals_int (gst_harness_push (run->h, buf), GST_FLOW_OK);
}

/* batch-size=3: frames come out three at a time, in order and untouched,
 * each with the classification batch-size=1 gives the same frame; the
 * partial batch runs at EOS; interval still applies; the latency grows by
 * two frames. */
GST_START_TEST (test_batch)
{
  gchar *model = write_model (MODEL_SOFTMAX);
  const guint n = 7;
  GstVkInceptionClassification ref[7];
  GstEvent *event;
  GstMessage *latency;
  gboolean eos = FALSE;
  Run run;

  run_start (&run, model, NULL);
  run_set_caps (&run, SMALL_CAPS);
  for (guint i = 0; i < n; i++) {
    GstBuffer *out = run_push (&run, 100 + i);
    ref[i] = check_meta (out, 5)->classes[0];
    ref[i].label = NULL;
    gst_buffer_unref (out);
  }
  run_stop (&run);

  run_start (&run, model, "batch-size", 3, NULL);
  run_set_caps (&run, SMALL_CAPS);
  fail_unless_equals_uint64 (gst_harness_query_latency (run.h),
      gst_util_uint64_scale (2, GST_SECOND, 30));
  for (guint i = 0; i < n; i++) {
    run_push_only (&run, 100 + i);
    /* Nothing leaves before the batch is full. */
    fail_unless_equals_int (gst_harness_buffers_in_queue (run.h),
        i < 6 ? (i + 1) / 3 * 3 : 6);
  }
  fail_unless (gst_harness_push_event (run.h, gst_event_new_eos ()));
  for (guint i = 0; i < n; i++) {
    GstBuffer *out = gst_harness_pull (run.h);
    gsize size = GST_VIDEO_INFO_SIZE (&run.info);
    guint8 *bytes = random_bytes (size, 100 + i);
    const GstVkInceptionMeta *meta = check_meta (out, 5);
    GstMessage *msg = pop_result_message (run.bus);
    guint64 frame;

    fail_unless (gst_buffer_memcmp (out, 0, bytes, size) == 0);
    fail_if (meta->reused);
    fail_unless_equals_uint64 (meta->source_frame, i);
    fail_unless_equals_int (meta->classes[0].class_id, ref[i].class_id);
    fail_unless (fabs (meta->classes[0].score - ref[i].score) < 1e-5,
        "frame %u: %f in a batch, %f alone", i, meta->classes[0].score,
        ref[i].score);
    fail_unless (msg != NULL, "no message for frame %u", i);
    fail_unless (gst_structure_get_uint64 (gst_message_get_structure (msg),
            "frame", &frame));
    fail_unless_equals_uint64 (frame, i);
    gst_message_unref (msg);
    g_free (bytes);
    gst_buffer_unref (out);
  }
  while (!eos && (event = gst_harness_try_pull_event (run.h))) {
    eos = GST_EVENT_TYPE (event) == GST_EVENT_EOS;
    gst_event_unref (event);
  }
  fail_unless (eos, "EOS did not come out");
  fail_unless_equals_uint64 (frames_classified (run.element), n);
  /* Full batches and the partial one at EOS alike, read where they lie. */
  fail_unless_equals_uint64 (frames_in_place (run.element),
      expect_in_place (run.element) ? n : 0);
  run_stop (&run);

  /* interval=2 with batches of 2: frames 0 and 2 run together, 1 and 3
   * carry the result before them. */
  run_start (&run, model, "batch-size", 2, "interval", 2, NULL);
  run_set_caps (&run, SMALL_CAPS);
  /* Frame 3 waits for frame 6, the last of the second batch. */
  fail_unless_equals_uint64 (gst_harness_query_latency (run.h),
      gst_util_uint64_scale (3, GST_SECOND, 30));
  for (guint i = 0; i < 4; i++)
    run_push_only (&run, 100 + i);
  fail_unless_equals_int (gst_harness_buffers_in_queue (run.h), 3);
  fail_unless (gst_harness_push_event (run.h, gst_event_new_eos ()));
  for (guint i = 0; i < 4; i++) {
    GstBuffer *out = gst_harness_pull (run.h);
    const GstVkInceptionMeta *meta = check_meta (out, 5);
    fail_unless_equals_int (meta->reused, i % 2 == 1);
    fail_unless_equals_uint64 (meta->source_frame, i - i % 2);
    fail_unless_equals_int (meta->classes[0].class_id, ref[i - i % 2].class_id);
    gst_buffer_unref (out);
  }
  fail_unless_equals_uint64 (frames_classified (run.element), 2);
  /* A new interval while playing: a new latency, and upstream asked to
   * renegotiate (its pools then grow or shrink with the frames held). */
  while ((event = gst_harness_try_pull_upstream_event (run.h)))
    gst_event_unref (event);
  g_object_set (run.element, "interval", 3, NULL);
  latency = gst_bus_pop_filtered (run.bus, GST_MESSAGE_LATENCY);
  fail_unless (latency != NULL, "no latency message");
  gst_message_unref (latency);
  fail_unless_equals_uint64 (gst_harness_query_latency (run.h),
      gst_util_uint64_scale (5, GST_SECOND, 30));
  event = gst_harness_try_pull_upstream_event (run.h);
  fail_unless (event != NULL && GST_EVENT_TYPE (event) ==
      GST_EVENT_RECONFIGURE, "no reconfigure event upstream");
  gst_event_unref (event);
  g_object_set (run.element, "interval", 3, NULL);
  fail_if (gst_bus_pop_filtered (run.bus, GST_MESSAGE_LATENCY));
  run_stop (&run);

  /* The largest interval: frames x ns per frame would not fit 64 bits. */
  run_start (&run, model, "batch-size", 8, "interval", G_MAXUINT, NULL);
  run_set_caps (&run, SMALL_CAPS);
  fail_unless_equals_uint64 (gst_harness_query_latency (run.h),
      gst_util_uint64_scale (8 * (guint64) G_MAXUINT - 1, GST_SECOND, 30));
  run_stop (&run);
  g_free (model);
}

GST_END_TEST;

typedef struct
{
  GstHarness *h;
  gint queued;                  /* buffers out when the event came out */
} EventOrder;

static GstPadProbeReturn
note_event_order (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  EventOrder *order = data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

  if (GST_EVENT_TYPE (event) == GST_EVENT_CUSTOM_DOWNSTREAM || GST_EVENT_TYPE
      (event) == GST_EVENT_GAP)
    order->queued = (gint) gst_harness_buffers_in_queue (order->h);
  return GST_PAD_PROBE_OK;
}

/* An event that keeps its place among the frames (a custom serialized one,
 * a gap) does not overtake held frames: the partial batch runs first. So
 * it does for a DRAIN query (upstream wants its buffers back). */
GST_START_TEST (test_batch_events)
{
  gchar *model = write_model (MODEL_SOFTMAX);

  for (guint e = 0; e < 3; e++) {
    EventOrder order = { NULL, -1 };
    GstPad *src;
    GstEvent *event = e == 0 ?
        gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
        gst_structure_new_empty ("test-marker")) :
        gst_event_new_gap (gst_util_uint64_scale (2, GST_SECOND, 30),
        gst_util_uint64_scale (1, GST_SECOND, 30));
    Run run;

    run_start (&run, model, "batch-size", 3, NULL);
    run_set_caps (&run, SMALL_CAPS);
    order.h = run.h;
    src = gst_element_get_static_pad (run.element, "src");
    gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        note_event_order, &order, NULL);
    gst_object_unref (src);
    run_push_only (&run, 100);
    run_push_only (&run, 101);
    fail_unless_equals_int (gst_harness_buffers_in_queue (run.h), 0);
    if (e < 2) {
      fail_unless (gst_harness_push_event (run.h, event));
      fail_unless_equals_int (order.queued, 2);
    } else {
      GstQuery *drain = gst_query_new_drain ();
      gst_event_unref (event);
      gst_pad_peer_query (run.h->srcpad, drain);
      gst_query_unref (drain);
      fail_unless_equals_int (gst_harness_buffers_in_queue (run.h), 2);
    }
    for (guint i = 0; i < 2; i++) {
      GstBuffer *out = gst_harness_pull (run.h);
      const GstVkInceptionMeta *meta = check_meta (out, 5);
      fail_if (meta->reused);
      fail_unless_equals_uint64 (meta->source_frame, i);
      gst_buffer_unref (out);
    }
    fail_unless_equals_uint64 (frames_classified (run.element), 2);
    run_stop (&run);
  }
  g_free (model);
}

GST_END_TEST;

/* precision=fp16 and fp16-arithmetic: the same top class and scores
 * within 1e-2 of fp32. */
GST_START_TEST (test_precision_fp16)
{
  static const struct
  {
    const gchar *nick;
    GstVkInceptionPrecision value;
  } precisions[] = {
    {"fp16", GST_VK_INCEPTION_PRECISION_FP16},
    {"fp16-arithmetic", GST_VK_INCEPTION_PRECISION_FP16_ARITHMETIC},
  };
  gchar *model = write_model (MODEL_SOFTMAX);
  GstVkInceptionClassification ref[4];
  gint precision;
  Run run;

  run_start (&run, model, NULL);
  run_set_caps (&run, SMALL_CAPS);
  for (guint i = 0; i < 4; i++) {
    GstBuffer *out = run_push (&run, 200 + i);
    ref[i] = check_meta (out, 5)->classes[0];
    ref[i].label = NULL;
    gst_buffer_unref (out);
  }
  run_stop (&run);

  for (guint p = 0; p < G_N_ELEMENTS (precisions); p++) {
    run_start (&run, model, NULL);
    gst_util_set_object_arg (G_OBJECT (run.element), "precision",
        precisions[p].nick);
    g_object_get (run.element, "precision", &precision, NULL);
    fail_unless_equals_int (precision, precisions[p].value);
    run_set_caps (&run, SMALL_CAPS);
    for (guint i = 0; i < 4; i++) {
      GstBuffer *out = run_push (&run, 200 + i);
      const GstVkInceptionMeta *meta = check_meta (out, 5);
      fail_unless_equals_int (meta->classes[0].class_id, ref[i].class_id);
      fail_unless (fabs (meta->classes[0].score - ref[i].score) < 1e-2,
          "frame %u: %f in %s, %f in fp32", i, meta->classes[0].score,
          precisions[p].nick, ref[i].score);
      gst_buffer_unref (out);
    }
    run_stop (&run);
  }
  g_free (model);
}

GST_END_TEST;

/* =============================================================== seeking */

/* A flushing seek in a pipeline: classification resumes at the new
 * position, the messages' running time counts from the seek. */
GST_START_TEST (test_seek)
{
  gchar *model = write_model (MODEL_SOFTMAX);
  gchar *launch = g_strdup_printf ("videotestsrc pattern=ball ! "
      "video/x-raw,format=NV12,width=40,height=30,framerate=30/1 ! "
      "vkinception name=vki model=\"%s\" ! fakesink sync=false", model);
  GstElement *pipeline = gst_parse_launch (launch, NULL);
  GstBus *bus = gst_element_get_bus (pipeline);
  gboolean playing = FALSE, eos = FALSE;
  guint n_results = 0;
  GstMessage *msg;

  fail_unless (pipeline != NULL);
  fail_if (gst_element_set_state (pipeline, GST_STATE_PAUSED) ==
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, WAIT_TIMEOUT,
      GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ASYNC_DONE);
  gst_message_unref (msg);
  /* The preroll frame's message is not the seek's concern. */
  while ((msg = gst_bus_pop (bus)))
    gst_message_unref (msg);

  fail_unless (gst_element_seek (pipeline, 1.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, GST_SEEK_TYPE_SET,
          GST_SECOND, GST_SEEK_TYPE_SET, 3 * GST_SECOND / 2));
  while (!eos && (msg = gst_bus_timed_pop (bus, WAIT_TIMEOUT))) {
    const GstStructure *s = gst_message_get_structure (msg);
    guint64 timestamp, running_time;

    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_ASYNC_DONE:
        if (!playing)
          fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
              GST_STATE_CHANGE_FAILURE);
        playing = TRUE;
        break;
      case GST_MESSAGE_ELEMENT:
        if (!gst_message_has_name (msg, "vkinception"))
          break;
        fail_unless (gst_structure_get_uint64 (s, "timestamp", &timestamp));
        fail_unless (gst_structure_get_uint64 (s, "running-time",
                &running_time));
        fail_unless (timestamp >= GST_SECOND && timestamp < 3 * GST_SECOND / 2,
            "frame at %" GST_TIME_FORMAT " after the seek",
            GST_TIME_ARGS (timestamp));
        fail_unless_equals_uint64 (running_time, timestamp - GST_SECOND);
        n_results++;
        break;
      case GST_MESSAGE_ERROR:
        fail ("error after the seek");
        break;
      case GST_MESSAGE_EOS:
        eos = TRUE;
        break;
      default:
        break;
    }
    gst_message_unref (msg);
  }
  fail_unless (eos);
  /* Half a second at 30 fps. */
  fail_unless_equals_int (n_results, 15);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_free (launch);
  g_free (model);
}

GST_END_TEST;

/* ========================================================= device sharing */

#define DEVICE_CONTEXT "gst.vkinception.device"

/* The device in @element's context of @type (no reference: the context
 * holds one while the element keeps it), NULL when it has none. */
static gpointer
context_device (GstElement * element, const gchar * type)
{
  GstContext *context = gst_element_get_context (element, type);
  const GValue *v;
  gpointer dev = NULL;

  if (!context)
    return NULL;
  v = gst_structure_get_value (gst_context_get_structure (context), "device");
  if (v && G_VALUE_HOLDS_BOXED (v))
    dev = g_value_get_boxed (v);
  gst_context_unref (context);
  return dev;
}

/* Plays @pipeline to EOS and returns the device contexts its elements
 * posted (HAVE_CONTEXT), in order, as a list of GstContext (unref each). */
static GList *
play_to_eos (GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GList *posted = NULL;
  GstMessage *msg;
  gboolean eos = FALSE;

  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  while (!eos && (msg = gst_bus_timed_pop (bus, WAIT_TIMEOUT))) {
    GstContext *context;

    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_HAVE_CONTEXT:
        gst_message_parse_have_context (msg, &context);
        if (g_str_has_prefix (gst_context_get_context_type (context),
                DEVICE_CONTEXT))
          posted = g_list_append (posted, context);
        else
          gst_context_unref (context);
        break;
      case GST_MESSAGE_ERROR:
        fail ("error from %s", GST_MESSAGE_SRC_NAME (msg));
        break;
      case GST_MESSAGE_EOS:
        eos = TRUE;
        break;
      default:
        break;
    }
    gst_message_unref (msg);
  }
  fail_unless (eos, "no EOS");
  gst_object_unref (bus);
  return posted;
}

static GstElement *
by_name (GstElement * pipeline, const gchar * name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);
  fail_unless (e != NULL);
  /* The bin keeps it. */
  gst_object_unref (e);
  return e;
}

/* Three elements after a tee: the two without a `device` property run on
 * one Vulkan device, the one with device=0 on its own (lavapipe is device
 * 0 here too: the property, not the device, decides). Each device is
 * posted once; going to NULL drops the contexts; a second run shares
 * again. */
GST_START_TEST (test_shared_device)
{
  gchar *model = write_model (MODEL_SOFTMAX);
  gchar *launch = g_strdup_printf ("videotestsrc num-buffers=3 ! "
      "video/x-raw,format=RGBx,width=32,height=24 ! tee name=t "
      "t. ! queue ! vkinception name=a model=\"%s\" ! fakesink "
      "t. ! queue ! vkinception name=b model=\"%s\" ! fakesink "
      "t. ! queue ! vkinception name=c model=\"%s\" device=0 ! fakesink",
      model, model, model);
  GstElement *pipeline = gst_parse_launch (launch, NULL);
  GstElement *a, *b, *c;

  fail_unless (pipeline != NULL);
  a = by_name (pipeline, "a");
  b = by_name (pipeline, "b");
  c = by_name (pipeline, "c");
  for (guint run = 0; run < 2; run++) {
    GList *posted = play_to_eos (pipeline);
    gpointer shared = context_device (a, DEVICE_CONTEXT);

    fail_unless_equals_int (g_list_length (posted), 2);
    fail_unless (shared != NULL);
    fail_unless (context_device (b, DEVICE_CONTEXT) == shared);
    fail_unless (context_device (c, DEVICE_CONTEXT "/0") != NULL);
    fail_unless (context_device (c, DEVICE_CONTEXT "/0") != shared);
    fail_unless (context_device (c, DEVICE_CONTEXT) == NULL);
    for (GList * l = posted; l; l = l->next) {
      const GstStructure *s = gst_context_get_structure (l->data);
      const gchar *name = gst_structure_get_string (s, "device-name");
      /* As gst-launch-1.0 prints it: the device by its name. */
      gchar *text = gst_structure_to_string (s);
      gchar *printed = g_strdup_printf ("device=(GstVkInceptionDevice)\"%s\"",
          name);

      fail_unless (name != NULL);
      fail_unless (strstr (text, printed) != NULL, "%s", text);
      g_free (printed);
      g_free (text);
    }
    fail_unless_equals_uint64 (frames_classified (a), 3);
    fail_unless_equals_uint64 (frames_classified (b), 3);
    fail_unless_equals_uint64 (frames_classified (c), 3);
    g_list_free_full (posted, (GDestroyNotify) gst_context_unref);

    fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
    fail_unless (context_device (a, DEVICE_CONTEXT) == NULL);
    fail_unless (context_device (pipeline, DEVICE_CONTEXT) == NULL);
  }

  gst_object_unref (pipeline);
  g_free (launch);
  g_free (model);
}

GST_END_TEST;

/* An application hands one pipeline's device to another: the context from
 * the first one's HAVE_CONTEXT, set on the second pipeline, is used, and
 * the second posts none of its own. A context of the type that holds no
 * device (a string instead) is ignored: the element makes its own. */
GST_START_TEST (test_device_from_application)
{
  gchar *model = write_model (MODEL_SOFTMAX);
  gchar *launch = g_strdup_printf ("videotestsrc num-buffers=2 ! "
      "video/x-raw,format=NV12,width=32,height=24 ! "
      "vkinception name=vki model=\"%s\" ! fakesink", model);
  GstElement *one = gst_parse_launch (launch, NULL);
  GstElement *two = gst_parse_launch (launch, NULL);
  GstElement *three = gst_parse_launch (launch, NULL);
  GList *posted;
  GstContext *given, *bogus;
  gpointer dev;

  posted = play_to_eos (one);
  fail_unless_equals_int (g_list_length (posted), 1);
  given = gst_context_ref (posted->data);
  g_list_free_full (posted, (GDestroyNotify) gst_context_unref);
  dev = g_value_get_boxed (gst_structure_get_value
      (gst_context_get_structure (given), "device"));
  fail_unless (context_device (by_name (one, "vki"), DEVICE_CONTEXT) == dev);
  gst_element_set_state (one, GST_STATE_NULL);

  gst_element_set_context (two, given);
  posted = play_to_eos (two);
  fail_unless (posted == NULL, "the second pipeline made a device");
  fail_unless (context_device (by_name (two, "vki"), DEVICE_CONTEXT)
      == dev);
  fail_unless_equals_uint64 (frames_classified (by_name (two, "vki")), 2);
  gst_element_set_state (two, GST_STATE_NULL);

  bogus = gst_context_new (DEVICE_CONTEXT, FALSE);
  gst_structure_set (gst_context_writable_structure (bogus),
      "device", G_TYPE_STRING, "not a device", NULL);
  gst_element_set_context (three, bogus);
  gst_context_unref (bogus);
  posted = play_to_eos (three);
  fail_unless_equals_int (g_list_length (posted), 1);
  fail_unless (context_device (by_name (three, "vki"), DEVICE_CONTEXT)
      != NULL);
  fail_unless_equals_uint64 (frames_classified (by_name (three, "vki")), 2);
  g_list_free_full (posted, (GDestroyNotify) gst_context_unref);
  gst_element_set_state (three, GST_STATE_NULL);

  gst_context_unref (given);
  gst_object_unref (one);
  gst_object_unref (two);
  gst_object_unref (three);
  g_free (launch);
  g_free (model);
}

GST_END_TEST;

/* The CONTEXT query between neighbours, without a bin to pass the context
 * on: an element linked to one that has a device takes it from the query
 * at start, and answers the same query with it. */
GST_START_TEST (test_device_from_neighbour)
{
  gchar *model = write_model (MODEL_SOFTMAX);
  GstElement *up = gst_element_factory_make ("vkinception", NULL);
  GstElement *down = gst_element_factory_make ("vkinception", NULL);
  /* The test's device, checked for validation messages at exit. */
  GstVkInceptionDevice *dev = vki_test_device ();
  GType device_type = g_type_from_name ("GstVkInceptionDevice");
  GstContext *context = gst_context_new (DEVICE_CONTEXT, FALSE);
  GstPad *up_src = gst_element_get_static_pad (up, "src");
  GstPad *down_sink = gst_element_get_static_pad (down, "sink");
  GstQuery *query;
  GstContext *answer = NULL;

  fail_unless (device_type != 0);
  gst_structure_set (gst_context_writable_structure (context),
      "device", device_type, dev, NULL);
  gst_element_set_context (down, context);
  gst_context_unref (context);
  g_object_set (up, "model", model, NULL);
  fail_unless (gst_pad_link (up_src, down_sink) == GST_PAD_LINK_OK);

  /* start() runs on the way to PAUSED. */
  fail_unless (gst_element_set_state (up, GST_STATE_PAUSED) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (context_device (up, DEVICE_CONTEXT) == (gpointer) dev);
  query = gst_query_new_context (DEVICE_CONTEXT);
  fail_unless (gst_pad_peer_query (down_sink, query));
  gst_query_parse_context (query, &answer);
  fail_unless (answer != NULL);
  fail_unless (g_value_get_boxed (gst_structure_get_value
          (gst_context_get_structure (answer), "device")) == (gpointer) dev);
  gst_query_unref (query);
  /* Another selector's type is not answered with this one. */
  query = gst_query_new_context (DEVICE_CONTEXT "/1");
  fail_if (gst_element_query (up, query));
  gst_query_unref (query);

  fail_unless_equals_int (gst_element_set_state (up, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (up_src);
  gst_object_unref (down_sink);
  gst_object_unref (up);
  gst_object_unref (down);
  g_free (model);
}

GST_END_TEST;

/* ================================================================= errors */

/* Runs "videotestsrc ! vkinception name=vki @props ! fakesink" and
 * expects an error from the element in @domain whose message or debug text
 * holds each string of the NULL-terminated list that follows. */
static void
expect_error (const gchar * caps, const gchar * props, GQuark domain, ...)
{
  gchar *launch = g_strdup_printf ("videotestsrc num-buffers=2 ! %s ! "
      "vkinception name=vki %s ! fakesink", caps ? caps :
      "video/x-raw,width=32,height=24", props);
  GstElement *pipeline = gst_parse_launch (launch, NULL);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  GError *error = NULL;
  gchar *debug = NULL, *text;
  const gchar *needle;
  va_list args;

  fail_unless (pipeline != NULL, "%s", launch);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, WAIT_TIMEOUT,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR,
      "no error from %s", launch);
  fail_unless_equals_string (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), "vki");
  gst_message_parse_error (msg, &error, &debug);
  text = g_strdup_printf ("%s\n%s", error->message, debug);
  fail_unless (error->domain == domain, "wrong domain: %s", text);
  va_start (args, domain);
  while ((needle = va_arg (args, const gchar *)))
      fail_unless (strstr (text, needle) != NULL, "'%s' is not in '%s'",
        needle, text);
  va_end (args);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_free (text);
  g_free (debug);
  g_error_free (error);
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_free (launch);
}

/* "model=PATH" and the like, quoted for gst_parse_launch. */
static gchar *
prop (const gchar * name, const gchar * value)
{
  return g_strdup_printf ("%s=\"%s\"", name, value);
}

GST_START_TEST (test_error_no_model)
{
  /* No model property and no bundled model. */
  g_setenv ("VKINCEPTION_DEFAULT_MODEL", "/nonexistent/model.onnx", TRUE);
  expect_error (NULL, "", GST_RESOURCE_ERROR, "model", NULL);
  g_unsetenv ("VKINCEPTION_DEFAULT_MODEL");
}

GST_END_TEST;

/* Without a model property the bundled model runs, with its labels. */
GST_START_TEST (test_default_model)
{
  GstElement *pipeline = gst_parse_launch ("videotestsrc num-buffers=2 "
      "pattern=smpte ! video/x-raw,width=160,height=120 ! vkinception top-k=1 "
      "! fakesink", NULL);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  guint right = 0;

  g_unsetenv ("VKINCEPTION_DEFAULT_MODEL");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while ((msg = gst_bus_timed_pop_filtered (bus, WAIT_TIMEOUT,
              GST_MESSAGE_ERROR | GST_MESSAGE_EOS | GST_MESSAGE_ELEMENT))) {
    const GstStructure *s = gst_message_get_structure (msg);
    GstMessageType type = GST_MESSAGE_TYPE (msg);
    fail_if (type == GST_MESSAGE_ERROR, "the bundled model did not run");
    if (type == GST_MESSAGE_ELEMENT && gst_structure_has_name (s, "vkinception")) {
      fail_unless_equals_string (gst_structure_get_string (s, "model"),
          "videotestsrc-googlenet.onnx");
      right += g_strcmp0 (gst_structure_get_string (s, "top-label"),
          "smpte") == 0;
    }
    gst_message_unref (msg);
    if (type == GST_MESSAGE_EOS)
      break;
  }
  fail_unless_equals_int (right, 2);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* The engine's own error for loading @path. */
static gchar *
engine_load_error (const gchar * path)
{
  GError *error = NULL;
  gchar *message;

  fail_unless (gst_vk_inception_model_new_from_file (path, &error) == NULL);
  message = g_strdup (error->message);
  g_error_free (error);
  return message;
}

GST_START_TEST (test_error_missing_model)
{
  gchar *path = tmp_path ("no-such-model.onnx");
  gchar *props = prop ("model", path);
  gchar *engine = engine_load_error (path);

  expect_error (NULL, props, GST_RESOURCE_ERROR, path, engine, NULL);
  g_free (engine);
  g_free (props);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_error_garbage_model)
{
  gchar *path = write_tmp ("garbage.onnx", "\x08\xff\xff this is no ONNX", -1);
  gchar *props = prop ("model", path);
  gchar *engine = engine_load_error (path);

  expect_error (NULL, props, GST_RESOURCE_ERROR, path, engine, NULL);
  g_free (engine);
  g_free (props);
  g_free (path);
}

GST_END_TEST;

/* A model path in Latin-1 bytes, not UTF-8: the error names it in UTF-8
 * (GError messages are UTF-8; bindings decode them), and so does the
 * engine's message in the debug string. */
GST_START_TEST (test_error_model_path_not_utf8)
{
  gchar *path = tmp_path ("mod\xe8le.onnx");
  GstElement *pipeline = gst_parse_launch ("videotestsrc num-buffers=2 ! "
      "video/x-raw,width=32,height=24 ! vkinception name=vki ! fakesink",
      NULL);
  GstElement *vki = gst_bin_get_by_name (GST_BIN (pipeline), "vki");
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  GError *error = NULL;
  gchar *debug = NULL;

  g_object_set (vki, "model", path, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, WAIT_TIMEOUT,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR);
  gst_message_parse_error (msg, &error, &debug);
  fail_unless (g_utf8_validate (error->message, -1, NULL));
  fail_unless (g_utf8_validate (debug, -1, NULL));
  fail_unless (strstr (error->message, "mod\357\277\275le.onnx") != NULL,
      "%s", error->message);
  fail_unless (strstr (debug, "mod\357\277\275le.onnx") != NULL, "%s",
      debug);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_free (debug);
  g_error_free (error);
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_object_unref (vki);
  gst_object_unref (pipeline);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_error_missing_labels)
{
  gchar *model = write_model (MODEL_SOFTMAX);
  gchar *labels = tmp_path ("no-such-labels.txt");
  gchar *props = g_strdup_printf ("model=\"%s\" labels=\"%s\"", model, labels);

  expect_error (NULL, props, GST_RESOURCE_ERROR, labels, NULL);
  g_free (props);
  g_free (labels);
  g_free (model);
}

GST_END_TEST;

/* Refused at negotiation, saying why. */
GST_START_TEST (test_error_interlaced)
{
  gchar *model = write_model (MODEL_SOFTMAX);
  gchar *props = prop ("model", model);

  expect_error ("video/x-raw,format=I420,width=32,height=24,"
      "interlace-mode=interleaved", props, GST_CORE_ERROR, "nterlaced", NULL);
  g_free (props);
  g_free (model);
}

GST_END_TEST;

/* A buffer smaller than its caps say is a stream error naming both sizes,
 * with or without batching; a gap buffer may be empty (test_gap). */
GST_START_TEST (test_error_short_frame)
{
  gchar *model = write_model (MODEL_SOFTMAX);

  for (guint batch = 1; batch <= 2; batch++) {
    Run run;
    gsize size;
    guint8 *bytes;
    GstMessage *msg;
    GError *error = NULL;
    gchar *debug = NULL, *want;

    run_start (&run, model, "batch-size", batch, NULL);
    run_set_caps (&run, SMALL_CAPS);
    size = GST_VIDEO_INFO_SIZE (&run.info) / 2;
    bytes = random_bytes (size, 7);
    fail_unless_equals_int (gst_harness_push (run.h, frame_buffer (bytes,
                size, 0)), batch == 1 ? GST_FLOW_ERROR : GST_FLOW_OK);
    if (batch == 2)
      fail_unless_equals_int (gst_harness_push (run.h, frame_buffer (bytes,
                  size, 1)), GST_FLOW_ERROR);
    msg = gst_bus_pop_filtered (run.bus, GST_MESSAGE_ERROR);
    fail_unless (msg != NULL, "no error message (batch %u)", batch);
    gst_message_parse_error (msg, &error, &debug);
    fail_unless (g_error_matches (error, GST_STREAM_ERROR,
            GST_STREAM_ERROR_FORMAT), "%s", error->message);
    want = g_strdup_printf ("%" G_GSIZE_FORMAT "-byte buffer", size);
    fail_unless (strstr (error->message, want) != NULL, "%s", error->message);
    g_free (want);
    want = g_strdup_printf ("(%" G_GSIZE_FORMAT " bytes)",
        GST_VIDEO_INFO_SIZE (&run.info));
    fail_unless (strstr (error->message, want) != NULL, "%s", error->message);
    g_free (want);
    g_error_free (error);
    g_free (debug);
    gst_message_unref (msg);
    g_free (bytes);
    run_stop (&run);
  }
  g_free (model);
}

GST_END_TEST;

/* The error says what was looked for, and the engine's reason. */
GST_START_TEST (test_error_unknown_device)
{
  gchar *model = write_model (MODEL_SOFTMAX);
  gchar *props = g_strdup_printf ("model=\"%s\" device=\"no such gpu\"",
      model);
  GError *error = NULL;

  fail_unless (gst_vk_inception_device_new ("no such gpu", &error) == NULL);
  expect_error (NULL, props, GST_RESOURCE_ERROR, "no such gpu",
      error->message, NULL);
  g_error_free (error);
  g_free (props);
  g_free (model);
}

GST_END_TEST;

/* precision=fp16 on a device without 16-bit storage buffers fails at
 * start, naming the device and the property (the device is made to look so
 * with the engine's test switch). */
GST_START_TEST (test_error_fp16_unsupported)
{
  gchar *model = write_model (MODEL_SOFTMAX);
  gchar *props = g_strdup_printf ("model=\"%s\" precision=fp16", model);
  GstVkInceptionDevice *dev;

  g_setenv ("VKINCEPTION_NO_16BIT_STORAGE", "1", TRUE);
  dev = gst_vk_inception_device_new (NULL, NULL);
  fail_unless (dev != NULL);
  fail_if (gst_vk_inception_device_supports_precision (dev,
          GST_VK_INCEPTION_PRECISION_FP16));
  expect_error (NULL, props, GST_LIBRARY_ERROR, "precision=fp16",
      gst_vk_inception_device_get_name (dev), "storageBuffer16BitAccess",
      NULL);
  gst_vk_inception_device_unref (dev);
  g_unsetenv ("VKINCEPTION_NO_16BIT_STORAGE");
  g_free (props);
  g_free (model);
}

GST_END_TEST;

/* precision=fp16-arithmetic on a device with 16-bit storage but without
 * float16 arithmetic fails at start and points to fp16; the engine's
 * net_new_full() refuses it with GST_VK_INCEPTION_ERROR_UNSUPPORTED. */
GST_START_TEST (test_error_fp16_arithmetic_unsupported)
{
  gchar *model = write_model (MODEL_SOFTMAX);
  gchar *props = g_strdup_printf ("model=\"%s\" precision=fp16-arithmetic",
      model);
  GstVkInceptionDevice *dev;
  GstVkInceptionModel *m;
  GError *error = NULL;

  g_setenv ("VKINCEPTION_NO_FLOAT16", "1", TRUE);
  dev = gst_vk_inception_device_new (NULL, NULL);
  fail_unless (dev != NULL);
  fail_unless (gst_vk_inception_device_supports_precision (dev,
          GST_VK_INCEPTION_PRECISION_FP16));
  fail_if (gst_vk_inception_device_supports_precision (dev,
          GST_VK_INCEPTION_PRECISION_FP16_ARITHMETIC));
  m = gst_vk_inception_model_new_from_file (model, &error);
  fail_unless (m != NULL);
  fail_if (gst_vk_inception_net_new_full (m, dev, NULL,
          GST_VK_INCEPTION_PRECISION_FP16_ARITHMETIC, &error));
  fail_unless (g_error_matches (error, GST_VK_INCEPTION_ERROR,
          GST_VK_INCEPTION_ERROR_UNSUPPORTED));
  fail_unless (strstr (error->message, "shaderFloat16") != NULL,
      "%s", error->message);
  g_clear_error (&error);
  expect_error (NULL, props, GST_LIBRARY_ERROR,
      "precision=fp16-arithmetic", gst_vk_inception_device_get_name (dev),
      "shaderFloat16", "fp16 or fp32", NULL);
  gst_vk_inception_model_free (m);
  gst_vk_inception_device_unref (dev);
  g_unsetenv ("VKINCEPTION_NO_FLOAT16");
  g_free (props);
  g_free (model);
}

GST_END_TEST;

/* A model whose size is fixed (its Gemm takes 3x8x8 exactly) runs at its
 * size and fails, with the engine's reason, at another. */
GST_START_TEST (test_error_input_size)
{
  gchar *model = write_model (MODEL_FIXED_ONLY);
  gchar *props = g_strdup_printf ("model=\"%s\" input-size=12x12", model);
  GstVkInceptionShape shape = vki_test_shape (4, (gint64) 1, (gint64) 3,
      (gint64) 12, (gint64) 12);
  GstVkInceptionModel *m;
  GError *error = NULL;
  GstBuffer *out;
  Run run;

  run_start (&run, model, NULL);
  run_set_caps (&run, SMALL_CAPS);
  out = run_push (&run, 0);
  fail_unless_equals_int (check_meta (out, 5)->n_classes, N_CLASSES);
  gst_buffer_unref (out);
  run_stop (&run);

  m = gst_vk_inception_model_new_from_file (model, &error);
  g_assert_no_error (error);
  fail_unless (gst_vk_inception_net_new (m, vki_test_device (), &shape,
          &error) == NULL);
  expect_error (NULL, props, GST_LIBRARY_ERROR, "12x12", error->message,
      NULL);
  g_error_free (error);
  gst_vk_inception_model_free (m);
  g_free (props);
  g_free (model);
}

GST_END_TEST;

/* ============================================================ properties */

GST_START_TEST (test_properties)
{
  gchar *model = write_model (MODEL_SOFTMAX);
  gchar *name = NULL;
  gdouble latency;
  GstBuffer *out;
  Run run;

  run_start (&run, model, NULL);
  g_object_get (run.element, "device-name", &name, "last-latency-ms",
      &latency, NULL);
  fail_unless (name != NULL && *name, "no device name after start");
  fail_unless_equals_float (latency, 0);
  g_free (name);

  run_set_caps (&run, SMALL_CAPS);
  out = run_push (&run, 0);
  g_object_get (run.element, "last-latency-ms", &latency, NULL);
  fail_unless (latency > 0);
  fail_unless_equals_float (check_meta (out, 5)->latency_ms, latency);
  fail_unless_equals_uint64 (frames_classified (run.element), 1);
  gst_buffer_unref (out);

  /* Stopped: no device. */
  gst_element_set_state (run.element, GST_STATE_NULL);
  g_object_get (run.element, "device-name", &name, NULL);
  fail_unless (name == NULL);
  run_stop (&run);
  g_free (model);
}

GST_END_TEST;

/* ========================================================== state cycles */

/* NULL -> PLAYING -> NULL, again and again on one pipeline: every start
 * makes a device and net, every stop frees them (valgrind shows what
 * leaks). */
GST_START_TEST (test_state_cycles)
{
  guint cycles = g_strcmp0 (g_getenv ("VKINCEPTION_TEST_LIGHT"), "1") == 0 ?
      20 : 100;
  gchar *model = write_model (MODEL_SOFTMAX);
  gchar *launch = g_strdup_printf ("videotestsrc num-buffers=2 ! "
      "video/x-raw,format=NV12,width=35,height=27 ! "
      "vkinception name=vki model=\"%s\" ! fakesink", model);
  GstElement *pipeline = gst_parse_launch (launch, NULL);
  GstElement *vki = gst_bin_get_by_name (GST_BIN (pipeline), "vki");
  GstBus *bus = gst_element_get_bus (pipeline);

  for (guint i = 0; i < cycles; i++) {
    GstMessage *msg;

    fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
        GST_STATE_CHANGE_FAILURE);
    msg = gst_bus_timed_pop_filtered (bus, WAIT_TIMEOUT,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS,
        "cycle %u did not end in EOS", i);
    gst_message_unref (msg);
    fail_unless_equals_uint64 (frames_classified (vki), 2);
    fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
    /* Drop the cycle's messages, or 100 cycles pile them up. */
    gst_bus_set_flushing (bus, TRUE);
    gst_bus_set_flushing (bus, FALSE);
  }

  gst_object_unref (vki);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_free (launch);
  g_free (model);
}

GST_END_TEST;

/* ================================================================= suite */

static Suite *
vkinception_suite (void)
{
  Suite *s = suite_create ("vkinception");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  /* check's default of 4 s is too short for the state cycles under load or
   * valgrind; meson's environment sets its own (CK_DEFAULT_TIMEOUT). */
  if (!g_getenv ("CK_DEFAULT_TIMEOUT"))
    tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, tmp_setup, tmp_teardown);
  tcase_add_test (tc, test_templates);
  tcase_add_loop_test (tc, test_formats, 0, G_N_ELEMENTS (all_formats));
  tcase_add_loop_test (tc, test_meta_matches_engine, 0,
      G_N_ELEMENTS (engine_cases));
  tcase_add_loop_test (tc, test_formats_agree, 0, G_N_ELEMENTS (all_formats));
  tcase_add_loop_test (tc, test_padded_strides, 0,
      G_N_ELEMENTS (padded_caps));
  tcase_add_test (tc, test_interval);
  tcase_add_test (tc, test_gap);
  tcase_add_test (tc, test_allocation);
  tcase_add_test (tc, test_async);
  tcase_add_test (tc, test_batch);
  tcase_add_test (tc, test_batch_events);
  tcase_add_test (tc, test_precision_fp16);
  tcase_add_test (tc, test_top_k_threshold);
  tcase_add_test (tc, test_messages);
  tcase_add_loop_test (tc, test_labels, 0, G_N_ELEMENTS (labels_cases));
  tcase_add_test (tc, test_renegotiation);
  tcase_add_test (tc, test_input_size_change);
  tcase_add_loop_test (tc, test_flush_eos, 0, 2);
  tcase_add_test (tc, test_seek);
  tcase_add_test (tc, test_shared_device);
  tcase_add_test (tc, test_device_from_application);
  tcase_add_test (tc, test_device_from_neighbour);
  tcase_add_test (tc, test_error_no_model);
  tcase_add_test (tc, test_default_model);
  tcase_add_test (tc, test_error_missing_model);
  tcase_add_test (tc, test_error_garbage_model);
  tcase_add_test (tc, test_error_missing_labels);
  tcase_add_test (tc, test_error_model_path_not_utf8);
  tcase_add_test (tc, test_error_interlaced);
  tcase_add_test (tc, test_error_short_frame);
  tcase_add_test (tc, test_error_unknown_device);
  tcase_add_test (tc, test_error_fp16_unsupported);
  tcase_add_test (tc, test_error_fp16_arithmetic_unsupported);
  tcase_add_test (tc, test_error_input_size);
  tcase_add_test (tc, test_properties);
  tcase_add_test (tc, test_state_cycles);
  return s;
}

GST_CHECK_MAIN (vkinception);
