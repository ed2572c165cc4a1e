/* Loading an ONNX file into the engine's graph (graph.h).
 *
 * The file is untrusted. protobuf-c does the decoding (the schema is compiled
 * from Debian's onnx.proto at build time); everything it yields is checked
 * here before use: element types, dimension products, data sizes, attribute
 * types and values, and that every tensor a node reads exists. */
#include "error.h"
#include "graph.h"
#include "onnx.pb-c.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>


/* protobuf-c decodes nested messages recursively; a hostile file could nest
 * attribute subgraphs deep enough to exhaust the stack. ONNX models nest a
 * handful of levels. */
#define MAX_MESSAGE_DEPTH 32
#define MAX_ONNX_OPSET 21

typedef struct
{
  GstVkInceptionModel *m;
  GHashTable *by_name;          /* name -> tensor index + 1 */
  GHashTable *alias;            /* removed tensor name -> replacement name */
} LoadCtx;

/* ------------------------------------------------------------------ shapes */

gint64
vki_shape_numel (const GstVkInceptionShape * s, gint64 limit)
{
  gint64 n = 1;
  if (s->rank > GST_VK_INCEPTION_MAX_RANK)
    return -1;
  for (guint i = 0; i < s->rank; i++) {
    if (s->dims[i] < 0)
      return -1;
    if (s->dims[i] != 0 && n > limit / s->dims[i])
      return -1;
    n *= s->dims[i];
  }
  return n <= limit ? n : -1;
}

const gchar *
vki_shape_to_string (const GstVkInceptionShape * s, gchar * buf, gsize len)
{
  gsize pos = 0;
  buf[0] = '\0';
  if (s->rank == 0)
    g_strlcpy (buf, "scalar", len);
  if (s->rank > GST_VK_INCEPTION_MAX_RANK) {
    g_snprintf (buf, len, "rank %u", s->rank);
    return buf;
  }
  for (guint i = 0; i < s->rank && pos < len; i++) {
    if (s->dims[i] < 0)
      pos += g_snprintf (buf + pos, len - pos, "%s?", i ? "x" : "");
    else
      pos += g_snprintf (buf + pos, len - pos, "%s%" G_GINT64_FORMAT,
          i ? "x" : "", s->dims[i]);
  }
  return buf;
}

/* ------------------------------------------------------------- depth guard */

static gboolean
read_varint (const guint8 ** p, const guint8 * end, guint64 * v)
{
  *v = 0;
  for (guint shift = 0; shift < 64; shift += 7) {
    if (*p >= end)
      return FALSE;
    *v |= (guint64) (**p & 0x7f) << shift;
    if (!(*(*p)++ & 0x80))
      return TRUE;
  }
  return FALSE;
}

/* Walks the wire format using the generated descriptors, only to bound the
 * nesting depth before protobuf-c recurses. Malformed data is left for
 * protobuf-c to reject. */
static gboolean
check_depth (const guint8 * p, const guint8 * end,
    const ProtobufCMessageDescriptor * desc, guint depth)
{
  if (depth > MAX_MESSAGE_DEPTH)
    return FALSE;
  while (p < end) {
    guint64 tag, len;
    if (!read_varint (&p, end, &tag))
      return TRUE;
    switch (tag & 7) {
      case 0:
        if (!read_varint (&p, end, &len))
          return TRUE;
        break;
      case 1:
        p += MIN (8, end - p);
        break;
      case 5:
        p += MIN (4, end - p);
        break;
      case 2:{
        const ProtobufCFieldDescriptor *f;
        if (!read_varint (&p, end, &len) || len > (guint64) (end - p))
          return TRUE;
        f = protobuf_c_message_descriptor_get_field (desc, (unsigned) (tag >> 3));
        if (f && f->type == PROTOBUF_C_TYPE_MESSAGE
            && !check_depth (p, p + len, f->descriptor, depth + 1))
          return FALSE;
        p += len;
        break;
      }
      default:
        return TRUE;
    }
  }
  return TRUE;
}

/* ------------------------------------------------------------------ errors */

static void
node_error (LoadCtx * ctx, const Onnx__NodeProto * n, GError ** error,
    GstVkInceptionError code, const gchar * format, ...) G_GNUC_PRINTF (5, 6);

static const gchar *
node_display_name (const Onnx__NodeProto * n)
{
  if (n->name && *n->name)
    return n->name;
  if (n->n_output > 0 && n->output[0])
    return n->output[0];
  return "(unnamed)";
}

static void
node_error (LoadCtx * ctx, const Onnx__NodeProto * n, GError ** error,
    GstVkInceptionError code, const gchar * format, ...)
{
  va_list args;
  gchar *msg;

  gchar *name = vki_printable (node_display_name (n));
  gchar *op = vki_printable (n->op_type ? n->op_type : "?");

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, GST_VK_INCEPTION_ERROR, code, "%s: node '%s' (%s): %s",
      ctx->m->name, name, op, msg);
  g_free (msg);
  g_free (name);
  g_free (op);
}

/* -------------------------------------------------------------- attributes */

static const Onnx__AttributeProto *
find_attr (const Onnx__NodeProto * n, const gchar * name)
{
  for (gsize i = 0; i < n->n_attribute; i++)
    if (n->attribute[i]->name && strcmp (n->attribute[i]->name, name) == 0)
      return n->attribute[i];
  return NULL;
}

static gboolean
attr_int (LoadCtx * ctx, const Onnx__NodeProto * n, const gchar * name,
    gint64 def, gint64 * out, GError ** error)
{
  const Onnx__AttributeProto *a = find_attr (n, name);
  *out = def;
  if (!a)
    return TRUE;
  if ((a->has_type && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT)
      || (!a->has_type && !a->has_i)) {
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
        "attribute '%s' must be an integer", name);
    return FALSE;
  }
  *out = a->i;
  return TRUE;
}

static gboolean
attr_float (LoadCtx * ctx, const Onnx__NodeProto * n, const gchar * name,
    float def, float *out, GError ** error)
{
  const Onnx__AttributeProto *a = find_attr (n, name);
  *out = def;
  if (!a)
    return TRUE;
  if ((a->has_type && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT)
      || (!a->has_type && !a->has_f)) {
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
        "attribute '%s' must be a float", name);
    return FALSE;
  }
  if (!isfinite (a->f)) {
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
        "attribute '%s' is not finite", name);
    return FALSE;
  }
  *out = a->f;
  return TRUE;
}

/* Reads an INTS attribute into @out, which holds @capacity values: exactly
 * @capacity of them for a spatial window (@window), else at most that many.
 * Returns the count in @n_out, 0 when absent. */
