/* Bad inputs: every malformed, truncated, hostile or inconsistent model (and
 * every unusable input shape) must give a clean GError in the
 * GST_VK_INCEPTION_ERROR domain: no crash, no hang, no unbounded allocation,
 * no g_critical/g_warning and no validation-layer message.
 *
 * The fuzz loops are seeded, so a failure reproduces exactly: if a case
 * aborts or crashes, "while checking: ..." on stderr names it (the offset,
 * seed or field). VKINCEPTION_TEST_FUZZ_SEED=N starts the seeds after N
 * (new cases for longer runs). With VKINCEPTION_TEST_LIGHT=1 (set by the 'valgrind' test
 * setup) the fuzz loops run fewer iterations. */
#include "test-common.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gstdio.h>

#define NAME "test.onnx"

/* For expect_*_error(): SHAPE or UNSUPPORTED (an empty shape). */
#define SHAPE_OR_UNSUPPORTED ((GstVkInceptionError) -1)

/* Fewer fuzz iterations under valgrind or sanitizers. */
static gboolean light;

/* VKINCEPTION_TEST_FUZZ_SEED=N: the seeded fuzz loops start after seed N
 * instead of 0, so that longer runs outside CI try new cases (a failure
 * names its seed, which reproduces it with the same N). */
static guint seed_base;

/* Fuzzed models that parse are built and run only at input sizes up to
 * these (hostile declared shapes are tested on purpose elsewhere). */
#define FUZZ_MAX_BUILD_ELEMENTS (G_GINT64_CONSTANT (1) << 22)
#define FUZZ_MAX_RUN_ELEMENTS (G_GINT64_CONSTANT (1) << 20)

/* ----------------------------------------------------------------- helpers */

/* g_test_message(), which a subprocess (see trap_subprocess()) does not
 * show: there it goes to stderr, which the parent passes on. */
static void
note (const gchar * format, ...) G_GNUC_PRINTF (1, 2);

static void
note (const gchar * format, ...)
{
  va_list args;
  gchar *msg;
  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  if (g_test_subprocess ())
    g_printerr ("# %s\n", msg);
  else
    g_test_message ("%s", msg);
  g_free (msg);
}

/* The fuzz case being checked, printed if it aborts or crashes. */
static gchar current_case[256];

static void
set_case (const gchar * format, ...) G_GNUC_PRINTF (1, 2);

static void
set_case (const gchar * format, ...)
{
  va_list args;
  va_start (args, format);
  g_vsnprintf (current_case, sizeof (current_case), format, args);
  va_end (args);
}

static void
on_fatal_signal (int sig)
{
  static const char what[] = "# while checking: ";
  if (current_case[0]) {
    ssize_t r G_GNUC_UNUSED;
    r = write (2, what, sizeof (what) - 1);
    r = write (2, current_case, strlen (current_case));
    r = write (2, "\n", 1);
  }
  signal (sig, SIG_DFL);
  raise (sig);
}

static void
assert_prefix (const gchar * message, const gchar * name)
{
  gchar *prefix = g_strconcat (name, ": ", NULL);
  gchar *head = g_strndup (message, strlen (prefix));
  if (!g_str_equal (head, prefix))
    note ("error message without the model name: '%s'", message);
  g_assert_cmpstr (head, ==, prefix);
  g_free (head);
  g_free (prefix);
}

/* A clean error: our domain, a known code, a non-empty message, which starts
 * with "@name: " when @name is given. */
static void
assert_clean_error (const GError * error, const gchar * name)
{
  g_assert_nonnull (error);
  if (error->domain != GST_VK_INCEPTION_ERROR)
    note ("error in domain %s: %s",
        g_quark_to_string (error->domain), error->message);
  g_assert_true (error->domain == GST_VK_INCEPTION_ERROR);
  g_assert_cmpint (error->code, >=, GST_VK_INCEPTION_ERROR_FAILED);
  g_assert_cmpint (error->code, <=, GST_VK_INCEPTION_ERROR_VULKAN);
  g_assert_nonnull (error->message);
  g_assert_cmpuint (strlen (error->message), >, 0);
  /* Names from the file are made valid before they are quoted: a message
   * is UTF-8 (GError's rule; bindings decode it). */
  if (!g_utf8_validate (error->message, -1, NULL)) {
    gchar *esc = g_strescape (error->message, NULL);
    note ("not valid UTF-8: %s", esc);
    g_free (esc);
  }
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (name)
    assert_prefix (error->message, name);
}

static void
assert_contains (const GError * error, const gchar * what)
{
  if (!strstr (error->message, what))
    note ("'%s' not found in: %s", what, error->message);
  g_assert_nonnull (strstr (error->message, what));
}

/* Checks the error's code and that its message holds every string of the
 * NULL-terminated list. Frees and clears the error. */
static void
expect_error_valist (GError ** error, const gchar * name,
    GstVkInceptionError code, va_list args)
{
  const gchar *s;
  g_assert_nonnull (*error);
  note ("expected error: %s", (*error)->message);
  assert_clean_error (*error, name);
  if (code == SHAPE_OR_UNSUPPORTED)
    g_assert_true ((*error)->code == GST_VK_INCEPTION_ERROR_SHAPE
        || (*error)->code == GST_VK_INCEPTION_ERROR_UNSUPPORTED);
  else
    g_assert_error (*error, GST_VK_INCEPTION_ERROR, (gint) code);
  while ((s = va_arg (args, const gchar *)))
    assert_contains (*error, s);
  g_clear_error (error);
  vki_test_assert_no_validation ();
}

static GstVkInceptionModel *
load (const guint8 * data, gsize size, GError ** error)
{
  return gst_vk_inception_model_new_from_data (data, size, NAME, NULL, 0,
      error);
}

static GstVkInceptionModel *
load_tm (VkiTestModel * tm, GError ** error)
{
  gsize size;
  guint8 *data = vki_test_model_pack (tm, &size);
  GstVkInceptionModel *m = load (data, size, error);
  g_free (data);
  return m;
}

/* Loading @tm fails with @code and a message holding each of the
 * NULL-terminated strings that follow. Frees @tm. */
static void
expect_load_error (VkiTestModel * tm, GstVkInceptionError code, ...)
{
  GError *error = NULL;
  GstVkInceptionModel *m = load_tm (tm, &error);
  va_list args;

  if (m)
    note ("the model loaded; an error was expected");
  g_assert_null (m);
  va_start (args, code);
  expect_error_valist (&error, NAME, code, args);
  va_end (args);
  vki_test_model_free (tm);
}

/* @tm loads, but a net at @shapes (NULL: declared) fails with @code. @name
 * is the expected message prefix (NULL: not checked). Frees @tm. */
static void
expect_net_error (VkiTestModel * tm, const GstVkInceptionShape * shapes,
    const gchar * name, GstVkInceptionError code, ...)
{
  GError *error = NULL;
  GstVkInceptionModel *m = load_tm (tm, &error);
  GstVkInceptionNet *net;
  va_list args;

  g_assert_no_error (error);
  g_assert_nonnull (m);
  net = gst_vk_inception_net_new (m, vki_test_device (), shapes, &error);
  if (net)
    note ("the net was built; an error was expected");
  g_assert_null (net);
  va_start (args, code);
  expect_error_valist (&error, name, code, args);
  va_end (args);
  gst_vk_inception_model_free (m);
  vki_test_model_free (tm);
}

static gint64
numel (const GstVkInceptionShape * s)
{
  gint64 n = 1;
  for (guint i = 0; i < s->rank; i++) {
    if (s->dims[i] < 0 || (s->dims[i] && n > G_MAXINT64 / s->dims[i]))
      return -1;
    n *= s->dims[i];
  }
  return n;
}

typedef struct
{
  guint cases, rejected, loaded, built, net_rejected, ran, skipped;
} FuzzStats;

/* The acceptance rule for any input: either loading fails cleanly, or the
 * model loads, and then building a net at its declared shapes either fails
 * cleanly or gives a net that runs. */
static void
check_any (const guint8 * data, gsize size, FuzzStats * st)
{
  GError *error = NULL;
  GstVkInceptionModel *m = load (data, size, &error);
  GstVkInceptionNet *net;
  gint64 total = 0;
  guint n_in;

  st->cases++;
  if (!m) {
    assert_clean_error (error, NAME);
    g_clear_error (&error);
    st->rejected++;
    return;
  }
  g_assert_no_error (error);
  st->loaded++;

  n_in = gst_vk_inception_model_get_n_inputs (m);
  g_assert_cmpuint (n_in, >=, 1);
  g_assert_cmpuint (gst_vk_inception_model_get_n_outputs (m), >=, 1);
  for (guint i = 0; i < n_in; i++) {
    GstVkInceptionShape s;
    const gchar *in = gst_vk_inception_model_get_input (m, i, &s);
    gint64 n = numel (&s);
    g_assert_nonnull (in);
    g_assert_cmpuint (s.rank, <=, GST_VK_INCEPTION_MAX_RANK);
    if (n < 0 || total < 0 || n > G_MAXINT64 - total)
      total = -1;               /* unknown or absurd: the net must refuse it */
    else
      total += n;
  }
  for (guint i = 0; i < gst_vk_inception_model_get_n_outputs (m); i++)
    g_assert_nonnull (gst_vk_inception_model_get_output_name (m, i));
  {
    GstVkInceptionPreprocess pre;
    if (!gst_vk_inception_model_get_preprocess (m, &pre, &error)) {
      assert_clean_error (error, NAME);
      g_clear_error (&error);
    }
  }

  /* Nets are built at any size: the engine must bound what it allocates
   * (the device's buffer limits do). Only a net of a size that would also
   * pass those and take long to build is skipped. */
  if (total > FUZZ_MAX_BUILD_ELEMENTS && total < G_MAXINT32) {
    st->skipped++;
    gst_vk_inception_model_free (m);
    return;
  }

  net = gst_vk_inception_net_new (m, vki_test_device (), NULL, &error);
  if (!net) {
    assert_clean_error (error, NULL);
    if (!g_str_has_prefix (error->message, NAME ": "))
      note ("net error without the model name: %s", error->message);
    g_clear_error (&error);
    st->net_rejected++;
  } else {
    guint n_out = gst_vk_inception_net_get_n_outputs (net);
    float **inputs = g_new0 (float *, n_in);
    float **outputs = g_new0 (float *, MAX (n_out, 1));
    gint64 io = 0;
    guint n_layers;

    g_assert_no_error (error);
    st->built++;
    g_assert_cmpuint (gst_vk_inception_net_get_n_inputs (net), ==, n_in);
    gst_vk_inception_net_get_layers (net, &n_layers);
    for (guint i = 0; i < n_in; i++) {
      GstVkInceptionShape s;
      gst_vk_inception_net_get_input_shape (net, i, &s);
      io += numel (&s);
    }
    for (guint i = 0; i < n_out; i++) {
      GstVkInceptionShape s;
      gst_vk_inception_net_get_output_shape (net, i, &s);
      g_assert_cmpint (numel (&s), >, 0);
      io += numel (&s);
    }
    if (io <= FUZZ_MAX_RUN_ELEMENTS) {
      for (guint i = 0; i < n_in; i++) {
        GstVkInceptionShape s;
        gst_vk_inception_net_get_input_shape (net, i, &s);
        inputs[i] = vki_test_random (i + 1, numel (&s), -1.0f, 1.0f);
      }
      for (guint i = 0; i < n_out; i++) {
        GstVkInceptionShape s;
        gst_vk_inception_net_get_output_shape (net, i, &s);
        outputs[i] = g_new0 (float, numel (&s));
      }
      g_assert_true (gst_vk_inception_net_run (net,
              (const float *const *) inputs, outputs, &error));
      g_assert_no_error (error);
      st->ran++;
      /* Profiling records another command buffer: once per test is
       * enough to cover it. */
      if (st->ran == 1) {
        double *ms = g_new0 (double, MAX (n_layers, 1));
        double total_ms;
        if (!gst_vk_inception_net_profile (net, ms, &total_ms, &error)) {
          assert_clean_error (error, NULL);
          g_clear_error (&error);
        }
        g_free (ms);
      }
    }
    for (guint i = 0; i < n_in; i++)
      g_free (inputs[i]);
    for (guint i = 0; i < n_out; i++)
      g_free (outputs[i]);
    g_free (inputs);
    g_free (outputs);
    gst_vk_inception_net_free (net);
  }
  gst_vk_inception_model_free (m);
  vki_test_assert_no_validation ();
}

static void
report_stats (const gchar * what, const FuzzStats * st)
{
  note ("%s: %u cases: %u rejected at load, %u loaded, %u nets "
      "refused, %u built, %u ran, %u too big to build", what, st->cases,
      st->rejected, st->loaded, st->net_rejected, st->built, st->ran,
      st->skipped);
}

/* Runs the current test again in a subprocess (its stderr passed on), and
 * fails it, without stopping the other tests, if that crashes, fails or
 * takes longer than @seconds. */
static void
trap_subprocess (guint seconds)
{
  g_test_trap_subprocess (NULL, seconds * G_USEC_PER_SEC,
      G_TEST_SUBPROCESS_INHERIT_STDERR);
  if (!g_test_trap_has_passed ()) {
    note ("the subprocess crashed, failed or hung (limit %u s)",
        seconds);
    g_test_fail ();
  }
}

