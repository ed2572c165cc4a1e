/* ONNX conformance: the node tests that ship with ONNX (Debian's
 * libonnx-testdata, /usr/share/libonnx-testdata/data/node/test_*), for every
 * op family the engine implements, run through the engine and compared with
 * each case's expected output.
 *
 * Each case directory holds model.onnx and test_data_set_N/ directories of
 * input_I.pb / output_J.pb TensorProtos, input_I being the I-th graph input.
 * The cases feed weights (Conv W, Gemm B, Reshape's shape...) as graph
 * inputs; the engine wants them constant, so those inputs are bound to their
 * test values: float32 ones through GstVkInceptionConstant, any other
 * (Reshape's int64 shape, Dropout's bool training_mode) by moving them, type
 * unchanged, from the graph inputs to the initializers of a re-packed model. Which inputs
 * are weights is decided per op and input position (weight_inputs below).
 *
 * Outputs are compared like ONNX's backend tests (numpy assert_allclose):
 * |got - want| <= ATOL + RTOL * |want|.
 *
 * Every case ends as one of:
 *   pass      the engine's outputs match;
 *   fail      wrong result, or any error other than UNSUPPORTED (a failed
 *             test: a case of a supported op the engine claims to take);
 *   left out  the engine said GST_VK_INCEPTION_ERROR_UNSUPPORTED (its message
 *             is the reason), or a data input is not float32 (the engine's
 *             inputs are float32 only): reported as a TAP skip.
 * The last test prints the table of all cases and checks that at least
 * MIN_PASSED passed, so that a change silently turning passes into
 * left-outs is caught.
 *
 * $VKINCEPTION_ONNX_TESTDATA overrides the data directory. */
#include "test-common.h"
#include "onnx.pb-c.h"

#include <math.h>
#include <string.h>

#define DEFAULT_DATA_DIR "/usr/share/libonnx-testdata/data/node"
#define RTOL 1e-3
#define ATOL 1e-5
/* What the engine achieves today (see docs/ops.md). */
#define MIN_PASSED 87

/* The cases in scope: test_<family> followed by the end of the name or '_'.
 * That boundary keeps out the other ops sharing a prefix (test_convinteger*,
 * test_convtranspose*, test_basic_convinteger, test_matmulinteger,
 * test_maxunpool*, test_globalmaxpool*). Cases of these families that the
 * engine cannot run (test_maxpool_with_argmax*, *_3d_*, the *_expanded
 * softmax graphs...) are in scope and reported as left out. */
static const gchar *const families[] = {
  "conv", "basic_conv", "maxpool", "averagepool", "globalaveragepool", "lrn",
  "concat", "batchnorm", "gemm", "matmul", "flatten", "reshape", "softmax",
  "relu", "dropout", "training_dropout",
};

/* Node inputs that hold weights rather than data. */
static const struct
{
  const gchar *op;
  guint index;
} weight_inputs[] = {
  {"Conv", 1}, {"Conv", 2},
  {"Gemm", 1}, {"Gemm", 2},
  {"MatMul", 1},
  {"BatchNormalization", 1}, {"BatchNormalization", 2},
  {"BatchNormalization", 3}, {"BatchNormalization", 4},
  {"Reshape", 1},
  {"Dropout", 1}, {"Dropout", 2},
};

typedef enum
{
  CASE_NOT_RUN,
  CASE_PASS,
  CASE_FAIL,
  CASE_LEFT_OUT,
} CaseStatus;

typedef struct
{
  gchar *name;
  gchar *dir;
  CaseStatus status;
  gchar *detail;                /* worst error, failure or reason */
} Case;

static gchar *data_dir;
static gboolean data_dir_found;
static GPtrArray *cases;

/* ----------------------------------------------------------------- helpers */

static const gchar *
type_name (gint32 t)
{
  switch (t) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
      return "float32";
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8:
      return "uint8";
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
      return "int8";
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16:
      return "uint16";
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT16:
      return "int16";
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
      return "int32";
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
      return "int64";
    case ONNX__TENSOR_PROTO__DATA_TYPE__STRING:
      return "string";
    case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL:
      return "bool";
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16:
      return "float16";
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
      return "float64";
    default:
      return "another type";
  }
}

