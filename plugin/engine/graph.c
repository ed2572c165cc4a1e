/* Graph simplification, done once when a model loads. */
#include "graph.h"

#include <string.h>

const gchar *
vki_op_type_name (VkiOpType type)
{
  static const gchar *names[] = {
    [VKI_OP_CONV] = "Conv",
    [VKI_OP_MAXPOOL] = "MaxPool",
    [VKI_OP_AVGPOOL] = "AveragePool",
    [VKI_OP_GLOBALAVGPOOL] = "GlobalAveragePool",
    [VKI_OP_LRN] = "LRN",
    [VKI_OP_CONCAT] = "Concat",
    [VKI_OP_GEMM] = "Gemm",
    [VKI_OP_SOFTMAX] = "Softmax",
    [VKI_OP_RELU] = "Relu",
    [VKI_OP_AFFINE] = "BatchNormalization",
    [VKI_OP_RESHAPE] = "Reshape",
    [VKI_OP_ADD] = "Add",
  };
  return names[type];
}

guint *
vki_graph_count_uses (GstVkInceptionModel * m)
{
  guint *uses = g_new0 (guint, MAX (m->tensors->len, 1));
  for (guint i = 0; i < m->nodes->len; i++) {
    VkiNode *n = vki_model_node (m, i);
    if (n->dead)
      continue;
    for (guint j = 0; j < n->n_inputs; j++)
      uses[n->inputs[j]]++;
  }
  for (guint i = 0; i < m->outputs->len; i++)
    uses[g_array_index (m->outputs, gint, i)]++;
  return uses;
}

/* The index of the node producing @tensor when @tensor feeds only one
 * consumer (which can then be merged into it), else -1. */
static gint
sole_producer (GstVkInceptionModel * m, const guint * uses, gint tensor)
{
  VkiTensor *t = vki_model_tensor (m, tensor);
  if (t->producer < 0 || uses[tensor] != 1
      || vki_model_node (m, t->producer)->dead)
    return -1;
  return t->producer;
}

/* @consumer's output becomes the output of node @producer; the tensors
 * @consumer read lose a use. */
static void
merge_into (GstVkInceptionModel * m, guint * uses, gint producer,
    VkiNode * consumer)
{
  for (guint j = 0; j < consumer->n_inputs; j++)
    uses[consumer->inputs[j]]--;
  vki_model_node (m, producer)->output = consumer->output;
  vki_model_tensor (m, consumer->output)->producer = producer;
  consumer->dead = TRUE;
}

static VkiTensor *
new_const (GstVkInceptionModel * m, const gchar * name,
    const GstVkInceptionShape * shape, gint * index)
{
  VkiTensor *t = g_new0 (VkiTensor, 1);
  gint64 numel = vki_shape_numel (shape, G_MAXINT64);
  t->name = g_strdup (name);
  t->shape = *shape;
  t->is_const = TRUE;
  t->producer = -1;
  t->data = g_new0 (float, MAX (numel, 1));
  g_ptr_array_add (m->tensors, t);
  *index = (gint) m->tensors->len - 1;
  return t;
}

/* MatMul followed by Add of a constant row vector: the Add becomes the
 * Gemm's bias. */
static gboolean
merge_matmul_add (GstVkInceptionModel * m, guint * uses, VkiNode * add,
    GError ** error)
{
  for (guint side = 0; side < 2; side++) {
    VkiTensor *c = vki_model_tensor (m, add->inputs[1 - side]);
    gint pi = sole_producer (m, uses, add->inputs[side]);
    VkiNode *mm = pi >= 0 ? vki_model_node (m, pi) : NULL;
    gint64 numel;
    if (!c->is_const || !c->data || !mm || mm->type != VKI_OP_GEMM
        || mm->bias >= 0)
      continue;
    numel = vki_shape_numel (&c->shape, G_MAXINT64);
    if (numel != mm->gemm.n && numel != 1)
      continue;
    mm->bias = add->inputs[1 - side];
    mm->gemm.c_shape = c->shape;
    merge_into (m, uses, pi, add);
    return TRUE;
  }
  g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_UNSUPPORTED,
      "%s: node '%s' (Add): unsupported op 'Add' (only a constant bias "
      "added right after a MatMul is supported)", m->name, add->name);
  return FALSE;
}