/* Tests that have found engine bugs (memory errors, validation messages)
 * run in a subprocess (a device of their own), so that a failure there
 * does not stop or fail the others. */
static void
run_isolated (gconstpointer data)
{
  GTestFunc func = (GTestFunc) data;
  if (g_test_subprocess ()) {
    func ();
    return;
  }
  trap_subprocess (300);
}

static void
add_isolated (const gchar * path, GTestFunc func)
{
  g_test_add_data_func (path, (gconstpointer) func, run_isolated);
}

/* ------------------------------------------------------------ the models */

/* x 1x3x8x8 -> Conv 3x3 pad 1 (4 channels, bias) -> Relu -> MaxPool 2x2
 * s2 -> Flatten -> Gemm (64 -> 10, bias) -> y 1x10. About 3 KB. */
static VkiTestModel *
small_model (void)
{
  VkiTestModel *tm = vki_test_model_new (13);
  const gint64 xd[] = { 1, 3, 8, 8 }, wd[] = { 4, 3, 3, 3 }, bd[] = { 4 };
  const gint64 fd[] = { 64, 10 }, cd[] = { 10 };
  const gint64 k3[] = { 3, 3 }, p1[] = { 1, 1, 1, 1 }, k2[] = { 2, 2 };
  float *w = vki_test_random (1, 108, -0.5f, 0.5f);
  float *b = vki_test_random (2, 4, -0.5f, 0.5f);
  float *f = vki_test_random (3, 640, -0.5f, 0.5f);
  float *c = vki_test_random (4, 10, -0.5f, 0.5f);
  Onnx__NodeProto *n;

  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_output (tm, "y");
  vki_test_model_initializer (tm, "w", 4, wd, w);
  vki_test_model_initializer (tm, "b", 1, bd, b);
  vki_test_model_initializer (tm, "f", 2, fd, f);
  vki_test_model_initializer (tm, "c", 1, cd, c);
  n = vki_test_model_node (tm, "Conv", "x,w,b", "c1");
  vki_test_node_ints (tm, n, "kernel_shape", 2, k3);
  vki_test_node_ints (tm, n, "pads", 4, p1);
  vki_test_model_node (tm, "Relu", "c1", "r1");
  n = vki_test_model_node (tm, "MaxPool", "r1", "p1");
  vki_test_node_ints (tm, n, "kernel_shape", 2, k2);
  vki_test_node_ints (tm, n, "strides", 2, k2);
  vki_test_model_node (tm, "Flatten", "p1", "fl");
  vki_test_model_node (tm, "Gemm", "fl,f,c", "y");
  g_free (w);
  g_free (b);
  g_free (f);
  g_free (c);
  return tm;
}

/* Every supported op once, about 2 KB: x 1x3x8x8 -> Conv 3x3 + bias ->
 * BatchNormalization -> Relu -> LRN -> [MaxPool 3x3 s1 | Conv 1x1 -> Relu]
 * -> Concat -> AveragePool 2x2 -> GlobalAveragePool -> Reshape [1, 12] ->
 * MatMul -> Add -> Dropout -> Identity -> Softmax -> y 1x5. Opset 11, so
 * that Softmax and Dropout take their older forms. */
static VkiTestModel *
zoo_model (void)
{
  VkiTestModel *tm = vki_test_model_new (11);
  const gint64 xd[] = { 1, 3, 8, 8 }, w1d[] = { 8, 3, 3, 3 }, c8[] = { 8 };
  const gint64 w2d[] = { 4, 8, 1, 1 }, fwd[] = { 12, 5 }, fbd[] = { 5 };
  const gint64 sd[] = { 2 }, shape[] = { 1, 12 };
  const gint64 k3[] = { 3, 3 }, p1[] = { 1, 1, 1, 1 }, k2[] = { 2, 2 };
  float *w1 = vki_test_random (11, 216, -0.5f, 0.5f);
  float *b1 = vki_test_random (12, 8, -0.5f, 0.5f);
  float *sc = vki_test_random (13, 8, 0.5f, 1.5f);
  float *sh = vki_test_random (14, 8, -0.5f, 0.5f);
  float *mean = vki_test_random (15, 8, -0.5f, 0.5f);
  float *var = vki_test_random (16, 8, 0.5f, 1.5f);
  float *w2 = vki_test_random (17, 32, -0.5f, 0.5f);
  float *fw = vki_test_random (18, 60, -0.5f, 0.5f);
  float *fb = vki_test_random (19, 5, -0.5f, 0.5f);
  Onnx__NodeProto *n;

  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_output (tm, "y");
  vki_test_model_initializer (tm, "w1", 4, w1d, w1);
  vki_test_model_initializer (tm, "b1", 1, c8, b1);
  vki_test_model_initializer (tm, "bn_s", 1, c8, sc);
  vki_test_model_initializer (tm, "bn_b", 1, c8, sh);
  vki_test_model_initializer (tm, "bn_m", 1, c8, mean);
  vki_test_model_initializer (tm, "bn_v", 1, c8, var);
  vki_test_model_initializer (tm, "w2", 4, w2d, w2);
  vki_test_model_initializer (tm, "fw", 2, fwd, fw);
  vki_test_model_initializer (tm, "fb", 1, fbd, fb);
  vki_test_model_initializer_i64 (tm, "shape", 1, sd, shape);
  n = vki_test_model_node (tm, "Conv", "x,w1,b1", "c1");
  vki_test_node_ints (tm, n, "kernel_shape", 2, k3);
  vki_test_node_ints (tm, n, "pads", 4, p1);
  n = vki_test_model_node (tm, "BatchNormalization",
      "c1,bn_s,bn_b,bn_m,bn_v", "bn1");
  vki_test_node_float (tm, n, "epsilon", 1e-5f);
  vki_test_model_node (tm, "Relu", "bn1", "r1");
  n = vki_test_model_node (tm, "LRN", "r1", "l1");
  vki_test_node_int (tm, n, "size", 3);
  vki_test_node_float (tm, n, "alpha", 1e-4f);
  vki_test_node_float (tm, n, "beta", 0.75f);
  n = vki_test_model_node (tm, "MaxPool", "l1", "pa");
  vki_test_node_ints (tm, n, "kernel_shape", 2, k3);
  vki_test_node_ints (tm, n, "pads", 4, p1);
  vki_test_model_node (tm, "Conv", "l1,w2", "cb");
  vki_test_model_node (tm, "Relu", "cb", "rb");
  n = vki_test_model_node (tm, "Concat", "pa,rb", "cat");
  vki_test_node_int (tm, n, "axis", 1);
  n = vki_test_model_node (tm, "AveragePool", "cat", "ap");
  vki_test_node_ints (tm, n, "kernel_shape", 2, k2);
  vki_test_node_ints (tm, n, "strides", 2, k2);
  vki_test_model_node (tm, "GlobalAveragePool", "ap", "gap");
  vki_test_model_node (tm, "Reshape", "gap,shape", "flat");
  vki_test_model_node (tm, "MatMul", "flat,fw", "mm");
  vki_test_model_node (tm, "Add", "mm,fb", "add");
  vki_test_model_node (tm, "Dropout", "add", "dr");
  vki_test_model_node (tm, "Identity", "dr", "id");
  n = vki_test_model_node (tm, "Softmax", "id", "y");
  vki_test_node_int (tm, n, "axis", 1);
  g_free (w1);
  g_free (b1);
  g_free (sc);
  g_free (sh);
  g_free (mean);
  g_free (var);
  g_free (w2);
  g_free (fw);
  g_free (fb);
  return tm;
}

typedef VkiTestModel *(*ModelFunc) (void);

static guint8 *
model_bytes (ModelFunc func, gsize * size)
{
  VkiTestModel *tm = func ();
  guint8 *data = vki_test_model_pack (tm, size);
  vki_test_model_free (tm);
  return data;
}

/* x 1x3x8x8 -> Conv 1x1 (3 -> @cout) -> y. */
static VkiTestModel *
conv1x1_model (gint64 cout, const gint64 * xdims)
{
  VkiTestModel *tm = vki_test_model_new (13);
  const gint64 xd[] = { 1, 3, 8, 8 }, wd[] = { cout, 3, 1, 1 };
  float *w = vki_test_random (5, cout * 3, -1.0f, 1.0f);
  vki_test_model_input (tm, "x", 4, xdims ? xdims : xd);
  vki_test_model_output (tm, "y");
  vki_test_model_initializer (tm, "w", 4, wd, w);
  vki_test_model_node (tm, "Conv", "x,w", "y");
  g_free (w);
  return tm;
}

/* x 1x3x8x8 -> Relu -> y, with nothing else. */
static VkiTestModel *
relu_model (void)
{
  VkiTestModel *tm = vki_test_model_new (13);
  const gint64 xd[] = { 1, 3, 8, 8 };
  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_output (tm, "y");
  vki_test_model_node (tm, "Relu", "x", "y");
  return tm;
}

static Onnx__TensorProto *
find_init (VkiTestModel * tm, const gchar * name)
{
  Onnx__GraphProto *g = vki_test_model_proto (tm)->graph;
  for (gsize i = 0; i < g->n_initializer; i++)
    if (g_str_equal (g->initializer[i]->name, name))
      return g->initializer[i];
  g_assert_not_reached ();
  return NULL;
}

static Onnx__NodeProto *
find_node (VkiTestModel * tm, const gchar * name)
{
  Onnx__GraphProto *g = vki_test_model_proto (tm)->graph;
  for (gsize i = 0; i < g->n_node; i++)
    if (g_str_equal (g->node[i]->name, name))
      return g->node[i];
  g_assert_not_reached ();
  return NULL;
}

/* --------------------------------------------------------- raw protobuf */

/* A tiny protobuf writer, for files protobuf-c would never write. */
static void
put_varint (GByteArray * b, guint64 v)
{
  do {
    guint8 byte = (v & 0x7f) | (v >= 0x80 ? 0x80 : 0);
    g_byte_array_append (b, &byte, 1);
    v >>= 7;
  } while (v);
}

static guint
varint_len (guint64 v)
{
  guint n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

static guint32
field_id (const ProtobufCMessageDescriptor * desc, const gchar * name)
{
  const ProtobufCFieldDescriptor *f =
      protobuf_c_message_descriptor_get_field_by_name (desc, name);
  g_assert_nonnull (f);
  return f->id;
}

static guint64
tag (guint32 field, guint wire)
{
  return ((guint64) field << 3) | wire;
}

/* A ModelProto whose graph nests @levels times through @n_hops messages
 * per level: hops[i] is the field of message i holding message i+1, the
 * last hop leading back to a message like the first. Built outside in with
 * precomputed lengths, so this is linear in the output size. */
static guint8 *
nested_model (guint levels, const guint32 * hops, guint n_hops,
    guint32 top_field, gsize * size)
{
  guint n = levels * n_hops;
  guint64 *len = g_new0 (guint64, n + 1);
  GByteArray *b = g_byte_array_new ();

  /* len[i]: the content length of the message at nesting i (0 outermost
   * below the ModelProto); the innermost is empty. */
  len[n] = 0;
  for (gint i = (gint) n - 1; i >= 0; i--) {
    guint64 inner = len[i + 1];
    len[i] = varint_len (tag (hops[i % n_hops], 2)) + varint_len (inner)
        + inner;
  }
  put_varint (b, tag (field_id (&onnx__model_proto__descriptor, "ir_version"),
          0));
  put_varint (b, 7);
  put_varint (b, tag (top_field, 2));
  put_varint (b, len[0]);
  for (guint i = 0; i < n; i++) {
    put_varint (b, tag (hops[i % n_hops], 2));
    put_varint (b, len[i + 1]);
  }
  g_free (len);
  *size = b->len;
  return g_byte_array_free (b, FALSE);
}

/* ============================================================== tests */

/* ------------------------------------------------------------- files */

static void
test_zero_length (void)
{
  GError *error = NULL;
  static const guint8 byte = 0;
  GstVkInceptionModel *m;

  m = load (&byte, 0, &error);
  g_assert_null (m);
  note ("%s", error->message);
  assert_clean_error (error, NAME);
  g_assert_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_PARSE);
  g_clear_error (&error);

  m = gst_vk_inception_model_new_from_data (NULL, 0, NAME, NULL, 0, &error);
  g_assert_null (m);
  assert_clean_error (error, NAME);
  g_assert_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_PARSE);
  g_clear_error (&error);

  /* One byte of nothing in particular. */
  for (guint v = 0; v < 256; v++) {
    guint8 one = (guint8) v;
    m = load (&one, 1, &error);
    g_assert_null (m);
    assert_clean_error (error, NAME);
    g_clear_error (&error);
  }
}

