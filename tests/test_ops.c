/* Every shader op against a plain C reference.
 *
 * Each test builds a small ONNX graph with a Graph (below): every node added
 * to the model is also evaluated on the host, in double precision, straight
 * from the ONNX operator spec (PyTorch's rules where the spec leaves room:
 * see window_axis() and pool()). The engine then runs the graph on seeded
 * random input and must match the reference to TOLERANCE relative to
 * max |reference|. Each test also checks the output shapes and the layer
 * list (which ops were fused, folded, removed or written in place). */
#include "test-common.h"
#include "device.h"
#include "winograd.h"
#include "pipeline.h"
#include "net.h"
#include "sizes.h"

#include <math.h>
#include <string.h>

#define TOLERANCE 1e-4
/* float16 activations, and float16 arithmetic (the ops-*fp16 and
 * ops-*fp16a tests): the bound. */
#define TOLERANCE_FP16 1e-2
#define MAX_IO 8

static GstVkInceptionShape
make_shape (guint rank, const gint64 * dims)
{
  GstVkInceptionShape s = { rank, {0} };
  memcpy (s.dims, dims, rank * sizeof (gint64));
  return s;
}

#define SHAPE(...) make_shape (G_N_ELEMENTS (((gint64[]) { __VA_ARGS__ })), \
    (gint64[]) { __VA_ARGS__ })

static gint64
prod (const GstVkInceptionShape * s, guint from, guint to)
{
  gint64 p = 1;
  for (guint i = from; i < to && i < s->rank; i++)
    p *= s->dims[i];
  return p;
}

static gint64
numel (const GstVkInceptionShape * s)
{
  return prod (s, 0, s->rank);
}

static gchar *
shape_str (const GstVkInceptionShape * s)
{
  GString *str = g_string_new (NULL);
  for (guint i = 0; i < s->rank; i++)
    g_string_append_printf (str, "%s%" G_GINT64_FORMAT, i ? "x" : "",
        s->dims[i]);
  return g_string_free (str, FALSE);
}

static void
assert_shape (const GstVkInceptionShape * got, const GstVkInceptionShape * want)
{
  gchar *g = shape_str (got), *w = shape_str (want);
  g_assert_cmpstr (g, ==, w);
  g_free (g);
  g_free (w);
}

/* ------------------------------------------------------------ the graph */

typedef struct
{
  GstVkInceptionShape shape;
  double *ref;                  /* reference values */
  float *value;                 /* graph inputs: what the engine is given */
  guint64 macs;                 /* multiply-adds of the Conv/Gemm making it */
} Tensor;

typedef struct
{
  VkiTestModel *tm;
  gint64 opset;
  guint32 seed;
  GHashTable *tensors;          /* name -> Tensor */
  GPtrArray *inputs, *outputs;  /* names */
  GPtrArray *consts;            /* float arrays given to the model */
} Graph;

static void
tensor_free (gpointer p)
{
  Tensor *t = p;
  g_free (t->ref);
  g_free (t->value);
  g_free (t);
}

static Graph *
graph_new (gint64 opset)
{
  Graph *g = g_new0 (Graph, 1);
  g->tm = vki_test_model_new (opset);
  g->opset = opset;
  g->seed = g_str_hash (g_test_get_path ());
  g->tensors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      tensor_free);
  g->inputs = g_ptr_array_new_with_free_func (g_free);
  g->outputs = g_ptr_array_new_with_free_func (g_free);
  g->consts = g_ptr_array_new_with_free_func (g_free);
  return g;
}

static void
graph_free (Graph * g)
{
  vki_test_model_free (g->tm);
  g_hash_table_unref (g->tensors);
  g_ptr_array_unref (g->inputs);
  g_ptr_array_unref (g->outputs);
  g_ptr_array_unref (g->consts);
  g_free (g);
}

static Tensor *
tensor (Graph * g, const gchar * name)
{
  Tensor *t = g_hash_table_lookup (g->tensors, name);
  g_assert_nonnull (t);
  return t;
}

static Tensor *
new_tensor (Graph * g, const gchar * name, GstVkInceptionShape shape)
{
  Tensor *t = g_new0 (Tensor, 1);
  g_assert_false (g_hash_table_contains (g->tensors, name));
  t->shape = shape;
  t->ref = g_new0 (double, MAX (numel (&shape), 1));
  g_hash_table_insert (g->tensors, g_strdup (name), t);
  return t;
}

/* A graph input of @shape, uniform in [lo, hi); its first dimension is
 * declared symbolic, the net is built at @shape. */
static void
graph_input_range (Graph * g, const gchar * name, GstVkInceptionShape shape,
    float lo, float hi)
{
  Tensor *t = new_tensor (g, name, shape);
  GstVkInceptionShape declared = shape;
  declared.dims[0] = -1;
  t->value = vki_test_random (g->seed++, numel (&shape), lo, hi);
  for (gint64 i = 0; i < numel (&shape); i++)
    t->ref[i] = t->value[i];
  vki_test_model_input (g->tm, name, declared.rank, declared.dims);
  g_ptr_array_add (g->inputs, g_strdup (name));
}

static void
graph_input (Graph * g, const gchar * name, GstVkInceptionShape shape)
{
  graph_input_range (g, name, shape, -1.0f, 1.0f);
}

static void
graph_output (Graph * g, const gchar * name)
{
  tensor (g, name);
  vki_test_model_output (g->tm, name);
  g_ptr_array_add (g->outputs, g_strdup (name));
}

/* A random initializer named @owner + @suffix; the name goes to @name. */
static const float *
graph_const (Graph * g, const gchar * owner, const gchar * suffix,
    GstVkInceptionShape shape, float lo, float hi, gchar ** name)
{
  float *v = vki_test_random (g->seed++, numel (&shape), lo, hi);
  *name = g_strconcat (owner, suffix, NULL);
  vki_test_model_initializer (g->tm, *name, shape.rank, shape.dims, v);
  g_ptr_array_add (g->consts, v);
  return v;
}

static Onnx__NodeProto *
graph_node (Graph * g, const gchar * op, const gchar * out,
    const gchar * first_input, ...) G_GNUC_NULL_TERMINATED;

/* A node with inputs @first_input, ... (NULL-terminated). */
static Onnx__NodeProto *
graph_node (Graph * g, const gchar * op, const gchar * out,
    const gchar * first_input, ...)
{
  GString *inputs = g_string_new (first_input);
  Onnx__NodeProto *node;
  const gchar *s;
  va_list args;
  va_start (args, first_input);
  while ((s = va_arg (args, const gchar *)))
    g_string_append_printf (inputs, ",%s", s);
  va_end (args);
  node = vki_test_model_node (g->tm, op, inputs->str, out);
  g_string_free (inputs, TRUE);
  return node;
}

/* ------------------------------------------------- windows (Conv, pools) */

typedef struct
{
  gint64 kernel[2];
  /* Zeros leave the attribute out, to its default. */
  gint64 strides[2];
  gint64 dilations[2];
  gint64 pads[4];               /* ONNX order: top, left, bottom, right */
  const gchar *auto_pad;
  gboolean ceil_mode;
  gboolean count_include_pad;
} Window;

typedef struct
{
  gint64 out[2], begin[2], stride[2], dilation[2];
  gint64 limit[2];              /* input size + trailing pad */
} Geometry;

/* Output size and pads along one axis. Explicit pads and auto_pad follow the
 * ONNX spec. With ceil_mode, a last window that would start in the trailing
 * pad is dropped, as PyTorch (and Caffe) do. */
static gint64
window_axis (const Window * w, guint axis, gint64 in, gint64 * begin,
    gint64 * end)
{
  gint64 s = w->strides[axis] ? w->strides[axis] : 1;
  gint64 d = w->dilations[axis] ? w->dilations[axis] : 1;
  gint64 extent = d * (w->kernel[axis] - 1) + 1, out;

  if (w->auto_pad && g_str_has_prefix (w->auto_pad, "SAME")) {
    gint64 total;
    out = (in + s - 1) / s;
    total = MAX (0, (out - 1) * s + extent - in);
    /* SAME_UPPER puts the odd pad at the end, SAME_LOWER at the start. */
    *end = g_str_equal (w->auto_pad, "SAME_UPPER") ? (total + 1) / 2
        : total / 2;
    *begin = total - *end;
    return out;
  }
  if (w->auto_pad && g_str_equal (w->auto_pad, "VALID")) {
    *begin = *end = 0;
    return (in - extent) / s + 1;
  }
  *begin = w->pads[axis];
  *end = w->pads[axis + 2];
  if (!w->ceil_mode)
    return (in + *begin + *end - extent) / s + 1;
  out = (in + *begin + *end - extent + s - 1) / s + 1;
  if ((out - 1) * s >= in + *begin)
    out--;
  return out;
}

static Geometry
geometry (const Window * w, gint64 h, gint64 wd)
{
  Geometry geo;
  gint64 in[2] = { h, wd };
  for (guint a = 0; a < 2; a++) {
    gint64 end;
    geo.out[a] = window_axis (w, a, in[a], &geo.begin[a], &end);
    geo.limit[a] = in[a] + end;
    geo.stride[a] = w->strides[a] ? w->strides[a] : 1;
    geo.dilation[a] = w->dilations[a] ? w->dilations[a] : 1;
  }
  return geo;
}

static void
window_attrs (Graph * g, Onnx__NodeProto * node, const Window * w,
    gboolean pool)
{
  static const gint64 zero[4] = { 0 };
  vki_test_node_ints (g->tm, node, "kernel_shape", 2, w->kernel);
  if (w->strides[0])
    vki_test_node_ints (g->tm, node, "strides", 2, w->strides);
  if (w->dilations[0])
    vki_test_node_ints (g->tm, node, "dilations", 2, w->dilations);
  if (memcmp (w->pads, zero, sizeof (zero)) != 0)
    vki_test_node_ints (g->tm, node, "pads", 4, w->pads);
  if (w->auto_pad)
    vki_test_node_string (g->tm, node, "auto_pad", w->auto_pad);
  if (pool && w->ceil_mode)
    vki_test_node_int (g->tm, node, "ceil_mode", 1);
  if (pool && w->count_include_pad)
    vki_test_node_int (g->tm, node, "count_include_pad", 1);
}

/* ------------------------------------------------------------- the ops */

/* The weights of conv() and gemm() are drawn from [-weight_range,
 * weight_range] (1 but in test_weight_range()). */
static float weight_range = 1.0f;

static void
conv (Graph * g, const gchar * in, const gchar * out, gint64 cout,
    gboolean bias, const Window * win)
{
  const Tensor *x = tensor (g, in);
  gint64 n = x->shape.dims[0], cin = x->shape.dims[1];
  gint64 h = x->shape.dims[2], wd = x->shape.dims[3];
  gint64 kh = win->kernel[0], kw = win->kernel[1];
  Geometry geo = geometry (win, h, wd);
  gchar *wname, *bname = NULL;
  const float *w = graph_const (g, out, "_w", SHAPE (cout, cin, kh, kw),
      -weight_range, weight_range, &wname);
  const float *b = bias ? graph_const (g, out, "_b", SHAPE (cout), -1.0f, 1.0f,
      &bname) : NULL;
  Tensor *y = new_tensor (g, out, SHAPE (n, cout, geo.out[0], geo.out[1]));
  double *r = y->ref;

  window_attrs (g, graph_node (g, "Conv", out, in, wname, bname, NULL), win,
      FALSE);
  g_free (wname);
  g_free (bname);

  for (gint64 img = 0; img < n; img++)
    for (gint64 co = 0; co < cout; co++)
      for (gint64 oy = 0; oy < geo.out[0]; oy++)
        for (gint64 ox = 0; ox < geo.out[1]; ox++) {
          double acc = b ? b[co] : 0.0;
          for (gint64 ci = 0; ci < cin; ci++)
            for (gint64 ky = 0; ky < kh; ky++)
              for (gint64 kx = 0; kx < kw; kx++) {
                gint64 iy = oy * geo.stride[0] - geo.begin[0]
                    + ky * geo.dilation[0];
                gint64 ix = ox * geo.stride[1] - geo.begin[1]
                    + kx * geo.dilation[1];
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd)
                  continue;
                acc += x->ref[((img * cin + ci) * h + iy) * wd + ix]
                    * (double) w[((co * cin + ci) * kh + ky) * kw + kx];
              }
          *r++ = acc;
        }
  y->macs = (guint64) numel (&y->shape) * cin * kh * kw;
}

/* MaxPool or AveragePool. Average divisors follow PyTorch: without
 * count_include_pad, the input elements in the window; with it, the window
 * clipped to the input plus its pads (which ceil_mode may overrun). */
static void
pool (Graph * g, const gchar * op, const gchar * in, const gchar * out,
    const Window * win)
{
  const Tensor *x = tensor (g, in);
  gboolean average = g_str_equal (op, "AveragePool");
  gint64 nc = x->shape.dims[0] * x->shape.dims[1];
  gint64 h = x->shape.dims[2], wd = x->shape.dims[3];
  Geometry geo = geometry (win, h, wd);
  Tensor *y = new_tensor (g, out, SHAPE (x->shape.dims[0], x->shape.dims[1],
          geo.out[0], geo.out[1]));
  double *r = y->ref;

  window_attrs (g, graph_node (g, op, out, in, NULL), win, TRUE);

  for (gint64 p = 0; p < nc; p++)
    for (gint64 oy = 0; oy < geo.out[0]; oy++)
      for (gint64 ox = 0; ox < geo.out[1]; ox++) {
        gint64 y0 = oy * geo.stride[0] - geo.begin[0];
        gint64 x0 = ox * geo.stride[1] - geo.begin[1];
        double acc = average ? 0.0 : -INFINITY;
        gint64 count = 0;
        for (gint64 ky = 0; ky < win->kernel[0]; ky++)
          for (gint64 kx = 0; kx < win->kernel[1]; kx++) {
            gint64 iy = y0 + ky * geo.dilation[0];
            gint64 ix = x0 + kx * geo.dilation[1];
            double v;
            if (iy < 0 || iy >= h || ix < 0 || ix >= wd)
              continue;
            v = x->ref[(p * h + iy) * wd + ix];
            acc = average ? acc + v : MAX (acc, v);
            count++;
          }
        g_assert_cmpint (count, >, 0);
        if (average && win->count_include_pad)
          count = (MIN (y0 + win->kernel[0], geo.limit[0]) - y0)
              * (MIN (x0 + win->kernel[1], geo.limit[1]) - x0);
        *r++ = average ? acc / count : acc;
      }
}