static gboolean
attr_ints (LoadCtx * ctx, const Onnx__NodeProto * n, const gchar * name,
    gsize capacity, gboolean window, gint64 * out, gsize * n_out,
    GError ** error)
{
  const Onnx__AttributeProto *a = find_attr (n, name);
  *n_out = 0;
  if (!a)
    return TRUE;
  if (a->has_type && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS) {
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
        "attribute '%s' must be a list of integers", name);
    return FALSE;
  }
  if (window && a->n_ints != capacity) {
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
        "attribute '%s' has %" G_GSIZE_FORMAT " values; %" G_GSIZE_FORMAT
        " expected (only 2-D spatial windows are supported)", name,
        a->n_ints, capacity);
    return FALSE;
  }
  if (a->n_ints > capacity) {
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
        "attribute '%s' has %" G_GSIZE_FORMAT " values; at most %"
        G_GSIZE_FORMAT " are supported", name, a->n_ints, capacity);
    return FALSE;
  }
  memcpy (out, a->ints, a->n_ints * sizeof (gint64));
  *n_out = a->n_ints;
  return TRUE;
}

static gboolean
attr_string (LoadCtx * ctx, const Onnx__NodeProto * n, const gchar * name,
    const gchar * def, gchar ** out, GError ** error)
{
  const Onnx__AttributeProto *a = find_attr (n, name);
  if (!a) {
    *out = g_strdup (def);
    return TRUE;
  }
  if ((a->has_type && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING)
      || (!a->has_type && !a->has_s)) {
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
        "attribute '%s' must be a string", name);
    return FALSE;
  }
  *out = g_strndup ((const gchar *) a->s.data, a->s.len);
  return TRUE;
}

/* ----------------------------------------------------------------- tensors */

static VkiTensor *
tensor_new (LoadCtx * ctx, const gchar * name, gint * index)
{
  VkiTensor *t = g_new0 (VkiTensor, 1);
  t->name = g_strdup (name);
  t->producer = -1;
  g_ptr_array_add (ctx->m->tensors, t);
  *index = (gint) ctx->m->tensors->len - 1;
  g_hash_table_insert (ctx->by_name, t->name, GINT_TO_POINTER (*index + 1));
  return t;
}

static gint
lookup (LoadCtx * ctx, const gchar * name)
{
  const gchar *alias;
  while ((alias = g_hash_table_lookup (ctx->alias, name)))
    name = alias;
  return GPOINTER_TO_INT (g_hash_table_lookup (ctx->by_name, name)) - 1;
}

gboolean
vki_model_claim (GstVkInceptionModel * m, const gchar * what, gint64 bytes,
    GError ** error)
{
  if (bytes < 0 || bytes > VKI_MAX_TENSOR_BYTES - m->total_bytes) {
    gchar *b = g_format_size_full ((guint64) MAX (bytes, 0),
        G_FORMAT_SIZE_IEC_UNITS);
    gchar *l = g_format_size_full (VKI_MAX_TENSOR_BYTES,
        G_FORMAT_SIZE_IEC_UNITS);
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_TOO_LARGE,
        "%s: %s needs %s, over the model limit of %s in all", m->name,
        what, b, l);
    g_free (b);
    g_free (l);
    return FALSE;
  }
  m->total_bytes += bytes;
  return TRUE;
}

static gboolean
claim_bytes (LoadCtx * ctx, const gchar * what, gint64 bytes, GError ** error)
{
  return vki_model_claim (ctx->m, what, bytes, error);
}

/* Converts a TensorProto into a float or int64 constant. */
static gboolean
tensor_from_proto (LoadCtx * ctx, const Onnx__TensorProto * tp,
    const gchar * name, GError ** error)
{
  GstVkInceptionShape shape = { 0 };
  gint64 numel, elem_size, bytes;
  gint idx;
  VkiTensor *t;
  gchar *safe = vki_printable (name);
  gchar *what = g_strdup_printf ("tensor '%s'", safe);
  gboolean ok = FALSE;

  if (tp->has_data_location
      && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_UNSUPPORTED,
        "%s: %s keeps its data in an external file, which is not supported",
        ctx->m->name, what);
    goto out;
  }
  if (tp->segment) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_UNSUPPORTED, "%s: %s is segmented",
        ctx->m->name, what);
    goto out;
  }
  if (tp->n_dims > GST_VK_INCEPTION_MAX_RANK) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_UNSUPPORTED,
        "%s: %s has rank %" G_GSIZE_FORMAT "; at most %d is supported",
        ctx->m->name, what, tp->n_dims, GST_VK_INCEPTION_MAX_RANK);
    goto out;
  }
  shape.rank = (guint) tp->n_dims;
  for (gsize i = 0; i < tp->n_dims; i++) {
    if (tp->dims[i] < 0) {
      g_set_error (error, GST_VK_INCEPTION_ERROR,
          GST_VK_INCEPTION_ERROR_INVALID_MODEL,
          "%s: %s has a negative dimension", ctx->m->name, what);
      goto out;
    }
    shape.dims[i] = tp->dims[i];
  }

  switch (tp->data_type) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
      elem_size = 4;
      break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
      elem_size = 8;
      break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
      elem_size = 4;
      break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL:
      /* One byte each in raw_data; int32_data otherwise. */
      elem_size = 1;
      break;
    default:
      g_set_error (error, GST_VK_INCEPTION_ERROR,
          GST_VK_INCEPTION_ERROR_UNSUPPORTED,
          "%s: %s has ONNX data type %d; only float32, int64, int32 and "
          "bool constants are supported", ctx->m->name, what, tp->data_type);
      goto out;
  }
  numel = vki_shape_numel (&shape, VKI_MAX_TENSOR_BYTES / elem_size);
  if (numel < 0) {
    gchar buf[128];
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_TOO_LARGE,
        "%s: %s has dimensions %s, over the limit of %" G_GINT64_FORMAT
        " bytes", ctx->m->name, what, vki_shape_to_string (&shape, buf,
            sizeof (buf)), VKI_MAX_TENSOR_BYTES);
    goto out;
  }
  bytes = numel * elem_size;

  if (tp->has_raw_data) {
    if ((gint64) tp->raw_data.len != bytes) {
      gchar *claimed = g_format_size_full ((guint64) bytes, G_FORMAT_SIZE_IEC_UNITS);
      gchar *has = g_format_size_full (tp->raw_data.len, G_FORMAT_SIZE_IEC_UNITS);
      g_set_error (error, GST_VK_INCEPTION_ERROR,
          GST_VK_INCEPTION_ERROR_INVALID_MODEL,
          "%s: %s claims %s, file has %s", ctx->m->name, what, claimed, has);
      g_free (claimed);
      g_free (has);
      goto out;
    }
  } else {
    gsize have;
    switch (tp->data_type) {
      case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
        have = tp->n_float_data;
        break;
      case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
        have = tp->n_int64_data;
        break;
      default:
        have = tp->n_int32_data;
        break;
    }
    if ((gint64) have != numel) {
      g_set_error (error, GST_VK_INCEPTION_ERROR,
          GST_VK_INCEPTION_ERROR_INVALID_MODEL,
          "%s: %s claims %" G_GINT64_FORMAT " values, file has %"
          G_GSIZE_FORMAT, ctx->m->name, what, numel, have);
      goto out;
    }
  }
  /* Integer and bool constants are stored as int64. */
  if (!claim_bytes (ctx, what, tp->data_type ==
          ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT ? bytes : numel * 8, error))
    goto out;

  if (g_hash_table_contains (ctx->by_name, name)
      || g_hash_table_contains (ctx->alias, name)) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_INVALID_MODEL, "%s: %s is defined twice",
        ctx->m->name, what);
    goto out;
  }
  t = tensor_new (ctx, name, &idx);
  t->shape = shape;
  t->is_const = TRUE;
  if (tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT) {
    t->data = g_new0 (float, MAX (numel, 1));
    /* raw_data is little-endian, as is every host we build for. */
    if (bytes > 0)
      memcpy (t->data, tp->has_raw_data ? (const void *) tp->raw_data.data
          : (const void *) tp->float_data, bytes);
    for (gint64 i = 0; i < numel; i++) {
      if (!isfinite (t->data[i])) {
        g_set_error (error, GST_VK_INCEPTION_ERROR,
            GST_VK_INCEPTION_ERROR_INVALID_MODEL,
            "%s: %s holds a value that is not finite", ctx->m->name, what);
        goto out;
      }
    }
  } else {
    /* Integer and bool constants are kept as int64 (shapes, flags). */
    t->idata = g_new (gint64, MAX (numel, 1));
    for (gint64 i = 0; i < numel; i++) {
      if (tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64) {
        if (tp->has_raw_data)
          memcpy (&t->idata[i], tp->raw_data.data + 8 * i, 8);
        else
          t->idata[i] = tp->int64_data[i];
      } else if (!tp->has_raw_data) {
        t->idata[i] = tp->int32_data[i];
      } else if (elem_size == 4) {
        gint32 v;
        memcpy (&v, tp->raw_data.data + 4 * i, 4);
        t->idata[i] = v;
      } else {
        t->idata[i] = tp->raw_data.data[i] != 0;
      }
    }
  }
  ok = TRUE;