static gchar *
tmp_dir (void)
{
  GError *error = NULL;
  gchar *dir = g_dir_make_tmp ("vki-bad-inputs-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

/* Loading @path fails with @code and a clean message that contains
 * @quoted (where not NULL). */
static void
expect_file_error (const gchar * path, GstVkInceptionError code,
    const gchar * quoted)
{
  GError *error = NULL;

  g_assert_null (gst_vk_inception_model_new_from_file (path, &error));
  note ("%s", error->message);
  assert_clean_error (error, NULL);
  g_assert_error (error, GST_VK_INCEPTION_ERROR, (gint) code);
  if (quoted)
    assert_contains (error, quoted);
  g_clear_error (&error);
}

static void
test_file_empty (void)
{
  gchar *dir = tmp_dir ();
  gchar *path = g_build_filename (dir, "empty.onnx", NULL);
  GError *error = NULL;

  g_assert_true (g_file_set_contents (path, "", 0, &error));
  expect_file_error (path, GST_VK_INCEPTION_ERROR_PARSE, "empty.onnx");
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

static void
test_file_missing (void)
{
  gchar *dir = tmp_dir ();
  gchar *path = g_build_filename (dir, "no-such-model.onnx", NULL);

  expect_file_error (path, GST_VK_INCEPTION_ERROR_IO, "no-such-model.onnx");
  expect_file_error ("", GST_VK_INCEPTION_ERROR_IO, NULL);

  /* A path that is not UTF-8 (Latin-1 bytes, a newline) is quoted as valid
   * UTF-8 on one line (assert_clean_error checks). */
  g_free (path);
  path = g_build_filename (dir, "mod\xe8le\n.onnx", NULL);
  expect_file_error (path, GST_VK_INCEPTION_ERROR_IO,
      "mod\357\277\275le?.onnx");

  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

static void
test_file_directory (void)
{
  gchar *dir = tmp_dir ();
  GError *error = NULL;
  GstVkInceptionModel *m;

  m = gst_vk_inception_model_new_from_file (dir, &error);
  g_assert_null (m);
  note ("%s", error->message);
  assert_clean_error (error, NULL);
  /* IO, or PARSE if the directory reads as an empty file. */
  g_assert_true (error->code == GST_VK_INCEPTION_ERROR_IO
      || error->code == GST_VK_INCEPTION_ERROR_PARSE);
  g_clear_error (&error);
  g_rmdir (dir);
  g_free (dir);
}

/* A valid model read from a file works, and its errors name the file
 * (without its directories). */
static void
test_file_names_model (void)
{
  gchar *dir = tmp_dir ();
  gchar *path = g_build_filename (dir, "upsample.onnx", NULL);
  VkiTestModel *tm = relu_model ();
  GError *error = NULL;
  GstVkInceptionModel *m;
  guint8 *data;
  gsize size;

  data = vki_test_model_pack (tm, &size);
  g_assert_true (g_file_set_contents (path, (const gchar *) data, size,
          &error));
  m = gst_vk_inception_model_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gst_vk_inception_model_get_name (m), ==, "upsample.onnx");
  gst_vk_inception_model_free (m);
  g_free (data);

  vki_test_model_node (tm, "Upsample", "y", "up1");
  data = vki_test_model_pack (tm, &size);
  g_assert_true (g_file_set_contents (path, (const gchar *) data, size,
          &error));
  m = gst_vk_inception_model_new_from_file (path, &error);
  g_assert_null (m);
  note ("%s", error->message);
  assert_clean_error (error, "upsample.onnx");
  g_assert_error (error, GST_VK_INCEPTION_ERROR,
      GST_VK_INCEPTION_ERROR_UNSUPPORTED);
  assert_contains (error, "node 'up1'");
  assert_contains (error, "unsupported op 'Upsample'");
  g_clear_error (&error);

  /* Truncated on disk. */
  g_assert_true (g_file_set_contents (path, (const gchar *) data, size / 2,
          &error));
  m = gst_vk_inception_model_new_from_file (path, &error);
  g_assert_null (m);
  assert_clean_error (error, "upsample.onnx");
  g_clear_error (&error);

  g_free (data);
  vki_test_model_free (tm);
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

/* Over the 2 GiB file limit: a sparse file, so nothing is written. */
static void
test_file_too_large (void)
{
  gchar *dir = tmp_dir ();
  gchar *path = g_build_filename (dir, "huge.onnx", NULL);
  int fd = g_open (path, O_CREAT | O_WRONLY | O_TRUNC, 0600);

  g_assert_cmpint (fd, >=, 0);
  if (ftruncate (fd, (off_t) 3 << 30) != 0) {
    g_test_skip ("cannot make a 3 GiB sparse file here");
    close (fd);
    goto out;
  }
  close (fd);
  expect_file_error (path, GST_VK_INCEPTION_ERROR_TOO_LARGE, "huge.onnx");
out:
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

/* A FIFO with no writer: opening it for reading blocks forever unless the
 * loader refuses what is not a regular file. Run in a subprocess, so that
 * a hang fails this test instead of the whole program. */
static void
test_file_fifo (void)
{
  gchar *dir, *path;

  if (g_test_subprocess ()) {
    GError *error = NULL;
    GstVkInceptionModel *m =
        gst_vk_inception_model_new_from_file (g_getenv ("VKI_TEST_FIFO"),
        &error);
    g_assert_null (m);
    assert_clean_error (error, NULL);
    g_clear_error (&error);
    return;
  }
  dir = tmp_dir ();
  path = g_build_filename (dir, "fifo.onnx", NULL);
  if (mkfifo (path, 0600) != 0) {
    g_test_skip ("mkfifo failed");
  } else {
    g_setenv ("VKI_TEST_FIFO", path, TRUE);
    trap_subprocess (20);
    g_unsetenv ("VKI_TEST_FIFO");
  }
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

/* ------------------------------------------------------------- fuzzing */

static void
test_truncated (gconstpointer func)
{
  gsize size;
  guint8 *data = model_bytes ((ModelFunc) func, &size);
  FuzzStats st = { 0 };
  gsize dense = light ? 512 : size;
  gsize stride = light ? 7 : 1;

  note ("model of %" G_GSIZE_FORMAT " bytes", size);
  g_assert_cmpuint (size, >, 1000);
  g_assert_cmpuint (size, <, 8000);
  /* The whole model works. */
  set_case ("%s: the whole model", g_test_get_path ());
  check_any (data, size, &st);
  g_assert_cmpuint (st.ran, ==, 1);
  st = (FuzzStats) { 0 };

  for (gsize len = 0; len < size; len += len < dense ? 1 : stride) {
    /* A copy of exactly @len bytes, so that valgrind and ASan see any read
     * past its end. */
    guint8 *copy = g_memdup2 (data, MAX (len, 1));
    set_case ("%s: truncated to %" G_GSIZE_FORMAT " bytes", g_test_get_path (),
        len);
    check_any (copy, len, &st);
    g_free (copy);
  }
  current_case[0] = '\0';
  report_stats ("truncated", &st);
  /* Cut between top-level fields (after the graph, before opset_import),
   * the file is still a model. */
  g_assert_cmpuint (st.rejected, >, st.loaded);
  g_free (data);
}

static void
test_random_bytes (void)
{
  FuzzStats st = { 0 };
  guint n = light ? 300 : 3000;

  for (guint seed = seed_base + 1; seed <= seed_base + n; seed++) {
    GRand *r = g_rand_new_with_seed (seed);
    gsize len = g_rand_int_range (r, 1, seed % 10 == 0 ? 65536 : 512);
    guint8 *buf = g_malloc (len);
    for (gsize i = 0; i < len; i++)
      buf[i] = (guint8) g_rand_int (r);
    /* Some start like a model: ir_version, then the graph field. */
    if (seed % 3 == 0 && len > 4) {
      buf[0] = 0x08;
      buf[1] = 0x07;
      buf[2] = 0x3a;
    }
    set_case ("%s: seed %u", g_test_get_path (), seed);
    check_any (buf, len, &st);
    g_free (buf);
    g_rand_free (r);
  }
  current_case[0] = '\0';
  report_stats ("random bytes", &st);
}

static void
test_mutated (gconstpointer func)
{
  gsize size;
  guint8 *data = model_bytes ((ModelFunc) func, &size);
  FuzzStats st = { 0 };
  guint n = light ? 60 : 600;

  for (guint seed = seed_base + 1; seed <= seed_base + n; seed++) {
    GRand *r = g_rand_new_with_seed (seed);
    guint8 *copy = g_memdup2 (data, size);
    gsize len = size;
    guint flips = g_rand_int_range (r, 1, 5);

    for (guint i = 0; i < flips; i++) {
      gsize at = g_rand_int_range (r, 0, (gint32) len);
      switch (g_rand_int_range (r, 0, 4)) {
        case 0:                /* a random byte */
          copy[at] = (guint8) g_rand_int (r);
          break;
        case 1:                /* one bit */
          copy[at] ^= 1u << g_rand_int_range (r, 0, 8);
          break;
        case 2:                /* an interesting value */
        {
          static const guint8 v[] = { 0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe };
          copy[at] = v[g_rand_int_range (r, 0, G_N_ELEMENTS (v))];
          break;
        }
        default:               /* drop the tail */
          len = MAX (at, 1);
          break;
      }
    }
    {
      guint8 *exact = g_memdup2 (copy, len);
      set_case ("%s: seed %u", g_test_get_path (), seed);
      check_any (exact, len, &st);
      g_free (exact);
    }
    g_free (copy);
    g_rand_free (r);
  }
  current_case[0] = '\0';
  report_stats ("mutated", &st);
  g_free (data);
}

/* Hostile values in every integer of the model that the loader
 * interprets: dims of initializers and inputs, attribute values, opset,
 * element types and attribute types. */
typedef struct
{
  GPtrArray *i64;               /* gint64 * */
  GPtrArray *i32;               /* gint * (enums) */
} Slots;

static void
collect_slots (VkiTestModel * tm, Slots * s)
{
  Onnx__ModelProto *mp = vki_test_model_proto (tm);
  Onnx__GraphProto *g = mp->graph;

  g_ptr_array_add (s->i64, &mp->ir_version);
  g_ptr_array_add (s->i64, &mp->opset_import[0]->version);
  for (gsize i = 0; i < g->n_initializer; i++) {
    Onnx__TensorProto *t = g->initializer[i];
    for (gsize d = 0; d < t->n_dims; d++)
      g_ptr_array_add (s->i64, &t->dims[d]);
    g_ptr_array_add (s->i32, &t->data_type);
    /* int64 values (Reshape's target); raw_data is malloc'ed, aligned. */
    if (t->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64)
      for (gsize k = 0; k < t->raw_data.len / 8; k++)
        g_ptr_array_add (s->i64, t->raw_data.data + 8 * k);
  }
  for (gsize i = 0; i < g->n_input; i++) {
    Onnx__TypeProto__Tensor *tt = g->input[i]->type->tensor_type;
    for (gsize d = 0; d < tt->shape->n_dim; d++)
      g_ptr_array_add (s->i64, &tt->shape->dim[d]->dim_value);
    g_ptr_array_add (s->i32, &tt->elem_type);
  }
  for (gsize i = 0; i < g->n_node; i++) {
    for (gsize a = 0; a < g->node[i]->n_attribute; a++) {
      Onnx__AttributeProto *at = g->node[i]->attribute[a];
      for (gsize k = 0; k < at->n_ints; k++)
        g_ptr_array_add (s->i64, &at->ints[k]);
      if (at->has_i)
        g_ptr_array_add (s->i64, &at->i);
      g_ptr_array_add (s->i32, (gint *) & at->type);
    }
  }
}

static void
test_mutated_fields (gconstpointer func)
{
  static const gint64 v64[] = {
    0, 1, 2, 9, 127, 128, G_MAXINT32, G_MAXUINT32,
    G_GINT64_CONSTANT (1) << 40, G_MAXINT64, -1, G_MININT64,
  };
  static const gint v32[] = { 0, -1, 1, 7, 11, 1000, G_MAXINT32 };
  FuzzStats st = { 0 };
  guint n64, n32;
  Slots s;

  {
    VkiTestModel *tm = ((ModelFunc) func) ();
    s.i64 = g_ptr_array_new ();
    s.i32 = g_ptr_array_new ();
    collect_slots (tm, &s);
    n64 = s.i64->len;
    n32 = s.i32->len;
    g_ptr_array_unref (s.i64);
    g_ptr_array_unref (s.i32);
    vki_test_model_free (tm);
  }
  note ("%u integer and %u enum fields", n64, n32);

  for (guint slot = 0; slot < n64 + n32; slot++) {
    guint n_values = slot < n64 ? G_N_ELEMENTS (v64) : G_N_ELEMENTS (v32);
    for (guint v = 0; v < n_values; v++) {
      VkiTestModel *tm;
      guint8 *data;
      gsize size;
      if (light && (slot + v) % 4)
        continue;
      tm = ((ModelFunc) func) ();
      s.i64 = g_ptr_array_new ();
      s.i32 = g_ptr_array_new ();
      collect_slots (tm, &s);
      if (slot < n64)
        *(gint64 *) g_ptr_array_index (s.i64, slot) = v64[v];
      else
        *(gint *) g_ptr_array_index (s.i32, slot - n64) = v32[v];
      data = vki_test_model_pack (tm, &size);
      if (slot < n64)
        set_case ("%s: integer field %u = %" G_GINT64_FORMAT,
            g_test_get_path (), slot, v64[v]);
      else
        set_case ("%s: enum field %u = %d", g_test_get_path (), slot - n64,
            v32[v]);
      check_any (data, size, &st);
      g_free (data);
      g_ptr_array_unref (s.i64);
      g_ptr_array_unref (s.i32);
      vki_test_model_free (tm);
    }
  }
  current_case[0] = '\0';
  report_stats ("fields", &st);
}

/* --------------------------------------------------------- wrong types */

static void
test_attr_wrong_type (void)
{
  VkiTestModel *tm;
  Onnx__NodeProto *n;
  const gint64 xd[] = { 1, 3, 8, 8 }, two[] = { 2, 2 };

  /* kernel_shape as a float. */
  tm = vki_test_model_new (13);
  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_output (tm, "y");
  n = vki_test_model_node (tm, "MaxPool", "x", "y");
  vki_test_node_float (tm, n, "kernel_shape", 2.0f);
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "node 'y'",
      "MaxPool", "kernel_shape", NULL);

  /* strides as one integer. */
  tm = vki_test_model_new (13);
  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_output (tm, "y");
  n = vki_test_model_node (tm, "MaxPool", "x", "y");
  vki_test_node_ints (tm, n, "kernel_shape", 2, two);
  vki_test_node_int (tm, n, "strides", 2);
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "node 'y'",
      "strides", NULL);

  /* A 3-D window. */
  tm = vki_test_model_new (13);
  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_output (tm, "y");
  n = vki_test_model_node (tm, "MaxPool", "x", "y");
  {
    const gint64 k3[] = { 2, 2, 2 };
    vki_test_node_ints (tm, n, "kernel_shape", 3, k3);
  }
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'y'",
      "kernel_shape", NULL);

  /* group as a string. */
  tm = conv1x1_model (4, NULL);
  vki_test_node_string (tm, find_node (tm, "y"), "group", "one");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "node 'y'",
      "group", NULL);

  /* auto_pad as an integer, and an unknown auto_pad. */
  tm = conv1x1_model (4, NULL);
  vki_test_node_int (tm, find_node (tm, "y"), "auto_pad", 1);
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "node 'y'",
      "auto_pad", NULL);
  tm = conv1x1_model (4, NULL);
  vki_test_node_string (tm, find_node (tm, "y"), "auto_pad", "SIDEWAYS");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "node 'y'",
      "SIDEWAYS", NULL);

  /* LRN alpha as an integer; LRN alpha not finite. */
  tm = relu_model ();
  n = vki_test_model_node (tm, "LRN", "y", "lrn");
  vki_test_node_int (tm, n, "size", 5);
  vki_test_node_int (tm, n, "alpha", 1);
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "node 'lrn'",
      "alpha", NULL);
  tm = relu_model ();
  n = vki_test_model_node (tm, "LRN", "y", "lrn");
  vki_test_node_int (tm, n, "size", 5);
  vki_test_node_float (tm, n, "beta", NAN);
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "node 'lrn'",
      "beta", NULL);

  /* Absurd window values. */
  {
    static const gint64 bad[][2] = { {0, 2}, {-1, 2}, {G_MAXINT64, 2},
    {G_MININT64, 2}, {1 << 20, 1}
    };
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
      tm = vki_test_model_new (13);
      vki_test_model_input (tm, "x", 4, xd);
      vki_test_model_output (tm, "y");
      n = vki_test_model_node (tm, "AveragePool", "x", "y");
      vki_test_node_ints (tm, n, "kernel_shape", 2, bad[i]);
      expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
          "node 'y'", NULL);
      tm = vki_test_model_new (13);
      vki_test_model_input (tm, "x", 4, xd);
      vki_test_model_output (tm, "y");
      n = vki_test_model_node (tm, "AveragePool", "x", "y");
      vki_test_node_ints (tm, n, "kernel_shape", 2, two);
      vki_test_node_ints (tm, n, "strides", 2, bad[i]);
      expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
          "node 'y'", NULL);
    }
  }
  {
    const gint64 pads[] = { 0, 0, -1, 0 };
    tm = conv1x1_model (4, NULL);
    vki_test_node_ints (tm, find_node (tm, "y"), "pads", 4, pads);
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "node 'y'",
        "pads", NULL);
  }
}

