/* write-test-model: writes a small image classifier as an ONNX file, so that
 * the examples and pipeline scripts can be tried without PyTorch.
 *
 *   write-test-model OUT.onnx [LABELS.txt]
 *
 * The graph is Conv 3x3 (3 -> 8 channels, pad 1) -> Relu ->
 * GlobalAveragePool -> Flatten -> Gemm (8 -> 10) -> Softmax, with weights
 * from a seeded generator: the same file every time. The input 'data' is
 * 1x3xHxW with H and W left open, so the element runs it at 224x224 or at
 * its input-size. With LABELS.txt, also writes ten labels ("class-0" ...).
 */
#include "onnx-builder.h"

#include <stdio.h>
#include <stdlib.h>

#define IN_CHANNELS 3
#define HIDDEN 8
#define CLASSES 10
#define SEED 20150607

static float *
seeded (GRand * rand, gsize n, double scale)
{
  float *v = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    v[i] = (float) g_rand_double_range (rand, -scale, scale);
  return v;
}

int
main (int argc, char **argv)
{
  static const gint64 in_dims[] = { 1, IN_CHANNELS, -1, -1 };
  static const gint64 w_dims[] = { HIDDEN, IN_CHANNELS, 3, 3 };
  static const gint64 b_dims[] = { HIDDEN };
  static const gint64 fc_w_dims[] = { CLASSES, HIDDEN };
  static const gint64 fc_b_dims[] = { CLASSES };
  static const gint64 kernel[] = { 3, 3 };
  static const gint64 pads[] = { 1, 1, 1, 1 };
  VkiTestModel *tm;
  Onnx__NodeProto *node;
  GRand *rand;
  float *w, *b, *fc_w, *fc_b;
  guint8 *data;
  gsize size;
  GError *error = NULL;

  if (argc < 2 || argc > 3) {
    fprintf (stderr, "usage: %s OUT.onnx [LABELS.txt]\n", argv[0]);
    return 2;
  }

  rand = g_rand_new_with_seed (SEED);
  w = seeded (rand, HIDDEN * IN_CHANNELS * 9, 0.5);
  b = seeded (rand, HIDDEN, 0.1);
  /* Large enough that the classes differ clearly from picture to picture. */
  fc_w = seeded (rand, CLASSES * HIDDEN, 4.0);
  fc_b = seeded (rand, CLASSES, 0.5);
  g_rand_free (rand);

  tm = vki_test_model_new (12);
  vki_test_model_input (tm, "data", 4, in_dims);
  vki_test_model_initializer (tm, "conv_w", 4, w_dims, w);
  vki_test_model_initializer (tm, "conv_b", 1, b_dims, b);
  vki_test_model_initializer (tm, "fc_w", 2, fc_w_dims, fc_w);
  vki_test_model_initializer (tm, "fc_b", 1, fc_b_dims, fc_b);

  node = vki_test_model_node (tm, "Conv", "data,conv_w,conv_b", "conv");
  vki_test_node_ints (tm, node, "kernel_shape", 2, kernel);
  vki_test_node_ints (tm, node, "pads", 4, pads);
  vki_test_model_node (tm, "Relu", "conv", "relu");
  vki_test_model_node (tm, "GlobalAveragePool", "relu", "pool");
  node = vki_test_model_node (tm, "Flatten", "pool", "flat");
  vki_test_node_int (tm, node, "axis", 1);
  node = vki_test_model_node (tm, "Gemm", "flat,fc_w,fc_b", "logits");
  vki_test_node_int (tm, node, "transB", 1);
  vki_test_model_node (tm, "Softmax", "logits", "prob");
  vki_test_model_output (tm, "prob");

  data = vki_test_model_pack (tm, &size);
  if (!g_file_set_contents (argv[1], (const gchar *) data, size, &error)) {
    fprintf (stderr, "%s\n", error->message);
    return 1;
  }

  if (argc == 3) {
    GString *labels = g_string_new (NULL);
    for (guint i = 0; i < CLASSES; i++)
      g_string_append_printf (labels, "class-%u\n", i);
    if (!g_file_set_contents (argv[2], labels->str, labels->len, &error)) {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
    g_string_free (labels, TRUE);
  }

  g_free (data);
  vki_test_model_free (tm);
  g_free (w);
  g_free (b);
  g_free (fc_w);
  g_free (fc_b);
  return 0;
}