out:
  g_free (what);
  g_free (safe);
  return ok;
}

/* ------------------------------------------------------------------- nodes */

/* The tensor a node reads at position @i, which must exist. */
static gboolean
node_input (LoadCtx * ctx, const Onnx__NodeProto * n, gsize i, gint * out,
    GError ** error)
{
  gint idx;
  if (i >= n->n_input || !n->input[i] || !*n->input[i]) {
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
        "input %" G_GSIZE_FORMAT " is missing", i);
    return FALSE;
  }
  idx = lookup (ctx, n->input[i]);
  if (idx < 0) {
    gchar *in = vki_printable (n->input[i]);
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
        "input '%s' is neither an initializer, a graph input nor the output "
        "of an earlier node", in);
    g_free (in);
    return FALSE;
  }
  *out = idx;
  return TRUE;
}

static gboolean
has_input (const Onnx__NodeProto * n, gsize i)
{
  return i < n->n_input && n->input[i] && *n->input[i];
}

/* A constant float input of the given rank (-1: any). */
static gboolean
const_input (LoadCtx * ctx, const Onnx__NodeProto * n, gsize i, gint rank,
    const gchar * role, gint * out, GError ** error)
{
  VkiTensor *t;
  if (!node_input (ctx, n, i, out, error))
    return FALSE;
  t = vki_model_tensor (ctx->m, *out);
  if (!t->is_const || !t->data) {
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
        "%s '%s' must be a float32 initializer or constant", role, t->name);
    return FALSE;
  }
  if (rank >= 0 && t->shape.rank != (guint) rank) {
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
        "%s '%s' has rank %u; rank %d expected", role, t->name, t->shape.rank,
        rank);
    return FALSE;
  }
  return TRUE;
}

static gboolean
parse_auto_pad (LoadCtx * ctx, const Onnx__NodeProto * n, VkiWindow * w,
    GError ** error)
{
  gchar *s;
  gboolean ok = TRUE;
  if (!attr_string (ctx, n, "auto_pad", "NOTSET", &s, error))
    return FALSE;
  if (g_str_equal (s, "NOTSET") || *s == '\0')
    w->auto_pad = VKI_AUTO_PAD_NOTSET;
  else if (g_str_equal (s, "SAME_UPPER"))
    w->auto_pad = VKI_AUTO_PAD_SAME_UPPER;
  else if (g_str_equal (s, "SAME_LOWER"))
    w->auto_pad = VKI_AUTO_PAD_SAME_LOWER;
  else if (g_str_equal (s, "VALID"))
    w->auto_pad = VKI_AUTO_PAD_VALID;
  else {
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
        "unknown auto_pad '%s'", s);
    ok = FALSE;
  }
  g_free (s);
  return ok;
}

/* kernel_shape, strides, pads, dilations, auto_pad, ceil_mode and
 * count_include_pad, shared by Conv and the pools. */