/* A Reshape with a 'shape' attribute (opset < 5) of more values than any
 * supported rank: refused, without writing them anywhere first. */
static void
test_reshape_attr_long (void)
{
  static const guint counts[] = { 5, 8, 64, 65, 1000 };
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++) {
    VkiTestModel *tm = vki_test_model_new (4);
    const gint64 xd[] = { 1, 3, 8, 8 };
    gint64 *shape = g_new (gint64, counts[i]);
    Onnx__NodeProto *n;
    for (guint j = 0; j < counts[i]; j++)
      shape[j] = 1;
    shape[0] = -1;
    vki_test_model_input (tm, "x", 4, xd);
    vki_test_model_output (tm, "y");
    n = vki_test_model_node (tm, "Reshape", "x", "y");
    vki_test_node_ints (tm, n, "shape", counts[i], shape);
    g_free (shape);
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'y'",
        NULL);
  }
}

static void
test_tensor_wrong_type (void)
{
  static const gint types[] = {
    ONNX__TENSOR_PROTO__DATA_TYPE__UNDEFINED,
    ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE,
    ONNX__TENSOR_PROTO__DATA_TYPE__INT8,
    ONNX__TENSOR_PROTO__DATA_TYPE__UINT8,
    ONNX__TENSOR_PROTO__DATA_TYPE__UINT64,
    ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16,
    ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16,
    ONNX__TENSOR_PROTO__DATA_TYPE__COMPLEX128,
    1000, -1,
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++) {
    VkiTestModel *tm = conv1x1_model (4, NULL);
    Onnx__TensorProto *t = find_init (tm, "w");
    t->data_type = types[i];
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "tensor 'w'",
        NULL);
  }

  /* STRING, with string_data instead of raw_data. */
  {
    VkiTestModel *tm = conv1x1_model (4, NULL);
    Onnx__TensorProto *t = find_init (tm, "w");
    static ProtobufCBinaryData strings[12];
    for (guint i = 0; i < G_N_ELEMENTS (strings); i++) {
      strings[i].data = (guint8 *) "abc";
      strings[i].len = 3;
    }
    t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__STRING;
    t->has_raw_data = FALSE;
    t->n_string_data = G_N_ELEMENTS (strings);
    t->string_data = strings;
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "tensor 'w'",
        NULL);
  }

  /* Integer constants (int64, int32, bool) where float weights are
   * needed: the raw bytes fit the dims, the type does not. */
  {
    static const struct
    {
      gint type, size;
    } ints[] = {
      {ONNX__TENSOR_PROTO__DATA_TYPE__INT32, 4},
      {ONNX__TENSOR_PROTO__DATA_TYPE__BOOL, 1},
      {ONNX__TENSOR_PROTO__DATA_TYPE__INT64, 8},
    };
    for (guint i = 0; i < G_N_ELEMENTS (ints); i++) {
      VkiTestModel *tm = conv1x1_model (4, NULL);
      Onnx__TensorProto *t = find_init (tm, "w");
      guint8 *raw = g_malloc0 (12 * ints[i].size);
      t->data_type = ints[i].type;
      t->raw_data.data = raw;
      t->raw_data.len = 12 * ints[i].size;
      expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'y'",
          "'w'", NULL);
      g_free (raw);
    }
  }

  /* A float weight where int64 is needed (Reshape's shape), and the
   * reverse. */
  {
    VkiTestModel *tm = relu_model ();
    const gint64 sd[] = { 2 };
    const float s[] = { 1, -1 };
    vki_test_model_initializer (tm, "s", 1, sd, s);
    vki_test_model_node (tm, "Reshape", "y,s", "z");
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'z'",
        "int64", NULL);
  }
  {
    VkiTestModel *tm = relu_model ();
    const gint64 wd[] = { 4, 3, 1, 1 };
    gint64 w[12] = { 0 };
    vki_test_model_initializer_i64 (tm, "w", 4, wd, w);
    vki_test_model_node (tm, "Conv", "y,w", "z");
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'z'",
        "'w'", NULL);
  }
  /* A weight of the wrong rank. */
  {
    VkiTestModel *tm = relu_model ();
    const gint64 wd[] = { 12 };
    float w[12] = { 0 };
    vki_test_model_initializer (tm, "w", 1, wd, w);
    vki_test_model_node (tm, "Conv", "y,w", "z");
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'z'",
        "'w'", "rank", NULL);
  }
  /* Not-finite weights. */
  {
    VkiTestModel *tm = conv1x1_model (4, NULL);
    Onnx__TensorProto *t = find_init (tm, "w");
    float inf = INFINITY;
    memcpy (t->raw_data.data + 8, &inf, 4);
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "tensor 'w'",
        "finite", NULL);
  }
}

static void
test_input_wrong_type (void)
{
  static const gint types[] = {
    ONNX__TENSOR_PROTO__DATA_TYPE__INT64,
    ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE,
    ONNX__TENSOR_PROTO__DATA_TYPE__UINT8,
    ONNX__TENSOR_PROTO__DATA_TYPE__STRING,
  };
  for (guint i = 0; i < G_N_ELEMENTS (types); i++) {
    VkiTestModel *tm = relu_model ();
    Onnx__GraphProto *g = vki_test_model_proto (tm)->graph;
    g->input[0]->type->tensor_type->elem_type = types[i];
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "input 'x'",
        "float32", NULL);
  }
  /* Not a tensor at all: a sequence, or no type. */
  {
    VkiTestModel *tm = relu_model ();
    Onnx__GraphProto *g = vki_test_model_proto (tm)->graph;
    Onnx__TypeProto__Sequence seq;
    onnx__type_proto__sequence__init (&seq);
    g->input[0]->type->value_case = ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE;
    g->input[0]->type->sequence_type = &seq;
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "input 'x'",
        NULL);
  }
  {
    VkiTestModel *tm = relu_model ();
    Onnx__GraphProto *g = vki_test_model_proto (tm)->graph;
    g->input[0]->type = NULL;
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "input 'x'",
        NULL);
  }
}

/* Data that does not match the dimensions. */
static void
test_tensor_size_mismatch (void)
{
  VkiTestModel *tm;
  Onnx__TensorProto *t;

  /* raw_data shorter and longer than the dims say. */
  tm = conv1x1_model (4, NULL);
  t = find_init (tm, "w");
  t->raw_data.len -= 4;
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "tensor 'w'",
      "claims", NULL);
  tm = conv1x1_model (4, NULL);
  t = find_init (tm, "w");
  t->dims[0] = 5;
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "tensor 'w'",
      "claims", NULL);
  tm = conv1x1_model (4, NULL);
  t = find_init (tm, "w");
  t->raw_data.len = 0;
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "tensor 'w'",
      "claims", NULL);

  /* Hundreds of MB claimed, 1 MiB in the file (under the 1 GiB limit, so
   * the size check is what refuses it). */
  {
    const gint64 wd[] = { 1 << 18, 3, 1, 1 };
    gsize have = 1 << 20;
    guint8 *raw = g_malloc0 (have);
    tm = conv1x1_model (4, NULL);
    t = find_init (tm, "w");
    t->raw_data.data = raw;
    t->raw_data.len = have;
    memcpy (t->dims, wd, sizeof (wd));
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "tensor 'w'",
        "claims", NULL);
    g_free (raw);
  }

  /* float_data of the wrong count. */
  {
    float vals[13] = { 0 };
    for (guint count = 0; count <= 13; count++) {
      if (count == 12)
        continue;
      tm = conv1x1_model (4, NULL);
      t = find_init (tm, "w");
      t->has_raw_data = FALSE;
      t->n_float_data = count;
      t->float_data = vals;
      expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
          "tensor 'w'", "claims", NULL);
    }
    /* The right count loads. */
    {
      GError *error = NULL;
      GstVkInceptionModel *m;
      tm = conv1x1_model (4, NULL);
      t = find_init (tm, "w");
      t->has_raw_data = FALSE;
      t->n_float_data = 12;
      t->float_data = vals;
      m = load_tm (tm, &error);
      g_assert_no_error (error);
      gst_vk_inception_model_free (m);
      vki_test_model_free (tm);
    }
  }
  /* int64_data of the wrong count. */
  {
    gint64 vals[3] = { 1, -1, 0 };
    const gint64 sd[] = { 2 };
    tm = relu_model ();
    vki_test_model_initializer_i64 (tm, "s", 1, sd, vals);
    vki_test_model_node (tm, "Reshape", "y,s", "z");
    t = find_init (tm, "s");
    t->has_raw_data = FALSE;
    t->n_int64_data = 3;
    t->int64_data = vals;
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "tensor 's'",
        "claims", NULL);
  }
  /* External and segmented data. */
  tm = conv1x1_model (4, NULL);
  t = find_init (tm, "w");
  t->has_data_location = TRUE;
  t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "tensor 'w'",
      "external", NULL);
  {
    Onnx__TensorProto__Segment seg;
    onnx__tensor_proto__segment__init (&seg);
    tm = conv1x1_model (4, NULL);
    t = find_init (tm, "w");
    t->segment = &seg;
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "tensor 'w'",
        "segmented", NULL);
  }
  /* An initializer without a name. */
  tm = conv1x1_model (4, NULL);
  t = find_init (tm, "w");
  t->name = (char *) "";
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "initializer",
      "no name", NULL);
}

