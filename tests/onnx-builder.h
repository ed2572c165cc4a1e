/* Builds small ONNX models in memory for the tests, with protobuf-c. */
#ifndef VKI_TEST_ONNX_BUILDER_H
#define VKI_TEST_ONNX_BUILDER_H

#include <glib.h>
#include "onnx.pb-c.h"

G_BEGIN_DECLS

typedef struct _VkiTestModel VkiTestModel;

VkiTestModel *vki_test_model_new (gint64 opset);
void vki_test_model_free (VkiTestModel * tm);

/* A float32 graph input; dims of -1 are left symbolic ("N"). */
void vki_test_model_input (VkiTestModel * tm, const gchar * name, guint rank,
    const gint64 * dims);
void vki_test_model_output (VkiTestModel * tm, const gchar * name);
void vki_test_model_initializer (VkiTestModel * tm, const gchar * name,
    guint rank, const gint64 * dims, const float *data);
void vki_test_model_initializer_i64 (VkiTestModel * tm, const gchar * name,
    guint rank, const gint64 * dims, const gint64 * data);

/* @inputs and @outputs are comma-separated tensor names ("" for none; an
 * empty item, as in "x,,b", is an omitted optional input). */
Onnx__NodeProto *vki_test_model_node (VkiTestModel * tm, const gchar * op,
    const gchar * inputs, const gchar * outputs);
void vki_test_node_int (VkiTestModel * tm, Onnx__NodeProto * node,
    const gchar * name, gint64 value);
void vki_test_node_float (VkiTestModel * tm, Onnx__NodeProto * node,
    const gchar * name, float value);
void vki_test_node_ints (VkiTestModel * tm, Onnx__NodeProto * node,
    const gchar * name, guint n, const gint64 * values);
void vki_test_node_string (VkiTestModel * tm, Onnx__NodeProto * node,
    const gchar * name, const gchar * value);

/* The serialised model; free with g_free(). */
guint8 *vki_test_model_pack (VkiTestModel * tm, gsize * size);

/* Direct access, for tests that corrupt a model on purpose. */
Onnx__ModelProto *vki_test_model_proto (VkiTestModel * tm);

G_END_DECLS

#endif