static Onnx__TensorProto *
read_tensor (const gchar * path, GError ** error)
{
  gchar *contents;
  gsize len;
  Onnx__TensorProto *tp;

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  tp = onnx__tensor_proto__unpack (NULL, len, (const guint8 *) contents);
  g_free (contents);
  if (!tp)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
        "%s: not a TensorProto", path);
  return tp;
}

static void
tensor_free (gpointer tp)
{
  onnx__tensor_proto__free_unpacked (tp, NULL);
}

static gint64
tensor_numel (const Onnx__TensorProto * tp)
{
  gint64 n = 1;
  for (gsize i = 0; i < tp->n_dims; i++)
    n *= tp->dims[i];
  return n;
}

/* The float32 values of @tp (raw_data or float_data), or NULL if its size is
 * inconsistent. */
static float *
tensor_floats (const Onnx__TensorProto * tp, gint64 * numel)
{
  gint64 n = tensor_numel (tp);
  float *v;

  *numel = n;
  if (tp->has_raw_data) {
    if ((gint64) tp->raw_data.len != n * 4)
      return NULL;
    v = g_new0 (float, MAX (n, 1));
    if (n > 0)
      memcpy (v, tp->raw_data.data, n * 4);
  } else {
    if ((gint64) tp->n_float_data != n)
      return NULL;
    v = g_new0 (float, MAX (n, 1));
    if (n > 0)
      memcpy (v, tp->float_data, n * 4);
  }
  return v;
}

static gboolean
tensor_shape (const Onnx__TensorProto * tp, GstVkInceptionShape * s)
{
  memset (s, 0, sizeof (*s));
  if (tp->n_dims > GST_VK_INCEPTION_MAX_RANK)
    return FALSE;
  s->rank = (guint) tp->n_dims;
  for (gsize i = 0; i < tp->n_dims; i++)
    s->dims[i] = tp->dims[i];
  return TRUE;
}

static gchar *
shape_string (const GstVkInceptionShape * s)
{
  GString *str = g_string_new (NULL);
  if (s->rank == 0)
    g_string_append (str, "scalar");
  for (guint i = 0; i < s->rank; i++)
    g_string_append_printf (str, "%s%" G_GINT64_FORMAT, i ? "x" : "",
        s->dims[i]);
  return g_string_free (str, FALSE);
}

static gboolean
is_weight_input (const Onnx__GraphProto * g, const gchar * name)
{
  for (gsize i = 0; i < g->n_node; i++) {
    const Onnx__NodeProto *n = g->node[i];
    for (gsize j = 0; j < n->n_input; j++) {
      if (!n->input[j] || strcmp (n->input[j], name) != 0)
        continue;
      for (guint k = 0; k < G_N_ELEMENTS (weight_inputs); k++)
        if (n->op_type && g_str_equal (n->op_type, weight_inputs[k].op)
            && weight_inputs[k].index == j)
          return TRUE;
    }
  }
  return FALSE;
}

static gboolean
is_initializer (const Onnx__GraphProto * g, const gchar * name)
{
  for (gsize i = 0; i < g->n_initializer; i++)
    if (g->initializer[i]->name && g_str_equal (g->initializer[i]->name, name))
      return TRUE;
  return FALSE;
}

/* The model with the graph inputs named in @names turned into initializers
 * holding @values. @mp is left as it was. */
static guint8 *
promote_inputs (Onnx__ModelProto * mp, GPtrArray * names, GPtrArray * values,
    gsize * size)
{
  Onnx__GraphProto *g = mp->graph;
  Onnx__ValueInfoProto **old_input = g->input;
  Onnx__TensorProto **old_init = g->initializer;
  gsize old_n_input = g->n_input, old_n_init = g->n_initializer;
  Onnx__ValueInfoProto **input = g_new (Onnx__ValueInfoProto *, old_n_input);
  Onnx__TensorProto **init = g_new (Onnx__TensorProto *,
      old_n_init + values->len);
  gchar **old_names = g_new (gchar *, values->len);
  gsize n_input = 0;
  guint8 *buf;

  for (gsize i = 0; i < old_n_input; i++) {
    gboolean promoted = FALSE;
    for (guint j = 0; j < names->len; j++)
      promoted |= g_str_equal (old_input[i]->name, names->pdata[j]);
    if (!promoted)
      input[n_input++] = old_input[i];
  }
  if (old_n_init > 0)
    memcpy (init, old_init, old_n_init * sizeof (*init));
  for (guint j = 0; j < values->len; j++) {
    Onnx__TensorProto *tp = values->pdata[j];
    old_names[j] = tp->name;
    tp->name = names->pdata[j];
    init[old_n_init + j] = tp;
  }

  g->input = input;
  g->n_input = n_input;
  g->initializer = init;
  g->n_initializer = old_n_init + values->len;
  *size = onnx__model_proto__get_packed_size (mp);
  buf = g_malloc (MAX (*size, 1));
  onnx__model_proto__pack (mp, buf);

  g->input = old_input;
  g->n_input = old_n_input;
  g->initializer = old_init;
  g->n_initializer = old_n_init;
  for (guint j = 0; j < values->len; j++)
    ((Onnx__TensorProto *) values->pdata[j])->name = old_names[j];
  g_free (old_names);
  g_free (input);
  g_free (init);
  return buf;
}

