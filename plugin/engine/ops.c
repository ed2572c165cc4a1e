/* Per-op shape inference, weight packing, cost and dispatch description.
 * The spec[] arrays follow the constant_id order of each shader. */
#include "ops.h"
#include "shaders.h"
#include "sizes.h"

#include <math.h>
#include <string.h>

/* Every index in the shaders is a 32-bit uint. */
#define MAX_TENSOR_ELEMENTS G_GINT64_CONSTANT (0x7fffffff)
/* Floats: keeps every packed constant 16-byte aligned for vector loads. */
#define WEIGHT_ALIGN 4

/* Output channels per conv_tiled.comp invocation: 4 * COV, COV 1 to 4.
 * More channels per invocation share each input load (cheaper per channel),
 * but pad COUT to a whole block; the cost per tap of one block is about
 * 8 input loads + COV weight loads + 32 * COV multiply-adds; with the load
 * and FMA rates measured on lavapipe that is 11.4 + 4.8 * COV cycles per 4 *
 * COV channels, so minimise padded * (11.4 / COV + 4.8). */
static guint
tiled_cov (gint64 cout)
{
  guint best = 4;
  gint64 best_cost = G_MAXINT64;
  for (guint cov = 4; cov >= 1; cov--) {
    gint64 block = 4 * cov;
    gint64 padded = (cout + block - 1) / block * block;
    gint64 cost = padded * (1140 / cov + 480);
    if (cost < best_cost) {
      best = cov;
      best_cost = cost;
    }
  }
  return best;
}

/* The GPU cost model of vki_op_choose_shader(), in nanoseconds, fitted to
 * per-layer timestamps of the torchvision GoogLeNet at batch 1 and 32 on
 * an NVIDIA H200 (docs/performance.md). A layer takes the longer of its
 * dependent chain (an invocation's loop iterations, each waiting on a load)
 * and its multiply-adds at the shader's throughput. */
#define GPU_ITER_NS_DIRECT 150  /* conv.comp, conv_split.comp per tap;
                                 * gemm.comp per k */
#define GPU_ITER_NS_TILED 270   /* conv_tiled.comp per tap */
#define GPU_MACS_PER_NS_DIRECT 3000     /* and gemm.comp */
#define GPU_MACS_PER_NS_TILED 12000
#define GPU_REDUCE_STEP_NS 100  /* one step of conv_split's tree sum */
/* maxComputeWorkGroupCount along each axis on every Vulkan device (the
 * spec's minimum). */
#define GUARANTEED_GROUP_COUNT 65535
/* Most invocations a split layer may launch. */
#define GPU_SPLIT_MAX_INVOCATIONS (1 << 20)

static void
op_error (GstVkInceptionModel * m, VkiNode * node, GError ** error,
    GstVkInceptionError code, const gchar * format, ...) G_GNUC_PRINTF (5, 6);

static void
op_error (GstVkInceptionModel * m, VkiNode * node, GError ** error,
    GstVkInceptionError code, const gchar * format, ...)
{
  va_list args;
  gchar *msg;
  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, GST_VK_INCEPTION_ERROR, code, "%s: node '%s' (%s): %s",
      m->name, node->name, node->onnx_op, msg);
  g_free (msg);
}

static gint64
prod (const GstVkInceptionShape * s, guint from, guint to)
{
  gint64 p = 1;
  for (guint i = from; i < to && i < s->rank; i++)
    p *= s->dims[i];
  return p;
}

static gint64
ceil_div (gint64 a, gint64 b)
{
  return (a + b - 1) / b;
}

/* conv_gemm.comp's workgroups for output @y: one per GEMM_BN pixels (of
 * all images) along x, one per GEMM_BM output channels along y. */
static void
gemm_groups (const GstVkInceptionShape * y, gint64 groups[2])
{
  groups[0] = ceil_div (y->dims[0] * y->dims[2] * y->dims[3], GEMM_BN);
  groups[1] = ceil_div (y->dims[1], GEMM_BM);
}

/* Output size and effective pads of a window over an H x W input. Returns
 * FALSE if the input is smaller than the window. */
static gboolean
resolve_window (const VkiWindow * w, const gint64 in[2], gint64 out[2],
    gint64 pads[4])
{
  for (guint i = 0; i < 2; i++) {
    gint64 ek = (w->kernel[i] - 1) * w->dilation[i] + 1;
    gint64 s = w->stride[i];
    gint64 pb, pe, span, o;

    switch (w->auto_pad) {
      case VKI_AUTO_PAD_SAME_UPPER:
      case VKI_AUTO_PAD_SAME_LOWER:{
        gint64 total;
        o = ceil_div (in[i], s);
        total = MAX ((o - 1) * s + ek - in[i], 0);
        if (w->auto_pad == VKI_AUTO_PAD_SAME_UPPER) {
          pb = total / 2;
          pe = total - pb;
        } else {
          pe = total / 2;
          pb = total - pe;
        }
        break;
      }
      case VKI_AUTO_PAD_VALID:
        pb = pe = 0;
        span = in[i] - ek;
        if (span < 0)
          return FALSE;
        o = span / s + 1;
        break;
      default:
        pb = w->pads[i];
        pe = w->pads[i + 2];
        span = in[i] + pb + pe - ek;
        if (span < 0)
          return FALSE;
        o = (w->ceil_mode ? ceil_div (span, s) : span / s) + 1;
        /* The last window must start inside the input or its leading pad
         * (as Caffe, PyTorch and ONNX Runtime do). */
        if (w->ceil_mode && (o - 1) * s >= in[i] + pb)
          o--;
        break;
    }
    if (o < 1)
      return FALSE;
    out[i] = o;
    pads[i] = pb;
    pads[i + 2] = pe;
  }
  return TRUE;
}

gboolean
vki_op_dispatches (const VkiNode * node)
{
  return node->type != VKI_OP_RESHAPE && node->type != VKI_OP_CONCAT;
}

