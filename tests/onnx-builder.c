#include "onnx-builder.h"

#include <string.h>

struct _VkiTestModel
{
  Onnx__ModelProto model;
  Onnx__GraphProto graph;
  Onnx__OperatorSetIdProto opset;
  Onnx__OperatorSetIdProto *opsets[1];
  GPtrArray *nodes, *inputs, *outputs, *inits;
  GPtrArray *allocs;            /* everything else, freed with the model */
};

static gpointer
keep (VkiTestModel * tm, gpointer p)
{
  g_ptr_array_add (tm->allocs, p);
  return p;
}

static gchar *
keep_str (VkiTestModel * tm, const gchar * s)
{
  return keep (tm, g_strdup (s));
}

VkiTestModel *
vki_test_model_new (gint64 opset)
{
  VkiTestModel *tm = g_new0 (VkiTestModel, 1);
  onnx__model_proto__init (&tm->model);
  onnx__graph_proto__init (&tm->graph);
  onnx__operator_set_id_proto__init (&tm->opset);
  tm->opset.has_version = TRUE;
  tm->opset.version = opset;
  tm->opset.domain = (char *) "";
  tm->opsets[0] = &tm->opset;
  tm->model.has_ir_version = TRUE;
  tm->model.ir_version = 7;
  tm->model.n_opset_import = 1;
  tm->model.opset_import = tm->opsets;
  tm->model.graph = &tm->graph;
  tm->graph.name = (char *) "test";
  tm->nodes = g_ptr_array_new ();
  tm->inputs = g_ptr_array_new ();
  tm->outputs = g_ptr_array_new ();
  tm->inits = g_ptr_array_new ();
  tm->allocs = g_ptr_array_new_with_free_func (g_free);
  return tm;
}

void
vki_test_model_free (VkiTestModel * tm)
{
  g_ptr_array_unref (tm->nodes);
  g_ptr_array_unref (tm->inputs);
  g_ptr_array_unref (tm->outputs);
  g_ptr_array_unref (tm->inits);
  g_ptr_array_unref (tm->allocs);
  g_free (tm);
}

static Onnx__ValueInfoProto *
value_info (VkiTestModel * tm, const gchar * name, guint rank,
    const gint64 * dims)
{
  Onnx__ValueInfoProto *vi = keep (tm, g_new0 (Onnx__ValueInfoProto, 1));
  Onnx__TypeProto *type = keep (tm, g_new0 (Onnx__TypeProto, 1));
  Onnx__TypeProto__Tensor *tt = keep (tm, g_new0 (Onnx__TypeProto__Tensor, 1));
  Onnx__TensorShapeProto *shape = keep (tm, g_new0 (Onnx__TensorShapeProto, 1));
  Onnx__TensorShapeProto__Dimension **d =
      keep (tm, g_new0 (Onnx__TensorShapeProto__Dimension *, MAX (rank, 1)));

  onnx__value_info_proto__init (vi);
  onnx__type_proto__init (type);
  onnx__type_proto__tensor__init (tt);
  onnx__tensor_shape_proto__init (shape);
  vi->name = keep_str (tm, name);
  vi->type = type;
  type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  type->tensor_type = tt;
  tt->has_elem_type = TRUE;
  tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  if (dims) {
    tt->shape = shape;
    shape->n_dim = rank;
    shape->dim = d;
    for (guint i = 0; i < rank; i++) {
      d[i] = keep (tm, g_new0 (Onnx__TensorShapeProto__Dimension, 1));
      onnx__tensor_shape_proto__dimension__init (d[i]);
      if (dims[i] >= 0) {
        d[i]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        d[i]->dim_value = dims[i];
      } else {
        d[i]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
        d[i]->dim_param = (char *) "N";
      }
    }
  }
  return vi;
}

void
vki_test_model_input (VkiTestModel * tm, const gchar * name, guint rank,
    const gint64 * dims)
{
  g_ptr_array_add (tm->inputs, value_info (tm, name, rank, dims));
}

void
vki_test_model_output (VkiTestModel * tm, const gchar * name)
{
  g_ptr_array_add (tm->outputs, value_info (tm, name, 0, NULL));
}

static Onnx__TensorProto *
tensor (VkiTestModel * tm, const gchar * name, guint rank, const gint64 * dims,
    gint type, const void *data, gsize elem)
{
  Onnx__TensorProto *t = keep (tm, g_new0 (Onnx__TensorProto, 1));
  gsize n = 1;
  onnx__tensor_proto__init (t);
  t->name = keep_str (tm, name);
  t->n_dims = rank;
  t->dims = keep (tm, g_memdup2 (dims, MAX (rank, 1) * sizeof (gint64)));
  for (guint i = 0; i < rank; i++)
    n *= (gsize) dims[i];
  t->has_data_type = TRUE;
  t->data_type = type;
  t->has_raw_data = TRUE;
  t->raw_data.len = n * elem;
  t->raw_data.data = keep (tm, g_memdup2 (data, MAX (n * elem, 1)));
  g_ptr_array_add (tm->inits, t);
  return t;
}