/* The engine's message without the leading "<model name>: ". */
static gchar *
engine_reason (const Case * c, const GError * err)
{
  gsize len = strlen (c->name);
  if (g_str_has_prefix (err->message, c->name)
      && g_str_has_prefix (err->message + len, ": "))
    return g_strdup (err->message + len + 2);
  return g_strdup (err->message);
}

static const gchar *
status_name (CaseStatus s)
{
  switch (s) {
    case CASE_PASS:
      return "pass";
    case CASE_FAIL:
      return "FAIL";
    case CASE_LEFT_OUT:
      return "left out";
    default:
      return "not run";
  }
}

/* ------------------------------------------------------------- one data set */

typedef struct
{
  const Case *c;
  CaseStatus status;
  gchar *detail;
  double worst_abs;             /* largest |got - want| */
  double worst_ratio;           /* largest |got - want| / tolerance */
} SetResult;

static void
set_left_out (SetResult * r, gchar * reason)
{
  r->status = CASE_LEFT_OUT;
  r->detail = reason;
}

static void
set_failed (SetResult * r, gchar * why)
{
  r->status = CASE_FAIL;
  r->detail = why;
}

static const gchar *
error_code_name (const GError * err)
{
  static const gchar *const names[] = {
    [GST_VK_INCEPTION_ERROR_FAILED] = "FAILED",
    [GST_VK_INCEPTION_ERROR_IO] = "IO",
    [GST_VK_INCEPTION_ERROR_PARSE] = "PARSE",
    [GST_VK_INCEPTION_ERROR_INVALID_MODEL] = "INVALID_MODEL",
    [GST_VK_INCEPTION_ERROR_UNSUPPORTED] = "UNSUPPORTED",
    [GST_VK_INCEPTION_ERROR_SHAPE] = "SHAPE",
    [GST_VK_INCEPTION_ERROR_TOO_LARGE] = "TOO_LARGE",
    [GST_VK_INCEPTION_ERROR_NO_DEVICE] = "NO_DEVICE",
    [GST_VK_INCEPTION_ERROR_OUT_OF_MEMORY] = "OUT_OF_MEMORY",
    [GST_VK_INCEPTION_ERROR_DEVICE_LOST] = "DEVICE_LOST",
    [GST_VK_INCEPTION_ERROR_VULKAN] = "VULKAN",
  };
  if (err->domain == GST_VK_INCEPTION_ERROR && err->code >= 0
      && err->code < (gint) G_N_ELEMENTS (names))
    return names[err->code];
  return g_quark_to_string (err->domain);
}

/* A load or build error: UNSUPPORTED leaves the case out, anything else
 * fails it. */
static void
set_error (SetResult * r, const gchar * stage, const GError * err)
{
  gchar *msg = engine_reason (r->c, err);
  if (err->domain == GST_VK_INCEPTION_ERROR
      && err->code == GST_VK_INCEPTION_ERROR_UNSUPPORTED)
    set_left_out (r, msg);
  else {
    set_failed (r, g_strdup_printf ("%s failed with %s: %s", stage,
            error_code_name (err), msg));
    g_free (msg);
  }
}