gboolean
vki_op_writes_views (const VkiNode * node)
{
  return vki_op_dispatches (node) && node->type != VKI_OP_SOFTMAX;
}

static gint64
normalise_axis (gint64 axis, guint rank)
{
  return axis < 0 ? axis + rank : axis;
}

/* Gemm's C broadcast to [M][N]: 1 for a row vector, 2 for a full matrix,
 * -1 if it does not broadcast. */
static gint
gemm_bias_mode (const VkiNode * node, gint64 m_rows)
{
  const GstVkInceptionShape *c = &node->gemm.c_shape;
  gint64 numel = prod (c, 0, c->rank);
  if (node->bias < 0)
    return 0;
  if (numel == 1 || (c->rank == 1 && c->dims[0] == node->gemm.n)
      || (c->rank == 2 && c->dims[0] == 1 && c->dims[1] == node->gemm.n))
    return 1;
  if (c->rank == 2 && c->dims[0] == m_rows
      && (c->dims[1] == node->gemm.n || c->dims[1] == 1))
    return 2;
  return -1;
}

gboolean
vki_op_infer (GstVkInceptionModel * m, VkiNode * node,
    GstVkInceptionShape * shapes, GError ** error)
{
  const GstVkInceptionShape *x = &shapes[node->inputs[0]];
  GstVkInceptionShape out = *x;
  gchar buf[128];

  switch (node->type) {
    case VKI_OP_CONV:
    case VKI_OP_MAXPOOL:
    case VKI_OP_AVGPOOL:{
      gint64 in[2], o[2], pads[4];
      if (x->rank != 4) {
        op_error (m, node, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
            "input has shape %s; only 4-D NCHW input is supported",
            vki_shape_to_string (x, buf, sizeof (buf)));
        return FALSE;
      }
      if (node->type == VKI_OP_AVGPOOL && (node->win.dilation[0] != 1
              || node->win.dilation[1] != 1)) {
        op_error (m, node, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
            "dilated average pooling is not supported");
        return FALSE;
      }
      if (node->type == VKI_OP_CONV) {
        VkiTensor *w = vki_model_tensor (m, node->weight);
        if (w->shape.dims[1] != x->dims[1]) {
          op_error (m, node, error, GST_VK_INCEPTION_ERROR_SHAPE,
              "expects %" G_GINT64_FORMAT " input channels, got %"
              G_GINT64_FORMAT " (input %s)", w->shape.dims[1], x->dims[1],
              vki_shape_to_string (x, buf, sizeof (buf)));
          return FALSE;
        }
        out.dims[1] = w->shape.dims[0];
      }
      in[0] = x->dims[2];
      in[1] = x->dims[3];
      if (!resolve_window (&node->win, in, o, pads)) {
        op_error (m, node, error, GST_VK_INCEPTION_ERROR_SHAPE,
            "input %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " (HxW) is smaller "
            "than its %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " window",
            in[0], in[1], (node->win.kernel[0] - 1) * node->win.dilation[0] + 1,
            (node->win.kernel[1] - 1) * node->win.dilation[1] + 1);
        return FALSE;
      }
      out.dims[2] = o[0];
      out.dims[3] = o[1];
      break;
    }
    case VKI_OP_GLOBALAVGPOOL:
      if (x->rank < 3) {
        op_error (m, node, error, GST_VK_INCEPTION_ERROR_SHAPE,
            "input has shape %s; at least 3 dimensions are needed",
            vki_shape_to_string (x, buf, sizeof (buf)));
        return FALSE;
      }
      for (guint i = 2; i < out.rank; i++)
        out.dims[i] = 1;
      break;
    case VKI_OP_LRN:
    case VKI_OP_AFFINE:
      if (x->rank < 2) {
        op_error (m, node, error, GST_VK_INCEPTION_ERROR_SHAPE,
            "input has shape %s; a channel axis is needed",
            vki_shape_to_string (x, buf, sizeof (buf)));
        return FALSE;
      }
      if (node->type == VKI_OP_AFFINE
          && vki_model_tensor (m, node->weight)->shape.dims[0] != x->dims[1]) {
        op_error (m, node, error, GST_VK_INCEPTION_ERROR_SHAPE,
            "expects %" G_GINT64_FORMAT " channels, got %" G_GINT64_FORMAT,
            vki_model_tensor (m, node->weight)->shape.dims[0], x->dims[1]);
        return FALSE;
      }
      break;
    case VKI_OP_RELU:
      break;
    case VKI_OP_CONCAT:{
      gint64 axis = normalise_axis (node->axis, x->rank);
      if (axis < 0 || axis >= x->rank) {
        op_error (m, node, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
            "axis %" G_GINT64_FORMAT " is out of range for rank %u",
            node->axis, x->rank);
        return FALSE;
      }
      out.dims[axis] = 0;
      for (guint i = 0; i < node->n_inputs; i++) {
        const GstVkInceptionShape *s = &shapes[node->inputs[i]];
        gboolean ok = s->rank == x->rank;
        for (guint d = 0; ok && d < x->rank; d++)
          ok = d == axis || s->dims[d] == x->dims[d];
        if (!ok) {
          gchar buf2[128];
          op_error (m, node, error, GST_VK_INCEPTION_ERROR_SHAPE,
              "input %u has shape %s, which does not match %s outside axis %"
              G_GINT64_FORMAT, i, vki_shape_to_string (s, buf, sizeof (buf)),
              vki_shape_to_string (x, buf2, sizeof (buf2)), axis);
          return FALSE;
        }
        out.dims[axis] += s->dims[axis];
      }
      break;
    }
    case VKI_OP_GEMM:{
      gint64 k, rows;
      if (x->rank != 2) {
        op_error (m, node, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
            "input has shape %s; only 2-D input is supported",
            vki_shape_to_string (x, buf, sizeof (buf)));
        return FALSE;
      }
      k = node->gemm.trans_a ? x->dims[0] : x->dims[1];
      rows = node->gemm.trans_a ? x->dims[1] : x->dims[0];
      if (k != node->gemm.k) {
        op_error (m, node, error, GST_VK_INCEPTION_ERROR_SHAPE,
            "expects %" G_GINT64_FORMAT " input features, got %"
            G_GINT64_FORMAT " (input %s)", node->gemm.k, k,
            vki_shape_to_string (x, buf, sizeof (buf)));
        return FALSE;
      }
      if (gemm_bias_mode (node, rows) < 0) {
        op_error (m, node, error, GST_VK_INCEPTION_ERROR_SHAPE,
            "bias of shape %s does not broadcast to %" G_GINT64_FORMAT "x%"
            G_GINT64_FORMAT, vki_shape_to_string (&node->gemm.c_shape, buf,
                sizeof (buf)), rows, node->gemm.n);
        return FALSE;
      }
      out.dims[0] = rows;
      out.dims[1] = node->gemm.n;
      break;
    }
    case VKI_OP_SOFTMAX:{
      gint64 axis = normalise_axis (node->axis, x->rank);
      if (axis < 0 || axis >= x->rank) {
        op_error (m, node, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
            "axis %" G_GINT64_FORMAT " is out of range for rank %u",
            node->axis, x->rank);
        return FALSE;
      }
      break;
    }
    case VKI_OP_RESHAPE:{
      gint64 total = prod (x, 0, x->rank);
      if (node->flatten) {
        gint64 axis = normalise_axis (node->axis, x->rank);
        if (axis < 0 || axis > x->rank) {
          op_error (m, node, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
              "axis %" G_GINT64_FORMAT " is out of range for rank %u",
              node->axis, x->rank);
          return FALSE;
        }
        out.rank = 2;
        out.dims[0] = prod (x, 0, (guint) axis);
        out.dims[1] = prod (x, (guint) axis, x->rank);
      } else {
        gint infer = -1;
        gint64 known = 1;
        out = node->reshape;
        for (guint i = 0; i < out.rank; i++) {
          if (out.dims[i] == 0 && !node->allowzero) {
            if (i >= x->rank) {
              op_error (m, node, error, GST_VK_INCEPTION_ERROR_SHAPE,
                  "target dimension %u copies a dimension the input lacks", i);
              return FALSE;
            }
            out.dims[i] = x->dims[i];
          }
          if (out.dims[i] == -1 && infer < 0)
            infer = (gint) i;
          else if (out.dims[i] < 0) {
            op_error (m, node, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
                "invalid target shape %s",
                vki_shape_to_string (&node->reshape, buf, sizeof (buf)));
            return FALSE;
          } else if (out.dims[i] > MAX_TENSOR_ELEMENTS) {
            known = -1;
            break;
          } else
            known *= out.dims[i];
          if (known > MAX_TENSOR_ELEMENTS)
            known = -1;
          if (known < 0)
            break;
        }
        if (known > 0 && infer >= 0 && total % known == 0)
          out.dims[infer] = total / known;
        if (known < 0 || prod (&out, 0, out.rank) != total) {
          gchar buf2[128];
          op_error (m, node, error, GST_VK_INCEPTION_ERROR_SHAPE,
              "cannot reshape %s into %s", vki_shape_to_string (x, buf,
                  sizeof (buf)), vki_shape_to_string (&node->reshape, buf2,
                  sizeof (buf2)));
          return FALSE;
        }
      }
      break;
    }
    case VKI_OP_ADD:
      g_assert_not_reached ();
  }

  if (vki_shape_numel (&out, MAX_TENSOR_ELEMENTS) < 0) {
    op_error (m, node, error, GST_VK_INCEPTION_ERROR_TOO_LARGE,
        "output %s has more than %" G_GINT64_FORMAT " elements",
        vki_shape_to_string (&out, buf, sizeof (buf)), MAX_TENSOR_ELEMENTS);
    return FALSE;
  }
  if (vki_shape_numel (&out, MAX_TENSOR_ELEMENTS) == 0) {
    op_error (m, node, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
        "output %s is empty; empty tensors are not supported",
        vki_shape_to_string (&out, buf, sizeof (buf)));
    return FALSE;
  }
  shapes[node->output] = out;
  return TRUE;
}