static gboolean
parse_window (LoadCtx * ctx, const Onnx__NodeProto * n, VkiWindow * w,
    gboolean need_kernel, GError ** error)
{
  gint64 v[4];
  gsize k;
  gint64 flag;

  memset (w, 0, sizeof (*w));
  w->stride[0] = w->stride[1] = 1;
  w->dilation[0] = w->dilation[1] = 1;

  if (!attr_ints (ctx, n, "kernel_shape", 2, TRUE, v, &k, error))
    return FALSE;
  if (k == 2) {
    w->kernel[0] = v[0];
    w->kernel[1] = v[1];
  } else if (need_kernel) {
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
        "attribute 'kernel_shape' is missing");
    return FALSE;
  }
  if (!attr_ints (ctx, n, "strides", 2, TRUE, v, &k, error))
    return FALSE;
  if (k == 2) {
    w->stride[0] = v[0];
    w->stride[1] = v[1];
  }
  if (!attr_ints (ctx, n, "dilations", 2, TRUE, v, &k, error))
    return FALSE;
  if (k == 2) {
    w->dilation[0] = v[0];
    w->dilation[1] = v[1];
  }
  if (!attr_ints (ctx, n, "pads", 4, TRUE, v, &k, error))
    return FALSE;
  if (k == 4) {
    /* ONNX orders pads as [h_begin, w_begin, h_end, w_end]. */
    memcpy (w->pads, v, sizeof (w->pads));
  }
  if (!parse_auto_pad (ctx, n, w, error))
    return FALSE;
  if (!attr_int (ctx, n, "ceil_mode", 0, &flag, error))
    return FALSE;
  w->ceil_mode = flag != 0;
  if (!attr_int (ctx, n, "count_include_pad", 0, &flag, error))
    return FALSE;
  w->count_include_pad = flag != 0;

  for (guint i = 0; i < 2; i++) {
    /* Bounds keep every later index computation inside 32 bits. */
    if ((need_kernel && (w->kernel[i] < 1 || w->kernel[i] > 1024))
        || w->stride[i] < 1 || w->stride[i] > 1024 || w->dilation[i] < 1
        || w->dilation[i] > 1024) {
      node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
          "kernel, strides and dilations must be between 1 and 1024");
      return FALSE;
    }
  }
  for (guint i = 0; i < 4; i++) {
    if (w->pads[i] < 0 || w->pads[i] > 1024) {
      node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
          "pads must be between 0 and 1024");
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
parse_node (LoadCtx * ctx, const Onnx__NodeProto * n, GError ** error)
{
  GstVkInceptionModel *m = ctx->m;
  const gchar *op = n->op_type ? n->op_type : "";
  VkiNode *node;
  VkiTensor *out;
  gint out_idx;
  gboolean ok = FALSE;

  if (n->domain && *n->domain && strcmp (n->domain, "ai.onnx") != 0) {
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
        "unsupported op '%s' from domain '%s'", op, n->domain);
    return FALSE;
  }
  if (n->n_output < 1 || !n->output[0] || !*n->output[0]) {
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
        "node has no output");
    return FALSE;
  }

  /* Ops that only rename their input disappear here. */
  if (g_str_equal (op, "Dropout") || g_str_equal (op, "Identity")) {
    gint in;
    if (!node_input (ctx, n, 0, &in, error))
      return FALSE;
    if (n->n_output > 1 && n->output[1] && *n->output[1]) {
      node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
          "the mask output of Dropout is not supported (inference only)");
      return FALSE;
    }
    if (has_input (n, 2)) {
      /* training_mode = true would make Dropout random. */
      gint tm;
      VkiTensor *t;
      if (!node_input (ctx, n, 2, &tm, error))
        return FALSE;
      t = vki_model_tensor (m, tm);
      if (!t->is_const || vki_shape_numel (&t->shape, 1) != 1
          || (t->idata && t->idata[0] != 0)
          || (t->data && t->data[0] != 0.0f) || (!t->idata && !t->data)) {
        node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
            "Dropout in training mode is not supported (inference only)");
        return FALSE;
      }
    }
    if (g_hash_table_contains (ctx->by_name, n->output[0])
        || g_hash_table_contains (ctx->alias, n->output[0])) {
      node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
          "output '%s' is produced twice", n->output[0]);
      return FALSE;
    }
    g_hash_table_insert (ctx->alias, g_strdup (n->output[0]),
        g_strdup (vki_model_tensor (m, in)->name));
    return TRUE;
  }

  if (g_str_equal (op, "Constant")) {
    const Onnx__AttributeProto *a = find_attr (n, "value");
    if (!a || !a->t) {
      node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
          "only Constant nodes with a 'value' tensor are supported");
      return FALSE;
    }
    return tensor_from_proto (ctx, a->t, n->output[0], error);
  }

  node = g_new0 (VkiNode, 1);
  node->name = vki_printable (node_display_name (n));
  node->weight = node->bias = -1;

  if (g_str_equal (op, "Conv")) {
    gint64 group;
    VkiTensor *w;
    node->type = VKI_OP_CONV;
    node->onnx_op = "Conv";
    node->n_inputs = 1;
    if (!node_input (ctx, n, 0, &node->inputs[0], error)
        || !const_input (ctx, n, 1, 4, "weight", &node->weight, error)
        || !parse_window (ctx, n, &node->win, FALSE, error)
        || !attr_int (ctx, n, "group", 1, &group, error))
      goto out;
    if (group != 1) {
      node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
          "group=%" G_GINT64_FORMAT " is not supported (only group=1)", group);
      goto out;
    }
    w = vki_model_tensor (m, node->weight);
    if (node->win.kernel[0] == 0) {
      node->win.kernel[0] = w->shape.dims[2];
      node->win.kernel[1] = w->shape.dims[3];
    }
    if (node->win.kernel[0] != w->shape.dims[2]
        || node->win.kernel[1] != w->shape.dims[3] || w->shape.dims[2] < 1
        || w->shape.dims[3] < 1 || w->shape.dims[0] < 1
        || w->shape.dims[1] < 1) {
      node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
          "kernel_shape does not match the weight's shape");
      goto out;
    }
    if (has_input (n, 2)) {
      VkiTensor *b;
      if (!const_input (ctx, n, 2, 1, "bias", &node->bias, error))
        goto out;
      b = vki_model_tensor (m, node->bias);
      if (b->shape.dims[0] != w->shape.dims[0]) {
        node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
            "bias has %" G_GINT64_FORMAT " values for %" G_GINT64_FORMAT
            " output channels", b->shape.dims[0], w->shape.dims[0]);
        goto out;
      }
    }
  } else if (g_str_equal (op, "MaxPool") || g_str_equal (op, "AveragePool")) {
    gint64 storage_order;
    node->type = g_str_equal (op, "MaxPool") ? VKI_OP_MAXPOOL : VKI_OP_AVGPOOL;
    node->onnx_op = node->type == VKI_OP_MAXPOOL ? "MaxPool" : "AveragePool";
    node->n_inputs = 1;
    if (!node_input (ctx, n, 0, &node->inputs[0], error)
        || !parse_window (ctx, n, &node->win, TRUE, error)
        || !attr_int (ctx, n, "storage_order", 0, &storage_order, error))
      goto out;
    if (n->n_output > 1 && n->output[1] && *n->output[1]) {
      node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
          "the Indices output of MaxPool is not supported");
      goto out;
    }
  } else if (g_str_equal (op, "GlobalAveragePool")) {
    node->type = VKI_OP_GLOBALAVGPOOL;
    node->onnx_op = "GlobalAveragePool";
    node->n_inputs = 1;
    if (!node_input (ctx, n, 0, &node->inputs[0], error))
      goto out;
  } else if (g_str_equal (op, "LRN")) {
    node->type = VKI_OP_LRN;
    node->onnx_op = "LRN";
    node->n_inputs = 1;
    if (!node_input (ctx, n, 0, &node->inputs[0], error)
        || !attr_int (ctx, n, "size", 0, &node->lrn.size, error)
        || !attr_float (ctx, n, "alpha", 1e-4f, &node->lrn.alpha, error)
        || !attr_float (ctx, n, "beta", 0.75f, &node->lrn.beta, error)
        || !attr_float (ctx, n, "bias", 1.0f, &node->lrn.bias, error))
      goto out;
    if (node->lrn.size < 1 || node->lrn.size > 1024) {
      node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
          "size must be between 1 and 1024");
      goto out;
    }
  } else if (g_str_equal (op, "Concat")) {
    node->type = VKI_OP_CONCAT;
    node->onnx_op = "Concat";
    if (!attr_int (ctx, n, "axis", 1, &node->axis, error))
      goto out;
    if (n->n_input < 1 || n->n_input > VKI_MAX_NODE_INPUTS) {
      node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
          "Concat of %" G_GSIZE_FORMAT " inputs (1 to %d supported)",
          n->n_input, VKI_MAX_NODE_INPUTS);
      goto out;
    }
    node->n_inputs = (guint) n->n_input;
    for (gsize i = 0; i < n->n_input; i++)
      if (!node_input (ctx, n, i, &node->inputs[i], error))
        goto out;
  } else if (g_str_equal (op, "BatchNormalization")) {
    gint s, b, mean, var;
    gint64 flag;
    float eps;
    VkiTensor *ts, *tb, *tm, *tv, *scale, *shift;
    gint64 c;
    node->type = VKI_OP_AFFINE;
    node->onnx_op = "BatchNormalization";
    node->n_inputs = 1;
    if (!node_input (ctx, n, 0, &node->inputs[0], error)
        || !const_input (ctx, n, 1, 1, "scale", &s, error)
        || !const_input (ctx, n, 2, 1, "B", &b, error)
        || !const_input (ctx, n, 3, 1, "mean", &mean, error)
        || !const_input (ctx, n, 4, 1, "var", &var, error)
        || !attr_float (ctx, n, "epsilon", 1e-5f, &eps, error)
        || !attr_int (ctx, n, "training_mode", 0, &flag, error))
      goto out;
    if (flag != 0 || (n->n_output > 1 && n->output[1] && *n->output[1])) {
      node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
          "BatchNormalization in training mode is not supported");
      goto out;
    }
    if (!attr_int (ctx, n, "spatial", 1, &flag, error))
      goto out;
    if (flag != 1) {
      node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
          "spatial=0 is not supported");
      goto out;
    }
    ts = vki_model_tensor (m, s);
    tb = vki_model_tensor (m, b);
    tm = vki_model_tensor (m, mean);
    tv = vki_model_tensor (m, var);
    c = ts->shape.dims[0];
    if (tb->shape.dims[0] != c || tm->shape.dims[0] != c
        || tv->shape.dims[0] != c) {
      node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
          "scale, B, mean and var differ in length");
      goto out;
    }
    /* y = x * scale' + shift', computed in double to keep folding exact. */
    {
      gchar *sname = g_strdup_printf ("%s/scale", node->name);
      gchar *tname = g_strdup_printf ("%s/shift", node->name);
      scale = tensor_new (ctx, sname, &node->weight);
      shift = tensor_new (ctx, tname, &node->bias);
      g_free (sname);
      g_free (tname);
    }
    if (!claim_bytes (ctx, "BatchNormalization scale and shift", 8 * c,
            error))
      goto out;
    scale->is_const = shift->is_const = TRUE;
    scale->shape.rank = shift->shape.rank = 1;
    scale->shape.dims[0] = shift->shape.dims[0] = c;
    scale->data = g_new (float, MAX (c, 1));
    shift->data = g_new (float, MAX (c, 1));
    for (gint64 i = 0; i < c; i++) {
      double v = (double) tv->data[i] + eps;
      double k;
      if (v <= 0) {
        node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
            "var + epsilon is not positive for channel %" G_GINT64_FORMAT, i);
        goto out;
      }
      k = ts->data[i] / sqrt (v);
      scale->data[i] = (float) k;
      shift->data[i] = (float) (tb->data[i] - tm->data[i] * k);
    }
  } else if (g_str_equal (op, "Gemm") || g_str_equal (op, "MatMul")) {
    gint64 trans_a = 0, trans_b = 0;
    float alpha = 1.0f, beta = 1.0f;
    gint b;
    VkiTensor *tb, *w;
    gint64 k, nn;
    gboolean matmul = g_str_equal (op, "MatMul");
    node->type = VKI_OP_GEMM;
    node->onnx_op = matmul ? "MatMul" : "Gemm";
    node->n_inputs = 1;
    if (!node_input (ctx, n, 0, &node->inputs[0], error)
        || !const_input (ctx, n, 1, 2, "B", &b, error))
      goto out;
    if (!matmul && (!attr_int (ctx, n, "transA", 0, &trans_a, error)
            || !attr_int (ctx, n, "transB", 0, &trans_b, error)
            || !attr_float (ctx, n, "alpha", 1.0f, &alpha, error)
            || !attr_float (ctx, n, "beta", 1.0f, &beta, error)))
      goto out;
    tb = vki_model_tensor (m, b);
    k = trans_b ? tb->shape.dims[1] : tb->shape.dims[0];
    nn = trans_b ? tb->shape.dims[0] : tb->shape.dims[1];
    if (k < 1 || nn < 1) {
      node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
          "B is empty");
      goto out;
    }
    if (!claim_bytes (ctx, "Gemm weights", 4 * nn * k, error))
      goto out;
    node->gemm.trans_a = trans_a != 0;
    node->gemm.k = k;
    node->gemm.n = nn;
    /* Stored as [N][K] so that each output reads one contiguous row. */
    {
      gchar *wname = g_strdup_printf ("%s/B", node->name);
      w = tensor_new (ctx, wname, &node->weight);
      g_free (wname);
    }
    w->is_const = TRUE;
    w->shape.rank = 2;
    w->shape.dims[0] = nn;
    w->shape.dims[1] = k;
    w->data = g_new (float, nn * k);
    for (gint64 j = 0; j < nn; j++)
      for (gint64 i = 0; i < k; i++)
        w->data[j * k + i] = alpha * (trans_b ? tb->data[j * k + i]
            : tb->data[i * nn + j]);
    if (!matmul && has_input (n, 2)) {
      gint c;
      VkiTensor *tc, *bias;
      gint64 numel;
      if (!const_input (ctx, n, 2, -1, "C", &c, error))
        goto out;
      tc = vki_model_tensor (m, c);
      numel = vki_shape_numel (&tc->shape, G_MAXINT64);
      if (!claim_bytes (ctx, "Gemm bias", 4 * numel, error))
        goto out;
      node->gemm.c_shape = tc->shape;
      {
        gchar *bname = g_strdup_printf ("%s/C", node->name);
        bias = tensor_new (ctx, bname, &node->bias);
        g_free (bname);
      }
      bias->is_const = TRUE;
      bias->shape = tc->shape;
      bias->data = g_new (float, MAX (numel, 1));
      for (gint64 i = 0; i < numel; i++)
        bias->data[i] = beta * tc->data[i];
    }
  } else if (g_str_equal (op, "Add")) {
    node->type = VKI_OP_ADD;
    node->onnx_op = "Add";
    node->n_inputs = 2;
    if (!node_input (ctx, n, 0, &node->inputs[0], error)
        || !node_input (ctx, n, 1, &node->inputs[1], error))
      goto out;
  } else if (g_str_equal (op, "Flatten")) {
    node->type = VKI_OP_RESHAPE;
    node->onnx_op = "Flatten";
    node->flatten = TRUE;
    node->n_inputs = 1;
    if (!node_input (ctx, n, 0, &node->inputs[0], error)
        || !attr_int (ctx, n, "axis", 1, &node->axis, error))
      goto out;
  } else if (g_str_equal (op, "Reshape")) {
    gint64 allowzero;
    node->type = VKI_OP_RESHAPE;
    node->onnx_op = "Reshape";
    node->n_inputs = 1;
    if (!node_input (ctx, n, 0, &node->inputs[0], error)
        || !attr_int (ctx, n, "allowzero", 0, &allowzero, error))
      goto out;
    node->allowzero = allowzero != 0;
    if (has_input (n, 1)) {
      gint s;
      VkiTensor *ts;
      if (!node_input (ctx, n, 1, &s, error))
        goto out;
      ts = vki_model_tensor (m, s);
      if (!ts->is_const || !ts->idata || ts->shape.rank != 1) {
        node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
            "the target shape must be a constant 1-D int64 tensor");
        goto out;
      }
      if (ts->shape.dims[0] > GST_VK_INCEPTION_MAX_RANK) {
        node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
            "target rank %" G_GINT64_FORMAT " is over %d", ts->shape.dims[0],
            GST_VK_INCEPTION_MAX_RANK);
        goto out;
      }
      node->reshape.rank = (guint) ts->shape.dims[0];
      memcpy (node->reshape.dims, ts->idata, node->reshape.rank * 8);
    } else {
      gsize k;
      if (!attr_ints (ctx, n, "shape", GST_VK_INCEPTION_MAX_RANK, FALSE,
              node->reshape.dims, &k, error))
        goto out;
      if (k == 0 || k > GST_VK_INCEPTION_MAX_RANK) {
        node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
            "the target shape needs 1 to %d values", GST_VK_INCEPTION_MAX_RANK);
        goto out;
      }
      node->reshape.rank = (guint) k;
    }
  } else if (g_str_equal (op, "Softmax")) {
    node->type = VKI_OP_SOFTMAX;
    node->onnx_op = "Softmax";
    node->n_inputs = 1;
    node->softmax_legacy = m->opset < 13;
    if (!node_input (ctx, n, 0, &node->inputs[0], error)
        || !attr_int (ctx, n, "axis", node->softmax_legacy ? 1 : -1,
            &node->axis, error))
      goto out;
  } else if (g_str_equal (op, "Relu")) {
    node->type = VKI_OP_RELU;
    node->onnx_op = "Relu";
    node->n_inputs = 1;
    if (!node_input (ctx, n, 0, &node->inputs[0], error))
      goto out;
  } else {
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
        "unsupported op '%s'", op);
    goto out;
  }

  if (n->n_output > 1) {
    for (gsize i = 1; i < n->n_output; i++) {
      if (n->output[i] && *n->output[i]) {
        node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
            "only one output is supported");
        goto out;
      }
    }
  }
  for (guint i = 0; i < node->n_inputs; i++) {
    VkiTensor *t = vki_model_tensor (m, node->inputs[i]);
    /* An Add's constant is a bias that graph.c merges into a MatMul. */
    if (t->is_const && node->type != VKI_OP_ADD) {
      node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
          "constant '%s' as a data input is not supported", t->name);
      goto out;
    }
  }
  if (g_hash_table_contains (ctx->by_name, n->output[0])
      || g_hash_table_contains (ctx->alias, n->output[0])) {
    node_error (ctx, n, error, GST_VK_INCEPTION_ERROR_INVALID_MODEL,
        "output '%s' is produced twice", n->output[0]);
    goto out;
  }
  out = tensor_new (ctx, n->output[0], &out_idx);
  out->producer = (gint) m->nodes->len;
  node->output = out_idx;
  g_ptr_array_add (m->nodes, node);
  node = NULL;
  ok = TRUE;