static void
compare_output (SetResult * r, const gchar * name, const float *got,
    const float *want, gint64 n)
{
  double worst_ratio = 0, worst_abs = 0;
  gint64 at = -1;

  for (gint64 i = 0; i < n; i++) {
    double a = got[i], b = want[i], err, ratio;
    if (isnan (a) || isnan (b))
      err = isnan (a) && isnan (b) ? 0 : INFINITY;
    else if (isinf (a) || isinf (b))
      err = a == b ? 0 : INFINITY;
    else
      err = fabs (a - b);
    ratio = err / (ATOL + RTOL * (isfinite (b) ? fabs (b) : 0));
    if (at < 0 || ratio > worst_ratio) {
      worst_ratio = ratio;
      at = i;
    }
    worst_abs = MAX (worst_abs, err);
  }
  r->worst_abs = MAX (r->worst_abs, worst_abs);
  r->worst_ratio = MAX (r->worst_ratio, worst_ratio);
  if (worst_ratio > 1.0 && r->status == CASE_PASS)
    set_failed (r, g_strdup_printf ("output '%s' differs: at %" G_GINT64_FORMAT
            " got %.9g, want %.9g (max abs err %.3g, %.3g x the tolerance "
            "%g + %g*|want|)", name, at, got[at], want[at], worst_abs,
            worst_ratio, ATOL, RTOL));
}