/* ----------------------------------------------------- missing things */

static void
test_missing_initializer (void)
{
  VkiTestModel *tm = vki_test_model_new (13);
  const gint64 xd[] = { 1, 3, 8, 8 };
  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_output (tm, "y");
  vki_test_model_node (tm, "Conv", "x,conv1_w", "y");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "node 'y'",
      "(Conv)", "'conv1_w'", NULL);

  /* The weight listed among the graph inputs (as old exporters do) but
   * with no initializer: a weight that is not a constant. */
  tm = vki_test_model_new (13);
  {
    const gint64 wd[] = { 4, 3, 1, 1 };
    vki_test_model_input (tm, "x", 4, xd);
    vki_test_model_input (tm, "conv1_w", 4, wd);
  }
  vki_test_model_output (tm, "y");
  vki_test_model_node (tm, "Conv", "x,conv1_w", "y");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'y'",
      "'conv1_w'", NULL);

  /* A node with no input at all. */
  tm = relu_model ();
  vki_test_model_node (tm, "Relu", "", "z");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "node 'z'",
      "input 0", NULL);

  /* A node with no output, and a node with an empty output name. */
  tm = relu_model ();
  {
    Onnx__NodeProto *n = vki_test_model_node (tm, "Relu", "y", "");
    n->name = (char *) "nameless";
  }
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
      "node 'nameless'", "no output", NULL);

  /* A graph without inputs, outputs or nodes, and a model without a
   * graph. */
  tm = vki_test_model_new (13);
  vki_test_model_output (tm, "y");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "no input",
      NULL);
  tm = vki_test_model_new (13);
  {
    const gint64 xd2[] = { 1, 3, 8, 8 };
    vki_test_model_input (tm, "x", 4, xd2);
  }
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "no output",
      NULL);
  tm = relu_model ();
  vki_test_model_proto (tm)->graph = NULL;
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_PARSE, "no graph", NULL);

  /* A graph input without a name. */
  tm = relu_model ();
  vki_test_model_proto (tm)->graph->input[0]->name = (char *) "";
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "graph input",
      "no name", NULL);

  /* Constant without a value. */
  tm = relu_model ();
  vki_test_model_node (tm, "Constant", "", "k");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'k'",
      "Constant", NULL);
}

static void
test_unsupported_op (void)
{
  VkiTestModel *tm = relu_model ();
  Onnx__NodeProto *n = vki_test_model_node (tm, "Upsample", "y", "up1");
  vki_test_node_string (tm, n, "mode", "nearest");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'up1'",
      "unsupported op 'Upsample'", NULL);

  /* A named node is called by its name, not its output. */
  tm = relu_model ();
  n = vki_test_model_node (tm, "LSTM", "y", "out");
  n->name = (char *) "lstm_1";
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'lstm_1'",
      "unsupported op 'LSTM'", NULL);

  /* An op of another domain, with a familiar name. */
  tm = relu_model ();
  n = vki_test_model_node (tm, "Conv", "y", "z");
  n->domain = (char *) "com.microsoft";
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'z'",
      "com.microsoft", NULL);

  /* No op_type at all. */
  tm = relu_model ();
  n = vki_test_model_node (tm, "", "y", "z");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'z'",
      NULL);

  /* An op_type and a domain that are not UTF-8, with a control character:
   * quoted as valid UTF-8 on one line (assert_clean_error checks). */
  tm = relu_model ();
  n = vki_test_model_node (tm, "Flatt\200n\n", "y", "z");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'z'",
      "unsupported op 'Flatt\357\277\275n?'", NULL);
  tm = relu_model ();
  n = vki_test_model_node (tm, "Relu", "y", "z");
  n->domain = (char *) "com.\377";
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'z'",
      "from domain 'com.\357\277\275'", NULL);

  /* Unsupported variants of supported ops. */
  tm = conv1x1_model (4, NULL);
  vki_test_node_int (tm, find_node (tm, "y"), "group", 2);
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'y'",
      "group", NULL);
  tm = relu_model ();
  vki_test_model_node (tm, "MaxPool", "y", "z,idx");
  vki_test_node_ints (tm, find_node (tm, "z"), "kernel_shape", 2,
      (const gint64[]) { 2, 2 });
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'z'",
      "Indices", NULL);
  tm = relu_model ();
  vki_test_model_node (tm, "Relu", "y", "z,extra");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'z'",
      "one output", NULL);

  /* Concat of more inputs than supported. */
  {
    GString *ins = g_string_new ("y");
    for (guint i = 1; i < 65; i++)
      g_string_append (ins, ",y");
    tm = relu_model ();
    vki_test_model_node (tm, "Concat", ins->str, "cat");
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'cat'",
        "65", NULL);
    g_string_free (ins, TRUE);
  }

  /* An Add that is not a MatMul's bias. */
  {
    const gint64 xd[] = { 1, 3, 8, 8 };
    tm = vki_test_model_new (13);
    vki_test_model_input (tm, "x", 4, xd);
    vki_test_model_input (tm, "x2", 4, xd);
    vki_test_model_output (tm, "y");
    vki_test_model_node (tm, "Add", "x,x2", "y");
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "node 'y'",
        "Add", NULL);
  }

  /* Opsets out of range. */
  {
    static const gint64 opsets[] = { 0, -1, 22, 1000, G_MAXINT64 };
    for (guint i = 0; i < G_N_ELEMENTS (opsets); i++) {
      tm = relu_model ();
      vki_test_model_proto (tm)->opset_import[0]->version = opsets[i];
      expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "opset",
          NULL);
    }
  }
}

/* --------------------------------------------------------- absurd dims */

static void
set_dims (VkiTestModel * tm, const gchar * init, guint rank,
    const gint64 * dims, GPtrArray * keep)
{
  Onnx__TensorProto *t = find_init (tm, init);
  gint64 *d = g_memdup2 (dims, MAX (rank, 1) * sizeof (gint64));
  g_ptr_array_add (keep, d);
  t->n_dims = rank;
  t->dims = d;
}

static void
test_absurd_initializer_dims (void)
{
  static const struct
  {
    guint rank;
    gint64 dims[9];
    GstVkInceptionError code;
  } cases[] = {
    {2, {G_GINT64_CONSTANT (1) << 40, G_GINT64_CONSTANT (1) << 40},
        GST_VK_INCEPTION_ERROR_TOO_LARGE},
    {4, {1 << 20, 1 << 20, 1 << 20, 1 << 20},
        GST_VK_INCEPTION_ERROR_TOO_LARGE},
    {4, {G_GINT64_CONSTANT (1) << 31, G_GINT64_CONSTANT (1) << 31,
                G_GINT64_CONSTANT (1) << 31, 4},
        GST_VK_INCEPTION_ERROR_TOO_LARGE},
    {2, {G_MAXINT64, G_MAXINT64}, GST_VK_INCEPTION_ERROR_TOO_LARGE},
    {2, {G_MAXINT64, 0}, GST_VK_INCEPTION_ERROR_TOO_LARGE},
    {4, {G_GINT64_CONSTANT (1) << 32, 1, 1, 1},
        GST_VK_INCEPTION_ERROR_TOO_LARGE},
    /* Claims 4 GiB; over the 1 GiB limit before its size is compared. */
    {1, {G_GINT64_CONSTANT (1) << 30}, GST_VK_INCEPTION_ERROR_TOO_LARGE},
    {2, {-1, 12}, GST_VK_INCEPTION_ERROR_INVALID_MODEL},
    {2, {-4, -3}, GST_VK_INCEPTION_ERROR_INVALID_MODEL},
    {2, {G_MININT64, G_MININT64}, GST_VK_INCEPTION_ERROR_INVALID_MODEL},
    {4, {4, 3, 1, G_MININT64}, GST_VK_INCEPTION_ERROR_INVALID_MODEL},
    {5, {4, 3, 1, 1, 1}, GST_VK_INCEPTION_ERROR_UNSUPPORTED},
    {9, {4, 3, 1, 1, 1, 1, 1, 1, 1}, GST_VK_INCEPTION_ERROR_UNSUPPORTED},
  };
  GPtrArray *keep = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    VkiTestModel *tm = conv1x1_model (4, NULL);
    set_dims (tm, "w", cases[i].rank, cases[i].dims, keep);
    expect_load_error (tm, cases[i].code, "tensor 'w'", NULL);
  }
  /* A huge rank count: protobuf-c holds the dims, the loader refuses. */
  {
    VkiTestModel *tm = conv1x1_model (4, NULL);
    gint64 *d = g_new (gint64, 100000);
    for (guint i = 0; i < 100000; i++)
      d[i] = 1;
    g_ptr_array_add (keep, d);
    find_init (tm, "w")->dims = d;
    find_init (tm, "w")->n_dims = 100000;
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "tensor 'w'",
        "rank", NULL);
  }
  /* Zero-sized weights load but do not make a Conv. */
  {
    VkiTestModel *tm = conv1x1_model (4, NULL);
    const gint64 d[] = { 0, 3, 1, 1 };
    set_dims (tm, "w", 4, d, keep);
    find_init (tm, "w")->raw_data.len = 0;
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "node 'y'",
        NULL);
  }
  g_ptr_array_unref (keep);
}

/* A Constant node's tensor is checked like an initializer. */
static void
test_absurd_constant (void)
{
  VkiTestModel *tm = relu_model ();
  Onnx__NodeProto *n = vki_test_model_node (tm, "Constant", "", "k");
  Onnx__AttributeProto a;
  Onnx__AttributeProto *attrs[1] = { &a };
  Onnx__TensorProto t;
  gint64 dims[2] = { G_GINT64_CONSTANT (1) << 40, G_GINT64_CONSTANT (1) << 40
  };
  float v = 1;

  onnx__attribute_proto__init (&a);
  onnx__tensor_proto__init (&t);
  a.name = (char *) "value";
  a.has_type = TRUE;
  a.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
  a.t = &t;
  t.n_dims = 2;
  t.dims = dims;
  t.has_data_type = TRUE;
  t.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  t.has_raw_data = TRUE;
  t.raw_data.data = (guint8 *) & v;
  t.raw_data.len = 4;
  n->n_attribute = 1;
  n->attribute = attrs;
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_TOO_LARGE, "tensor 'k'",
      NULL);
}

/* Reshape to an absurd target: refused when the net is built. */
static void
test_absurd_reshape (void)
{
  static const struct
  {
    gint64 target[2];
    GstVkInceptionError code;
  } cases[] = {
    {{G_MAXINT64, 1}, GST_VK_INCEPTION_ERROR_SHAPE},
    {{-1, -1}, GST_VK_INCEPTION_ERROR_INVALID_MODEL},
    {{-2, 192}, GST_VK_INCEPTION_ERROR_INVALID_MODEL},
    {{G_MININT64, 1}, GST_VK_INCEPTION_ERROR_INVALID_MODEL},
    {{G_GINT64_CONSTANT (1) << 40, 0}, GST_VK_INCEPTION_ERROR_SHAPE},
    {{G_GINT64_CONSTANT (1) << 62, 4}, GST_VK_INCEPTION_ERROR_SHAPE},
    {{7, -1}, GST_VK_INCEPTION_ERROR_SHAPE},
    {{0, 0}, GST_VK_INCEPTION_ERROR_SHAPE},
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    VkiTestModel *tm = relu_model ();
    const gint64 sd[] = { 2 };
    vki_test_model_initializer_i64 (tm, "s", 1, sd, cases[i].target);
    vki_test_model_node (tm, "Reshape", "y,s", "z");
    vki_test_model_proto (tm)->graph->output[0]->name = (char *) "z";
    expect_net_error (tm, NULL, NAME, cases[i].code, "node 'z'", NULL);
  }
}