out:
  if (node) {
    g_free (node->name);
    g_free (node);
  }
  return ok;
}

/* ------------------------------------------------------------------- model */

static void
tensor_free (gpointer p)
{
  VkiTensor *t = p;
  g_free (t->name);
  g_free (t->data);
  g_free (t->idata);
  g_free (t);
}

static void
node_free (gpointer p)
{
  VkiNode *n = p;
  g_free (n->name);
  g_free (n);
}

void
gst_vk_inception_model_free (GstVkInceptionModel * m)
{
  if (!m)
    return;
  g_ptr_array_unref (m->nodes);
  g_ptr_array_unref (m->tensors);
  g_array_unref (m->inputs);
  g_array_unref (m->outputs);
  g_ptr_array_unref (m->output_names);
  g_hash_table_unref (m->metadata);
  g_free (m->name);
  g_free (m);
}

static gboolean
declared_input (LoadCtx * ctx, const Onnx__ValueInfoProto * vi,
    GError ** error)
{
  const Onnx__TypeProto__Tensor *tt;
  VkiTensor *t;
  gint idx;

  if (!vi->type || vi->type->value_case !=
      ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !vi->type->tensor_type) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_UNSUPPORTED,
        "%s: input '%s' is not a tensor", ctx->m->name, vi->name);
    return FALSE;
  }
  tt = vi->type->tensor_type;
  if (tt->has_elem_type && tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_UNSUPPORTED,
        "%s: input '%s' has ONNX element type %d; only float32 inputs are "
        "supported", ctx->m->name, vi->name, tt->elem_type);
    return FALSE;
  }
  if (tt->shape && tt->shape->n_dim > GST_VK_INCEPTION_MAX_RANK) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_UNSUPPORTED,
        "%s: input '%s' has rank %" G_GSIZE_FORMAT "; at most %d is supported",
        ctx->m->name, vi->name, tt->shape->n_dim, GST_VK_INCEPTION_MAX_RANK);
    return FALSE;
  }
  t = tensor_new (ctx, vi->name, &idx);
  if (tt->shape) {
    t->shape.rank = (guint) tt->shape->n_dim;
    for (gsize i = 0; i < tt->shape->n_dim; i++) {
      const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
      t->shape.dims[i] = d->value_case ==
          ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE
          && d->dim_value > 0 ? d->dim_value : -1;
    }
  }
  g_array_append_val (ctx->m->inputs, idx);
  return TRUE;
}