static void
run_data_set (GstVkInceptionDevice * dev, const Onnx__ModelProto * mp_const,
    const guint8 * model_data, gsize model_size, const gchar * set_dir,
    SetResult * r)
{
  Onnx__ModelProto *mp = (Onnx__ModelProto *) mp_const;
  const Onnx__GraphProto *g = mp->graph;
  GPtrArray *in_names = g_ptr_array_new ();     /* graph inputs, in file order */
  GPtrArray *in_tensors = g_ptr_array_new_with_free_func (tensor_free);
  GPtrArray *out_tensors = g_ptr_array_new_with_free_func (tensor_free);
  GPtrArray *promote_names = g_ptr_array_new ();
  GPtrArray *promote_values = g_ptr_array_new ();
  GArray *constants = g_array_new (FALSE, TRUE,
      sizeof (GstVkInceptionConstant));
  GPtrArray *floats = g_ptr_array_new_with_free_func (g_free);
  GstVkInceptionModel *model = NULL;
  GstVkInceptionNet *net = NULL;
  GstVkInceptionShape *shapes = NULL;
  const float **inputs = NULL;
  float **outputs = NULL;
  guint8 *packed = NULL;
  GError *err = NULL;
  guint n_in, n_out;

  r->status = CASE_PASS;

  /* input_I.pb is the I-th graph input that is not an initializer. */
  for (gsize i = 0; i < g->n_input; i++)
    if (g->input[i]->name && !is_initializer (g, g->input[i]->name))
      g_ptr_array_add (in_names, g->input[i]->name);
  for (guint i = 0; i < in_names->len; i++) {
    gchar *path = g_strdup_printf ("%s/input_%u.pb", set_dir, i);
    Onnx__TensorProto *tp = read_tensor (path, &err);
    g_free (path);
    if (!tp) {
      set_failed (r, g_strdup_printf ("test data: %s", err->message));
      goto out;
    }
    g_ptr_array_add (in_tensors, tp);
  }
  for (gsize j = 0; j < g->n_output; j++) {
    gchar *path = g_strdup_printf ("%s/output_%" G_GSIZE_FORMAT ".pb", set_dir,
        j);
    Onnx__TensorProto *tp = read_tensor (path, &err);
    g_free (path);
    if (!tp) {
      set_failed (r, g_strdup_printf ("test data: %s", err->message));
      goto out;
    }
    g_ptr_array_add (out_tensors, tp);
  }

  /* Weights become constants; data inputs must be float32. */
  for (guint i = 0; i < in_names->len; i++) {
    const gchar *name = in_names->pdata[i];
    Onnx__TensorProto *tp = in_tensors->pdata[i];
    if (is_weight_input (g, name)) {
      GstVkInceptionConstant c = { name };
      gint64 numel;
      float *v = NULL;
      if (tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT
          && tensor_shape (tp, &c.shape)
          && (v = tensor_floats (tp, &numel))) {
        g_ptr_array_add (floats, v);
        c.data = v;
        g_array_append_val (constants, c);
      } else {
        /* Left for the engine to take or refuse as an initializer. */
        g_ptr_array_add (promote_names, (gpointer) name);
        g_ptr_array_add (promote_values, tp);
      }
    } else if (tp->data_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT) {
      set_left_out (r, g_strdup_printf ("non-float tensor: input '%s' is %s",
              name, type_name (tp->data_type)));
      goto out;
    }
  }

  if (promote_values->len > 0) {
    packed = promote_inputs (mp, promote_names, promote_values, &model_size);
    model_data = packed;
  }
  model = gst_vk_inception_model_new_from_data (model_data, model_size,
      r->c->name, (const GstVkInceptionConstant *) constants->data,
      constants->len, &err);
  if (!model) {
    set_error (r, "loading", err);
    goto out;
  }

  /* The model's inputs, by name, get the data inputs. */
  n_in = gst_vk_inception_model_get_n_inputs (model);
  n_out = gst_vk_inception_model_get_n_outputs (model);
  shapes = g_new0 (GstVkInceptionShape, MAX (n_in, 1));
  inputs = g_new0 (const float *, MAX (n_in, 1));
  for (guint k = 0; k < n_in; k++) {
    const gchar *name = gst_vk_inception_model_get_input (model, k, NULL);
    Onnx__TensorProto *tp = NULL;
    gint64 numel;
    float *v;
    for (guint i = 0; i < in_names->len && !tp; i++)
      if (g_str_equal (in_names->pdata[i], name))
        tp = in_tensors->pdata[i];
    if (!tp) {
      set_failed (r, g_strdup_printf ("the engine wants input '%s', which "
              "the test data lacks", name));
      goto out;
    }
    if (!tensor_shape (tp, &shapes[k])) {
      set_left_out (r, g_strdup_printf ("input '%s' has rank %" G_GSIZE_FORMAT
              "; the engine takes at most %d", name, tp->n_dims,
              GST_VK_INCEPTION_MAX_RANK));
      goto out;
    }
    if (!(v = tensor_floats (tp, &numel))) {
      set_failed (r, g_strdup_printf ("test data: input '%s' has the wrong "
              "size", name));
      goto out;
    }
    g_ptr_array_add (floats, v);
    inputs[k] = v;
  }
  if (n_out != g->n_output) {
    set_failed (r, g_strdup_printf ("the engine has %u outputs, the model %"
            G_GSIZE_FORMAT, n_out, g->n_output));
    goto out;
  }
  for (guint j = 0; j < n_out; j++) {
    Onnx__TensorProto *tp = out_tensors->pdata[j];
    if (tp->data_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT) {
      set_left_out (r, g_strdup_printf ("non-float tensor: output '%s' is %s",
              gst_vk_inception_model_get_output_name (model, j),
              type_name (tp->data_type)));
      goto out;
    }
  }

  net = gst_vk_inception_net_new (model, dev, shapes, &err);
  if (!net) {
    set_error (r, "building the net", err);
    goto out;
  }

  outputs = g_new0 (float *, MAX (n_out, 1));
  for (guint j = 0; j < n_out; j++) {
    GstVkInceptionShape got, want;
    Onnx__TensorProto *tp = out_tensors->pdata[j];
    gint64 numel = 1;
    gst_vk_inception_net_get_output_shape (net, j, &got);
    if (!tensor_shape (tp, &want) || got.rank != want.rank
        || memcmp (got.dims, want.dims, got.rank * sizeof (gint64)) != 0) {
      gchar *gs = shape_string (&got), *ws = NULL;
      if (tp->n_dims <= GST_VK_INCEPTION_MAX_RANK)
        ws = shape_string (&want);
      set_failed (r, g_strdup_printf ("output '%s' has shape %s, want %s",
              gst_vk_inception_model_get_output_name (model, j), gs,
              ws ? ws : "rank > 4"));
      g_free (gs);
      g_free (ws);
      goto out;
    }
    for (guint d = 0; d < got.rank; d++)
      numel *= got.dims[d];
    outputs[j] = g_new0 (float, MAX (numel, 1));
    g_ptr_array_add (floats, outputs[j]);
  }

  if (!gst_vk_inception_net_run (net, inputs, outputs, &err)) {
    set_failed (r, g_strdup_printf ("run failed with %s: %s",
            error_code_name (err), err->message));
    goto out;
  }

  for (guint j = 0; j < n_out; j++) {
    gint64 numel;
    float *want = tensor_floats (out_tensors->pdata[j], &numel);
    if (!want) {
      set_failed (r, g_strdup_printf ("test data: output %u has the wrong "
              "size", j));
      goto out;
    }
    compare_output (r, gst_vk_inception_model_get_output_name (model, j),
        outputs[j], want, numel);
    g_free (want);
  }

out:
  g_clear_error (&err);
  gst_vk_inception_net_free (net);
  gst_vk_inception_model_free (model);
  g_free (packed);
  g_free (shapes);
  g_free (inputs);
  g_free (outputs);
  g_ptr_array_unref (floats);
  g_array_unref (constants);
  g_ptr_array_unref (promote_names);
  g_ptr_array_unref (promote_values);
  g_ptr_array_unref (in_tensors);
  g_ptr_array_unref (out_tensors);
  g_ptr_array_unref (in_names);
}