static gint64
gpu_conv_ns (gint64 chain, gint64 iter_ns, gint64 macs, gint64 macs_per_ns)
{
  return MAX (chain * iter_ns, macs / macs_per_ns);
}

/* The widest split of a @len-long sum that keeps @items * split within
 * @max_invocations. */
static guint32
widest_split (gint64 len, gint64 items, gint64 max_invocations)
{
  guint32 split = 1;
  while (split * 2 <= MIN (len, SPLIT_WG)
      && items * split * 2 <= max_invocations)
    split *= 2;
  return split;
}

/* The split of a @len-long sum over @items outputs (4 channels each for a
 * convolution: @taps per channel step) that the GPU model predicts
 * fastest, with its time in @ns; 1 if splitting does not pay. */
static guint32
gpu_split (gint64 len, gint64 taps, gint64 items, gint64 macs, gint64 * ns)
{
  guint32 best = 1;
  guint steps = 1;

  *ns = gpu_conv_ns (len * taps, GPU_ITER_NS_DIRECT, macs,
      GPU_MACS_PER_NS_DIRECT);
  for (guint32 split = 2; split <= MIN (len, SPLIT_WG)
      && items * split <= GPU_SPLIT_MAX_INVOCATIONS; split *= 2, steps++) {
    gint64 t = gpu_conv_ns (ceil_div (len, split) * taps, GPU_ITER_NS_DIRECT,
        macs, GPU_MACS_PER_NS_DIRECT) + steps * GPU_REDUCE_STEP_NS;
    if (t < *ns) {
      *ns = t;
      best = split;
    }
  }
  return best;
}