static gboolean
bind_constant (LoadCtx * ctx, const GstVkInceptionConstant * c,
    GError ** error)
{
  gint64 numel = c->shape.rank <= GST_VK_INCEPTION_MAX_RANK ?
      vki_shape_numel (&c->shape, VKI_MAX_TENSOR_BYTES / 4) : -1;
  VkiTensor *t;
  gint idx;

  if (numel < 0 || !c->name || (numel > 0 && !c->data)) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_TOO_LARGE,
        "%s: bound constant '%s' has an invalid shape", ctx->m->name, c->name);
    return FALSE;
  }
  if (!claim_bytes (ctx, c->name, numel * 4, error))
    return FALSE;
  t = tensor_new (ctx, c->name, &idx);
  t->is_const = TRUE;
  t->shape = c->shape;
  t->data = g_memdup2 (c->data, MAX (numel, 1) * sizeof (float));
  return TRUE;
}

static gboolean
load_graph (LoadCtx * ctx, const Onnx__ModelProto * mp,
    const GstVkInceptionConstant * constants, guint n_constants,
    GError ** error)
{
  GstVkInceptionModel *m = ctx->m;
  const Onnx__GraphProto *g = mp->graph;

  m->opset = -1;
  for (gsize i = 0; i < mp->n_opset_import; i++) {
    const Onnx__OperatorSetIdProto *o = mp->opset_import[i];
    if (!o->domain || !*o->domain || g_str_equal (o->domain, "ai.onnx"))
      m->opset = o->version;
  }
  if (mp->n_opset_import == 0)
    m->opset = 1;               /* IR version 2 files predate opset_import */
  if (m->opset < 1 || m->opset > MAX_ONNX_OPSET) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_UNSUPPORTED,
        "%s: ONNX opset %" G_GINT64_FORMAT " is not supported (1 to %d)",
        m->name, m->opset, MAX_ONNX_OPSET);
    return FALSE;
  }
  if (!g) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_PARSE,
        "%s: the model has no graph", m->name);
    return FALSE;
  }

  for (gsize i = 0; i < mp->n_metadata_props; i++) {
    const Onnx__StringStringEntryProto *p = mp->metadata_props[i];
    if (p->key && p->value)
      g_hash_table_insert (m->metadata, g_strdup (p->key), g_strdup (p->value));
  }

  for (gsize i = 0; i < g->n_initializer; i++) {
    const Onnx__TensorProto *tp = g->initializer[i];
    if (!tp->name || !*tp->name) {
      g_set_error (error, GST_VK_INCEPTION_ERROR,
          GST_VK_INCEPTION_ERROR_INVALID_MODEL,
          "%s: initializer %" G_GSIZE_FORMAT " has no name", m->name, i);
      return FALSE;
    }
    if (!tensor_from_proto (ctx, tp, tp->name, error))
      return FALSE;
  }
  for (guint i = 0; i < n_constants; i++)
    if (!bind_constant (ctx, &constants[i], error))
      return FALSE;

  /* Older exporters list initializers among the inputs too. */
  for (gsize i = 0; i < g->n_input; i++) {
    const Onnx__ValueInfoProto *vi = g->input[i];
    if (!vi->name || !*vi->name) {
      g_set_error (error, GST_VK_INCEPTION_ERROR,
          GST_VK_INCEPTION_ERROR_INVALID_MODEL,
          "%s: graph input %" G_GSIZE_FORMAT " has no name", m->name, i);
      return FALSE;
    }
    if (g_hash_table_contains (ctx->by_name, vi->name))
      continue;
    if (!declared_input (ctx, vi, error))
      return FALSE;
  }
  if (m->inputs->len == 0) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_INVALID_MODEL, "%s: the graph has no input",
        m->name);
    return FALSE;
  }

  for (gsize i = 0; i < g->n_node; i++)
    if (!parse_node (ctx, g->node[i], error))
      return FALSE;

  if (g->n_output == 0) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_INVALID_MODEL, "%s: the graph has no output",
        m->name);
    return FALSE;
  }
  for (gsize i = 0; i < g->n_output; i++) {
    const gchar *name = g->output[i]->name ? g->output[i]->name : "";
    gint idx = lookup (ctx, name);
    if (idx < 0) {
      g_set_error (error, GST_VK_INCEPTION_ERROR,
          GST_VK_INCEPTION_ERROR_INVALID_MODEL,
          "%s: graph output '%s' is not produced by any node", m->name, name);
      return FALSE;
    }
    if (vki_model_tensor (m, idx)->is_const) {
      g_set_error (error, GST_VK_INCEPTION_ERROR,
          GST_VK_INCEPTION_ERROR_UNSUPPORTED,
          "%s: graph output '%s' is a constant", m->name, name);
      return FALSE;
    }
    g_array_append_val (m->outputs, idx);
    g_ptr_array_add (m->output_names, g_strdup (name));
  }
  return TRUE;
}