/* ----------------------------------------------------------------- a case */

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

static GPtrArray *
list_data_sets (const gchar * dir)
{
  GPtrArray *sets = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *entry;
  if (!d)
    return sets;
  while ((entry = g_dir_read_name (d))) {
    gchar *path = g_build_filename (dir, entry, NULL);
    if (g_str_has_prefix (entry, "test_data_set_")
        && g_file_test (path, G_FILE_TEST_IS_DIR))
      g_ptr_array_add (sets, path);
    else
      g_free (path);
  }
  g_dir_close (d);
  g_ptr_array_sort (sets, compare_strings);
  return sets;
}

static void
test_case (gconstpointer data)
{
  Case *c = (Case *) data;
  gchar *path = g_build_filename (c->dir, "model.onnx", NULL);
  gchar *model_data = NULL;
  gsize model_size = 0;
  Onnx__ModelProto *mp = NULL;
  GPtrArray *sets = list_data_sets (c->dir);
  GError *err = NULL;
  SetResult r = { c, CASE_PASS };
  /* Fails the test (and the others) if there is no Vulkan device. */
  GstVkInceptionDevice *dev = vki_test_device ();
  guint before;

  if (!dev) {
    c->status = CASE_FAIL;
    c->detail = g_strdup ("no Vulkan device");
    g_ptr_array_unref (sets);
    g_free (path);
    return;
  }
  before = gst_vk_inception_device_get_validation_messages (dev);

  if (!g_file_get_contents (path, &model_data, &model_size, &err)) {
    r.status = CASE_FAIL;
    r.detail = g_strdup_printf ("test data: %s", err->message);
  } else if (!(mp = onnx__model_proto__unpack (NULL, model_size,
              (const guint8 *) model_data)) || !mp->graph) {
    r.status = CASE_FAIL;
    r.detail = g_strdup_printf ("test data: %s does not decode", path);
  } else if (sets->len == 0) {
    r.status = CASE_FAIL;
    r.detail = g_strdup ("test data: no test_data_set_* directory");
  }

  for (guint s = 0; r.status == CASE_PASS && s < sets->len; s++) {
    g_free (r.detail);
    r.detail = NULL;
    run_data_set (dev, mp, (const guint8 *) model_data, model_size,
        sets->pdata[s], &r);
    if (r.status == CASE_FAIL && sets->len > 1) {
      gchar *d = g_strdup_printf ("%s: %s",
          strrchr (sets->pdata[s], '/') + 1, r.detail);
      g_free (r.detail);
      r.detail = d;
    }
  }
  if (r.status == CASE_PASS)
    r.detail = g_strdup_printf ("max abs err %.3g (%.3g of tolerance), %u "
        "data set%s", r.worst_abs, r.worst_ratio, sets->len,
        sets->len == 1 ? "" : "s");

  c->status = r.status;
  c->detail = r.detail;

  if (mp)
    onnx__model_proto__free_unpacked (mp, NULL);
  g_free (model_data);
  g_free (path);
  g_clear_error (&err);
  g_ptr_array_unref (sets);

  /* The validation layer must stay quiet whatever the outcome. */
  g_assert_cmpuint (gst_vk_inception_device_get_validation_messages (dev)
      - before, ==, 0);

  switch (c->status) {
    case CASE_PASS:
      g_test_message ("%s: pass, %s", c->name, c->detail);
      break;
    case CASE_LEFT_OUT:{
      gchar *msg = g_strdup_printf ("left out: %s", c->detail);
      g_test_skip (msg);
      g_free (msg);
      break;
    }
    default:
      g_test_message ("%s: FAIL: %s", c->name, c->detail);
      g_printerr ("%s: FAIL: %s\n", c->name, c->detail);
      g_assert_cmpstr (status_name (c->status), ==, "pass");
      break;
  }
}