static void
global_avgpool (Graph * g, const gchar * in, const gchar * out)
{
  const Tensor *x = tensor (g, in);
  gint64 nc = prod (&x->shape, 0, 2), plane = prod (&x->shape, 2, 4);
  GstVkInceptionShape s = x->shape;
  Tensor *y;
  for (guint i = 2; i < s.rank; i++)
    s.dims[i] = 1;
  y = new_tensor (g, out, s);
  graph_node (g, "GlobalAveragePool", out, in, NULL);
  for (gint64 p = 0; p < nc; p++) {
    double sum = 0;
    for (gint64 i = 0; i < plane; i++)
      sum += x->ref[p * plane + i];
    y->ref[p] = sum / plane;
  }
}

typedef struct
{
  gint64 size;
  float alpha, beta, bias;      /* alpha 0: all three left to their defaults */
} LrnParams;

static void
lrn (Graph * g, const gchar * in, const gchar * out, const LrnParams * lp)
{
  const Tensor *x = tensor (g, in);
  gint64 n = x->shape.dims[0], c = x->shape.dims[1];
  gint64 plane = prod (&x->shape, 2, 4);
  gboolean defaults = lp->alpha == 0.0f;
  double alpha = defaults ? 1e-4f : lp->alpha;
  double beta = defaults ? 0.75f : lp->beta;
  double bias = defaults ? 1.0f : lp->bias;
  Tensor *y = new_tensor (g, out, x->shape);
  Onnx__NodeProto *node = graph_node (g, "LRN", out, in, NULL);

  vki_test_node_int (g->tm, node, "size", lp->size);
  if (!defaults) {
    vki_test_node_float (g->tm, node, "alpha", lp->alpha);
    vki_test_node_float (g->tm, node, "beta", lp->beta);
    vki_test_node_float (g->tm, node, "bias", lp->bias);
  }
  /* square_sum over channels [c - floor((size-1)/2), c + ceil((size-1)/2)]. */
  for (gint64 b = 0; b < n; b++)
    for (gint64 ch = 0; ch < c; ch++)
      for (gint64 i = 0; i < plane; i++) {
        gint64 lo = MAX (0, ch - (lp->size - 1) / 2);
        gint64 hi = MIN (c - 1, ch + lp->size / 2);
        double sq = 0, v = x->ref[(b * c + ch) * plane + i];
        for (gint64 k = lo; k <= hi; k++) {
          double u = x->ref[(b * c + k) * plane + i];
          sq += u * u;
        }
        y->ref[(b * c + ch) * plane + i] =
            v / pow (bias + alpha / lp->size * sq, beta);
      }
}

static void
relu (Graph * g, const gchar * in, const gchar * out)
{
  const Tensor *x = tensor (g, in);
  Tensor *y = new_tensor (g, out, x->shape);
  graph_node (g, "Relu", out, in, NULL);
  for (gint64 i = 0; i < numel (&x->shape); i++)
    y->ref[i] = MAX (x->ref[i], 0.0);
}

static void
batchnorm (Graph * g, const gchar * in, const gchar * out)
{
  const Tensor *x = tensor (g, in);
  gint64 n = x->shape.dims[0], c = x->shape.dims[1];
  gint64 plane = prod (&x->shape, 2, 4);
  const float eps = 1e-3f;
  gchar *names[4];
  const float *scale = graph_const (g, out, "_scale", SHAPE (c), 0.5f, 2.0f,
      &names[0]);
  const float *shift = graph_const (g, out, "_B", SHAPE (c), -1.0f, 1.0f,
      &names[1]);
  const float *mean = graph_const (g, out, "_mean", SHAPE (c), -0.5f, 0.5f,
      &names[2]);
  const float *var = graph_const (g, out, "_var", SHAPE (c), 0.25f, 2.0f,
      &names[3]);
  Tensor *y = new_tensor (g, out, x->shape);
  Onnx__NodeProto *node = graph_node (g, "BatchNormalization", out, in,
      names[0], names[1], names[2], names[3], NULL);

  vki_test_node_float (g->tm, node, "epsilon", eps);
  for (guint i = 0; i < 4; i++)
    g_free (names[i]);
  for (gint64 b = 0; b < n; b++)
    for (gint64 ch = 0; ch < c; ch++)
      for (gint64 i = 0; i < plane; i++) {
        gint64 at = (b * c + ch) * plane + i;
        y->ref[at] = scale[ch] * (x->ref[at] - mean[ch])
            / sqrt ((double) var[ch] + eps) + shift[ch];
      }
}

/* The shape of a Gemm's C (or of the constant added to a MatMul). */
typedef enum
{
  BIAS_NONE,
  BIAS_SCALAR,                  /* rank 0 */
  BIAS_ONE,                     /* [1] */
  BIAS_VECTOR,                  /* [N] */
  BIAS_ROW,                     /* [1, N] */
  BIAS_COLUMN,                  /* [M, 1] */
  BIAS_MATRIX,                  /* [M, N] */
} BiasKind;

static GstVkInceptionShape
bias_shape (BiasKind kind, gint64 m, gint64 n)
{
  switch (kind) {
    case BIAS_SCALAR:
      return (GstVkInceptionShape) { 0, {0} };
    case BIAS_ONE:
      return SHAPE (1);
    case BIAS_VECTOR:
      return SHAPE (n);
    case BIAS_ROW:
      return SHAPE (1, n);
    case BIAS_COLUMN:
      return SHAPE (m, 1);
    default:
      return SHAPE (m, n);
  }
}

/* c[m][n] with c unidirectionally broadcast to [M, N]. */
static double
broadcast (const float *c, const GstVkInceptionShape * cs, gint64 m, gint64 n)
{
  gint64 rows = cs->rank == 2 ? cs->dims[0] : 1;
  gint64 cols = cs->rank >= 1 ? cs->dims[cs->rank - 1] : 1;
  return c[(rows == 1 ? 0 : m) * cols + (cols == 1 ? 0 : n)];
}

typedef struct
{
  gint64 n;
  gboolean trans_a, trans_b;
  float alpha, beta;            /* 0: left out (1) */
  BiasKind bias;
} GemmParams;

static void
gemm (Graph * g, const gchar * in, const gchar * out, const GemmParams * gp)
{
  const Tensor *a = tensor (g, in);
  gint64 m = a->shape.dims[gp->trans_a ? 1 : 0];
  gint64 k = a->shape.dims[gp->trans_a ? 0 : 1], n = gp->n;
  double alpha = gp->alpha != 0.0f ? gp->alpha : 1.0;
  double beta = gp->beta != 0.0f ? gp->beta : 1.0;
  GstVkInceptionShape cs = bias_shape (gp->bias, m, n);
  gchar *bname, *cname = NULL;
  const float *b = graph_const (g, out, "_B", gp->trans_b ? SHAPE (n, k) :
      SHAPE (k, n), -weight_range, weight_range, &bname);
  const float *c = gp->bias != BIAS_NONE ? graph_const (g, out, "_C", cs,
      -1.0f, 1.0f, &cname) : NULL;
  Tensor *y = new_tensor (g, out, SHAPE (m, n));
  Onnx__NodeProto *node = graph_node (g, "Gemm", out, in, bname, cname, NULL);

  g_free (bname);
  g_free (cname);
  if (gp->trans_a)
    vki_test_node_int (g->tm, node, "transA", 1);
  if (gp->trans_b)
    vki_test_node_int (g->tm, node, "transB", 1);
  if (gp->alpha != 0.0f)
    vki_test_node_float (g->tm, node, "alpha", gp->alpha);
  if (gp->beta != 0.0f)
    vki_test_node_float (g->tm, node, "beta", gp->beta);

  for (gint64 i = 0; i < m; i++)
    for (gint64 j = 0; j < n; j++) {
      double acc = 0;
      for (gint64 l = 0; l < k; l++) {
        double av = gp->trans_a ? a->ref[l * m + i] : a->ref[i * k + l];
        double bv = gp->trans_b ? b[j * k + l] : b[l * n + j];
        acc += av * bv;
      }
      y->ref[i * n + j] = alpha * acc + (c ? beta * broadcast (c, &cs, i, j)
          : 0.0);
    }
  y->macs = (guint64) (m * n * k);
}

/* MatMul by a constant [K, N], then (unless BIAS_NONE) Add of a constant
 * bias, on either side of the Add. */
static void
matmul_add (Graph * g, const gchar * in, const gchar * out, gint64 n,
    BiasKind bias, gboolean bias_first)
{
  const Tensor *a = tensor (g, in);
  gint64 m = a->shape.dims[0], k = a->shape.dims[1];
  GstVkInceptionShape cs = bias_shape (bias, m, n);
  gchar *bname, *cname = NULL;
  gchar *mm = bias ? g_strconcat (out, "_matmul", NULL) : g_strdup (out);
  const float *b = graph_const (g, out, "_B", SHAPE (k, n), -1.0f, 1.0f,
      &bname);
  const float *c = bias ? graph_const (g, out, "_bias", cs, -1.0f, 1.0f,
      &cname) : NULL;
  Tensor *y = new_tensor (g, out, SHAPE (m, n));

  graph_node (g, "MatMul", mm, in, bname, NULL);
  if (bias)
    graph_node (g, "Add", out, bias_first ? cname : mm, bias_first ? mm : cname,
        NULL);
  for (gint64 i = 0; i < m; i++)
    for (gint64 j = 0; j < n; j++) {
      double acc = c ? broadcast (c, &cs, i, j) : 0.0;
      for (gint64 l = 0; l < k; l++)
        acc += a->ref[i * k + l] * (double) b[l * n + j];
      y->ref[i * n + j] = acc;
    }
  /* The merged layer keeps the MatMul's name. */
  if (bias)
    new_tensor (g, mm, y->shape)->macs = (guint64) (m * n * k);
  y->macs = (guint64) (m * n * k);
  g_free (mm);
  g_free (bname);
  g_free (cname);
}

/* axis: G_MININT64 leaves the attribute out. Before opset 13 the input is
 * coerced to 2-D at the axis; from 13 Softmax runs along that one axis. */
static void
softmax (Graph * g, const gchar * in, const gchar * out, gint64 axis)
{
  const Tensor *x = tensor (g, in);
  Tensor *y = new_tensor (g, out, x->shape);
  Onnx__NodeProto *node = graph_node (g, "Softmax", out, in, NULL);
  gboolean legacy = g->opset < 13;
  gint64 a = axis == G_MININT64 ? (legacy ? 1 : -1) : axis;
  gint64 outer, len, inner;

  if (axis != G_MININT64)
    vki_test_node_int (g->tm, node, "axis", axis);
  if (a < 0)
    a += x->shape.rank;
  outer = prod (&x->shape, 0, a);
  len = legacy ? prod (&x->shape, a, x->shape.rank) : x->shape.dims[a];
  inner = legacy ? 1 : prod (&x->shape, a + 1, x->shape.rank);
  for (gint64 o = 0; o < outer; o++)
    for (gint64 i = 0; i < inner; i++) {
      const double *src = x->ref + o * len * inner + i;
      double *dst = y->ref + o * len * inner + i;
      double mx = -INFINITY, sum = 0;
      for (gint64 l = 0; l < len; l++)
        mx = MAX (mx, src[l * inner]);
      for (gint64 l = 0; l < len; l++)
        sum += exp (src[l * inner] - mx);
      for (gint64 l = 0; l < len; l++)
        dst[l * inner] = exp (src[l * inner] - mx) / sum;
    }
}

/* Concat of the comma-separated @ins. */
static void
concat (Graph * g, const gchar * ins, const gchar * out, gint64 axis)
{
  gchar **names = g_strsplit (ins, ",", -1);
  const Tensor *first = tensor (g, names[0]);
  GstVkInceptionShape s = first->shape;
  guint a = axis < 0 ? axis + s.rank : axis;
  gint64 outer = prod (&s, 0, a), inner = prod (&s, a + 1, s.rank), at = 0;
  Tensor *y;

  s.dims[a] = 0;
  for (guint i = 0; names[i]; i++)
    s.dims[a] += tensor (g, names[i])->shape.dims[a];
  y = new_tensor (g, out, s);
  vki_test_node_int (g->tm, vki_test_model_node (g->tm, "Concat", ins, out),
      "axis", axis);
  for (guint i = 0; names[i]; i++) {
    const Tensor *x = tensor (g, names[i]);
    gint64 block = x->shape.dims[a] * inner;
    for (gint64 o = 0; o < outer; o++)
      memcpy (y->ref + o * s.dims[a] * inner + at, x->ref + o * block,
          block * sizeof (double));
    at += block;
  }
  g_strfreev (names);
}

/* Ops that move no data. */
static Tensor *
same_data (Graph * g, const gchar * in, const gchar * out,
    GstVkInceptionShape s)
{
  const Tensor *x = tensor (g, in);
  Tensor *y = new_tensor (g, out, s);
  g_assert_cmpint (numel (&s), ==, numel (&x->shape));
  memcpy (y->ref, x->ref, numel (&s) * sizeof (double));
  return y;
}

static void
flatten (Graph * g, const gchar * in, const gchar * out, gint64 axis)
{
  const GstVkInceptionShape *s = &tensor (g, in)->shape;
  same_data (g, in, out, SHAPE (prod (s, 0, axis), prod (s, axis, s->rank)));
  vki_test_node_int (g->tm, graph_node (g, "Flatten", out, in, NULL), "axis",
      axis);
}