void
vki_op_choose_shader (const VkiNode * node, const GstVkInceptionShape * shapes,
    VkiShaderPolicy policy, gboolean texels, VkiOpPlace * place)
{
  const GstVkInceptionShape *x = &shapes[node->inputs[0]];
  const GstVkInceptionShape *y = &shapes[node->output];
  gint64 cin, taps, items, macs, split_ns;
  guint32 split;

  place->conv = VKI_CONV_DIRECT;
  place->split = 1;
  if (node->type == VKI_OP_GEMM) {
    items = y->dims[0] * y->dims[1];
    /* gemm_texel where it can: measured on lavapipe only. */
    if (policy == VKI_SHADER_POLICY_CPU && texels)
      place->conv = VKI_CONV_TILED;
    if (policy == VKI_SHADER_POLICY_SPLIT)
      place->split = widest_split (node->gemm.k, items, G_MAXUINT32);
    else if (policy == VKI_SHADER_POLICY_GPU
        || policy == VKI_SHADER_POLICY_GEMM)
      place->split = gpu_split (node->gemm.k, 1, items, items * node->gemm.k,
          &split_ns);
    return;
  }
  if (node->type == VKI_OP_LRN && policy == VKI_SHADER_POLICY_CPU && texels)
    place->conv = VKI_CONV_TILED;
  if (node->type != VKI_OP_CONV)
    return;
  cin = x->dims[1];
  taps = (gint64) node->win.kernel[0] * node->win.kernel[1];
  items = y->dims[0] * ceil_div (y->dims[1], CONV_CO_PER) * y->dims[2]
      * y->dims[3];
  switch (policy) {
    case VKI_SHADER_POLICY_CPU:
      place->conv = texels ? VKI_CONV_TILED : VKI_CONV_DIRECT;
      return;
    case VKI_SHADER_POLICY_DIRECT:
      return;
    case VKI_SHADER_POLICY_SPLIT:
      /* The widest split the channels fill: tests reach every width. */
      place->conv = VKI_CONV_SPLIT;
      place->split = widest_split (cin, items, G_MAXUINT32);
      return;
    case VKI_SHADER_POLICY_GEMM:{
      /* Where its workgroups fit every device's limit (the rest as the GPU
       * policy). */
      gint64 groups[2];
      gemm_groups (y, groups);
      if (groups[0] <= GUARANTEED_GROUP_COUNT
          && groups[1] <= GUARANTEED_GROUP_COUNT) {
        place->conv = VKI_CONV_GEMM;
        return;
      }
      break;
    }
    case VKI_SHADER_POLICY_GPU:
      break;
  }

  macs = y->dims[0] * y->dims[1] * y->dims[2] * y->dims[3] * cin * taps;
  split = gpu_split (cin, taps, items, macs, &split_ns);
  if (split > 1) {
    place->conv = VKI_CONV_SPLIT;
    place->split = split;
  }
  if (texels && gpu_conv_ns (cin * taps, GPU_ITER_NS_TILED, macs,
          GPU_MACS_PER_NS_TILED) < split_ns) {
    place->conv = VKI_CONV_TILED;
    place->split = 1;
  }
}

guint32
vki_op_append (GArray * weights, const float *data, gsize n)
{
  guint32 off;
  while (weights->len % WEIGHT_ALIGN)
    g_array_append_val (weights, (float) {
        0});
  off = weights->len;
  if (data)
    g_array_append_vals (weights, data, n);
  else
    g_array_set_size (weights, weights->len + n);
  return off;
}

guint32
vki_op_pack_filters (const float *w, gint64 cout, gint64 filter,
    VkiConvKind kind, GArray * weights)
{
  guint32 off;

  if (kind == VKI_CONV_TILED) {
    /* [co_block][filter][block]: a tap's weights for the block's output
     * channels are consecutive. */
    gint64 block = 4 * tiled_cov (cout);
    gint64 padded = ceil_div (cout, block) * block;
    float *dst;
    off = vki_op_append (weights, NULL, padded * filter);
    dst = &g_array_index (weights, float, off);
    for (gint64 co = 0; co < cout; co++)
      for (gint64 f = 0; f < filter; f++)
        dst[((co / block) * filter + f) * block + co % block] =
            w[co * filter + f];
  } else {
    gint64 padded = ceil_div (cout, CONV_CO_PER) * CONV_CO_PER;
    /* g_array_set_size() zero-fills (the array is created cleared), so the
     * padding channels read zeros. */
    off = vki_op_append (weights, NULL, padded * filter);
    memcpy (&g_array_index (weights, float, off), w,
        cout * filter * sizeof (float));
  }
  return off;
}

guint32
vki_op_fast_div (gint64 invocations)
{
  return invocations < FLAT_FAST_DIV_MAX
      && g_strcmp0 (g_getenv ("VKINCEPTION_INT_DIV"), "1") != 0;
}

/* The fp16a shaders compute in float16, which ends at 65504: a layer's
 * weights are packed times 2^w_exp, the largest in [0.5, 1), so that no
 * product exceeds its activation (itself a float16) and a float16 sum of n
 * products overflows only where activations pass 65504 / n (4096 for
 * FP16_SUM_TERMS; 1336 for a 7x7 filter's 49 taps, where BVLC GoogLeNet's
 * stem meets inputs up to 150 with weights up to 5). Layers of tiny weights
 * move away from float16's subnormals too. The shader multiplies each sum
 * by 2^-w_exp (W_UNSCALE, w_unscale()) into its float32 total; a power of
 * two, so the scaling rounds nothing. Sets p->w_exp and scales the @n
 * packed floats at @off. */
