/* The engine's graph: what the ONNX file describes, checked and simplified
 * (Dropout/Identity removed, BatchNormalization folded into Conv, Relu fused,
 * MatMul+Add turned into Gemm). Host side only; shapes that depend on the
 * input are inferred later, per net. */
#ifndef VKI_GRAPH_H
#define VKI_GRAPH_H

#include <gst/vkinception/engine.h>

G_BEGIN_DECLS

/* Model files are untrusted: these bound what one may make us allocate. */
#define VKI_MAX_MODEL_FILE_BYTES (G_GINT64_CONSTANT (2) << 30)
#define VKI_MAX_TENSOR_BYTES (G_GINT64_CONSTANT (1) << 30)
#define VKI_MAX_NODE_INPUTS 64

typedef enum
{
  VKI_OP_CONV,
  VKI_OP_MAXPOOL,
  VKI_OP_AVGPOOL,
  VKI_OP_GLOBALAVGPOOL,
  VKI_OP_LRN,
  VKI_OP_CONCAT,
  VKI_OP_GEMM,                  /* also MatMul (+ Add) */
  VKI_OP_SOFTMAX,
  VKI_OP_RELU,
  VKI_OP_AFFINE,                /* BatchNormalization that could not be folded */
  VKI_OP_RESHAPE,               /* Reshape and Flatten: no data movement */
  VKI_OP_ADD,                   /* only while loading: merged into a Gemm */
} VkiOpType;

typedef enum
{
  VKI_AUTO_PAD_NOTSET,
  VKI_AUTO_PAD_SAME_UPPER,
  VKI_AUTO_PAD_SAME_LOWER,
  VKI_AUTO_PAD_VALID,
} VkiAutoPad;

typedef struct
{
  gchar *name;
  GstVkInceptionShape shape;    /* constants: exact; inputs: declared, -1 unknown */
  float *data;                  /* float constants (initializers, Constant) */
  gint64 *idata;                /* int64 constants (Reshape's shape) */
  gboolean is_const;
  gint producer;                /* node index, -1 for inputs and constants */
} VkiTensor;

/* Spatial window of Conv and the pools, in (height, width) order. */
typedef struct
{
  gint64 kernel[2];
  gint64 stride[2];
  gint64 dilation[2];
  gint64 pads[4];               /* top, left, bottom, right */
  VkiAutoPad auto_pad;
  gboolean ceil_mode;
  gboolean count_include_pad;
} VkiWindow;

typedef struct
{
  VkiOpType type;
  gchar *name;                  /* ONNX node name, or its first output */
  const gchar *onnx_op;         /* as written in the file */
  guint n_inputs;               /* activation inputs only */
  gint inputs[VKI_MAX_NODE_INPUTS];
  gint output;
  gint weight, bias;            /* constant tensors or -1 */
  gboolean relu;                /* Relu fused into this op's output */
  gboolean dead;                /* merged into another node */

  VkiWindow win;                /* Conv, MaxPool, AveragePool */
  struct
  {
    gint64 size;
    float alpha, beta, bias;
  } lrn;
  struct
  {
    /* weight holds [N][K] with alpha applied; bias holds beta * C. */
    gboolean trans_a;
    gint64 n, k;
    GstVkInceptionShape c_shape;  /* shape of C before broadcasting */
  } gemm;
  gint64 axis;                  /* Concat, Softmax, Flatten */
  gboolean softmax_legacy;      /* opset < 13: coerce to 2-D at axis */
  gboolean flatten;
  gboolean allowzero;
  GstVkInceptionShape reshape;  /* Reshape's target, with 0 and -1 */
} VkiNode;

struct _GstVkInceptionModel
{
  gchar *name;
  gint64 opset;
  GPtrArray *tensors;           /* VkiTensor* */
  GPtrArray *nodes;             /* VkiNode*, in topological order */
  GArray *inputs;               /* gint tensor indices */
  GArray *outputs;              /* gint tensor indices */
  GPtrArray *output_names;      /* gchar*, as the file names them */
  GHashTable *metadata;
  gint64 total_bytes;           /* constants held, against VKI_MAX_TENSOR_BYTES */
};

static inline VkiTensor *
vki_model_tensor (GstVkInceptionModel * m, gint i)
{
  return g_ptr_array_index (m->tensors, i);
}

static inline VkiNode *
vki_model_node (GstVkInceptionModel * m, guint i)
{
  return g_ptr_array_index (m->nodes, i);
}

/* Number of elements, or -1 if a dimension is unknown or the product
 * overflows @limit. */
gint64 vki_shape_numel (const GstVkInceptionShape * s, gint64 limit);
/* "1x3x224x224" into @buf. */
const gchar *vki_shape_to_string (const GstVkInceptionShape * s, gchar * buf,
    gsize len);

/* Counts @bytes of constants against the model's limit; fails with
 * TOO_LARGE naming @what when over it. */
gboolean vki_model_claim (GstVkInceptionModel * m, const gchar * what,
    gint64 bytes, GError ** error);

/* Simplifies a freshly parsed graph in place (see the top of this file). */
gboolean vki_graph_optimise (GstVkInceptionModel * m, GError ** error);

/* Per tensor: how many live nodes read it, plus one per graph output it
 * is. g_free() the array. */
guint *vki_graph_count_uses (GstVkInceptionModel * m);

const gchar *vki_op_type_name (VkiOpType type);

G_END_DECLS

#endif