/* Reshape to @target (0 copies a dimension, -1 is inferred). */
static void
reshape (Graph * g, const gchar * in, const gchar * out,
    GstVkInceptionShape target)
{
  const GstVkInceptionShape *s = &tensor (g, in)->shape;
  GstVkInceptionShape r = target;
  gint64 known = 1, dims = target.rank;
  gchar *sname = g_strconcat (out, "_shape", NULL);
  guint infer = G_MAXUINT;

  for (guint i = 0; i < r.rank; i++) {
    if (r.dims[i] == 0)
      r.dims[i] = s->dims[i];
    if (r.dims[i] == -1)
      infer = i;
    else
      known *= r.dims[i];
  }
  if (infer != G_MAXUINT)
    r.dims[infer] = numel (s) / known;
  same_data (g, in, out, r);
  vki_test_model_initializer_i64 (g->tm, sname, 1, &dims, target.dims);
  graph_node (g, "Reshape", out, in, sname, NULL);
  g_free (sname);
}

/* Dropout or Identity. */
static void
passthrough (Graph * g, const gchar * op, const gchar * in, const gchar * out)
{
  same_data (g, in, out, tensor (g, in)->shape);
  graph_node (g, op, out, in, NULL);
}

/* ------------------------------------------------------------ checking */

static GstVkInceptionNet *
graph_net (Graph * g)
{
  GstVkInceptionShape shapes[MAX_IO];
  GError *error = NULL;
  GstVkInceptionNet *net;

  g_assert_cmpuint (g->inputs->len, <=, MAX_IO);
  g_assert_cmpuint (g->outputs->len, <=, MAX_IO);
  for (guint i = 0; i < g->inputs->len; i++)
    shapes[i] = tensor (g, g_ptr_array_index (g->inputs, i))->shape;
  net = vki_test_net (g->tm, shapes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (net);
  g_assert_cmpuint (gst_vk_inception_net_get_n_inputs (net), ==,
      g->inputs->len);
  g_assert_cmpuint (gst_vk_inception_net_get_n_outputs (net), ==,
      g->outputs->len);
  return net;
}

/* Runs @net on the graph's inputs; every output must have the reference's
 * shape and values. */
static void
graph_run (Graph * g, GstVkInceptionNet * net)
{
  const float *in[MAX_IO];
  float *out[MAX_IO];
  GError *error = NULL;

  for (guint i = 0; i < g->inputs->len; i++)
    in[i] = tensor (g, g_ptr_array_index (g->inputs, i))->value;
  for (guint i = 0; i < g->outputs->len; i++) {
    const Tensor *t = tensor (g, g_ptr_array_index (g->outputs, i));
    GstVkInceptionShape s;
    gst_vk_inception_net_get_output_shape (net, i, &s);
    assert_shape (&s, &t->shape);
    /* NaN, so that an output left unwritten cannot pass. */
    out[i] = g_new (float, numel (&s));
    for (gint64 j = 0; j < numel (&s); j++)
      out[i][j] = NAN;
  }
  g_assert_true (gst_vk_inception_net_run (net, in, out, &error));
  g_assert_no_error (error);
  vki_test_assert_no_validation ();

  for (guint i = 0; i < g->outputs->len; i++) {
    const gchar *name = g_ptr_array_index (g->outputs, i);
    const Tensor *t = tensor (g, name);
    double err = vki_test_rel_error (t->ref, out[i], numel (&t->shape));
    g_test_message ("%s: relative error %.3g", name, err);
    g_assert_cmpfloat (err, <=, vki_test_precision () !=
        GST_VK_INCEPTION_PRECISION_FP32 ? TOLERANCE_FP16 : TOLERANCE);
    g_free (out[i]);
  }
}

/* Does the net use the CPU shader policy (net.c, shader_policy()):
 * VKINCEPTION_CONV=cpu, or no VKINCEPTION_CONV on a CPU device? */
static gboolean
cpu_policy (void)
{
  const gchar *conv = g_getenv ("VKINCEPTION_CONV");
  return g_strcmp0 (conv, "cpu") == 0 || (conv == NULL
      && vki_test_device ()->props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU);
}

/* The CPU policy on a device that reads texel views at the test's
 * precision: where gemm_texel and lrn_tiled run. */
static gboolean
cpu_policy_texels (void)
{
  GstVkInceptionDevice *dev = vki_test_device ();
  return cpu_policy () && (vki_test_precision () !=
      GST_VK_INCEPTION_PRECISION_FP32 ? dev->has_texel_reads_fp16 :
      dev->has_texel_reads);
}

/* Whether the test's nets run the *_img builds (vki_op_image_reads()). */
static gboolean
image_reads (void)
{
  return vki_op_image_reads (vki_test_device (), vki_test_precision ());
}

/* The layer kernel name of shader @name: its _img build where the net
 * reads images and @name has one, its _fp16 build in fp16 runs, and in
 * fp16-arithmetic runs its _fp16a build where it has one (the convolutions
 * and Gemm), else its _fp16 build. */
static const gchar *
kernel_name (const gchar * name)
{
  static const gchar *const with_image[] = { "conv_tiled", "conv_tiled_sg",
    "pool_tiled", "pool_texel", "lrn_tiled", "gemm_texel"
  };
  const gchar *suffix = NULL;
  gchar *full;
  const gchar *interned;
  static const gchar *const with_fp16a[] = { "conv", "conv_gemm",
    "conv_split", "conv_tiled", "conv_tiled_sg", "gemm", "gemm_texel"
  };
  if (vki_test_precision () == GST_VK_INCEPTION_PRECISION_FP16_ARITHMETIC) {
    suffix = "_fp16";
    for (guint i = 0; i < G_N_ELEMENTS (with_fp16a); i++)
      if (g_str_equal (name, with_fp16a[i]))
        suffix = "_fp16a";
  } else if (vki_test_precision () == GST_VK_INCEPTION_PRECISION_FP16)
    suffix = "_fp16";
  else if (image_reads ())
    for (guint i = 0; i < G_N_ELEMENTS (with_image); i++)
      if (g_str_equal (name, with_image[i]))
        suffix = "_img";
  if (!suffix)
    return name;
  full = g_strconcat (name, suffix, NULL);
  interned = g_intern_string (full);
  g_free (full);
  return interned;
}

/* The convolution shader VKINCEPTION_CONV asks for: conv.comp (direct, the
 * ops-direct test), conv_split.comp (split, ops-split), conv_tiled.comp
 * (cpu) or conv_gemm.comp (gemm, ops-gemm); the _fp16 build of it in
 * ops-fp16 and ops-gemm-fp16, the _fp16a build in the ops-*fp16a tests. NULL where each layer is chosen
 * by the device's policy (ops on a GPU, ops-gpu). */
static const gchar *
conv_kernel (void)
{
  const gchar *mode = g_getenv ("VKINCEPTION_CONV");

  if (g_strcmp0 (mode, "direct") == 0)
    return kernel_name ("conv");
  if (g_strcmp0 (mode, "split") == 0)
    return kernel_name ("conv_split");
  if (g_strcmp0 (mode, "cpu") == 0)
    return kernel_name ("conv_tiled");
  if (g_strcmp0 (mode, "gemm") == 0)
    return kernel_name ("conv_gemm");
  return NULL;
}

/* Whether the convolutions of the graph being checked must run as Winograd
 * convolutions (1) or must not (0); -1: either. */
static gint expect_winograd = -1;

/* The shader the graph's Gemm, LRN or AveragePool layers must run, or
 * NULL: any. */
static const gchar *expect_kernel = NULL;

/* The layers: their ops, "|"-joined, are @ops; their shapes and
 * multiply-adds are the reference's; exactly those that do work are
 * dispatched. */
static void
graph_check_layers (Graph * g, GstVkInceptionNet * net, const gchar * ops)
{
  GString *joined = g_string_new (NULL);
  const GstVkInceptionLayer *layers;
  guint n_layers;

  layers = gst_vk_inception_net_get_layers (net, &n_layers);
  for (guint i = 0; i < n_layers; i++) {
    const GstVkInceptionLayer *l = &layers[i];
    const Tensor *t = tensor (g, l->name);
    gboolean free_op = g_str_equal (l->op, "Reshape")
        || g_str_equal (l->op, "Flatten")
        || g_str_equal (l->op, "Concat (in place)");
    g_string_append_printf (joined, "%s%s", i ? "|" : "", l->op);
    assert_shape (&l->shape, &t->shape);
    g_assert_cmpuint (l->macs, ==, t->macs);
    g_assert_cmpint (l->dispatched, ==, !free_op);
    g_assert_true ((l->kernel != NULL) == l->dispatched);
    if (g_str_has_prefix (l->op, "Conv")) {
      /* A Winograd convolution names the shader of its product. */
      const gchar *kernel = l->kernel;
      gboolean winograd = g_str_has_prefix (kernel, "winograd+");
      if (winograd)
        kernel += strlen ("winograd+");
      if (expect_winograd >= 0)
        g_assert_cmpint (winograd, ==, expect_winograd);
      g_assert_true (conv_kernel ()? g_str_equal (kernel, conv_kernel ())
          : g_str_has_prefix (kernel, "conv"));
    }
    if (expect_kernel && (g_str_has_prefix (l->op, "Gemm")
            || g_str_equal (l->op, "LRN")
            || g_str_has_prefix (l->op, "AveragePool")))
      g_assert_cmpstr (l->kernel, ==, expect_kernel);
    /* Max pools read through texel views (pool_tiled.comp, or pool_texel
     * where the window row is too wide for it) unless VKINCEPTION_CONV=direct
     * turns them off. */
    if (g_str_has_prefix (l->op, "MaxPool"))
      g_assert_true (g_str_has_prefix (l->kernel, "pool_t")
          == (g_strcmp0 (g_getenv ("VKINCEPTION_CONV"), "direct") != 0));
  }
  g_test_message ("layers: %s", joined->str);
  g_assert_cmpstr (joined->str, ==, ops);
  g_string_free (joined, TRUE);
}

/* The whole check, and the graph freed. */
static void
graph_check (Graph * g, const gchar * ops)
{
  GstVkInceptionNet *net = graph_net (g);
  graph_run (g, net);
  graph_check_layers (g, net, ops);
  gst_vk_inception_net_free (net);
  graph_free (g);
}

/* --------------------------------------------------- single-op tables */

typedef struct
{
  const gchar *path;
  GstVkInceptionShape in;
  gint64 cout;
  gboolean bias, relu;
  Window win;
} ConvCase;

#define S4(n, c, h, w) { 4, { n, c, h, w } }
#define S2(a, b) { 2, { a, b } }

static const ConvCase conv_cases[] = {
  {"/ops/conv/3x3-pad1-odd", S4 (1, 3, 13, 11), 5, TRUE, FALSE,
      {.kernel = {3, 3},.pads = {1, 1, 1, 1}}},
  {"/ops/conv/7x7-s2-asym-pads", S4 (1, 3, 15, 13), 7, TRUE, FALSE,
      {.kernel = {7, 7},.strides = {2, 2},.pads = {3, 2, 2, 3}}},
  {"/ops/conv/auto-pad-same-upper", S4 (1, 5, 7, 5), 3, TRUE, FALSE,
      {.kernel = {4, 2},.strides = {2, 2},.auto_pad = "SAME_UPPER"}},
  {"/ops/conv/auto-pad-same-lower", S4 (1, 5, 7, 5), 3, TRUE, FALSE,
      {.kernel = {4, 2},.strides = {2, 2},.auto_pad = "SAME_LOWER"}},
  {"/ops/conv/auto-pad-valid", S4 (1, 5, 9, 7), 6, TRUE, FALSE,
      {.kernel = {3, 3},.strides = {2, 2},.auto_pad = "VALID"}},
  {"/ops/conv/dilation2", S4 (1, 5, 13, 11), 7, TRUE, FALSE,
      {.kernel = {3, 3},.dilations = {2, 2},.pads = {2, 2, 2, 2}}},
  {"/ops/conv/dilation-stride-rect", S4 (1, 3, 12, 9), 5, FALSE, FALSE,
      {.kernel = {3, 2},.strides = {2, 1},.dilations = {2, 3},
          .pads = {1, 0, 2, 2}}},
  {"/ops/conv/rect-kernel", S4 (1, 3, 9, 13), 4, TRUE, FALSE,
      {.kernel = {1, 5},.strides = {1, 2},.pads = {0, 2, 0, 2}}},
  {"/ops/conv/5x5-s3-one-channel", S4 (1, 3, 13, 11), 1, TRUE, FALSE,
      {.kernel = {5, 5},.strides = {3, 3}}},
  {"/ops/conv/1x1-kernel", S4 (1, 13, 7, 5), 5, FALSE, FALSE,
      {.kernel = {1, 1}}},
  {"/ops/conv/1x1-spatial", S4 (1, 13, 1, 1), 7, TRUE, FALSE,
      {.kernel = {3, 3},.pads = {1, 1, 1, 1}}},
  {"/ops/conv/1x1-spatial-1x1-kernel", S4 (2, 7, 1, 1), 13, TRUE, FALSE,
      {.kernel = {1, 1}}},
  {"/ops/conv/wide-input", S4 (1, 67, 5, 7), 9, TRUE, FALSE,
      {.kernel = {3, 3},.pads = {1, 1, 1, 1}}},
  {"/ops/conv/batch2", S4 (2, 7, 9, 7), 13, TRUE, FALSE,
      {.kernel = {3, 3},.pads = {1, 1, 1, 1}}},
  {"/ops/conv/relu-fused", S4 (2, 5, 11, 13), 6, TRUE, TRUE,
      {.kernel = {3, 3},.strides = {2, 2},.pads = {1, 1, 1, 1}}},
  /* conv_tiled.comp's edges: 8-pixel blocks that end past the row (or the
   * plane, for 1x1), output channels that do not fill a block of 4, 8, 12
   * or 16, the aligned vec4 input path and its unaligned fallback. */
  {"/ops/conv/tiled-1x1-aligned-batch2", S4 (2, 9, 4, 6), 21, TRUE, TRUE,
      {.kernel = {1, 1}}},
  /* Planes of 25 and 49 floats: the unaligned vec4 path, each channel's
   * block starting 0 to 3 floats into its vec4; with two images, lanes of
   * one dispatch at different offsets. */
  {"/ops/conv/tiled-1x1-unaligned", S4 (1, 5, 5, 5), 18, TRUE, FALSE,
      {.kernel = {1, 1}}},
  {"/ops/conv/tiled-1x1-unaligned-7x7-batch2", S4 (2, 11, 7, 7), 37, TRUE,
      TRUE, {.kernel = {1, 1}}},
  /* A plane of 4 x 7 = 28: the last 8-pixel block holds 4. */
  {"/ops/conv/tiled-1x1-aligned-half-block", S4 (2, 6, 4, 7), 9, TRUE, FALSE,
      {.kernel = {1, 1}}},
  {"/ops/conv/tiled-1x1-stride-rows-aligned", S4 (1, 3, 7, 16), 17, TRUE,
      FALSE, {.kernel = {1, 1},.strides = {2, 1}}},
  {"/ops/conv/tiled-3x3-row-remainder", S4 (1, 6, 5, 19), 33, TRUE, TRUE,
      {.kernel = {3, 3},.pads = {1, 1, 1, 1}}},
  {"/ops/conv/tiled-5x5-40-channels", S4 (1, 4, 9, 10), 40, TRUE, FALSE,
      {.kernel = {5, 5},.pads = {2, 2, 2, 2}}},
  {"/ops/conv/tiled-7x7-s2-wide", S4 (1, 3, 11, 37), 16, FALSE, TRUE,
      {.kernel = {7, 7},.strides = {2, 2},.pads = {3, 3, 3, 3}}},
  /* Rows of whole vec4s, stride 1: spans read as vec4s, starting 3, 2, 0
   * and 1 floats into their first vec4 (left pads 1, 2, 0, 3). */
  {"/ops/conv/tiled-vec4-span-3x3-batch2", S4 (2, 5, 6, 12), 20, TRUE, TRUE,
      {.kernel = {3, 3},.pads = {1, 1, 1, 1}}},
  {"/ops/conv/tiled-vec4-span-5x5", S4 (1, 3, 9, 8), 13, TRUE, FALSE,
      {.kernel = {5, 5},.pads = {2, 2, 2, 2}}},
  {"/ops/conv/tiled-vec4-span-unpadded", S4 (1, 4, 7, 16), 8, FALSE, FALSE,
      {.kernel = {3, 4}}},
  {"/ops/conv/tiled-vec4-span-7x7-asym", S4 (1, 2, 9, 20), 5, TRUE, TRUE,
      {.kernel = {7, 7},.pads = {1, 3, 2, 0}}},
  {"/ops/conv/tiled-vec4-span-7x7-s2", S4 (1, 3, 13, 24), 16, TRUE, TRUE,
      {.kernel = {7, 7},.strides = {2, 2},.pads = {3, 3, 3, 3}}},
  {"/ops/conv/tiled-vec4-span-dilation2", S4 (1, 3, 9, 12), 6, TRUE, FALSE,
      {.kernel = {3, 3},.dilations = {2, 2},.pads = {2, 2, 2, 2}}},
  /* conv_gemm.comp's tile remainders (in ops-gemm): 70 output channels
   * (a 64-channel tile and 6), 2 x 99 pixels (three 64-pixel tiles and 6,
   * the second image starting inside a tile), 19 x 9 = 171 filter values
   * (ten 16-value steps and 11). */
  {"/ops/conv/gemm-tile-remainders-batch2", S4 (2, 19, 9, 11), 70, TRUE, TRUE,
      {.kernel = {3, 3},.pads = {1, 1, 1, 1}}},
  /* Winograd F(4x4, 3x3) (in ops-winograd): 9x9 outputs, so the last tile
   * of each row and column hangs over by 3, asymmetric pads, two images'
   * tiles in one product (18 columns, padded to 24). */
  {"/ops/conv/winograd-asym-pads-batch2", S4 (2, 6, 10, 9), 7, TRUE, TRUE,
      {.kernel = {3, 3},.pads = {0, 2, 1, 0}}},
  /* Whole tiles, no padding columns (8 tiles), no bias. */
  {"/ops/conv/winograd-whole-tiles", S4 (1, 5, 10, 18), 9, FALSE, FALSE,
      {.kernel = {3, 3}}},
  /* Channels that fill no block: 70 in, 35 out. */
  {"/ops/conv/winograd-odd-channels", S4 (1, 70, 6, 6), 35, TRUE, TRUE,
      {.kernel = {3, 3},.pads = {1, 1, 1, 1}}},
};

/* Output size along @axis of a window over @in. */
static gint64
conv_out (const Window * w, guint axis, gint64 in)
{
  gint64 begin, end;
  return window_axis (w, axis, in, &begin, &end);
}

/* Must a convolution of @macs multiply-adds run as Winograd F(4x4, 3x3)
 * (1) or not (0), given whether it @fits (3x3, stride 1, dilation 1)?
 * Never in float16. VKINCEPTION_WINOGRAD=1 (the ops-winograd tests): every
 * one that fits; =0: none; else the engine's choice (net.c): under the
 * CPU shader policy (the default on CPU devices), from VKI_WINOGRAD_MIN_MACS
 * multiply-adds and VKI_WINOGRAD_MIN_PLANE output pixels (winograd.h). */
static gint
winograd_expected (gint64 macs, gint64 plane, gboolean fits)
{
  const gchar *env = g_getenv ("VKINCEPTION_WINOGRAD");
  if (!fits || g_strcmp0 (env, "0") == 0
      || vki_test_precision () != GST_VK_INCEPTION_PRECISION_FP32)
    return 0;
  if (g_strcmp0 (env, "1") == 0)
    return 1;
  return cpu_policy () && macs >= VKI_WINOGRAD_MIN_MACS && plane >= VKI_WINOGRAD_MIN_PLANE;
}

static void
test_conv (gconstpointer data)
{
  const ConvCase *c = data;
  Graph *g = graph_new (13);
  graph_input (g, "x", c->in);
  conv (g, "x", c->relu ? "c" : "y", c->cout, c->bias, &c->win);
  if (c->relu)
    relu (g, "c", "y");
  graph_output (g, "y");
  gint64 plane = conv_out (&c->win, 0, c->in.dims[2])
      * conv_out (&c->win, 1, c->in.dims[3]);

  expect_winograd = winograd_expected (c->in.dims[0] * c->cout * plane
      * c->in.dims[1] * c->win.kernel[0] * c->win.kernel[1], plane,
      c->win.kernel[0] == 3 && c->win.kernel[1] == 3
      && (c->win.strides[0] | c->win.strides[1]) <= 1
      && (c->win.dilations[0] | c->win.dilations[1]) <= 1);
  graph_check (g, c->relu ? "Conv+Relu" : "Conv");
  expect_winograd = -1;
}

/* Weights far from 1: 2^-22 on inputs up to 256, and 2^10 on inputs up to
 * 1. In fp16-arithmetic nets the engine packs each layer's weights times a
 * power of two that brings the largest to [0.5, 1) (ops.c,
 * scale_weights()): unscaled, float16 holds weights of 2^-22 with two
 * significant bits (its subnormals), and the outputs would be some 10%
 * off. Convolutions (a 3x3 and a pointwise one) and a Gemm, bias-free so
 * that the outputs are all products. */
static void
test_weight_range (void)
{
  static const struct
  {
    float weights, inputs;
  } ranges[] = {
    {1.0f / (1 << 22), 256.0f},
    {1024.0f, 1.0f},
  };
  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++) {
    Window win3 = {.kernel = {3, 3},.pads = {1, 1, 1, 1} };
    Window win1 = {.kernel = {1, 1} };
    GemmParams gp = {.n = 7,.trans_b = TRUE };
    Graph *g = graph_new (13);
    float in = ranges[i].inputs;
    weight_range = ranges[i].weights;
    graph_input_range (g, "x", SHAPE (1, 9, 6, 8), -in, in);
    conv (g, "x", "c3", 12, FALSE, &win3);
    conv (g, "x", "c1", 20, FALSE, &win1);
    graph_output (g, "c3");
    graph_output (g, "c1");
    graph_check (g, "Conv|Conv");
    g = graph_new (13);
    graph_input_range (g, "a", SHAPE (2, 40), -in, in);
    gemm (g, "a", "y", &gp);
    graph_output (g, "y");
    graph_check (g, "Gemm");
  }
  weight_range = 1.0f;
}