static void
scale_weights (const float *w, gint64 numel, GArray * weights, guint32 off,
    gint64 n, VkiOpPlace * p)
{
  float max = 0.0f;
  gint e;

  p->w_exp = 0;
  if (!p->scale_weights)
    return;
  for (gint64 i = 0; i < numel; i++)
    max = MAX (max, fabsf (w[i]));
  if (max == 0.0f || !isfinite (max))
    return;
  frexpf (max, &e);
  /* max = f * 2^e with f in [0.5, 1): scale by 2^-e, within the range
   * whose inverse is a normal float32. */
  p->w_exp = CLAMP (-e, -100, 100);
  for (gint64 i = 0; i < n; i++)
    g_array_index (weights, float, off + i) =
        ldexpf (g_array_index (weights, float, off + i), p->w_exp);
}

void
vki_op_pack (GstVkInceptionModel * m, VkiNode * node,
    const GstVkInceptionShape * shapes, GArray * weights, VkiOpPlace * place)
{
  VkiTensor *w = node->weight >= 0 ? vki_model_tensor (m, node->weight) : NULL;
  VkiTensor *b = node->bias >= 0 ? vki_model_tensor (m, node->bias) : NULL;

  place->w_off = place->b_off = 0;
  place->w_exp = 0;
  switch (node->type) {
    case VKI_OP_CONV:{
      gint64 cout = w->shape.dims[0];
      place->w_off = vki_op_pack_filters (w->data, cout,
          prod (&w->shape, 1, 4), place->conv, weights);
      scale_weights (w->data, cout * prod (&w->shape, 1, 4), weights,
          place->w_off, weights->len - place->w_off, place);
      if (b)
        place->b_off = vki_op_append (weights, b->data, cout);
      break;
    }
    case VKI_OP_GEMM:{
      const GstVkInceptionShape *x = &shapes[node->inputs[0]];
      gint64 rows = node->gemm.trans_a ? x->dims[1] : x->dims[0];
      gint64 n = node->gemm.n;
      gint mode = gemm_bias_mode (node, rows);
      place->w_off = vki_op_append (weights, w->data, n * node->gemm.k);
      scale_weights (w->data, n * node->gemm.k, weights, place->w_off,
          n * node->gemm.k, place);
      if (mode == 1) {
        gint64 numel = prod (&node->gemm.c_shape, 0, node->gemm.c_shape.rank);
        place->b_off = vki_op_append (weights, NULL, n);
        for (gint64 j = 0; j < n; j++)
          g_array_index (weights, float, place->b_off + j) =
              b->data[numel == 1 ? 0 : j];
      } else if (mode == 2) {
        gboolean column = node->gemm.c_shape.dims[1] == 1;
        place->b_off = vki_op_append (weights, NULL, rows * n);
        for (gint64 i = 0; i < rows; i++)
          for (gint64 j = 0; j < n; j++)
            g_array_index (weights, float, place->b_off + i * n + j) =
                b->data[column ? i : i * n + j];
      }
      break;
    }
    case VKI_OP_AFFINE:
      place->w_off = vki_op_append (weights, w->data, w->shape.dims[0]);
      place->b_off = vki_op_append (weights, b->data, b->shape.dims[0]);
      break;
    default:
      break;
  }
}

void
vki_op_resolve_pads (const VkiNode * node, const GstVkInceptionShape * shapes,
    gint64 pads[4])
{
  const GstVkInceptionShape *x = &shapes[node->inputs[0]];
  gint64 in[2] = { x->dims[2], x->dims[3] }, o[2];
  resolve_window (&node->win, in, o, pads);
}

void
vki_op_describe_copy (guint32 outer, guint32 block, guint32 in_off,
    guint32 out_off, guint32 out_ostride, VkiOpDesc * desc)
{
  guint32 spec[] = { outer, block, 1, 1, in_off, out_off, out_ostride, 0, 0, 0,
    0
  };
  memset (desc, 0, sizeof (*desc));
  desc->shader = &vki_shader_eltwise;
  memcpy (desc->spec, spec, sizeof (spec));
  desc->n_spec = G_N_ELEMENTS (spec);
  /* The shader loops over the rest (grid stride). */
  desc->global[0] = MIN (block, 65535u);
  desc->global[1] = outer;
  desc->global[2] = 1;
  desc->dims = 1;
}

static void
set_spec (VkiOpDesc * desc, const guint32 * spec, guint n)
{
  memcpy (desc->spec, spec, n * sizeof (guint32));
  desc->n_spec = n;
}

/* conv_split.comp and gemm.comp: one SPLIT_WG-invocation workgroup per
 * SPLIT_WG / @split of the @items outputs, as a flat dispatch (folded into
 * y past the workgroup count limit). */
static void
set_split_dispatch (VkiOpDesc * desc, gint64 items, guint32 split)
{
  desc->global[0] = (guint32) (ceil_div (items, SPLIT_WG / split) * SPLIT_WG);
  desc->global[1] = desc->global[2] = 1;
  desc->local[0] = SPLIT_WG;
  desc->local[1] = desc->local[2] = 1;
  desc->dims = 1;
  desc->fold = TRUE;
}

/* The tiled shaders (conv_tiled, pool_tiled, lrn_tiled): parameters as
 * specialization constants and push constants, reads through the three
 * texel views, and a flat dispatch of @invocations (folded into y past the
 * workgroup count limit). */
static void
set_tiled (VkiOpDesc * desc, const VkiShader * shader, const guint32 * spec,
    guint n_spec, const guint32 * push, guint n_push, gint64 invocations)
{
  set_spec (desc, spec, n_spec);
  memcpy (desc->push, push, n_push * sizeof (guint32));
  desc->n_push = n_push;
  desc->shader = shader;
  desc->n_texels = 3;
  desc->global[0] = (guint32) invocations;
  desc->global[1] = desc->global[2] = 1;
  desc->dims = 1;
  desc->fold = TRUE;
}

static guint32
float_bits (float f)
{
  guint32 u;
  memcpy (&u, &f, sizeof (u));
  return u;
}

/* The bits of 2^-w_exp, the factor that undoes scale_weights() in the
 * shaders (a specialization or push constant). */