GstVkInceptionModel *
gst_vk_inception_model_new_from_data (const guint8 * data, gsize size,
    const gchar * name, const GstVkInceptionConstant * constants,
    guint n_constants, GError ** error)
{
  GstVkInceptionModel *m = g_new0 (GstVkInceptionModel, 1);
  Onnx__ModelProto *mp = NULL;
  LoadCtx ctx = { m };

  /* Quoted in every message: UTF-8 whatever the file name's bytes. */
  m->name = g_filename_display_basename (name ? name : "model");
  m->tensors = g_ptr_array_new_with_free_func (tensor_free);
  m->nodes = g_ptr_array_new_with_free_func (node_free);
  m->inputs = g_array_new (FALSE, FALSE, sizeof (gint));
  m->outputs = g_array_new (FALSE, FALSE, sizeof (gint));
  m->output_names = g_ptr_array_new_with_free_func (g_free);
  m->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ctx.by_name = g_hash_table_new (g_str_hash, g_str_equal);
  ctx.alias = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (size == 0) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_PARSE,
        "%s: the file is empty", m->name);
    goto fail;
  }
  if (!check_depth (data, data + size, &onnx__model_proto__descriptor, 0)) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_PARSE,
        "%s: not a valid ONNX file (messages nested deeper than %d levels)",
        m->name, MAX_MESSAGE_DEPTH);
    goto fail;
  }
  mp = onnx__model_proto__unpack (NULL, size, data);
  if (!mp) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_PARSE,
        "%s: not a valid ONNX file (protobuf decoding failed)", m->name);
    goto fail;
  }
  if (!load_graph (&ctx, mp, constants, n_constants, error))
    goto fail;
  if (!vki_graph_optimise (m, error))
    goto fail;

  onnx__model_proto__free_unpacked (mp, NULL);
  g_hash_table_unref (ctx.by_name);
  g_hash_table_unref (ctx.alias);
  return m;

fail:
  if (mp)
    onnx__model_proto__free_unpacked (mp, NULL);
  g_hash_table_unref (ctx.by_name);
  g_hash_table_unref (ctx.alias);
  gst_vk_inception_model_free (m);
  /* Names from the file are quoted raw in places (graph inputs and outputs,
   * metadata values): one pass here makes every message printable. */
  if (error)
    vki_error_make_printable (*error);
  return NULL;
}

static GstVkInceptionModel *
load_file (const gchar * path, GError ** error)
{
  GMappedFile *file;
  GError *err = NULL;
  GstVkInceptionModel *m;
  GStatBuf st;

  if (g_stat (path, &st) != 0) {
    int e = errno;
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_IO,
        "%s: %s", path, g_strerror (e));
    return NULL;
  }
  if (!S_ISREG (st.st_mode)) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_IO,
        "%s: not a regular file", path);
    return NULL;
  }
  if ((gint64) st.st_size > VKI_MAX_MODEL_FILE_BYTES) {
    gchar *s = g_format_size_full (st.st_size, G_FORMAT_SIZE_IEC_UNITS);
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_TOO_LARGE,
        "%s: the file is %s, over the limit of 2 GiB", path, s);
    g_free (s);
    return NULL;
  }
  file = g_mapped_file_new (path, FALSE, &err);
  if (!file) {
    /* GLib's message already names the file. */
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_IO,
        "%s", err->message);
    g_error_free (err);
    return NULL;
  }
  m = gst_vk_inception_model_new_from_data ((const guint8 *)
      g_mapped_file_get_contents (file), g_mapped_file_get_length (file), path,
      NULL, 0, error);
  g_mapped_file_unref (file);
  return m;
}

GstVkInceptionModel *
gst_vk_inception_model_new_from_file (const gchar * path, GError ** error)
{
  GstVkInceptionModel *m = load_file (path, error);

  /* The path is quoted as given, in whatever bytes. */
  if (!m && error)
    vki_error_make_printable (*error);
  return m;
}

const gchar *
gst_vk_inception_model_get_name (GstVkInceptionModel * m)
{
  return m->name;
}

guint
gst_vk_inception_model_get_n_inputs (GstVkInceptionModel * m)
{
  return m->inputs->len;
}