/* The engine's own choice (net.c): Winograd on CPU devices in float32 from
 * 8 Mi multiply-adds and 14x14 output planes, not below either. */
static void
test_conv_winograd_auto (void)
{
  static const struct
  {
    gint64 c, hw, cout;
  } sizes[] = {
    {32, 32, 64},               /* 18.9 M multiply-adds */
    {16, 24, 32},               /* 2.7 M */
    {256, 7, 256},              /* 28.9 M, but a 7x7 plane */
  };
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    Window win = {.kernel = {3, 3},.pads = {1, 1, 1, 1} };
    Graph *g = graph_new (13);
    gint64 hw = sizes[i].hw;
    graph_input (g, "x", SHAPE (1, sizes[i].c, hw, hw));
    conv (g, "x", "c", sizes[i].cout, TRUE, &win);
    relu (g, "c", "y");
    graph_output (g, "y");
    expect_winograd = winograd_expected (hw * hw * sizes[i].cout
        * sizes[i].c * 9, hw * hw, TRUE);
    graph_check (g, "Conv+Relu");
    expect_winograd = -1;
  }
}

/* conv_tiled_sg, conv_tiled.comp whose subgroups share weight fetches:
 * under the CPU policy on a device that has it (always llvmpipe) the
 * convolutions on the span path run it, and pointwise ones where the net
 * reads images and 8 / COV divides the input channels (always where 8
 * does), both where padding each channel block's 8-pixel blocks to whole
 * subgroups adds at most a third of them; never under another policy. The
 * conv cases above check its results wherever it runs; these shapes add a
 * 5x5 window whose rows of blocks (14 x 2 per channel block) do not fill
 * whole subgroups, so that its padding lanes are exercised, pointwise
 * planes of 14x14 (25 blocks, padded to 32), a 4x4 plane whose 4 blocks
 * would be padded to 8, and channels that fill no block of 16. */
static void
test_conv_subgroup_weights (void)
{
  GstVkInceptionDevice *dev = vki_test_device ();
  guint32 sg = cpu_policy_texels () ?
      vki_op_subgroup_weights (dev, VKI_SHADER_POLICY_CPU) : 0;
  static const struct
  {
    guint k, cin, cout;
    gboolean batch2;
    guint hw;
  } cases[] = {
    {5, 5, 24, FALSE, 14},
    {5, 3, 9, TRUE, 14},
    {3, 7, 20, TRUE, 14},
    {3, 5, 8, FALSE, 4},
    {1, 16, 24, FALSE, 14},
    {1, 24, 12, TRUE, 14},
    {1, 7, 20, FALSE, 14},
  };

  /* On llvmpipe (subgroups of its vector width: 8 lanes at 256 bits, 4 at
   * LP_NATIVE_VECTOR_WIDTH=128, 16 at 512) the build runs wherever a
   * subgroup has the 8 lanes that fetch a row's weights. */
  if (strstr (dev->props.deviceName, "llvmpipe") && cpu_policy_texels ()
      && g_strcmp0 (g_getenv ("VKINCEPTION_SUBGROUP_WEIGHTS"), "0") != 0)
    g_assert_cmpuint (sg, ==, dev->subgroup_size >= 8 ?
        dev->subgroup_size : 0);
  /* ops-sg4 and ops-sg16 name the subgroup size their
   * LP_NATIVE_VECTOR_WIDTH gives llvmpipe: a variant that ran at the
   * default size would test nothing new. */
  if (g_getenv ("VKINCEPTION_TEST_SUBGROUP_SIZE")
      && strstr (dev->props.deviceName, "llvmpipe"))
    g_assert_cmpuint (dev->subgroup_size, ==,
        g_ascii_strtoull (g_getenv ("VKINCEPTION_TEST_SUBGROUP_SIZE"), NULL,
            10));
  g_test_message ("subgroup weights: %u", sg);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    guint k = cases[i].k, pad = k / 2, hw = cases[i].hw;
    /* 8-pixel blocks per channel block: a pointwise plane as one row. */
    guint blocks = k == 1 ? (hw * hw + 7) / 8 : hw * ((hw + 7) / 8);
    gboolean padded_ok = sg && (blocks + sg - 1) / sg * sg * 3 <= blocks * 4;
    Window win = {.kernel = {k, k},.pads = {pad, pad, pad, pad} };
    Graph *g = graph_new (13);
    GstVkInceptionNet *net;
    const gchar *kernel;
    guint n;

    graph_input (g, "x", SHAPE (cases[i].batch2 ? 2 : 1, cases[i].cin, hw,
            hw));
    conv (g, "x", "c", cases[i].cout, TRUE, &win);
    relu (g, "c", "y");
    graph_output (g, "y");
    expect_winograd = winograd_expected ((cases[i].batch2 ? 2 : 1)
        * cases[i].cout * hw * hw * cases[i].cin * k * k, hw * hw, k == 3);
    net = graph_net (g);
    graph_run (g, net);
    graph_check_layers (g, net, "Conv+Relu");
    expect_winograd = -1;
    kernel = gst_vk_inception_net_get_layers (net, &n)[0].kernel;
    g_test_message ("%ux%u on %ux%u, %u -> %u channels: %s", k, k, hw, hw,
        cases[i].cin, cases[i].cout, kernel);
    if (padded_ok && !g_str_has_prefix (kernel, "winograd") && (k > 1
            || (image_reads () && cases[i].cin % 8 == 0)))
      g_assert_cmpstr (kernel, ==, kernel_name ("conv_tiled_sg"));
    else
      g_assert_false (g_str_has_prefix (kernel, "conv_tiled_sg"));
    gst_vk_inception_net_free (net);
    graph_free (g);
  }
}