static void
test_absurd_input_dims (void)
{
  /* Declared huge, built at the declared shape. */
  static const gint64 declared[][4] = {
    {1, 3, G_GINT64_CONSTANT (1) << 40, G_GINT64_CONSTANT (1) << 40},
    {G_MAXINT64, G_MAXINT64, G_MAXINT64, G_MAXINT64},
    {1, 3, 30000, 30000},
  };
  for (guint i = 0; i < G_N_ELEMENTS (declared); i++) {
    VkiTestModel *tm = conv1x1_model (4, declared[i]);
    GError *error = NULL;
    GstVkInceptionModel *m = load_tm (tm, &error);
    GstVkInceptionShape s;
    GstVkInceptionNet *net;
    g_assert_no_error (error);
    gst_vk_inception_model_get_input (m, 0, &s);
    g_assert_cmpint (s.dims[3], ==, declared[i][3]);
    net = gst_vk_inception_net_new (m, vki_test_device (), NULL, &error);
    g_assert_null (net);
    note ("%s", error->message);
    assert_clean_error (error, NAME);
    g_assert_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_SHAPE);
    assert_contains (error, "'x'");
    g_clear_error (&error);
    gst_vk_inception_model_free (m);
    vki_test_model_free (tm);
  }
  /* Declared without a shape: the net needs shapes, and works with them. */
  {
    VkiTestModel *tm = relu_model ();
    GstVkInceptionShape s = vki_test_shape (4, (gint64) 1, (gint64) 3,
        (gint64) 8, (gint64) 8);
    GError *error = NULL;
    GstVkInceptionNet *net;
    vki_test_model_proto (tm)->graph->input[0]->type->tensor_type->shape =
        NULL;
    net = vki_test_net (tm, &s, &error);
    g_assert_no_error (error);
    gst_vk_inception_net_free (net);
    expect_net_error (tm, NULL, NAME, GST_VK_INCEPTION_ERROR_SHAPE, "'x'",
        NULL);
  }
  /* Declared with symbolic dims: the net needs shapes. */
  {
    const gint64 d[] = { -1, 3, -1, -1 };
    expect_net_error (conv1x1_model (4, d), NULL, NAME,
        GST_VK_INCEPTION_ERROR_SHAPE, "'x'", NULL);
  }
  /* Declared 0 is unknown, not empty. */
  {
    const gint64 d[] = { 1, 3, 0, 8 };
    expect_net_error (conv1x1_model (4, d), NULL, NAME,
        GST_VK_INCEPTION_ERROR_SHAPE, "'x'", NULL);
  }
  /* Declared with rank 9. */
  {
    VkiTestModel *tm = relu_model ();
    Onnx__TensorShapeProto *sp =
        vki_test_model_proto (tm)->graph->input[0]->type->tensor_type->shape;
    Onnx__TensorShapeProto__Dimension dim, *dims[9];
    onnx__tensor_shape_proto__dimension__init (&dim);
    dim.value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
    dim.dim_value = 1;
    for (guint i = 0; i < 9; i++)
      dims[i] = &dim;
    sp->n_dim = 9;
    sp->dim = dims;
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "input 'x'",
        "rank", NULL);
  }
}

/* Activations over what one device buffer can hold. */
static void
test_too_large_activations (void)
{
  GstVkInceptionShape s;
  GError *error = NULL;

  /* An input within 2^31 elements but too big for the device. */
  s = vki_test_shape (4, (gint64) 1, (gint64) 3, (gint64) 8000,
      (gint64) 8000);
  expect_net_error (conv1x1_model (4, NULL), &s, NULL,
      GST_VK_INCEPTION_ERROR_TOO_LARGE, NULL);

  /* The example of the issue, over 2^31 elements. */
  s = vki_test_shape (4, (gint64) 1, (gint64) 3, (gint64) 60000,
      (gint64) 60000);
  {
    VkiTestModel *tm = conv1x1_model (4, NULL);
    GstVkInceptionModel *m = load_tm (tm, &error);
    GstVkInceptionNet *net;
    g_assert_no_error (error);
    net = gst_vk_inception_net_new (m, vki_test_device (), &s, &error);
    g_assert_null (net);
    note ("%s", error->message);
    assert_clean_error (error, NULL);
    g_assert_true (error->code == GST_VK_INCEPTION_ERROR_SHAPE
        || error->code == GST_VK_INCEPTION_ERROR_TOO_LARGE);
    g_clear_error (&error);
    gst_vk_inception_model_free (m);
    vki_test_model_free (tm);
  }

  /* A small input whose intermediate activations grow too big: 64
   * channels of 1000x1000. */
  s = vki_test_shape (4, (gint64) 1, (gint64) 3, (gint64) 1000,
      (gint64) 1000);
  expect_net_error (conv1x1_model (64, NULL), &s, NULL,
      GST_VK_INCEPTION_ERROR_TOO_LARGE, NULL);

  /* One output over 2^31 elements, from an input well under. */
  s = vki_test_shape (4, (gint64) 1, (gint64) 3, (gint64) 8192,
      (gint64) 8192);
  expect_net_error (conv1x1_model (40, NULL), &s, NAME,
      GST_VK_INCEPTION_ERROR_TOO_LARGE, "node 'y'", NULL);
}

/* Weights over what one device buffer can hold (lavapipe: 128 MiB): a Conv
 * with 36.9 M parameters, on a tiny input. Not run under valgrind (it takes
 * minutes there). */
static void
test_too_large_weights (void)
{
  VkiTestModel *tm;
  GstVkInceptionModel *m;
  GstVkInceptionNet *net;
  GError *error = NULL;
  const gint64 xd[] = { 1, 1, 64, 64 }, wd[] = { 9000, 1, 64, 64 };
  gsize n = 9000 * 64 * 64;
  float *w;

  if (light) {
    g_test_skip ("slow under valgrind");
    return;
  }
  w = g_new0 (float, n);
  tm = vki_test_model_new (13);
  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_output (tm, "y");
  vki_test_model_initializer (tm, "w", 4, wd, w);
  vki_test_model_node (tm, "Conv", "x,w", "y");
  g_free (w);
  m = load_tm (tm, &error);
  g_assert_no_error (error);
  vki_test_model_free (tm);
  net = gst_vk_inception_net_new (m, vki_test_device (), NULL, &error);
  if (net) {
    /* A device whose buffers can hold it: then it must run. */
    float *x = vki_test_random (1, 64 * 64, 0, 1);
    g_free (vki_test_run1 (net, x));
    g_free (x);
    gst_vk_inception_net_free (net);
  } else {
    note ("%s", error->message);
    assert_clean_error (error, NULL);
    g_assert_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_TOO_LARGE);
    g_clear_error (&error);
  }
  gst_vk_inception_model_free (m);
  vki_test_assert_no_validation ();
}

/* ------------------------------------------------------- deep nesting */

static void
expect_nested_refused (guint levels, const guint32 * hops, guint n_hops,
    guint32 top)
{
  gsize size;
  guint8 *data = nested_model (levels, hops, n_hops, top, &size);
  GError *error = NULL;
  GstVkInceptionModel *m = load (data, size, &error);
  g_assert_null (m);
  note ("%u levels, %" G_GSIZE_FORMAT " bytes: %s", levels, size,
      error->message);
  assert_clean_error (error, NAME);
  g_assert_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_PARSE);
  g_clear_error (&error);
  g_free (data);
}

static void
test_deep_nesting (void)
{
  guint32 graph_node = field_id (&onnx__graph_proto__descriptor, "node");
  guint32 node_attr = field_id (&onnx__node_proto__descriptor, "attribute");
  guint32 attr_g = field_id (&onnx__attribute_proto__descriptor, "g");
  guint32 attr_graphs = field_id (&onnx__attribute_proto__descriptor,
      "graphs");
  guint32 model_graph = field_id (&onnx__model_proto__descriptor, "graph");
  guint32 graph_input = field_id (&onnx__graph_proto__descriptor, "input");
  guint32 vi_type = field_id (&onnx__value_info_proto__descriptor, "type");
  guint32 type_seq = field_id (&onnx__type_proto__descriptor,
      "sequence_type");
  guint32 seq_elem = field_id (&onnx__type_proto__sequence__descriptor,
      "elem_type");
  static const guint levels[] = { 12, 100, 10000, 100000 };

  g_assert_cmpuint (model_graph, ==, 7);
  /* graph -> node -> attribute -> g -> graph ... */
  for (guint i = 0; i < G_N_ELEMENTS (levels); i++) {
    guint32 hops[] = { graph_node, node_attr, attr_g };
    expect_nested_refused (levels[i], hops, 3, model_graph);
  }
  /* The same through AttributeProto.graphs. */
  {
    guint32 hops[] = { graph_node, node_attr, attr_graphs };
    expect_nested_refused (10000, hops, 3, model_graph);
  }
  /* Through types: graph -> input -> type -> sequence_type -> elem_type ->
   * sequence_type ... */
  {
    gsize size;
    GByteArray *b = g_byte_array_new ();
    guint32 hops[] = { type_seq, seq_elem };
    guint8 *inner = nested_model (10000, hops, 2, vi_type, &size);
    GError *error = NULL;
    GstVkInceptionModel *m;
    /* nested_model() wrote "ir_version, <vi_type>: TypeProto...": make the
     * outer part graph -> input (ValueInfoProto) -> type. Skip its first
     * two bytes (ir_version) and wrap the rest twice. */
    put_varint (b, tag (model_graph, 2));
    put_varint (b, varint_len (tag (graph_input, 2)) + varint_len (size - 2)
        + size - 2);
    put_varint (b, tag (graph_input, 2));
    put_varint (b, size - 2);
    g_byte_array_append (b, inner + 2, (guint) (size - 2));
    g_free (inner);
    m = load (b->data, b->len, &error);
    g_assert_null (m);
    note ("%s", error->message);
    assert_clean_error (error, NAME);
    g_assert_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_PARSE);
    g_clear_error (&error);
    g_byte_array_unref (b);
  }
  /* Shallow nesting is fine: a valid model with an unused subgraph
   * attribute a few levels deep still loads. */
  {
    gsize size;
    guint32 hops[] = { graph_node, node_attr, attr_g };
    guint8 *data = nested_model (3, hops, 3, model_graph, &size);
    GError *error = NULL;
    GstVkInceptionModel *m = load (data, size, &error);
    /* It has no inputs: refused, but for that, not for its depth. */
    g_assert_null (m);
    note ("%s", error->message);
    assert_clean_error (error, NAME);
    g_assert_false (strstr (error->message, "nested"));
    g_clear_error (&error);
    g_free (data);
  }
}

/* ------------------------------------------------------ graph structure */

static void
test_output_not_produced (void)
{
  VkiTestModel *tm = relu_model ();
  vki_test_model_output (tm, "nowhere");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
      "graph output 'nowhere'", NULL);

  /* A name that is not UTF-8, quoted as valid UTF-8 on one line. */
  tm = relu_model ();
  vki_test_model_output (tm, "no\xffwhere\t");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
      "graph output 'no\357\277\275where?'", NULL);

  tm = relu_model ();
  vki_test_model_proto (tm)->graph->output[0]->name = (char *) "";
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
      "graph output", NULL);

  /* A graph output that is a constant. */
  tm = conv1x1_model (4, NULL);
  vki_test_model_output (tm, "w");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_UNSUPPORTED, "'w'",
      "constant", NULL);
}

static void
test_not_topological (void)
{
  VkiTestModel *tm = vki_test_model_new (13);
  const gint64 xd[] = { 1, 3, 8, 8 };
  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_output (tm, "y");
  vki_test_model_node (tm, "Relu", "a", "y");
  vki_test_model_node (tm, "Relu", "x", "a");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "node 'y'",
      "'a'", NULL);

  /* A cycle, and a node reading its own output. */
  tm = vki_test_model_new (13);
  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_output (tm, "b");
  vki_test_model_node (tm, "Relu", "b", "a");
  vki_test_model_node (tm, "Relu", "a", "b");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "node 'a'",
      "'b'", NULL);
  tm = vki_test_model_new (13);
  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_output (tm, "a");
  vki_test_model_node (tm, "Relu", "a", "a");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "node 'a'",
      "'a'", NULL);
  /* Identity cycles. */
  tm = vki_test_model_new (13);
  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_output (tm, "y");
  vki_test_model_node (tm, "Identity", "b", "a");
  vki_test_model_node (tm, "Identity", "a", "b");
  vki_test_model_node (tm, "Relu", "b", "y");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "node 'a'",
      "'b'", NULL);
}

static void
test_name_clash (void)
{
  VkiTestModel *tm;
  const gint64 xd[] = { 1, 3, 8, 8 };

  /* Two nodes writing the same tensor. */
  tm = relu_model ();
  vki_test_model_node (tm, "Relu", "x", "y");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "'y'",
      "twice", NULL);

  /* A node writing a graph input, or an initializer. */
  tm = relu_model ();
  vki_test_model_node (tm, "Relu", "y", "x");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "'x'",
      "twice", NULL);
  tm = conv1x1_model (4, NULL);
  vki_test_model_node (tm, "Relu", "y", "w");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "'w'",
      "twice", NULL);

  /* Identity/Dropout writing a name already taken, and a later node
   * writing an Identity's output. */
  tm = relu_model ();
  vki_test_model_node (tm, "Identity", "x", "y");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "'y'",
      "twice", NULL);
  tm = vki_test_model_new (13);
  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_output (tm, "y");
  vki_test_model_node (tm, "Dropout", "x", "a");
  vki_test_model_node (tm, "Relu", "x", "a");
  vki_test_model_node (tm, "Relu", "a", "y");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "'a'",
      "twice", NULL);

  /* Two initializers of one name. */
  {
    const gint64 wd[] = { 4, 3, 1, 1 };
    float w[12] = { 0 };
    tm = conv1x1_model (4, NULL);
    vki_test_model_initializer (tm, "w", 4, wd, w);
    expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "'w'",
        "twice", NULL);
  }
}

/* A Constant node whose output name is taken: by an initializer, by an
 * earlier node, or by an Identity's output. */