static guint32
w_unscale (const VkiOpPlace * p)
{
  return float_bits (ldexpf (1.0f, -p->w_exp));
}

/* Whether a window row's input span fits span.glsl's (SPAN_FITS there). */
static gboolean
span_fits (const VkiWindow * win)
{
  return win->kernel[1] <= TILED_KW_MAX && (TILED_NX - 1) * win->stride[1]
      + (win->kernel[1] - 1) * win->dilation[1] + 1 <= TILED_SPAN_MAX;
}

guint32
vki_op_subgroup_weights (GstVkInceptionDevice * dev, VkiShaderPolicy policy)
{
  guint32 sg = dev->subgroup_size;

  if (policy != VKI_SHADER_POLICY_CPU
      || dev->props.deviceType != VK_PHYSICAL_DEVICE_TYPE_CPU
      || !dev->has_subgroup_shuffle || sg < 8 || sg > 64 || (sg & (sg - 1))
      || g_strcmp0 (g_getenv ("VKINCEPTION_SUBGROUP_WEIGHTS"), "0") == 0)
    return 0;
  return sg;
}

gboolean
vki_op_image_reads (GstVkInceptionDevice * dev,
    GstVkInceptionPrecision precision)
{
  return precision == GST_VK_INCEPTION_PRECISION_FP32
      && dev->props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU
      && dev->has_image_reads
      && g_strcmp0 (g_getenv ("VKINCEPTION_IMAGE_READS"), "0") != 0;
}

gboolean
vki_op_vec_stores (GstVkInceptionDevice * dev)
{
  return dev->props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU
      && g_strcmp0 (g_getenv ("VKINCEPTION_VEC_STORES"), "0") != 0;
}

gboolean
vki_op_vec_rows (const VkiOpPlace * p, gint64 row_len)
{
  return p->vec_out && row_len % 4 == 0 && p->out_off % 4 == 0
      && p->out_bstride % 4 == 0;
}

/* Whether an op's input rows of @row_len floats, from its input offset,
 * all start on a whole vec4, so that they can be read as aligned RGBA32F
 * texels. */
static gboolean
vec_rows_in (const VkiOpPlace * p, gint64 row_len)
{
  return row_len % 4 == 0 && p->in_off % 4 == 0;
}

static void
describe_conv_tiled (VkiNode * node, const GstVkInceptionShape * x,
    const GstVkInceptionShape * y, const gint64 pads[4], const VkiOpPlace * p,
    guint32 relu, VkiOpDesc * desc)
{
  const VkiWindow *win = &node->win;
  guint32 cov = tiled_cov (y->dims[1]);
  guint32 h = x->dims[2], w = x->dims[3], oh = y->dims[2], ow = y->dims[3];
  guint32 vec_in, vec_span, vec_out, sg = 0;
  gboolean share;
  gint64 blocks, invocations;

  /* A pointwise convolution is one long row: blocks of 8 pixels run across
   * row ends (output pixel i reads input pixel i). */
  if (win->kernel[0] == 1 && win->kernel[1] == 1 && win->stride[0] == 1
      && win->stride[1] == 1 && pads[0] == 0 && pads[1] == 0) {
    w = ow = h * w;
    h = oh = 1;
  }
  /* A block's 8 inputs are contiguous: two RGBA32F fetches in rows of
   * whole 16-byte units (1), three at any other alignment (2: 7x7 planes,
   * where 8 scalar fetches took a fifth longer). */
  vec_in = win->kernel[1] == 1 && win->stride[1] == 1 && pads[1] == 0 ?
      (vec_rows_in (p, w) ? 1 : 2) : 0;
  /* Weight fetches shared by a subgroup (conv_tiled_sg), which pads each
   * (image, channel block)'s pixel blocks to whole subgroups: where that
   * adds at most a third of them (not on Winograd's 14x14 products, 2
   * blocks a plane), on the span path, and pointwise where one fetch holds
   * the weights of 8 / COV input channels (CIN a multiple of that) and the
   * net reads images (with texelFetch, a function call on llvmpipe, the
   * shuffles cost more than the fetches they save: docs/performance.md). */
  blocks = (gint64) oh * ceil_div (ow, TILED_NX);
  share = vec_in ? p->image_reads && x->dims[1] % (8 / cov) == 0 :
      span_fits (win);
  if (share && p->subgroup
      && ceil_div (blocks, p->subgroup) * p->subgroup * 3 <= blocks * 4) {
    sg = p->subgroup;
    blocks = ceil_div (blocks, sg) * sg;
  }
  invocations = x->dims[0] * ceil_div (y->dims[1], 4 * cov) * blocks;
  /* Spans as vec4 fetches (span.glsl): the aligned ones covering a span in
   * rows of whole vec4s (any stride and dilation: a span is contiguous and
   * starts at -PAD_L modulo 4), else those from the one holding its first
   * column (14x14 and 7x7 planes; docs/performance.md, "Spans at any
   * alignment"). */
  vec_span = !vec_in && vec_rows_in (p, w);
  vec_out = vki_op_vec_rows (p, ow);
  {
    guint32 spec[] = { win->kernel[0], win->kernel[1], win->stride[0],
      win->stride[1], pads[0], pads[1], win->dilation[0], win->dilation[1],
      node->bias >= 0, relu, cov, vec_in, vec_span,
      vki_op_fast_div (invocations), MAX (sg, 1), vec_out
    };
    guint32 push[] = { x->dims[0], x->dims[1], h, w, y->dims[1], oh, ow,
      p->in_off, p->out_off, p->out_bstride, p->w_off, p->b_off, p->w_nstride,
      w_unscale (p)
    };
    set_tiled (desc, sg ? &vki_shader_conv_tiled_sg :
        &vki_shader_conv_tiled, spec, G_N_ELEMENTS (spec), push,
        G_N_ELEMENTS (push), invocations);
  }
}