/* The *_img builds: where a float32 net reads the texel views as storage
 * texel buffers (always on llvmpipe), every layer whose shader has such a
 * build runs it (under the CPU policy all three here: a convolution, a
 * max pool and a pointwise convolution), checked against the CPU
 * reference; where it does not, none does. The gemm, LRN and pool cases
 * check their kernels' names with kernel_name() too. */
static void
test_image_reads (void)
{
  GstVkInceptionDevice *dev = vki_test_device ();
  Window win3 = {.kernel = {3, 3},.pads = {1, 1, 1, 1} };
  Window pw = {.kernel = {3, 3},.strides = {2, 2} };
  Window win1 = {.kernel = {1, 1} };
  Graph *g = graph_new (13);
  GstVkInceptionNet *net;
  const GstVkInceptionLayer *layers;
  guint n;

  if (strstr (dev->props.deviceName, "llvmpipe")) {
    g_assert_true (dev->has_image_reads);
    /* The engine's rule, held to what it promises on llvmpipe. */
    g_assert_true (image_reads () == (vki_test_precision () ==
            GST_VK_INCEPTION_PRECISION_FP32
            && g_strcmp0 (g_getenv ("VKINCEPTION_IMAGE_READS"), "0") != 0));
  }
  graph_input (g, "x", SHAPE (1, 6, 12, 12));
  conv (g, "x", "c", 10, TRUE, &win3);
  pool (g, "MaxPool", "c", "p", &pw);
  conv (g, "p", "y", 7, TRUE, &win1);
  graph_output (g, "y");
  net = graph_net (g);
  graph_run (g, net);
  layers = gst_vk_inception_net_get_layers (net, &n);
  for (guint i = 0; i < n; i++) {
    const gchar *kernel = layers[i].kernel;
    gchar *base;
    /* A Winograd convolution's product: the shader after the prefix. */
    if (g_str_has_prefix (kernel, "winograd+"))
      kernel += strlen ("winograd+");
    base = g_strdup (kernel);
    if (g_str_has_suffix (base, "_img"))
      base[strlen (base) - strlen ("_img")] = '\0';
    if (g_str_has_suffix (base, "_fp16"))
      base[strlen (base) - strlen ("_fp16")] = '\0';
    else if (g_str_has_suffix (base, "_fp16a"))
      base[strlen (base) - strlen ("_fp16a")] = '\0';
    g_test_message ("%s: %s", layers[i].op, layers[i].kernel);
    g_assert_cmpstr (kernel, ==, kernel_name (base));
    if (image_reads () && cpu_policy_texels ())
      g_assert_true (g_str_has_suffix (kernel, "_img"));
    g_free (base);
  }
  gst_vk_inception_net_free (net);
  graph_free (g);
}

/* Winograd's transformed input and product (36 planes per 4x4 tile each)
 * where only the direct convolution fits the device: once past the storage
 * buffer range, once past the texel buffer limit, both lowered for the
 * test. The net chooses Winograd by itself (lavapipe) but builds without
 * it, keeping its texel reads; forced (VKINCEPTION_WINOGRAD=1) it fails
 * with TOO_LARGE past the range, and runs conv.comp past the texel limit. */
static void
test_conv_winograd_too_large (void)
{
  GstVkInceptionDevice *dev = vki_test_device ();
  const VkPhysicalDeviceLimits saved = dev->props.limits;
  gboolean forced = winograd_expected (1, 1, TRUE) && g_strcmp0 (g_getenv
      ("VKINCEPTION_WINOGRAD"), "1") == 0;

  for (guint past_texels = 0; past_texels < 2; past_texels++) {
    Window win = {.kernel = {3, 3},.pads = {1, 1, 1, 1} };
    Graph *g = graph_new (13);
    GstVkInceptionShape shape = SHAPE (1, 32, 32, 32);
    GstVkInceptionNet *net;
    GError *error = NULL;

    graph_input (g, "x", shape);
    conv (g, "x", "c", 32, TRUE, &win);
    relu (g, "c", "y");
    graph_output (g, "y");
    /* Direct: input and output, 2 x 32768 floats. Winograd: 2 x 36 x 32 x
     * 64 more, live together. */
    if (past_texels)
      dev->props.limits.maxTexelBufferElements = 100000;
    else
      dev->props.limits.maxStorageBufferRange = 100000 * sizeof (float);

    if (forced && !past_texels) {
      net = vki_test_net (g->tm, &shape, &error);
      dev->props.limits = saved;
      g_assert_null (net);
      g_assert_error (error, GST_VK_INCEPTION_ERROR,
          GST_VK_INCEPTION_ERROR_TOO_LARGE);
      g_test_message ("%s", error->message);
      g_error_free (error);
      graph_free (g);
      continue;
    }
    net = graph_net (g);
    dev->props.limits = saved;
    graph_run (g, net);
    graph_check_layers (g, net, "Conv+Relu");
    {
      guint n;
      const gchar *kernel = gst_vk_inception_net_get_layers (net,
          &n)[0].kernel;
      g_test_message ("kernel: %s", kernel);
      if (forced)
        g_assert_cmpstr (kernel, ==, "winograd+conv");
      else if (winograd_expected (18874368, 1024, TRUE))
        g_assert_cmpstr (kernel, ==, !vki_test_device ()->has_texel_reads ?
            "conv" : kernel_name (vki_op_subgroup_weights (vki_test_device (),
                    VKI_SHADER_POLICY_CPU) ? "conv_tiled_sg" : "conv_tiled"));
      else
        g_assert_false (g_str_has_prefix (kernel, "winograd"));
    }
    gst_vk_inception_net_free (net);
    graph_free (g);
  }
}

typedef struct
{
  const gchar *path;
  const gchar *op;
  GstVkInceptionShape in;
  gboolean relu;
  Window win;
} PoolCase;

static const PoolCase pool_cases[] = {
  {"/ops/maxpool/3x3-s2-ceil", "MaxPool", S4 (1, 7, 14, 10), FALSE,
      {.kernel = {3, 3},.strides = {2, 2},.ceil_mode = TRUE}},
  {"/ops/maxpool/2x2-s2-ceil-odd", "MaxPool", S4 (1, 5, 13, 11), FALSE,
      {.kernel = {2, 2},.strides = {2, 2},.ceil_mode = TRUE}},
  /* Ceil mode would add a window starting in the bottom/right pad. */
  {"/ops/maxpool/ceil-drops-pad-window", "MaxPool", S4 (1, 3, 7, 5), FALSE,
      {.kernel = {2, 2},.strides = {2, 2},.pads = {1, 1, 1, 1},
          .ceil_mode = TRUE}},
  {"/ops/maxpool/floor", "MaxPool", S4 (1, 5, 13, 11), FALSE,
      {.kernel = {2, 2},.strides = {2, 2}}},
  /* As BVLC GoogLeNet's ONNX export writes Caffe's ceil rounding. */
  {"/ops/maxpool/asym-pads", "MaxPool", S4 (1, 5, 13, 11), FALSE,
      {.kernel = {3, 3},.strides = {2, 2},.pads = {0, 0, 1, 1}}},
  {"/ops/maxpool/dilation", "MaxPool", S4 (1, 3, 13, 11), FALSE,
      {.kernel = {3, 3},.dilations = {2, 2},.pads = {2, 2, 2, 2}}},
  {"/ops/maxpool/dilation-stride", "MaxPool", S4 (1, 3, 13, 11), FALSE,
      {.kernel = {2, 3},.strides = {2, 2},.dilations = {3, 2}}},
  {"/ops/maxpool/auto-pad-same-upper", "MaxPool", S4 (1, 3, 7, 5), FALSE,
      {.kernel = {2, 3},.strides = {2, 2},.auto_pad = "SAME_UPPER"}},
  /* Rows of whole vec4s: pool_tiled.comp reads its spans as vec4s. */
  {"/ops/maxpool/vec4-span-3x3-s1", "MaxPool", S4 (2, 3, 5, 12), FALSE,
      {.kernel = {3, 3},.strides = {1, 1},.pads = {1, 1, 1, 1}}},
  {"/ops/maxpool/vec4-span-3x3-s2-ceil", "MaxPool", S4 (1, 4, 9, 16), FALSE,
      {.kernel = {3, 3},.strides = {2, 2},.ceil_mode = TRUE}},
  /* Wider than pool_tiled.comp's window row: pool.comp through texels. */
  {"/ops/maxpool/wide-window", "MaxPool", S4 (1, 3, 13, 11), FALSE,
      {.kernel = {2, 9},.strides = {1, 1},.pads = {0, 4, 1, 4}}},
  {"/ops/maxpool/3x3-s1-pad1", "MaxPool", S4 (1, 13, 7, 5), FALSE,
      {.kernel = {3, 3},.pads = {1, 1, 1, 1}}},
  {"/ops/maxpool/1x1-spatial", "MaxPool", S4 (2, 13, 1, 1), FALSE,
      {.kernel = {3, 3},.pads = {1, 1, 1, 1}}},
  {"/ops/maxpool/batch2", "MaxPool", S4 (2, 7, 9, 7), FALSE,
      {.kernel = {3, 3},.strides = {2, 2},.pads = {1, 1, 1, 1}}},
  {"/ops/maxpool/relu-fused", "MaxPool", S4 (1, 5, 9, 7), TRUE,
      {.kernel = {2, 2},.strides = {2, 2}}},
  {"/ops/avgpool/count-include-pad", "AveragePool", S4 (1, 5, 13, 11), FALSE,
      {.kernel = {3, 3},.pads = {1, 1, 1, 1},.count_include_pad = TRUE}},
  {"/ops/avgpool/exclude-pad", "AveragePool", S4 (1, 5, 13, 11), FALSE,
      {.kernel = {3, 3},.pads = {1, 1, 1, 1}}},
  {"/ops/avgpool/ceil-exclude-pad", "AveragePool", S4 (1, 7, 9, 7), FALSE,
      {.kernel = {2, 2},.strides = {2, 2},.ceil_mode = TRUE}},
  {"/ops/avgpool/ceil-include-pad", "AveragePool", S4 (1, 5, 8, 11), FALSE,
      {.kernel = {3, 3},.strides = {2, 2},.pads = {1, 1, 1, 1},
          .ceil_mode = TRUE,.count_include_pad = TRUE}},
  /* The ceil-mode window past the input is not counted, pad or no pad. */
  {"/ops/avgpool/ceil-include-no-pad", "AveragePool", S4 (1, 3, 7, 5), FALSE,
      {.kernel = {2, 2},.strides = {2, 2},.ceil_mode = TRUE,
          .count_include_pad = TRUE}},
  {"/ops/avgpool/asym-pads-include-pad", "AveragePool", S4 (2, 3, 9, 7), FALSE,
      {.kernel = {3, 3},.strides = {2, 2},.pads = {0, 1, 1, 0},
          .count_include_pad = TRUE}},
  {"/ops/avgpool/auto-pad-same-upper", "AveragePool", S4 (1, 3, 7, 5), FALSE,
      {.kernel = {3, 2},.strides = {2, 2},.auto_pad = "SAME_UPPER"}},
  {"/ops/avgpool/7x5-whole-plane", "AveragePool", S4 (2, 13, 7, 5), FALSE,
      {.kernel = {7, 5}}},
  {"/ops/avgpool/1x1-spatial", "AveragePool", S4 (1, 5, 1, 1), FALSE,
      {.kernel = {1, 1}}},
  {"/ops/avgpool/relu-fused", "AveragePool", S4 (2, 3, 9, 7), TRUE,
      {.kernel = {3, 3},.strides = {2, 2}}},
  {"/ops/avgpool/whole-plane-relu", "AveragePool", S4 (2, 6, 4, 9), TRUE,
      {.kernel = {4, 9},.strides = {2, 3},.ceil_mode = TRUE}},
  /* Pads: the window covers the plane but is not a global average. */
  {"/ops/avgpool/whole-plane-padded", "AveragePool", S4 (1, 3, 5, 5), FALSE,
      {.kernel = {5, 5},.pads = {1, 1, 1, 1},.strides = {2, 2},
          .count_include_pad = TRUE}},
};

static void
test_pool (gconstpointer data)
{
  const PoolCase *c = data;
  Graph *g = graph_new (13);
  gchar *ops = g_strconcat (c->op, c->relu ? "+Relu" : "", NULL);
  graph_input (g, "x", c->in);
  pool (g, c->op, "x", c->relu ? "p" : "y", &c->win);
  if (c->relu)
    relu (g, "p", "y");
  graph_output (g, "y");
  /* An average over the whole unpadded plane runs global_avgpool. */
  if (g_str_equal (c->op, "AveragePool")) {
    gboolean whole = c->win.kernel[0] == c->in.dims[2]
        && c->win.kernel[1] == c->in.dims[3] && !c->win.auto_pad
        && (c->win.pads[0] | c->win.pads[1] | c->win.pads[2]
        | c->win.pads[3]) == 0;
    gboolean direct = g_strcmp0 (g_getenv ("VKINCEPTION_CONV"), "direct") == 0;
    expect_kernel = kernel_name (whole ? "global_avgpool" : direct ? "pool"
        : "pool_texel");
  }
  graph_check (g, ops);
  expect_kernel = NULL;
  g_free (ops);
}

typedef struct
{
  const gchar *path;
  GstVkInceptionShape in;
  gboolean relu;
} GapCase;