static Onnx__NodeProto *
constant_node (VkiTestModel * tm, const gchar * output, GPtrArray * keep)
{
  Onnx__NodeProto *n = vki_test_model_node (tm, "Constant", "", output);
  Onnx__AttributeProto *a = g_new0 (Onnx__AttributeProto, 1);
  Onnx__AttributeProto **attrs = g_new0 (Onnx__AttributeProto *, 1);
  Onnx__TensorProto *t = g_new0 (Onnx__TensorProto, 1);
  float *v = g_new0 (float, 1);

  onnx__attribute_proto__init (a);
  onnx__tensor_proto__init (t);
  a->name = (char *) "value";
  a->has_type = TRUE;
  a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
  a->t = t;
  t->has_data_type = TRUE;
  t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  t->has_raw_data = TRUE;
  t->raw_data.data = (guint8 *) v;
  t->raw_data.len = 4;
  attrs[0] = a;
  n->n_attribute = 1;
  n->attribute = attrs;
  g_ptr_array_add (keep, a);
  g_ptr_array_add (keep, attrs);
  g_ptr_array_add (keep, t);
  g_ptr_array_add (keep, v);
  return n;
}

static void
test_name_clash_constant (void)
{
  GPtrArray *keep = g_ptr_array_new_with_free_func (g_free);
  VkiTestModel *tm;
  const gint64 xd[] = { 1, 3, 8, 8 };

  tm = conv1x1_model (4, NULL);
  constant_node (tm, "w", keep);
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "'w'",
      "twice", NULL);

  tm = relu_model ();
  constant_node (tm, "y", keep);
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "'y'",
      "twice", NULL);

  /* Identity x -> a, then Constant -> a: 'a' is produced twice. */
  tm = vki_test_model_new (13);
  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_output (tm, "y");
  vki_test_model_node (tm, "Identity", "x", "a");
  constant_node (tm, "a", keep);
  vki_test_model_node (tm, "Relu", "a", "y");
  expect_load_error (tm, GST_VK_INCEPTION_ERROR_INVALID_MODEL, "'a'",
      "twice", NULL);
  g_ptr_array_unref (keep);
}

/* Dropout's training_mode input, empty: refused or ignored, without
 * reading what is not there. */
static void
test_dropout_empty_training_mode (void)
{
  for (guint f = 0; f < 2; f++) {
    VkiTestModel *tm = vki_test_model_new (13);
    const gint64 xd[] = { 1, 3, 8, 8 }, zd[] = { 0 };
    GError *error = NULL;
    GstVkInceptionModel *m;
    vki_test_model_input (tm, "x", 4, xd);
    vki_test_model_output (tm, "y");
    if (f)
      vki_test_model_initializer (tm, "t", 1, zd, NULL);
    else
      vki_test_model_initializer_i64 (tm, "t", 1, zd, NULL);
    vki_test_model_node (tm, "Dropout", "x,,t", "d");
    vki_test_model_node (tm, "Relu", "d", "y");
    m = load_tm (tm, &error);
    if (m) {
      g_assert_no_error (error);
      gst_vk_inception_model_free (m);
    } else {
      note ("%s", error->message);
      assert_clean_error (error, NAME);
      g_clear_error (&error);
    }
    vki_test_model_free (tm);
  }
}

/* MatMul then Add of a constant row: the loader folds the Add into a Gemm
 * (graph.h). The Add's constant input must not be refused as "a constant as
 * a data input". */
static void
test_matmul_add (void)
{
  VkiTestModel *tm = vki_test_model_new (13);
  const gint64 xd[] = { 1, 4 }, bd[] = { 4, 3 }, cd[] = { 3 };
  float b[12], c[3] = { 1, 2, 3 };
  GError *error = NULL;
  GstVkInceptionNet *net;

  for (guint i = 0; i < 12; i++)
    b[i] = (float) i;
  vki_test_model_input (tm, "x", 2, xd);
  vki_test_model_output (tm, "y");
  vki_test_model_initializer (tm, "B", 2, bd, b);
  vki_test_model_initializer (tm, "C", 1, cd, c);
  vki_test_model_node (tm, "MatMul", "x,B", "mm");
  vki_test_model_node (tm, "Add", "mm,C", "y");
  net = vki_test_net (tm, NULL, &error);
  if (error)
    note ("%s", error->message);
  g_assert_no_error (error);
  g_assert_nonnull (net);
  {
    const float x[4] = { 1, 0, 0, 1 };
    float *y = vki_test_run1 (net, x);
    /* Rows 0 and 3 of B, plus C. */
    g_assert_cmpfloat (y[0], ==, 0 + 9 + 1);
    g_assert_cmpfloat (y[1], ==, 1 + 10 + 2);
    g_assert_cmpfloat (y[2], ==, 2 + 11 + 3);
    g_free (y);
  }
  gst_vk_inception_net_free (net);
  vki_test_model_free (tm);
}

/* ----------------------------------------------------- shapes at net_new */

static void
test_wrong_channels (void)
{
  GstVkInceptionShape s = vki_test_shape (4, (gint64) 1, (gint64) 4,
      (gint64) 8, (gint64) 8);
  expect_net_error (small_model (), &s, NAME, GST_VK_INCEPTION_ERROR_SHAPE,
      "node 'c1'", "3 input channels", "got 4",
      "this model needs input 'x' of 1x3x8x8", NULL);
}

/* A fixed-window classifier head, like GoogLeNet's (AveragePool 7x7 over
 * a 7x7 map, then a fully connected layer of 1024 inputs), in small:
 * declared 1x3x7x7, AveragePool 7x7, then Flatten + Gemm (K = 3) or
 * Reshape [1, 3] + Gemm. */
static VkiTestModel *
fixed_head_model (gboolean reshape)
{
  VkiTestModel *tm = vki_test_model_new (13);
  const gint64 xd[] = { 1, 3, 7, 7 }, k7[] = { 7, 7 }, bd[] = { 3, 5 };
  float b[15] = { 0 };
  Onnx__NodeProto *n;

  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_output (tm, "y");
  vki_test_model_initializer (tm, "B", 2, bd, b);
  n = vki_test_model_node (tm, "AveragePool", "x", "pool");
  vki_test_node_ints (tm, n, "kernel_shape", 2, k7);
  if (reshape) {
    const gint64 sd[] = { 2 }, s[] = { 1, 3 };
    vki_test_model_initializer_i64 (tm, "s", 1, sd, s);
    n = vki_test_model_node (tm, "Reshape", "pool,s", "flat");
    n->name = (char *) "reshape_1";
  } else {
    vki_test_model_node (tm, "Flatten", "pool", "flat");
  }
  n = vki_test_model_node (tm, "Gemm", "flat,B", "y");
  n->name = (char *) "fc";
  return tm;
}

static void
test_fixed_window (void)
{
  GstVkInceptionShape big = vki_test_shape (4, (gint64) 1, (gint64) 3,
      (gint64) 14, (gint64) 14);
  GstVkInceptionShape small = vki_test_shape (4, (gint64) 1, (gint64) 3,
      (gint64) 5, (gint64) 5);
  GstVkInceptionShape batch = vki_test_shape (4, (gint64) 2, (gint64) 3,
      (gint64) 7, (gint64) 7);
  GError *error = NULL;
  GstVkInceptionNet *net;

  /* At its size it works. */
  {
    VkiTestModel *tm = fixed_head_model (FALSE);
    net = vki_test_net (tm, NULL, &error);
    g_assert_no_error (error);
    gst_vk_inception_net_free (net);
    vki_test_model_free (tm);
  }
  expect_net_error (fixed_head_model (FALSE), &big, NAME,
      GST_VK_INCEPTION_ERROR_SHAPE, "node 'fc'", "3 input features",
      "got 192", "this model needs input 'x' of 1x3x7x7", NULL);
  expect_net_error (fixed_head_model (TRUE), &big, NAME,
      GST_VK_INCEPTION_ERROR_SHAPE, "node 'reshape_1'",
      "this model needs input 'x' of 1x3x7x7", NULL);
  expect_net_error (fixed_head_model (FALSE), &small, NAME,
      GST_VK_INCEPTION_ERROR_SHAPE, "node 'pool'", "7x7",
      "this model needs input 'x' of 1x3x7x7", NULL);
  /* Another batch size passes through Flatten + Gemm, not a fixed
   * Reshape. */
  {
    VkiTestModel *tm = fixed_head_model (FALSE);
    net = vki_test_net (tm, &batch, &error);
    g_assert_no_error (error);
    gst_vk_inception_net_free (net);
    vki_test_model_free (tm);
  }
  expect_net_error (fixed_head_model (TRUE), &batch, NAME,
      GST_VK_INCEPTION_ERROR_SHAPE, "node 'reshape_1'",
      "this model needs input 'x' of 1x3x7x7", NULL);
}

static void
test_bad_net_shapes (void)
{
  static const GstVkInceptionShape shapes[] = {
    {0, {0}},
    {3, {1, 3, 8}},
    {4, {1, 3, 0, 8}},
    {4, {0, 3, 8, 8}},
    {4, {1, 3, -1, 8}},
    {4, {1, 3, G_MININT64, 8}},
    {4, {1, 3, G_MAXINT64, G_MAXINT64}},
    {4, {G_GINT64_CONSTANT (1) << 32, G_GINT64_CONSTANT (1) << 32, 1, 1}},
  };
  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++) {
    gboolean empty = FALSE;
    for (guint d = 0; d < shapes[i].rank; d++)
      empty |= shapes[i].dims[d] == 0;
    /* Empty shapes may be refused as unsupported. */
    expect_net_error (small_model (), &shapes[i], NAME,
        empty ? SHAPE_OR_UNSUPPORTED : GST_VK_INCEPTION_ERROR_SHAPE, "'x'",
        NULL);
  }
}

/* Ranks past GST_VK_INCEPTION_MAX_RANK: refused, without reading dims the
 * shape does not have. The four it has are 1, so a message that shows a
 * fifth ("1x1x1x1x...") has read past the shape; valgrind and ASan see the
 * read itself (the net copies the shapes to the heap). */
static void
test_net_shape_rank_overflow (void)
{
  static const guint ranks[] = { 5, 9, 1000 };
  for (guint i = 0; i < G_N_ELEMENTS (ranks); i++) {
    VkiTestModel *tm = small_model ();
    GstVkInceptionModel *m;
    GstVkInceptionNet *net;
    GError *error = NULL;
    GstVkInceptionShape *s = g_new0 (GstVkInceptionShape, 1);

    m = load_tm (tm, &error);
    g_assert_no_error (error);
    s->rank = ranks[i];
    for (guint d = 0; d < GST_VK_INCEPTION_MAX_RANK; d++)
      s->dims[d] = 1;
    net = gst_vk_inception_net_new (m, vki_test_device (), s, &error);
    g_assert_null (net);
    note ("rank %u: %s", ranks[i], error->message);
    assert_clean_error (error, NAME);
    g_assert_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_SHAPE);
    assert_contains (error, "'x'");
    g_assert_null (strstr (error->message, "1x1x1x1x"));
    g_clear_error (&error);
    g_free (s);
    gst_vk_inception_model_free (m);
    vki_test_model_free (tm);
  }
  vki_test_assert_no_validation ();
}

/* A model of two inputs, one of them of unknown size. */
static void
test_two_inputs (void)
{
  VkiTestModel *tm = vki_test_model_new (13);
  const gint64 xd[] = { 1, 3, 8, 8 }, zd[] = { 1, -1, 8, 8 };
  GstVkInceptionShape shapes[2];
  GError *error = NULL;
  GstVkInceptionNet *net;

  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_input (tm, "z", 4, zd);
  vki_test_model_output (tm, "y");
  vki_test_model_node (tm, "Concat", "x,z", "y");
  expect_net_error (tm, NULL, NAME, GST_VK_INCEPTION_ERROR_SHAPE, "'z'",
      NULL);

  /* Given, but not matching along the other axes. */
  tm = vki_test_model_new (13);
  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_input (tm, "z", 4, zd);
  vki_test_model_output (tm, "y");
  vki_test_model_node (tm, "Concat", "x,z", "y");
  shapes[0] = vki_test_shape (4, (gint64) 1, (gint64) 3, (gint64) 8,
      (gint64) 8);
  shapes[1] = vki_test_shape (4, (gint64) 1, (gint64) 2, (gint64) 8,
      (gint64) 9);
  expect_net_error (tm, shapes, NAME, GST_VK_INCEPTION_ERROR_SHAPE,
      "node 'y'", NULL);

  /* And matching: it works. */
  tm = vki_test_model_new (13);
  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_input (tm, "z", 4, zd);
  vki_test_model_output (tm, "y");
  vki_test_model_node (tm, "Concat", "x,z", "y");
  shapes[1].dims[3] = 8;
  net = vki_test_net (tm, shapes, &error);
  g_assert_no_error (error);
  gst_vk_inception_net_free (net);
  vki_test_model_free (tm);
  vki_test_assert_no_validation ();
}