guint
gst_vk_inception_model_get_n_outputs (GstVkInceptionModel * m)
{
  return m->outputs->len;
}

const gchar *
gst_vk_inception_model_get_input (GstVkInceptionModel * m, guint index,
    GstVkInceptionShape * shape)
{
  VkiTensor *t;
  g_return_val_if_fail (index < m->inputs->len, NULL);
  t = vki_model_tensor (m, g_array_index (m->inputs, gint, index));
  if (shape)
    *shape = t->shape;
  return t->name;
}

const gchar *
gst_vk_inception_model_get_output_name (GstVkInceptionModel * m, guint index)
{
  g_return_val_if_fail (index < m->outputs->len, NULL);
  return g_ptr_array_index (m->output_names, index);
}

const gchar *
gst_vk_inception_model_get_metadata (GstVkInceptionModel * m,
    const gchar * key)
{
  return g_hash_table_lookup (m->metadata, key);
}

/* ----------------------------------------------------------- preprocessing */

#define METADATA_CHANNEL_ORDER "vkinception.channel_order"
#define METADATA_MEAN "vkinception.mean"
#define METADATA_STD "vkinception.std"
#define CAFFE_INPUT_NAME "data_0"
#define PIXEL_MAX 255.0f

static gboolean
metadata_triple (GstVkInceptionModel * m, const gchar * key, float out[3],
    gboolean nonzero, GError ** error)
{
  const gchar *text = gst_vk_inception_model_get_metadata (m, key);
  gchar **parts;
  gboolean ok;

  if (!text)
    return TRUE;
  parts = g_strsplit (text, ",", -1);
  ok = g_strv_length (parts) == 3;
  for (guint i = 0; ok && i < 3; i++) {
    gchar *end;
    gdouble v = g_ascii_strtod (g_strstrip (parts[i]), &end);
    ok = end != parts[i] && *end == '\0' && isfinite (v) && !(nonzero && v == 0);
    out[i] = (float) v;
  }
  g_strfreev (parts);
  if (!ok) {
    gchar *shown = vki_printable (text);
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_INVALID_MODEL,
        "%s: metadata %s='%s' needs three numbers%s", m->name, key, shown,
        nonzero ? ", none of them 0" : "");
    g_free (shown);
  }
  return ok;
}

gboolean
gst_vk_inception_model_get_preprocess (GstVkInceptionModel * m,
    GstVkInceptionPreprocess * pre, GError ** error)
{
  /* Caffe: BGR, mean pixel in B,G,R order, no scaling. torchvision: RGB,
   * ImageNet mean and std, scaled from 0..1 to 0..255. */
  static const GstVkInceptionPreprocess caffe = { TRUE,
    {103.939f, 116.779f, 123.68f}, {1.0f, 1.0f, 1.0f},
    GST_VK_INCEPTION_RESIZE_STRETCH
  };
  static const GstVkInceptionPreprocess torchvision = { FALSE,
    {0.485f * PIXEL_MAX, 0.456f * PIXEL_MAX, 0.406f * PIXEL_MAX},
    {0.229f * PIXEL_MAX, 0.224f * PIXEL_MAX, 0.225f * PIXEL_MAX},
    GST_VK_INCEPTION_RESIZE_STRETCH
  };
  const gchar *input = gst_vk_inception_model_get_input (m, 0, NULL);
  const gchar *order = gst_vk_inception_model_get_metadata (m,
      METADATA_CHANNEL_ORDER);

  *pre = g_strcmp0 (input, CAFFE_INPUT_NAME) == 0 ? caffe : torchvision;
  if (order && g_ascii_strcasecmp (order, "RGB") == 0)
    pre->bgr = FALSE;
  else if (order && g_ascii_strcasecmp (order, "BGR") == 0)
    pre->bgr = TRUE;
  else if (order) {
    gchar *shown = vki_printable (order);
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_INVALID_MODEL,
        "%s: metadata %s='%s' must be RGB or BGR", m->name,
        METADATA_CHANNEL_ORDER, shown);
    g_free (shown);
    return FALSE;
  }
  return metadata_triple (m, METADATA_MEAN, pre->mean, FALSE, error)
      && metadata_triple (m, METADATA_STD, pre->std, TRUE, error);
}

#define METADATA_INPUT_SIZE "vkinception.input_size"
#define MAX_INPUT_SIDE 16384

gboolean
gst_vk_inception_model_get_input_size (GstVkInceptionModel * m, guint * width,
    guint * height)
{
  const gchar *text = gst_vk_inception_model_get_metadata (m,
      METADATA_INPUT_SIZE);
  GstVkInceptionShape s;

  *width = *height = 0;
  if (text) {
    gchar *end;
    guint64 w = g_ascii_strtoull (text, &end, 10), h;
    if (end != text && (*end == 'x' || *end == 'X')) {
      const gchar *rest = end + 1;
      h = g_ascii_strtoull (rest, &end, 10);
      if (end != rest && *end == '\0' && w >= 1 && h >= 1
          && w <= MAX_INPUT_SIDE && h <= MAX_INPUT_SIDE) {
        *width = (guint) w;
        *height = (guint) h;
        return TRUE;
      }
    }
    g_debug ("%s: ignoring %s='%s' (not WIDTHxHEIGHT)", m->name,
        METADATA_INPUT_SIZE, text);
  }
  gst_vk_inception_model_get_input (m, 0, &s);
  if (s.rank == 4 && s.dims[2] > 0 && s.dims[3] > 0
      && s.dims[2] <= MAX_INPUT_SIDE && s.dims[3] <= MAX_INPUT_SIDE) {
    *width = (guint) s.dims[3];
    *height = (guint) s.dims[2];
    return TRUE;
  }
  return FALSE;
}

/* ------------------------------------------------------------ default model */

#define DEFAULT_MODEL_NAME "videotestsrc-googlenet"

static gchar *
labels_next_to (const gchar * model)
{
  gchar *base = g_str_has_suffix (model, ".onnx") ?
      g_strndup (model, strlen (model) - strlen (".onnx")) : g_strdup (model);
  gchar *labels = g_strconcat (base, ".labels", NULL);
  g_free (base);
  if (!g_file_test (labels, G_FILE_TEST_IS_REGULAR))
    g_clear_pointer (&labels, g_free);
  return labels;
}

gchar *
gst_vk_inception_default_model (gchar ** labels)
{
  const gchar *env = g_getenv ("VKINCEPTION_DEFAULT_MODEL");
  /* Installed first; the source tree serves builds that are not. */
  const gchar *dirs[] = { VKINCEPTION_DATADIR, VKINCEPTION_SOURCE_MODELS_DIR };
  gchar *path = NULL;

  if (env && *env) {
    if (g_file_test (env, G_FILE_TEST_IS_REGULAR))
      path = g_strdup (env);
  } else {
    for (guint i = 0; i < G_N_ELEMENTS (dirs) && !path; i++) {
      path = g_build_filename (dirs[i], DEFAULT_MODEL_NAME ".onnx", NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_clear_pointer (&path, g_free);
    }
  }
  if (labels)
    *labels = path ? labels_next_to (path) : NULL;
  return path;
}