static const GapCase gap_cases[] = {
  {"/ops/gap/13x11", S4 (1, 5, 13, 11), FALSE},
  {"/ops/gap/1x1-spatial", S4 (1, 13, 1, 1), FALSE},
  {"/ops/gap/batch2", S4 (2, 7, 7, 5), FALSE},
  {"/ops/gap/large-plane", S4 (1, 3, 57, 43), FALSE},
  {"/ops/gap/rank3", {3, {2, 5, 9}}, FALSE},
  {"/ops/gap/relu-fused", S4 (2, 3, 5, 7), TRUE},
};

static void
test_gap (gconstpointer data)
{
  const GapCase *c = data;
  Graph *g = graph_new (13);
  graph_input (g, "x", c->in);
  global_avgpool (g, "x", c->relu ? "p" : "y");
  if (c->relu)
    relu (g, "p", "y");
  graph_output (g, "y");
  graph_check (g, c->relu ? "GlobalAveragePool+Relu" : "GlobalAveragePool");
}

typedef struct
{
  const gchar *path;
  GstVkInceptionShape in;
  float range;                  /* input uniform in [-range, range) */
  LrnParams lrn;
} LrnCase;

static const LrnCase lrn_cases[] = {
  /* GoogLeNet's parameters, left to their defaults: a small effect, so the
   * input is large. */
  {"/ops/lrn/size5-defaults", S4 (1, 13, 7, 5), 100, {5}},
  {"/ops/lrn/size5", S4 (2, 13, 7, 5), 2, {5, 0.8f, 0.75f, 1.5f}},
  {"/ops/lrn/size4-even", S4 (1, 7, 5, 3), 2, {4, 0.5f, 0.6f, 1.0f}},
  {"/ops/lrn/size3-3-channels", S4 (1, 3, 13, 11), 2, {3, 1.0f, 0.5f, 2.0f}},
  {"/ops/lrn/size1", S4 (1, 5, 3, 3), 2, {1, 0.3f, 1.0f, 1.0f}},
  {"/ops/lrn/size-over-channels", S4 (2, 5, 1, 1), 2, {7, 2.0f, 0.75f, 1.0f}},
  /* Planes of whole texels: lrn_tiled under the CPU policy, over runs of
   * LRN_CHUNK channels (a partial last run, windows across run ends). */
  {"/ops/lrn/tiled-size5-defaults", S4 (2, 70, 8, 14), 100, {5}},
  {"/ops/lrn/tiled-size4-batch2", S4 (2, 33, 2, 2), 2, {4, 0.5f, 0.6f, 1.0f}},
  {"/ops/lrn/tiled-size9", S4 (1, 40, 3, 4), 2, {9, 1.5f, 0.75f, 2.0f}},
  {"/ops/lrn/tiled-size-over-channels", S4 (1, 3, 4, 4), 2, {7, 2.0f, 0.5f,
          1.0f}},
  {"/ops/lrn/wide-window", S4 (1, 20, 4, 4), 2, {11, 1.0f, 0.75f, 1.0f}},
};

/* The LRN shader: lrn_tiled under the CPU shader policy (lavapipe's, or
 * VKINCEPTION_CONV=cpu) on a device with texel reads, where the plane is a
 * multiple of 4 and the window at most LRN_SIZE_MAX; lrn otherwise. */
static const gchar *
lrn_kernel (const LrnCase * c)
{
  return kernel_name (cpu_policy_texels () && prod (&c->in, 2, 4) % 4 == 0
      && c->lrn.size <= LRN_SIZE_MAX ? "lrn_tiled" : "lrn");
}

static void
test_lrn (gconstpointer data)
{
  const LrnCase *c = data;
  Graph *g = graph_new (13);
  graph_input_range (g, "x", c->in, -c->range, c->range);
  lrn (g, "x", "y", &c->lrn);
  graph_output (g, "y");
  expect_kernel = lrn_kernel (c);
  graph_check (g, "LRN");
  expect_kernel = NULL;
}

typedef struct
{
  const gchar *path;
  GstVkInceptionShape in;       /* A, or A transposed with trans_a */
  gboolean relu;
  GemmParams gemm;
} GemmCase;

static const GemmCase gemm_cases[] = {
  {"/ops/gemm/vector-bias", S2 (3, 13), FALSE, {7,.bias = BIAS_VECTOR}},
  {"/ops/gemm/transA", S2 (7, 5), FALSE, {3,.trans_a = TRUE,
          .bias = BIAS_VECTOR}},
  {"/ops/gemm/transB", S2 (2, 13), FALSE, {5,.trans_b = TRUE,
          .bias = BIAS_VECTOR}},
  {"/ops/gemm/transA-transB", S2 (5, 3), FALSE, {7,.trans_a = TRUE,
          .trans_b = TRUE,.bias = BIAS_MATRIX}},
  {"/ops/gemm/alpha-beta", S2 (3, 9), FALSE, {5,.trans_b = TRUE,.alpha = 0.5f,
          .beta = -2.0f,.bias = BIAS_MATRIX}},
  {"/ops/gemm/matrix-bias", S2 (4, 6), FALSE, {3,.bias = BIAS_MATRIX}},
  {"/ops/gemm/scalar-bias", S2 (3, 7), FALSE, {5,.beta = 3.0f,
          .bias = BIAS_SCALAR}},
  {"/ops/gemm/one-element-bias", S2 (3, 7), FALSE, {5,.bias = BIAS_ONE}},
  {"/ops/gemm/row-bias", S2 (3, 7), FALSE, {5,.bias = BIAS_ROW}},
  {"/ops/gemm/column-bias", S2 (3, 7), FALSE, {5,.trans_a = TRUE,
          .bias = BIAS_COLUMN}},
  {"/ops/gemm/no-bias", S2 (2, 333), FALSE, {13,.trans_b = TRUE}},
  {"/ops/gemm/1x1x1", S2 (1, 1), FALSE, {1,.bias = BIAS_VECTOR}},
  {"/ops/gemm/relu-fused", S2 (2, 13), TRUE, {7,.trans_b = TRUE,
          .bias = BIAS_VECTOR}},
  /* K a multiple of 4: gemm_texel under the CPU policy. */
  {"/ops/gemm/texel-vector-bias", S2 (3, 64), FALSE, {37,.trans_b = TRUE,
          .bias = BIAS_VECTOR}},
  {"/ops/gemm/texel-matrix-bias", S2 (2, 1024), TRUE, {13,.alpha = 0.5f,
          .beta = -2.0f,.bias = BIAS_MATRIX}},
  {"/ops/gemm/texel-k4", S2 (5, 4), FALSE, {1,.bias = BIAS_SCALAR}},
  {"/ops/gemm/texel-transA", S2 (8, 3), FALSE, {5,.trans_a = TRUE,
          .bias = BIAS_VECTOR}},
};

/* The Gemm shader: gemm_texel under the CPU shader policy (lavapipe's, or
 * VKINCEPTION_CONV=cpu) on a device with texel reads, where A is not
 * transposed and K is a multiple of 4; gemm otherwise (ops.c). */
static const gchar *
gemm_kernel (const GemmCase * c)
{
  gint64 k = c->in.dims[c->gemm.trans_a ? 0 : 1];
  return kernel_name (cpu_policy_texels () && !c->gemm.trans_a && k % 4 == 0
      ? "gemm_texel" : "gemm");
}

static void
test_gemm (gconstpointer data)
{
  const GemmCase *c = data;
  Graph *g = graph_new (13);
  graph_input (g, "x", c->in);
  gemm (g, "x", c->relu ? "f" : "y", &c->gemm);
  if (c->relu)
    relu (g, "f", "y");
  graph_output (g, "y");
  expect_kernel = gemm_kernel (c);
  graph_check (g, c->relu ? "Gemm+Relu" : "Gemm");
  expect_kernel = NULL;
}

typedef struct
{
  const gchar *path;
  GstVkInceptionShape in;
  gint64 n;
  BiasKind bias;
  gboolean bias_first, relu;
} MatMulCase;

static const MatMulCase matmul_cases[] = {
  {"/ops/matmul/plain", S2 (3, 13), 7, BIAS_NONE},
  {"/ops/matmul-add/vector", S2 (3, 13), 7, BIAS_VECTOR},
  {"/ops/matmul-add/bias-first", S2 (2, 5), 9, BIAS_VECTOR, TRUE},
  {"/ops/matmul-add/row", S2 (1, 7), 3, BIAS_ROW},
  {"/ops/matmul-add/one-element", S2 (3, 5), 7, BIAS_ONE},
  {"/ops/matmul-add/relu-fused", S2 (2, 13), 5, BIAS_VECTOR, FALSE, TRUE},
};

static void
test_matmul (gconstpointer data)
{
  const MatMulCase *c = data;
  Graph *g = graph_new (13);
  graph_input (g, "x", c->in);
  matmul_add (g, "x", c->relu ? "f" : "y", c->n, c->bias, c->bias_first);
  if (c->relu)
    relu (g, "f", "y");
  graph_output (g, "y");
  graph_check (g, c->relu ? "MatMul+Relu" : "MatMul");
}

typedef struct
{
  const gchar *path;
  gint64 opset;
  gint64 axis;                  /* G_MININT64: the default */
  GstVkInceptionShape in;
  float range;
} SoftmaxCase;

#define DEFAULT_AXIS G_MININT64

static const SoftmaxCase softmax_cases[] = {
  {"/ops/softmax/axis1-opset11", 11, 1, S4 (2, 5, 3, 3), 3},
  {"/ops/softmax/default-axis-opset11", 11, DEFAULT_AXIS, S4 (1, 3, 5, 7), 3},
  {"/ops/softmax/axis2-opset11", 11, 2, S4 (2, 3, 5, 7), 3},
  {"/ops/softmax/2d-opset11", 11, DEFAULT_AXIS, S2 (3, 13), 3},
  {"/ops/softmax/axis-1-opset13", 13, -1, S4 (2, 3, 5, 7), 3},
  {"/ops/softmax/axis1-opset13", 13, 1, S4 (2, 7, 3, 5), 3},
  {"/ops/softmax/axis0-opset13", 13, 0, S2 (5, 3), 3},
  /* Logits too large for exp() without subtracting the maximum. */
  {"/ops/softmax/large-logits", 13, DEFAULT_AXIS, S2 (3, 1000), 200},
};

static void
test_softmax (gconstpointer data)
{
  const SoftmaxCase *c = data;
  Graph *g;

  /* float16 holds a logit near 200 to within 0.06, which exp() turns into
   * a 6% error: beyond what fp16 storage can promise, so not checked. */
  if (c->range > 20
      && vki_test_precision () != GST_VK_INCEPTION_PRECISION_FP32) {
    g_test_skip ("logits this large are not representable in float16 to "
        "TOLERANCE_FP16 after exp()");
    return;
  }
  g = graph_new (c->opset);
  graph_input_range (g, "x", c->in, -c->range, c->range);
  softmax (g, "x", "y", c->axis);
  graph_output (g, "y");
  graph_check (g, "Softmax");
}

/* Relu that cannot be fused: its input is a graph input. */
typedef struct
{
  const gchar *path;
  GstVkInceptionShape in;
} ReluCase;

static const ReluCase relu_cases[] = {
  {"/ops/relu/standalone", S4 (2, 5, 7, 3)},
  {"/ops/relu/standalone-1x1-spatial", S4 (1, 13, 1, 1)},
  {"/ops/relu/standalone-2d", S2 (3, 13)},
  {"/ops/relu/standalone-1d", {1, {17}}},
};

static void
test_relu (gconstpointer data)
{
  const ReluCase *c = data;
  Graph *g = graph_new (13);
  graph_input (g, "x", c->in);
  relu (g, "x", "y");
  graph_output (g, "y");
  graph_check (g, "Relu");
}

static void
test_relu_after_lrn (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (1, 5, 7, 3));
  lrn (g, "x", "n", &(LrnParams) { 3, 0.5f, 0.75f, 1.0f });
  relu (g, "n", "y");
  graph_output (g, "y");
  graph_check (g, "LRN|Relu");
}

/* BatchNormalization after various producers, and Relu after it. */
typedef enum
{
  BN_AFTER_INPUT,
  BN_AFTER_CONV,
  BN_AFTER_CONV_NO_BIAS,
  BN_AFTER_CONV_RELU,
  BN_AFTER_MAXPOOL,
} BnProducer;

typedef struct
{
  const gchar *path;
  GstVkInceptionShape in;
  BnProducer producer;
  gboolean relu;
  const gchar *ops;
} BnCase;

static const BnCase bn_cases[] = {
  {"/ops/batchnorm/folded", S4 (1, 3, 13, 11), BN_AFTER_CONV, FALSE, "Conv"},
  {"/ops/batchnorm/folded-no-bias", S4 (2, 7, 5, 3), BN_AFTER_CONV_NO_BIAS,
      FALSE, "Conv"},
  {"/ops/batchnorm/folded-relu", S4 (1, 5, 7, 9), BN_AFTER_CONV, TRUE,
      "Conv+Relu"},
  {"/ops/batchnorm/after-conv-relu", S4 (1, 5, 7, 9), BN_AFTER_CONV_RELU,
      FALSE, "Conv+Relu|BatchNormalization"},
  {"/ops/batchnorm/after-maxpool", S4 (1, 5, 9, 7), BN_AFTER_MAXPOOL, FALSE,
      "MaxPool|BatchNormalization"},
  {"/ops/batchnorm/standalone", S4 (2, 7, 5, 3), BN_AFTER_INPUT, FALSE,
      "BatchNormalization"},
  {"/ops/batchnorm/standalone-relu", S4 (1, 13, 1, 1), BN_AFTER_INPUT, TRUE,
      "BatchNormalization+Relu"},
  {"/ops/batchnorm/standalone-2d", S2 (3, 13), BN_AFTER_INPUT, FALSE,
      "BatchNormalization"},
};