static void
describe_maxpool_tiled (VkiNode * node, const GstVkInceptionShape * x,
    const GstVkInceptionShape * y, const gint64 pads[4], const VkiOpPlace * p,
    guint32 relu, VkiOpDesc * desc)
{
  const VkiWindow *win = &node->win;
  /* Spans as vec4 fetches (span.glsl): aligned in rows of whole vec4s,
   * else from the one holding the span's first column. */
  guint32 vec_span = vec_rows_in (p, x->dims[3]);
  gint64 invocations = x->dims[0] * x->dims[1] * y->dims[2] *
      ceil_div (y->dims[3], TILED_NX);
  guint32 spec[] = { win->kernel[0], win->kernel[1], win->stride[0],
    win->stride[1], pads[0], pads[1], win->dilation[0], win->dilation[1],
    relu, vec_span, vki_op_fast_div (invocations)
  };
  guint32 push[] = { x->dims[0] * x->dims[1], x->dims[1], x->dims[2],
    x->dims[3], y->dims[2], y->dims[3], p->in_off, p->out_off,
    p->out_bstride
  };
  set_tiled (desc, &vki_shader_pool_tiled, spec, G_N_ELEMENTS (spec), push,
      G_N_ELEMENTS (push), invocations);
}

/* lrn_tiled.comp: 4 pixels x LRN_CHUNK channels per invocation, over a
 * plane of @hw (a multiple of 4) pixels. */
static void
describe_lrn_tiled (const VkiNode * node, const GstVkInceptionShape * x,
    gint64 hw, const VkiOpPlace * p, VkiOpDesc * desc)
{
  gint64 invocations = x->dims[0] * ceil_div (x->dims[1], LRN_CHUNK) *
      (hw / 4);
  guint32 spec[] = { node->lrn.size, float_bits (node->lrn.alpha),
    float_bits (node->lrn.beta), float_bits (node->lrn.bias),
    vki_op_fast_div (invocations)
  };
  guint32 push[] = { x->dims[0], x->dims[1], hw, p->in_off, p->out_off,
    p->out_bstride
  };
  set_tiled (desc, &vki_shader_lrn_tiled, spec, G_N_ELEMENTS (spec), push,
      G_N_ELEMENTS (push), invocations);
}

static void
describe_global_avgpool (const GstVkInceptionShape * x, const VkiOpPlace * p,
    guint32 relu, VkiOpDesc * desc)
{
  guint32 spec[] = { x->dims[0] * x->dims[1], x->dims[1],
    prod (x, 2, x->rank), p->in_off, p->out_off, p->out_bstride, relu
  };
  set_spec (desc, spec, G_N_ELEMENTS (spec));
  desc->shader = &vki_shader_global_avgpool;
  desc->global[0] = x->dims[0] * x->dims[1];
  desc->dims = 1;
}