/* Bound constants (gst_vk_inception_model_new_from_data) with bad shapes. */
static void
test_bad_constants (void)
{
  VkiTestModel *tm = vki_test_model_new (13);
  const gint64 xd[] = { 1, 3, 8, 8 }, wd[] = { 4, 3, 1, 1 };
  float w[12] = { 0 };
  GstVkInceptionConstant *c = g_new0 (GstVkInceptionConstant, 1);
  static const GstVkInceptionShape bad[] = {
    {4, {-1, 3, 1, 1}},
    {4, {G_MAXINT64, G_MAXINT64, 1, 1}},
    {4, {G_GINT64_CONSTANT (1) << 31, 1, 1, 1}},
  };
  guint8 *data;
  gsize size;

  vki_test_model_input (tm, "x", 4, xd);
  vki_test_model_input (tm, "w", 4, wd);
  vki_test_model_output (tm, "y");
  vki_test_model_node (tm, "Conv", "x,w", "y");
  data = vki_test_model_pack (tm, &size);
  c->name = "w";
  c->data = w;
  for (guint i = 0; i < G_N_ELEMENTS (bad) + 2; i++) {
    GError *error = NULL;
    GstVkInceptionModel *m;
    if (i < G_N_ELEMENTS (bad)) {
      c->shape = bad[i];
    } else {
      /* Ranks past the dims array: c is alone on the heap. */
      c->shape.rank = i == G_N_ELEMENTS (bad) ? 5 : 1000;
      for (guint d = 0; d < 4; d++)
        c->shape.dims[d] = 1;
    }
    m = gst_vk_inception_model_new_from_data (data, size, NAME, c, 1, &error);
    g_assert_null (m);
    note ("%s", error->message);
    assert_clean_error (error, NAME);
    assert_contains (error, "'w'");
    g_clear_error (&error);
  }
  g_free (c);
  g_free (data);
  vki_test_model_free (tm);
}

/* ----------------------------------------------------- hostile sizes */

/* Millions of empty nodes: refused, and quickly. */
static void
test_many_empty_nodes (void)
{
  guint n = light ? 20000 : 200000;
  guint32 graph_node = field_id (&onnx__graph_proto__descriptor, "node");
  GByteArray *graph = g_byte_array_new ();
  GByteArray *b = g_byte_array_new ();
  GError *error = NULL;
  GstVkInceptionModel *m;

  for (guint i = 0; i < n; i++) {
    put_varint (graph, tag (graph_node, 2));
    put_varint (graph, 0);
  }
  put_varint (b, tag (field_id (&onnx__model_proto__descriptor, "graph"), 2));
  put_varint (b, graph->len);
  g_byte_array_append (b, graph->data, graph->len);
  m = load (b->data, b->len, &error);
  g_assert_null (m);
  note ("%s", error->message);
  assert_clean_error (error, NAME);
  g_clear_error (&error);
  g_byte_array_unref (graph);
  g_byte_array_unref (b);
}

/* A long chain of nodes loads in time linear in its length: 100000 Relu
 * nodes (a 3 MB file) in well under 10 s. In a subprocess with that limit.
 * Not under valgrind, where even a linear load takes too long. */
static void
test_many_nodes (void)
{
  guint n = 100000;
  VkiTestModel *tm;
  GError *error = NULL;
  GstVkInceptionModel *m;
  gchar prev[32] = "x", cur[32];
  const gint64 xd[] = { 1, 3, 8, 8 };
  gint64 t0;

  if (light) {
    g_test_skip ("too slow under valgrind");
    return;
  }
  if (!g_test_subprocess ()) {
    trap_subprocess (10);
    return;
  }
  tm = vki_test_model_new (13);
  vki_test_model_input (tm, "x", 4, xd);
  for (guint i = 0; i < n; i++) {
    g_snprintf (cur, sizeof (cur), "t%u", i);
    vki_test_model_node (tm, "Relu", prev, cur);
    g_strlcpy (prev, cur, sizeof (prev));
  }
  vki_test_model_output (tm, prev);
  t0 = g_get_monotonic_time ();
  m = load_tm (tm, &error);
  note ("%u nodes loaded in %.2f s", n,
      (g_get_monotonic_time () - t0) / 1e6);
  g_assert_no_error (error);
  gst_vk_inception_model_free (m);
  vki_test_model_free (tm);
}

/* One 4 MiB weight shared by 300 Gemm nodes (a 4 MiB file): whatever the
 * loader derives from it per node counts against the limit on tensor bytes
 * (or is shared), so loading either fails with TOO_LARGE or stays far below
 * the 1.2 GiB that a copy per node takes. Peak memory is measured in a
 * subprocess. Not under valgrind. */
static void
test_shared_weights (void)
{
  const guint n = 300;
  const gint64 xd[] = { 1, 512 }, bd[] = { 512, 2048 };
  VkiTestModel *tm;
  GError *error = NULL;
  GstVkInceptionModel *m;
  struct rusage before, after;
  float *b;
  guint8 *data;
  gsize size;
  glong grown_mib;

  if (light) {
    g_test_skip ("too slow under valgrind");
    return;
  }
  if (!g_test_subprocess ()) {
    trap_subprocess (120);
    return;
  }
  b = g_new0 (float, 512 * 2048);
  tm = vki_test_model_new (13);
  vki_test_model_input (tm, "x", 2, xd);
  vki_test_model_initializer (tm, "B", 2, bd, b);
  g_free (b);
  for (guint i = 0; i < n; i++) {
    gchar out[32];
    g_snprintf (out, sizeof (out), "y%u", i);
    vki_test_model_node (tm, "Gemm", "x,B", out);
    vki_test_model_output (tm, out);
  }
  data = vki_test_model_pack (tm, &size);
  vki_test_model_free (tm);

  getrusage (RUSAGE_SELF, &before);
  m = load (data, size, &error);
  getrusage (RUSAGE_SELF, &after);
  grown_mib = (after.ru_maxrss - before.ru_maxrss) / 1024;
  note ("file of %" G_GSIZE_FORMAT " bytes; peak memory grew by "
      "%ld MiB while loading", size, grown_mib);
  if (m) {
    g_assert_no_error (error);
    g_assert_cmpint (grown_mib, <, 512);
    gst_vk_inception_model_free (m);
  } else {
    note ("%s", error->message);
    assert_clean_error (error, NAME);
    g_assert_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_TOO_LARGE);
    g_clear_error (&error);
  }
  g_free (data);
}

/* Preprocessing metadata with values that cannot be used. */
static void
test_bad_metadata (void)
{
  static const struct
  {
    const gchar *key, *value;
  } bad[] = {
    {"vkinception.channel_order", "YUV"},
    {"vkinception.channel_order", ""},
    {"vkinception.mean", "1,2"},
    {"vkinception.mean", "1,2,3,4"},
    {"vkinception.mean", "nan,1,2"},
    {"vkinception.mean", "1e400,1,2"},
    {"vkinception.mean", "one,two,three"},
    {"vkinception.mean", ",,"},
    {"vkinception.std", "0,1,1"},
    {"vkinception.std", "1,-0,1"},
    {"vkinception.std", "inf,1,1"},
    {"vkinception.std", ""},
    /* Quoted in the message as valid UTF-8 on one line. */
    {"vkinception.channel_order", "RG\377\n"},
    {"vkinception.mean", "1,2,\3773"},
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    VkiTestModel *tm = relu_model ();
    Onnx__ModelProto *mp = vki_test_model_proto (tm);
    Onnx__StringStringEntryProto e, *entries[1] = { &e };
    GstVkInceptionModel *m;
    GstVkInceptionPreprocess pre;
    GError *error = NULL;

    onnx__string_string_entry_proto__init (&e);
    e.key = (char *) bad[i].key;
    e.value = (char *) bad[i].value;
    mp->n_metadata_props = 1;
    mp->metadata_props = entries;
    m = load_tm (tm, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (gst_vk_inception_model_get_metadata (m, bad[i].key),
        ==, bad[i].value);
    g_assert_false (gst_vk_inception_model_get_preprocess (m, &pre, &error));
    note ("%s", error->message);
    assert_clean_error (error, NAME);
    g_assert_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_INVALID_MODEL);
    assert_contains (error, bad[i].key);
    g_clear_error (&error);
    gst_vk_inception_model_free (m);
    vki_test_model_free (tm);
  }
}

/* ================================================================ main */

int
main (int argc, char **argv)
{
  const gchar *l = g_getenv ("VKINCEPTION_TEST_LIGHT");
  /* --keep-going: a test failed with g_test_fail() (a crashing subprocess)
   * does not stop the others. */
  gchar **args = g_new0 (gchar *, argc + 2);
  gint n_args = argc + 1;
  gint ret;

  memcpy (args, argv, argc * sizeof (gchar *));
  args[argc] = (gchar *) "--keep-going";
  argv = args;
  g_test_init (&n_args, &argv, NULL);
  signal (SIGABRT, on_fatal_signal);
  signal (SIGSEGV, on_fatal_signal);
  signal (SIGBUS, on_fatal_signal);
  light = l && *l && !g_str_equal (l, "0");
  if (g_getenv ("VKINCEPTION_TEST_FUZZ_SEED"))
    seed_base = (guint) g_ascii_strtoull (g_getenv
        ("VKINCEPTION_TEST_FUZZ_SEED"), NULL, 10);

  g_test_add_func ("/bad-inputs/file/zero-length", test_zero_length);
  g_test_add_func ("/bad-inputs/file/empty", test_file_empty);
  g_test_add_func ("/bad-inputs/file/missing", test_file_missing);
  g_test_add_func ("/bad-inputs/file/directory", test_file_directory);
  g_test_add_func ("/bad-inputs/file/names-model", test_file_names_model);
  g_test_add_func ("/bad-inputs/file/too-large", test_file_too_large);
  g_test_add_func ("/bad-inputs/file/fifo", test_file_fifo);

  g_test_add_data_func ("/bad-inputs/fuzz/truncated/small", small_model,
      test_truncated);
  g_test_add_data_func ("/bad-inputs/fuzz/truncated/zoo", zoo_model,
      test_truncated);
  g_test_add_func ("/bad-inputs/fuzz/random-bytes", test_random_bytes);
  g_test_add_data_func ("/bad-inputs/fuzz/mutated/small", small_model,
      test_mutated);
  g_test_add_data_func ("/bad-inputs/fuzz/mutated/zoo", zoo_model,
      test_mutated);
  g_test_add_data_func ("/bad-inputs/fuzz/fields/small", small_model,
      test_mutated_fields);
  g_test_add_data_func ("/bad-inputs/fuzz/fields/zoo", zoo_model,
      test_mutated_fields);

  g_test_add_func ("/bad-inputs/types/attribute", test_attr_wrong_type);
  add_isolated ("/bad-inputs/types/reshape-attr-long",
      test_reshape_attr_long);
  g_test_add_func ("/bad-inputs/types/tensor", test_tensor_wrong_type);
  g_test_add_func ("/bad-inputs/types/input", test_input_wrong_type);
  g_test_add_func ("/bad-inputs/types/size-mismatch",
      test_tensor_size_mismatch);

  g_test_add_func ("/bad-inputs/missing/initializer",
      test_missing_initializer);
  g_test_add_func ("/bad-inputs/unsupported/op", test_unsupported_op);
  g_test_add_func ("/bad-inputs/metadata/preprocess", test_bad_metadata);

  g_test_add_func ("/bad-inputs/dims/initializer",
      test_absurd_initializer_dims);
  g_test_add_func ("/bad-inputs/dims/constant", test_absurd_constant);
  g_test_add_func ("/bad-inputs/dims/reshape", test_absurd_reshape);
  g_test_add_func ("/bad-inputs/dims/input", test_absurd_input_dims);
  g_test_add_func ("/bad-inputs/dims/activations",
      test_too_large_activations);
  if (light)
    g_test_add_func ("/bad-inputs/dims/weights", test_too_large_weights);
  else
    add_isolated ("/bad-inputs/dims/weights", test_too_large_weights);

  g_test_add_func ("/bad-inputs/nesting/deep", test_deep_nesting);
  g_test_add_func ("/bad-inputs/nesting/many-empty-nodes",
      test_many_empty_nodes);
  g_test_add_func ("/bad-inputs/hostile/many-nodes", test_many_nodes);
  g_test_add_func ("/bad-inputs/hostile/shared-weights", test_shared_weights);

  g_test_add_func ("/bad-inputs/graph/output-not-produced",
      test_output_not_produced);
  g_test_add_func ("/bad-inputs/graph/not-topological", test_not_topological);
  g_test_add_func ("/bad-inputs/graph/name-clash", test_name_clash);
  add_isolated ("/bad-inputs/graph/name-clash-constant",
      test_name_clash_constant);
  add_isolated ("/bad-inputs/graph/dropout-empty-training-mode",
      test_dropout_empty_training_mode);
  g_test_add_func ("/bad-inputs/graph/matmul-add", test_matmul_add);

  g_test_add_func ("/bad-inputs/shape/wrong-channels", test_wrong_channels);
  g_test_add_func ("/bad-inputs/shape/fixed-window", test_fixed_window);
  g_test_add_func ("/bad-inputs/shape/bad-net-shapes", test_bad_net_shapes);
  add_isolated ("/bad-inputs/shape/rank-overflow",
      test_net_shape_rank_overflow);
  g_test_add_func ("/bad-inputs/shape/two-inputs", test_two_inputs);
  add_isolated ("/bad-inputs/shape/bad-constants", test_bad_constants);

  ret = g_test_run ();
  g_free (args);
  return ret;
}