static void
test_batchnorm (gconstpointer data)
{
  const BnCase *c = data;
  const Window k3 = {.kernel = {3, 3},.pads = {1, 1, 1, 1} };
  Graph *g = graph_new (13);
  const gchar *bn_in = "p";

  graph_input (g, "x", c->in);
  switch (c->producer) {
    case BN_AFTER_INPUT:
      bn_in = "x";
      break;
    case BN_AFTER_CONV:
    case BN_AFTER_CONV_NO_BIAS:
      conv (g, "x", "p", 13, c->producer == BN_AFTER_CONV, &k3);
      break;
    case BN_AFTER_CONV_RELU:
      conv (g, "x", "c", 6, TRUE, &k3);
      relu (g, "c", "p");
      break;
    case BN_AFTER_MAXPOOL:
      pool (g, "MaxPool", "x", "p", &k3);
      break;
  }
  batchnorm (g, bn_in, c->relu ? "b" : "y");
  if (c->relu)
    relu (g, "b", "y");
  graph_output (g, "y");
  graph_check (g, c->ops);
}

/* ---------------------------------------------------------------- Concat */

/* Four conv branches of @x concatenated on axis @axis. */
static void
conv_branches (Graph * g, const gchar * x, const gchar * out, gint64 axis)
{
  conv (g, x, "b1", 3, TRUE, &(Window) {.kernel = {1, 1}});
  conv (g, x, "b2", 5, TRUE, &(Window) {.kernel = {3, 3},
      .pads = {1, 1, 1, 1}});
  conv (g, x, "b3c", 7, FALSE, &(Window) {.kernel = {5, 5},
      .pads = {2, 2, 2, 2}});
  relu (g, "b3c", "b3");
  conv (g, x, "b4", 13, TRUE, &(Window) {.kernel = {3, 1},
      .pads = {1, 0, 1, 0}});
  concat (g, "b1,b2,b3,b4", out, axis);
}

static void
test_concat_in_place (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (1, 5, 9, 7));
  conv_branches (g, "x", "y", 1);
  graph_output (g, "y");
  graph_check (g, "Conv|Conv|Conv+Relu|Conv|Concat (in place)");
}

static void
test_concat_batch2 (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (2, 5, 7, 5));
  conv_branches (g, "x", "y", 1);
  graph_output (g, "y");
  graph_check (g, "Conv|Conv|Conv+Relu|Conv|Concat (in place)");
}

/* On the batch axis, each input is one contiguous block. */
static void
test_concat_axis0 (void)
{
  Graph *g = graph_new (13);
  const Window k3 = {.kernel = {3, 3},.pads = {1, 1, 1, 1} };
  graph_input (g, "x", SHAPE (2, 3, 7, 5));
  conv (g, "x", "a", 5, TRUE, &k3);
  conv (g, "x", "b", 5, FALSE, &k3);
  concat (g, "a,b", "y", 0);
  graph_output (g, "y");
  graph_check (g, "Conv|Conv|Concat (in place)");
}

/* Every op that can write a slice with a batch stride writes one. */
static void
test_concat_every_producer (void)
{
  Graph *g = graph_new (13);
  const Window k3 = {.kernel = {3, 3},.pads = {1, 1, 1, 1} };
  graph_input (g, "x", SHAPE (2, 3, 7, 5));
  conv (g, "x", "c", 5, TRUE, &k3);
  pool (g, "MaxPool", "x", "m", &k3);
  pool (g, "AveragePool", "x", "a", &k3);
  lrn (g, "x", "l", &(LrnParams) { 3, 0.5f, 0.75f, 1.0f });
  relu (g, "x", "r");
  batchnorm (g, "x", "n");
  concat (g, "c,m,a,l,r,n", "y", 1);
  graph_output (g, "y");
  graph_check (g, "Conv|MaxPool|AveragePool|LRN|Relu|BatchNormalization"
      "|Concat (in place)");
}

static void
test_concat_gap (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (2, 5, 7, 5));
  global_avgpool (g, "x", "g1");
  conv (g, "x", "c", 7, TRUE, &(Window) {.kernel = {1, 1}});
  global_avgpool (g, "c", "g2");
  concat (g, "g1,g2", "y", 1);
  graph_output (g, "y");
  graph_check (g, "GlobalAveragePool|Conv|GlobalAveragePool|Concat (in place)");
}

static void
test_concat_gemm_rows (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (3, 13));
  gemm (g, "x", "f1", &(GemmParams) {5,.trans_b = TRUE,.bias = BIAS_VECTOR});
  gemm (g, "x", "f2", &(GemmParams) {7,.bias = BIAS_MATRIX});
  concat (g, "f1,f2", "y", 1);
  graph_output (g, "y");
  graph_check (g, "Gemm|Gemm|Concat (in place)");
}

static void
test_concat_copy_inputs (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "a", SHAPE (2, 3, 5, 7));
  graph_input (g, "b", SHAPE (2, 5, 5, 7));
  concat (g, "a,b", "y", 1);
  graph_output (g, "y");
  graph_check (g, "Concat (2 of 2 inputs copied)");
}

/* An input used twice cannot live in both slices. */
static void
test_concat_copy_used_twice (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (2, 5, 7, 5));
  conv (g, "x", "a", 3, TRUE, &(Window) {.kernel = {1, 1}});
  conv (g, "x", "b", 5, TRUE, &(Window) {.kernel = {1, 1}});
  concat (g, "a,b,a", "y", 1);
  graph_output (g, "y");
  graph_check (g, "Conv|Conv|Concat (2 of 3 inputs copied)");
}

static void
test_concat_copy_graph_output (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (1, 5, 7, 5));
  conv (g, "x", "a", 3, TRUE, &(Window) {.kernel = {1, 1}});
  conv (g, "x", "b", 5, TRUE, &(Window) {.kernel = {1, 1}});
  concat (g, "a,b", "y", 1);
  graph_output (g, "y");
  graph_output (g, "a");
  graph_check (g, "Conv|Conv|Concat (1 of 2 inputs copied)");
}

/* Softmax and Concat write no slices of their own. */
static void
test_concat_copy_producers (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (2, 3, 5, 7));
  softmax (g, "x", "s", -1);
  conv (g, "x", "a", 5, TRUE, &(Window) {.kernel = {1, 1}});
  conv (g, "x", "b", 7, TRUE, &(Window) {.kernel = {1, 1}});
  concat (g, "a,b", "ab", 1);
  concat (g, "s,ab", "y", 1);
  graph_output (g, "y");
  graph_check (g, "Softmax|Conv|Conv|Concat (in place)"
      "|Concat (2 of 2 inputs copied)");
}

static void
test_concat_axis2 (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (2, 5, 7, 5));
  conv (g, "x", "a", 3, TRUE, &(Window) {.kernel = {3, 3},.strides = {2, 1},
      .pads = {1, 1, 1, 1}});
  conv (g, "x", "b", 3, TRUE, &(Window) {.kernel = {1, 1}});
  concat (g, "a,b", "y", 2);
  graph_output (g, "y");
  graph_check (g, "Conv|Conv|Concat (2 of 2 inputs copied)");
}

static void
test_concat_axis_minus1 (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "a", SHAPE (2, 3, 5, 7));
  graph_input (g, "b", SHAPE (2, 3, 5, 1));
  graph_input (g, "c", SHAPE (2, 3, 5, 3));
  concat (g, "a,b,c", "y", -1);
  graph_output (g, "y");
  graph_check (g, "Concat (3 of 3 inputs copied)");
}

/* ------------------------------------------------ no-op and removed ops */

static void
test_flatten_gemm (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (2, 5, 3, 3));
  flatten (g, "x", "f", 1);
  gemm (g, "f", "y", &(GemmParams) {7,.trans_b = TRUE,.bias = BIAS_VECTOR});
  graph_output (g, "y");
  graph_check (g, "Flatten|Gemm");
}

static void
test_flatten_axis2 (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (1, 3, 5, 7));
  conv (g, "x", "c", 5, TRUE, &(Window) {.kernel = {1, 1}});
  flatten (g, "c", "f", 2);
  gemm (g, "f", "y", &(GemmParams) {4,.bias = BIAS_VECTOR});
  graph_output (g, "y");
  graph_check (g, "Conv|Flatten|Gemm");
}

/* The output itself is an alias. */
static void
test_flatten_output (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (2, 3, 5, 7));
  conv (g, "x", "c", 5, TRUE, &(Window) {.kernel = {3, 3}});
  flatten (g, "c", "y", 1);
  graph_output (g, "y");
  graph_check (g, "Conv|Flatten");
}

static void
test_reshape_gemm (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (2, 5, 3, 3));
  pool (g, "MaxPool", "x", "p", &(Window) {.kernel = {2, 2}});
  reshape (g, "p", "r", SHAPE (0, -1));
  gemm (g, "r", "y", &(GemmParams) {7,.trans_b = TRUE,.bias = BIAS_VECTOR});
  graph_output (g, "y");
  graph_check (g, "MaxPool|Reshape|Gemm");
}

static void
test_reshape_conv (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (1, 45));
  reshape (g, "x", "r", SHAPE (1, 5, -1, 3));
  conv (g, "r", "y", 7, TRUE, &(Window) {.kernel = {3, 3},
      .pads = {1, 1, 1, 1}});
  graph_output (g, "y");
  graph_check (g, "Reshape|Conv");
}

static void
test_dropout_identity (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (1, 3, 7, 5));
  conv (g, "x", "c", 5, TRUE, &(Window) {.kernel = {3, 3}});
  passthrough (g, "Dropout", "c", "d");
  passthrough (g, "Identity", "d", "i");
  relu (g, "i", "y");
  graph_output (g, "y");
  graph_check (g, "Conv+Relu");
}

static void
test_dropout_identity_output (void)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (2, 3, 7, 5));
  conv (g, "x", "c", 5, TRUE, &(Window) {.kernel = {1, 1}});
  passthrough (g, "Identity", "c", "i");
  passthrough (g, "Dropout", "i", "y");
  graph_output (g, "y");
  graph_check (g, "Conv");
}

/* ------------------------------------------- an inception module, chained */

static const gchar *inception_ops =
    "Conv+Relu|Conv+Relu|Conv+Relu|Conv+Relu|Conv+Relu|MaxPool|Conv+Relu"
    "|Concat (in place)|GlobalAveragePool|Flatten|Gemm|Softmax";

static void
conv_relu (Graph * g, const gchar * in, const gchar * out, gint64 cout,
    gint64 k)
{
  gchar *pre = g_strconcat (out, "_pre", NULL);
  conv (g, in, pre, cout, TRUE, &(Window) {.kernel = {k, k},
      .pads = {k / 2, k / 2, k / 2, k / 2}});
  relu (g, pre, out);
  g_free (pre);
}

/* 1x1; 1x1 -> 3x3; 1x1 -> 5x5; 3x3 max pool -> 1x1; concatenated, then the
 * classifier: global average pool, flatten, fully connected, softmax. */
static Graph *
inception_graph (gint64 batch)
{
  Graph *g = graph_new (13);
  graph_input (g, "x", SHAPE (batch, 7, 9, 11));
  conv_relu (g, "x", "b1", 5, 1);
  conv_relu (g, "x", "b2r", 4, 1);
  conv_relu (g, "b2r", "b2", 7, 3);
  conv_relu (g, "x", "b3r", 3, 1);
  conv_relu (g, "b3r", "b3", 5, 5);
  pool (g, "MaxPool", "x", "b4p", &(Window) {.kernel = {3, 3},
      .pads = {1, 1, 1, 1}});
  conv_relu (g, "b4p", "b4", 3, 1);
  concat (g, "b1,b2,b3,b4", "cat", 1);
  global_avgpool (g, "cat", "gap");
  flatten (g, "gap", "flat", 1);
  gemm (g, "flat", "fc", &(GemmParams) {10,.trans_b = TRUE,
      .bias = BIAS_VECTOR});
  softmax (g, "fc", "y", 1);
  graph_output (g, "y");
  return g;
}

static void
test_inception (gconstpointer data)
{
  graph_check (inception_graph (GPOINTER_TO_INT (data)), inception_ops);
}

/* Timestamps per layer (lavapipe has them); the net still runs right
 * afterwards. */
static void
test_profile (void)
{
  Graph *g = inception_graph (2);
  GstVkInceptionNet *net = graph_net (g);
  const GstVkInceptionLayer *layers;
  guint n_layers;
  double *ms, total = -1;
  GError *error = NULL;

  graph_run (g, net);
  layers = gst_vk_inception_net_get_layers (net, &n_layers);
  ms = g_new (double, n_layers);
  for (guint i = 0; i < n_layers; i++)
    ms[i] = -1;
  g_assert_true (gst_vk_inception_net_profile (net, ms, &total, &error));
  g_assert_no_error (error);
  vki_test_assert_no_validation ();
  for (guint i = 0; i < n_layers; i++) {
    g_test_message ("%s (%s): %.3f ms", layers[i].name, layers[i].op, ms[i]);
    g_assert_true (isfinite (ms[i]));
    g_assert_cmpfloat (ms[i], >=, 0);
    if (!layers[i].dispatched)
      g_assert_cmpfloat (ms[i], ==, 0);
  }
  g_test_message ("total: %.3f ms", total);
  g_assert_true (isfinite (total));
  g_assert_cmpfloat (total, >, 0);
  /* total_ms is optional. */
  g_assert_true (gst_vk_inception_net_profile (net, ms, NULL, &error));
  g_assert_no_error (error);
  vki_test_assert_no_validation ();

  graph_run (g, net);
  g_free (ms);
  gst_vk_inception_net_free (net);
  graph_free (g);
}

/* The kernel of @net's layer named @name. */
static const gchar *
layer_kernel (GstVkInceptionNet * net, const gchar * name)
{
  guint n_layers;
  const GstVkInceptionLayer *layers =
      gst_vk_inception_net_get_layers (net, &n_layers);
  for (guint l = 0; l < n_layers; l++)
    if (g_str_equal (layers[l].name, name))
      return layers[l].kernel;
  g_assert_not_reached ();
}