/* BatchNormalization right after a Conv: scale the Conv's filters and shift
 * its bias, so the BN costs nothing at run time. */
static gboolean
fold_batchnorm (GstVkInceptionModel * m, guint * uses, VkiNode * bn,
    GError ** error)
{
  gint ci = sole_producer (m, uses, bn->inputs[0]);
  VkiNode *conv = ci >= 0 ? vki_model_node (m, ci) : NULL;
  VkiTensor *w, *b, *scale, *shift, *nw, *nb;
  GstVkInceptionShape bshape = { 1, {0} };
  gint64 cout, per;
  gchar *name;
  gint wi, bi;

  if (!conv || conv->type != VKI_OP_CONV || conv->relu)
    return TRUE;
  w = vki_model_tensor (m, conv->weight);
  scale = vki_model_tensor (m, bn->weight);
  shift = vki_model_tensor (m, bn->bias);
  cout = w->shape.dims[0];
  if (scale->shape.dims[0] != cout)
    return TRUE;
  per = w->shape.dims[1] * w->shape.dims[2] * w->shape.dims[3];
  if (!vki_model_claim (m, "folded BatchNormalization weights",
          4 * (cout * per + cout), error))
    return FALSE;

  /* New tensors: the originals may be shared with other nodes. */
  name = g_strdup_printf ("%s/folded_w", conv->name);
  nw = new_const (m, name, &w->shape, &wi);
  g_free (name);
  bshape.dims[0] = cout;
  name = g_strdup_printf ("%s/folded_b", conv->name);
  nb = new_const (m, name, &bshape, &bi);
  g_free (name);
  b = conv->bias >= 0 ? vki_model_tensor (m, conv->bias) : NULL;
  for (gint64 o = 0; o < cout; o++) {
    for (gint64 i = 0; i < per; i++)
      nw->data[o * per + i] = w->data[o * per + i] * scale->data[o];
    nb->data[o] = (b ? b->data[o] : 0.0f) * scale->data[o] + shift->data[o];
  }
  conv->weight = wi;
  conv->bias = bi;
  merge_into (m, uses, ci, bn);
  return TRUE;
}

static gboolean
can_fuse_relu (VkiOpType type)
{
  switch (type) {
    case VKI_OP_CONV:
    case VKI_OP_GEMM:
    case VKI_OP_AFFINE:
    case VKI_OP_MAXPOOL:
    case VKI_OP_AVGPOOL:
    case VKI_OP_GLOBALAVGPOOL:
      return TRUE;
    default:
      return FALSE;
  }
}

gboolean
vki_graph_optimise (GstVkInceptionModel * m, GError ** error)
{
  /* Counted once and kept up to date by merge_into(): the passes stay
   * linear in the number of nodes. */
  guint *uses = vki_graph_count_uses (m);
  gboolean ok = FALSE;

  for (guint i = 0; i < m->nodes->len; i++) {
    VkiNode *n = vki_model_node (m, i);
    if (!n->dead && n->type == VKI_OP_ADD
        && !merge_matmul_add (m, uses, n, error))
      goto out;
  }
  for (guint i = 0; i < m->nodes->len; i++) {
    VkiNode *n = vki_model_node (m, i);
    if (!n->dead && n->type == VKI_OP_AFFINE
        && !fold_batchnorm (m, uses, n, error))
      goto out;
  }
  for (guint i = 0; i < m->nodes->len; i++) {
    VkiNode *n = vki_model_node (m, i);
    gint pi;
    VkiNode *p;
    if (n->dead || n->type != VKI_OP_RELU)
      continue;
    pi = sole_producer (m, uses, n->inputs[0]);
    p = pi >= 0 ? vki_model_node (m, pi) : NULL;
    if (p && can_fuse_relu (p->type) && !p->relu) {
      p->relu = TRUE;
      merge_into (m, uses, pi, n);
    }
  }
  ok = TRUE;
out:
  g_free (uses);
  return ok;
}