/* ------------------------------------------------------------------ summary */

/* The table goes to stderr, which `meson test -v` shows (it keeps the TAP
 * comments on stdout for the log file only); the totals go to both. */
static void
test_summary (void)
{
  guint n[CASE_LEFT_OUT + 1] = { 0 };
  gchar *totals;

  if (!data_dir_found) {
    gchar *msg = g_strdup_printf ("ONNX node test data not found in %s: "
        "install Debian's libonnx-testdata (apt-get install "
        "libonnx-testdata; CI does) or point $VKINCEPTION_ONNX_TESTDATA at "
        "its data/node directory", data_dir);
    g_test_message ("%s", msg);
    g_printerr ("%s\n", msg);
    g_free (msg);
    g_assert_true (data_dir_found);
    return;
  }

  g_printerr ("# ONNX conformance: %s, |got - want| <= %g + %g * |want|\n",
      data_dir, ATOL, RTOL);
  g_printerr ("# %-56s %-8s %s\n", "case", "result", "worst error / reason");
  for (guint i = 0; i < cases->len; i++) {
    Case *c = cases->pdata[i];
    n[c->status]++;
    g_printerr ("# %-56s %-8s %s\n", c->name, status_name (c->status),
        c->detail ? c->detail : "");
  }
  totals = g_strdup_printf ("%u cases: %u pass, %u left out, %u fail, %u "
      "not run (at least %d must pass)", cases->len, n[CASE_PASS],
      n[CASE_LEFT_OUT], n[CASE_FAIL], n[CASE_NOT_RUN], MIN_PASSED);
  g_printerr ("# %s\n", totals);
  g_test_message ("%s", totals);
  g_free (totals);

  g_assert_cmpuint (cases->len, >, 0);
  /* Only meaningful when every case ran (not with -p or -s). */
  if (n[CASE_NOT_RUN] == 0)
    g_assert_cmpuint (n[CASE_PASS], >=, MIN_PASSED);
}

/* --------------------------------------------------------------------- main */

static gboolean
in_scope (const gchar * name)
{
  if (!g_str_has_prefix (name, "test_"))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (families); i++) {
    const gchar *rest = name + 5;
    gsize len = strlen (families[i]);
    if (strncmp (rest, families[i], len) == 0
        && (rest[len] == '\0' || rest[len] == '_'))
      return TRUE;
  }
  return FALSE;
}

static void
case_free (gpointer p)
{
  Case *c = p;
  g_free (c->name);
  g_free (c->dir);
  g_free (c->detail);
  g_free (c);
}

static gint
compare_cases (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(Case * const *) a)->name, (*(Case * const *) b)->name);
}

int
main (int argc, char **argv)
{
  const gchar *env = g_getenv ("VKINCEPTION_ONNX_TESTDATA");
  GDir *d;
  int ret;

  g_test_init (&argc, &argv, NULL);
  /* A failing case fails its test and the others still run. */
  g_test_set_nonfatal_assertions ();

  data_dir = g_strdup (env && *env ? env : DEFAULT_DATA_DIR);
  cases = g_ptr_array_new_with_free_func (case_free);
  d = g_dir_open (data_dir, 0, NULL);
  if (d) {
    const gchar *entry;
    data_dir_found = TRUE;
    while ((entry = g_dir_read_name (d))) {
      Case *c;
      if (!in_scope (entry))
        continue;
      c = g_new0 (Case, 1);
      c->name = g_strdup (entry);
      c->dir = g_build_filename (data_dir, entry, NULL);
      g_ptr_array_add (cases, c);
    }
    g_dir_close (d);
  }
  g_ptr_array_sort (cases, compare_cases);

  for (guint i = 0; i < cases->len; i++) {
    Case *c = cases->pdata[i];
    gchar *path = g_strdup_printf ("/conformance/%s", c->name);
    g_test_add_data_func (path, c, test_case);
    g_free (path);
  }
  /* Added last, so it runs after every case. */
  g_test_add_func ("/conformance/summary", test_summary);

  ret = g_test_run ();
  g_ptr_array_unref (cases);
  g_free (data_dir);
  return ret;
}