/* VKINCEPTION_CONV=tune (net.c, net_tune()): each convolution, Gemm and LRN
 * runs the shader that measured fastest among the candidate policies'
 * (VKINCEPTION_TUNE_POLICIES). With one candidate the choice is known
 * whatever the timings: its shaders must run, where the device's own
 * policy would choose others, and Winograd where the candidate ran it
 * (only the CPU policy does, in float32, for large enough convolutions),
 * not where it did not. With them all, whatever wins, the outputs must
 * match the reference. */
static void
test_tune (void)
{
  static const struct
  {
    const gchar *policies;
    const gchar *conv, *gemm;   /* the kernels expected, or NULL: any */
  } cases[] = {
    {"direct", "conv", "gemm"},
    {"split", "conv_split", "gemm"},
    {"gemm", "conv_gemm", "gemm"},
    {"cpu,gpu,direct,split,gemm", NULL, NULL},
  };
  gchar *conv_env = g_strdup (g_getenv ("VKINCEPTION_CONV"));
  gchar *winograd_env = g_strdup (g_getenv ("VKINCEPTION_WINOGRAD"));
  gboolean fp32 = vki_test_precision () == GST_VK_INCEPTION_PRECISION_FP32;

  g_setenv ("VKINCEPTION_CONV", "tune", TRUE);
  g_unsetenv ("VKINCEPTION_WINOGRAD");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    Graph *g = inception_graph (2);
    GstVkInceptionNet *net;
    const GstVkInceptionLayer *layers;
    guint n_layers, n_conv = 0;

    g_test_message ("candidates %s", cases[i].policies);
    g_setenv ("VKINCEPTION_TUNE_POLICIES", cases[i].policies, TRUE);
    net = graph_net (g);
    graph_run (g, net);
    layers = gst_vk_inception_net_get_layers (net, &n_layers);
    for (guint l = 0; l < n_layers; l++) {
      const gchar *kernel = layers[l].kernel;
      g_test_message ("%s (%s): %s", layers[l].name, layers[l].op,
          kernel ? kernel : "-");
      if (g_str_has_prefix (layers[l].op, "Conv")) {
        n_conv++;
        if (cases[i].conv)
          g_assert_cmpstr (kernel, ==, kernel_name (cases[i].conv));
      } else if (g_str_equal (layers[l].op, "Gemm") && cases[i].gemm) {
        g_assert_cmpstr (kernel, ==, kernel_name (cases[i].gemm));
      }
    }
    g_assert_cmpuint (n_conv, ==, 6);
    gst_vk_inception_net_free (net);
    graph_free (g);
  }

  /* test_conv_winograd_auto's first size: Winograd under the CPU policy. */
  for (guint i = 0; i < 2; i++) {
    gboolean cpu = i == 1;
    Window win = {.kernel = {3, 3},.pads = {1, 1, 1, 1} };
    Graph *g = graph_new (13);
    GstVkInceptionNet *net;
    const gchar *kernel;
    gboolean winograd = cpu && fp32 && 32 * 32 * 64 * 32 * 9
        >= VKI_WINOGRAD_MIN_MACS && 32 * 32 >= VKI_WINOGRAD_MIN_PLANE;

    graph_input (g, "x", SHAPE (1, 32, 32, 32));
    conv (g, "x", "c", 64, TRUE, &win);
    relu (g, "c", "y");
    graph_output (g, "y");
    g_setenv ("VKINCEPTION_TUNE_POLICIES", cpu ? "cpu" : "direct", TRUE);
    net = graph_net (g);
    graph_run (g, net);
    kernel = layer_kernel (net, "c");
    g_test_message ("the %s policy: %s", cpu ? "cpu" : "direct", kernel);
    g_assert_cmpint (g_str_has_prefix (kernel, "winograd+"), ==, winograd);
    if (!cpu)
      g_assert_cmpstr (kernel, ==, kernel_name ("conv"));
    gst_vk_inception_net_free (net);
    graph_free (g);
  }

  /* A queue without timestamps: the net the device's policy gives. */
  {
    GstVkInceptionDevice *dev = vki_test_device ();
    gboolean stamps = dev->has_timestamps;
    Graph *g = inception_graph (1);
    GstVkInceptionNet *tuned, *untuned;
    const GstVkInceptionLayer *a, *b;
    guint n_a, n_b;

    g_unsetenv ("VKINCEPTION_TUNE_POLICIES");
    dev->has_timestamps = FALSE;
    tuned = graph_net (g);
    dev->has_timestamps = stamps;
    g_unsetenv ("VKINCEPTION_CONV");
    untuned = graph_net (g);
    graph_run (g, tuned);
    a = gst_vk_inception_net_get_layers (tuned, &n_a);
    b = gst_vk_inception_net_get_layers (untuned, &n_b);
    g_assert_cmpuint (n_a, ==, n_b);
    for (guint l = 0; l < n_a; l++)
      g_assert_cmpstr (a[l].kernel, ==, b[l].kernel);
    gst_vk_inception_net_free (tuned);
    gst_vk_inception_net_free (untuned);
    graph_free (g);
  }

  g_unsetenv ("VKINCEPTION_TUNE_POLICIES");
  vki_test_restore_env ("VKINCEPTION_WINOGRAD", winograd_env);
  vki_test_restore_env ("VKINCEPTION_CONV", conv_env);
}

/* ------------------------------------------------------------------ main */

#define ADD_CASES(cases, func) \
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) \
    g_test_add_data_func (cases[i].path, &cases[i], func)

/* Workgroup sizes of 1-D dispatches: within the device's limits, the full
 * size for large dispatches; smaller ones shrink to give every core work,
 * and on a CPU device straight to the subgroup size (two sizes in all: each
 * is one more pipeline). */
static void
test_local_size (void)
{
  GstVkInceptionDevice *dev = vki_test_device ();
  const VkPhysicalDeviceLimits *l = &dev->props.limits;
  const guint32 sizes[] = { 1, 7, 100, 300, 1000, 5000, 100000, 1 << 22 };
  guint32 full[3], local[3];

  vki_pipeline_choose_local_size (dev, 1, NULL, full);
  g_assert_cmpuint (full[0], >=, 1);
  g_assert_cmpuint (full[0], <=, l->maxComputeWorkGroupSize[0]);
  g_assert_cmpuint (full[0], <=, l->maxComputeWorkGroupInvocations);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    guint32 global[3] = { sizes[i], 1, 1 };
    vki_pipeline_choose_local_size (dev, 1, global, local);
    g_assert_cmpuint (local[1], ==, 1);
    g_assert_cmpuint (local[2], ==, 1);
    g_assert_cmpuint (local[0], <=, full[0]);
    g_assert_cmpuint (local[0], >=, MIN (full[0], dev->subgroup_size));
    if (sizes[i] >= 16 * full[0])
      g_assert_cmpuint (local[0], ==, full[0]);
    if (dev->props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU
        && local[0] != full[0])
      g_assert_cmpuint (local[0], ==, MIN (full[0], dev->subgroup_size));
  }
}

/* One build, one workgroup size: on a CPU device, two pointwise
 * convolutions with the same constants share a pipeline although only the
 * smaller one has few enough workgroups for the subgroup size (a second
 * size would be a second pipeline). Both are checked against the CPU
 * reference at the size they share. */
static void
test_shared_local_size (void)
{
  GstVkInceptionDevice *dev = vki_test_device ();
  Window win1 = {.kernel = {1, 1} };
  Window pw = {.kernel = {2, 2},.strides = {2, 2} };
  Graph *g = graph_new (13);
  GstVkInceptionNet *net;
  guint32 big[3] = { 0 }, small[3] = { 0 }, g1[3], g2[3];
  guint n_layers, pipes;

  /* The engine's own choices, per dispatch, as it would size them alone:
   * 160 channels of 28x28 (10 channel blocks of 98-104 pixel blocks) and
   * of 14x14 (25-32). */
  g1[0] = 10 * 104;
  g2[0] = 10 * 32;
  g1[1] = g1[2] = g2[1] = g2[2] = 1;
  vki_pipeline_choose_local_size (dev, 1, g1, big);
  vki_pipeline_choose_local_size (dev, 1, g2, small);

  graph_input (g, "x", SHAPE (1, 16, 28, 28));
  conv (g, "x", "a", 160, TRUE, &win1);
  relu (g, "a", "ar");
  pool (g, "MaxPool", "ar", "p", &pw);
  conv (g, "p", "b", 160, TRUE, &win1);
  relu (g, "b", "y");
  graph_output (g, "y");
  net = graph_net (g);
  graph_run (g, net);
  graph_check_layers (g, net, "Conv+Relu|MaxPool|Conv+Relu");
  pipes = vki_net_get_n_pipelines (net);
  gst_vk_inception_net_get_layers (net, &n_layers);
  g_test_message ("workgroups alone: %u and %u; %u pipelines for %u layers",
      big[0], small[0], pipes, n_layers);
  if (dev->props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU
      && cpu_policy () && big[0] != small[0])
    g_assert_cmpuint (pipes, ==, 2);
  else
    g_assert_cmpuint (pipes, <=, 3);
  gst_vk_inception_net_free (net);
  graph_free (g);
}

/* Vector stores (vki_op_vec_stores()): on llvmpipe on unless
 * VKINCEPTION_VEC_STORES=0, never on a GPU; and vki_op_vec_rows() asks
 * for rows, offset and image stride on whole vec4s. The stores themselves
 * are checked by every op case (ops, ops-winograd) against the CPU
 * reference, and the scalar ones by ops-no-vec-stores. */
static void
test_vec_stores (void)
{
  GstVkInceptionDevice *dev = vki_test_device ();
  gboolean on = vki_op_vec_stores (dev);
  VkiOpPlace p = {.vec_out = TRUE,.out_off = 64,.out_bstride = 256 };

  if (strstr (dev->props.deviceName, "llvmpipe"))
    g_assert_true (on == (g_strcmp0 (g_getenv ("VKINCEPTION_VEC_STORES"),
                "0") != 0));
  if (dev->props.deviceType != VK_PHYSICAL_DEVICE_TYPE_CPU)
    g_assert_false (on);
  g_assert_true (vki_op_vec_rows (&p, 28));
  g_assert_false (vki_op_vec_rows (&p, 14));
  p.out_off = 66;
  g_assert_false (vki_op_vec_rows (&p, 28));
  p.out_off = 64;
  p.out_bstride = 258;
  g_assert_false (vki_op_vec_rows (&p, 28));
  p.out_bstride = 256;
  p.vec_out = FALSE;
  g_assert_false (vki_op_vec_rows (&p, 28));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD_CASES (conv_cases, test_conv);
  g_test_add_func ("/ops/local-size", test_local_size);
  g_test_add_func ("/ops/local-size/shared", test_shared_local_size);
  g_test_add_func ("/ops/vec-stores", test_vec_stores);
  g_test_add_func ("/ops/conv/winograd-auto", test_conv_winograd_auto);
  g_test_add_func ("/ops/weight-range", test_weight_range);
  g_test_add_func ("/ops/conv/subgroup-weights", test_conv_subgroup_weights);
  g_test_add_func ("/ops/image-reads", test_image_reads);
  g_test_add_func ("/ops/conv/winograd-too-large",
      test_conv_winograd_too_large);
  ADD_CASES (pool_cases, test_pool);
  ADD_CASES (gap_cases, test_gap);
  ADD_CASES (lrn_cases, test_lrn);
  ADD_CASES (gemm_cases, test_gemm);
  ADD_CASES (matmul_cases, test_matmul);
  ADD_CASES (softmax_cases, test_softmax);
  ADD_CASES (relu_cases, test_relu);
  g_test_add_func ("/ops/relu/after-lrn", test_relu_after_lrn);
  ADD_CASES (bn_cases, test_batchnorm);

  g_test_add_func ("/ops/concat/in-place", test_concat_in_place);
  g_test_add_func ("/ops/concat/batch2", test_concat_batch2);
  g_test_add_func ("/ops/concat/axis0", test_concat_axis0);
  g_test_add_func ("/ops/concat/every-producer", test_concat_every_producer);
  g_test_add_func ("/ops/concat/gap", test_concat_gap);
  g_test_add_func ("/ops/concat/gemm-rows", test_concat_gemm_rows);
  g_test_add_func ("/ops/concat/copy", test_concat_copy_inputs);
  g_test_add_func ("/ops/concat/copy-used-twice", test_concat_copy_used_twice);
  g_test_add_func ("/ops/concat/copy-graph-output",
      test_concat_copy_graph_output);
  g_test_add_func ("/ops/concat/copy-producers", test_concat_copy_producers);
  g_test_add_func ("/ops/concat/axis2", test_concat_axis2);
  g_test_add_func ("/ops/concat/axis-1", test_concat_axis_minus1);

  g_test_add_func ("/ops/reshape/flatten-gemm", test_flatten_gemm);
  g_test_add_func ("/ops/reshape/flatten-axis2", test_flatten_axis2);
  g_test_add_func ("/ops/reshape/flatten-output", test_flatten_output);
  g_test_add_func ("/ops/reshape/reshape-gemm", test_reshape_gemm);
  g_test_add_func ("/ops/reshape/reshape-conv", test_reshape_conv);
  g_test_add_func ("/ops/dropout-identity/removed", test_dropout_identity);
  g_test_add_func ("/ops/dropout-identity/at-output",
      test_dropout_identity_output);

  g_test_add_data_func ("/ops/inception-module/batch1", GINT_TO_POINTER (1),
      test_inception);
  g_test_add_data_func ("/ops/inception-module/batch2", GINT_TO_POINTER (2),
      test_inception);
  g_test_add_func ("/ops/profile/inception-module", test_profile);
  g_test_add_func ("/ops/tune", test_tune);

  return g_test_run ();
}