void
vki_op_describe (VkiNode * node, const GstVkInceptionShape * shapes,
    const VkiOpPlace * p, VkiOpDesc * desc)
{
  const GstVkInceptionShape *x = &shapes[node->inputs[0]];
  const GstVkInceptionShape *y = &shapes[node->output];
  guint32 relu = node->relu ? 1 : 0;

  memset (desc, 0, sizeof (*desc));
  desc->global[0] = desc->global[1] = desc->global[2] = 1;

  switch (node->type) {
    case VKI_OP_CONV:{
      gint64 in[2] = { x->dims[2], x->dims[3] }, o[2], pads[4];
      guint32 co_blocks = (guint32) ceil_div (y->dims[1], CONV_CO_PER);
      resolve_window (&node->win, in, o, pads);
      if (p->conv == VKI_CONV_TILED) {
        describe_conv_tiled (node, x, y, pads, p, relu, desc);
        break;
      }
      {
        /* conv.comp's constants, which conv_gemm.comp takes too;
         * conv_split.comp's SPLIT (23, 1 for the others). */
        guint32 spec[] = { x->dims[0], x->dims[1], x->dims[2], x->dims[3],
          y->dims[1], y->dims[2], y->dims[3], node->win.kernel[0],
          node->win.kernel[1], node->win.stride[0], node->win.stride[1],
          pads[0], pads[1], node->win.dilation[0], node->win.dilation[1],
          p->in_off, p->out_off, p->out_bstride, p->w_off, p->b_off,
          node->bias >= 0, relu, p->w_nstride,
          p->conv == VKI_CONV_SPLIT ? p->split : 1,
          w_unscale (p)
        };
        set_spec (desc, spec, G_N_ELEMENTS (spec));
      }
      if (p->conv == VKI_CONV_GEMM) {
        gint64 groups[2];
        /* Its pixels span images, so they share one filter set: never
         * Winograd's batched product, whose images each have their own. */
        g_assert (p->w_nstride == 0);
        gemm_groups (y, groups);
        desc->shader = &vki_shader_conv_gemm;
        desc->global[0] = (guint32) (groups[0] * GEMM_WG);
        desc->global[1] = (guint32) groups[1];
        desc->local[0] = GEMM_WG;
        desc->local[1] = desc->local[2] = 1;
        desc->dims = 1;
        break;
      }
      if (p->conv == VKI_CONV_SPLIT) {
        desc->shader = &vki_shader_conv_split;
        set_split_dispatch (desc, (gint64) y->dims[0] * co_blocks
            * y->dims[2] * y->dims[3], p->split);
        break;
      }
      desc->shader = &vki_shader_conv;
      desc->global[0] = y->dims[3];
      desc->global[1] = y->dims[2];
      desc->global[2] = y->dims[0] * co_blocks;
      desc->dims = 2;
      break;
    }
    case VKI_OP_MAXPOOL:
    case VKI_OP_AVGPOOL:{
      gint64 in[2] = { x->dims[2], x->dims[3] }, o[2], pads[4];
      resolve_window (&node->win, in, o, pads);
      /* One window over the whole unpadded plane (BVLC GoogLeNet's pool5):
       * a GlobalAveragePool, whose shader sums each plane in one loop. */
      if (node->type == VKI_OP_AVGPOOL && (pads[0] | pads[1] | pads[2]
              | pads[3]) == 0 && node->win.kernel[0] == in[0]
          && node->win.kernel[1] == in[1] && o[0] == 1 && o[1] == 1) {
        describe_global_avgpool (x, p, relu, desc);
        break;
      }
      if (p->tiled && node->type == VKI_OP_MAXPOOL && span_fits (&node->win)) {
        describe_maxpool_tiled (node, x, y, pads, p, relu, desc);
        break;
      }
      {
        guint32 spec[] = { x->dims[0] * x->dims[1], x->dims[1], x->dims[2],
          x->dims[3], y->dims[2], y->dims[3], node->win.kernel[0],
          node->win.kernel[1], node->win.stride[0], node->win.stride[1],
          pads[0], pads[1], pads[2], pads[3], node->win.dilation[0],
          node->win.dilation[1], node->type == VKI_OP_AVGPOOL,
          node->win.count_include_pad, p->in_off, p->out_off, p->out_bstride,
          relu
        };
        set_spec (desc, spec, G_N_ELEMENTS (spec));
      }
      if (p->tiled) {
        desc->shader = &vki_shader_pool_texel;
        desc->n_texels = 3;
      } else {
        desc->shader = &vki_shader_pool;
      }
      desc->global[0] = y->dims[3];
      desc->global[1] = y->dims[2];
      desc->global[2] = x->dims[0] * x->dims[1];
      desc->dims = 2;
      break;
    }
    case VKI_OP_GLOBALAVGPOOL:{
      describe_global_avgpool (x, p, relu, desc);
      break;
    }
    case VKI_OP_LRN:{
      gint64 hw = prod (x, 2, x->rank);
      if (p->conv == VKI_CONV_TILED && vec_rows_in (p, hw)
          && node->lrn.size <= LRN_SIZE_MAX) {
        describe_lrn_tiled (node, x, hw, p, desc);
        break;
      }
      {
        guint32 spec[] = { x->dims[0], x->dims[1], hw, node->lrn.size,
          float_bits (node->lrn.alpha), float_bits (node->lrn.beta),
          float_bits (node->lrn.bias), p->in_off, p->out_off, p->out_bstride
        };
        set_spec (desc, spec, G_N_ELEMENTS (spec));
      }
      desc->shader = &vki_shader_lrn;
      desc->global[0] = hw;
      desc->global[1] = x->dims[1];
      desc->global[2] = x->dims[0];
      desc->dims = 1;
      break;
    }
    case VKI_OP_GEMM:{
      guint32 spec[] = { y->dims[0], y->dims[1], node->gemm.k,
        node->gemm.trans_a, gemm_bias_mode (node, y->dims[0]), p->in_off,
        p->out_off, p->out_bstride, p->w_off, p->b_off, relu, p->split,
        w_unscale (p)
      };
      set_spec (desc, spec, G_N_ELEMENTS (spec));
      /* Rows of A and B as whole texels (B's offset is WEIGHT_ALIGN'd). */
      if (p->conv == VKI_CONV_TILED && !node->gemm.trans_a
          && vec_rows_in (p, node->gemm.k)) {
        desc->shader = &vki_shader_gemm_texel;
        desc->n_texels = 3;
      } else {
        desc->shader = &vki_shader_gemm;
      }
      set_split_dispatch (desc, (gint64) y->dims[0] * y->dims[1], p->split);
      break;
    }
    case VKI_OP_SOFTMAX:{
      gint64 axis = normalise_axis (node->axis, x->rank);
      guint32 outer = prod (x, 0, axis);
      guint32 len = node->softmax_legacy ? prod (x, axis, x->rank)
          : x->dims[axis];
      guint32 inner = node->softmax_legacy ? 1 : prod (x, axis + 1, x->rank);
      guint32 spec[] = { outer, len, inner, p->in_off, p->out_off };
      set_spec (desc, spec, G_N_ELEMENTS (spec));
      desc->shader = &vki_shader_softmax;
      desc->global[0] = inner;
      desc->global[1] = outer;
      desc->dims = 1;
      break;
    }
    case VKI_OP_RELU:
    case VKI_OP_AFFINE:{
      gboolean affine = node->type == VKI_OP_AFFINE;
      guint32 outer = x->rank ? x->dims[0] : 1;
      guint32 block = prod (x, 1, x->rank);
      guint32 spec[] = { outer, block, affine ? x->dims[1] : 1,
        affine ? prod (x, 2, x->rank) : 1, p->in_off, p->out_off,
        p->out_bstride, affine, p->w_off, p->b_off,
        node->type == VKI_OP_RELU || node->relu
      };
      set_spec (desc, spec, G_N_ELEMENTS (spec));
      desc->shader = &vki_shader_eltwise;
      desc->global[0] = MIN (block, 65535u);
      desc->global[1] = outer;
      desc->dims = 1;
      break;
    }
    default:
      g_assert_not_reached ();
  }
}

void
vki_op_count (GstVkInceptionModel * m, VkiNode * node,
    const GstVkInceptionShape * shapes, guint64 * params, guint64 * macs)
{
  const GstVkInceptionShape *y = &shapes[node->output];
  VkiTensor *w = node->weight >= 0 ? vki_model_tensor (m, node->weight) : NULL;
  VkiTensor *b = node->bias >= 0 ? vki_model_tensor (m, node->bias) : NULL;

  *params = 0;
  *macs = 0;
  if (w)
    *params += prod (&w->shape, 0, w->shape.rank);
  if (b)
    *params += prod (&b->shape, 0, b->shape.rank);
  if (node->type == VKI_OP_CONV)
    *macs = (guint64) prod (y, 0, 4) * prod (&w->shape, 1, 4);
  else if (node->type == VKI_OP_GEMM)
    *macs = (guint64) prod (y, 0, 2) * node->gemm.k;
}