void
vki_test_model_initializer (VkiTestModel * tm, const gchar * name, guint rank,
    const gint64 * dims, const float *data)
{
  tensor (tm, name, rank, dims, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, data, 4);
}

void
vki_test_model_initializer_i64 (VkiTestModel * tm, const gchar * name,
    guint rank, const gint64 * dims, const gint64 * data)
{
  tensor (tm, name, rank, dims, ONNX__TENSOR_PROTO__DATA_TYPE__INT64, data, 8);
}

static char **
split (VkiTestModel * tm, const gchar * list, gsize * n)
{
  gchar **parts;
  if (!list || !*list) {
    *n = 0;
    return NULL;
  }
  parts = g_strsplit (list, ",", -1);
  *n = g_strv_length (parts);
  for (gsize i = 0; i < *n; i++)
    keep (tm, parts[i]);
  keep (tm, parts);             /* the array itself; strings kept above */
  return parts;
}

Onnx__NodeProto *
vki_test_model_node (VkiTestModel * tm, const gchar * op, const gchar * inputs,
    const gchar * outputs)
{
  Onnx__NodeProto *n = keep (tm, g_new0 (Onnx__NodeProto, 1));
  onnx__node_proto__init (n);
  n->op_type = keep_str (tm, op);
  n->input = split (tm, inputs, &n->n_input);
  n->output = split (tm, outputs, &n->n_output);
  n->name = keep_str (tm, n->n_output ? n->output[0] : op);
  g_ptr_array_add (tm->nodes, n);
  return n;
}

static Onnx__AttributeProto *
attr (VkiTestModel * tm, Onnx__NodeProto * node, const gchar * name,
    Onnx__AttributeProto__AttributeType type)
{
  Onnx__AttributeProto *a = keep (tm, g_new0 (Onnx__AttributeProto, 1));
  Onnx__AttributeProto **list = keep (tm,
      g_new0 (Onnx__AttributeProto *, node->n_attribute + 1));
  onnx__attribute_proto__init (a);
  a->name = keep_str (tm, name);
  a->has_type = TRUE;
  a->type = type;
  if (node->n_attribute)
    memcpy (list, node->attribute, node->n_attribute * sizeof (*list));
  list[node->n_attribute++] = a;
  node->attribute = list;
  return a;
}

void
vki_test_node_int (VkiTestModel * tm, Onnx__NodeProto * node,
    const gchar * name, gint64 value)
{
  Onnx__AttributeProto *a = attr (tm, node, name,
      ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
  a->has_i = TRUE;
  a->i = value;
}

void
vki_test_node_float (VkiTestModel * tm, Onnx__NodeProto * node,
    const gchar * name, float value)
{
  Onnx__AttributeProto *a = attr (tm, node, name,
      ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
  a->has_f = TRUE;
  a->f = value;
}

void
vki_test_node_ints (VkiTestModel * tm, Onnx__NodeProto * node,
    const gchar * name, guint n, const gint64 * values)
{
  Onnx__AttributeProto *a = attr (tm, node, name,
      ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
  a->n_ints = n;
  a->ints = keep (tm, g_memdup2 (values, MAX (n, 1) * sizeof (gint64)));
}

void
vki_test_node_string (VkiTestModel * tm, Onnx__NodeProto * node,
    const gchar * name, const gchar * value)
{
  Onnx__AttributeProto *a = attr (tm, node, name,
      ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
  a->has_s = TRUE;
  a->s.len = strlen (value);
  a->s.data = (guint8 *) keep_str (tm, value);
}

Onnx__ModelProto *
vki_test_model_proto (VkiTestModel * tm)
{
  tm->graph.n_node = tm->nodes->len;
  tm->graph.node = (Onnx__NodeProto **) tm->nodes->pdata;
  tm->graph.n_input = tm->inputs->len;
  tm->graph.input = (Onnx__ValueInfoProto **) tm->inputs->pdata;
  tm->graph.n_output = tm->outputs->len;
  tm->graph.output = (Onnx__ValueInfoProto **) tm->outputs->pdata;
  tm->graph.n_initializer = tm->inits->len;
  tm->graph.initializer = (Onnx__TensorProto **) tm->inits->pdata;
  return &tm->model;
}

guint8 *
vki_test_model_pack (VkiTestModel * tm, gsize * size)
{
  Onnx__ModelProto *m = vki_test_model_proto (tm);
  guint8 *buf;
  *size = onnx__model_proto__get_packed_size (m);
  buf = g_malloc (MAX (*size, 1));
  onnx__model_proto__pack (m, buf);
  return buf;
}
