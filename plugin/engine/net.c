/* A model bound to a device at fixed input shapes.
 *
 * Built once (gst_vk_inception_net_new), in this order:
 *   1. shapes      every tensor's shape, from the input shapes;
 *   2. storage     which tensors share memory: Reshape/Flatten outputs alias
 *                  their input, and a Concat input is written straight into
 *                  its slice of the Concat output when its producer can do
 *                  so (otherwise a copy dispatch fills the slice);
 *   3. levels      each dispatch runs one level after the last of its inputs,
 *                  so independent branches (the four of an inception module)
 *                  share a level and no barrier separates them;
 *   4. arena       one device buffer for all activations; tensors whose level
 *                  spans do not overlap share bytes (greedy, largest first);
 *   5. weights     packed for the shaders and uploaded once;
 *   6. pipelines   one per dispatch, shapes and offsets as specialization
 *                  constants, through the device's pipeline cache;
 *   7. commands    one command buffer: upload copies, the levels with a
 *                  barrier between each, readback copies. Recorded once and
 *                  replayed by every run.
 * Freed by gst_vk_inception_net_free(), in the mirror order. */
#include "net.h"
#include "buffer.h"
#include "error.h"
#include "frame.h"
#include "half.h"
#include "ops.h"
#include "winograd.h"

#include <math.h>
#include <string.h>


/* Floats; 64-byte alignment for every tensor in the arena. */
#define ARENA_ALIGN 16
#define LEVEL_NONE G_MAXINT
#define LEVEL_END (G_MAXINT - 1)

typedef struct
{
  gint root;                    /* tensor whose memory this one lives in */
  gint64 offset;                /* floats from the root's start */
  gint64 bstride;               /* floats between batch items when written
                                 * into a Concat slice; 0: contiguous */
  gint avail;                   /* level after which it is fully written */
  gint first_write, last_read;  /* for roots: the level span to keep */
  gint64 arena_off;             /* for roots: floats from the arena start */
} Storage;

typedef struct
{
  VkiNode *node;                /* NULL for a Concat slice copy */
  gint copy_in, copy_out;       /* tensors of a slice copy */
  guint32 copy_outer, copy_block, copy_ostride;
  gint64 copy_slice;            /* floats from the Concat output's start */
  gint level;
  guint order;                  /* graph order, kept within a level */
  guint layer;
  VkiWinogradStep step;         /* one of a Winograd convolution's three
                                 * dispatches, or 0 */
  gint scratch;                 /* Winograd: its transformed input; the
                                 * product is the next tensor */
  VkiOpDesc desc;
  VkiConvKind conv;             /* the shader kind and split it was given */
  guint32 split;
  struct _Pipe *pipe;           /* shared with dispatches that match */
  guint32 groups[3];
} Dispatch;

/* A pipeline with its descriptor set (every dispatch binds the same
 * buffers), shared by the dispatches with the same shader, specialization
 * constants and workgroup size: they differ only in push constants. */
typedef struct _Pipe
{
  VkiPipeline pipe;
  VkDescriptorSet set;
  const VkiOpDesc *desc;        /* of the first dispatch using it */
  guint32 local[3];             /* its workgroup size */
} Pipe;

typedef struct
{
  gint tensor;
  GstVkInceptionShape shape;
  gsize numel;
  gsize bytes;                  /* on the host: float32 */
  gsize dev_bytes;              /* in the arena and the staging buffer */
  gsize staging_off;            /* bytes into the upload/readback buffer */
} Io;

/* A layer's shader as measured fastest by net_tune(). */
typedef struct
{
  gboolean set;                 /* FALSE: the policy's choice */
  gboolean winograd;
  VkiConvKind conv;
  guint32 split;
} Choice;

/* Which 3x3 convolutions run as Winograd F(4x4, 3x3) (winograd.h). */
typedef enum
{
  WINOGRAD_NONE,
  WINOGRAD_AUTO,                /* where it pays: see use_winograd() */
  WINOGRAD_ALL,                 /* every one that fits (tests) */
} WinogradMode;

struct _GstVkInceptionNet
{
  GstVkInceptionDevice *dev;
  guint n_tensors;              /* the model's, then the net's own scratch
                                 * tensors (Winograd) */
  GstVkInceptionShape *shapes;
  Storage *store;
  GArray *dispatches;           /* Dispatch, in level order */
  GPtrArray *pipes;             /* Pipe, owned */
  GArray *layers;               /* GstVkInceptionLayer, in graph order */
  GStringChunk *strings;
  GArray *inputs, *outputs;     /* Io */
  gint n_levels;

  GstVkInceptionPrecision precision;
  guint elem_size;              /* bytes per activation: 4, or 2 in the
                                 * fp16 precisions */
  gint64 arena_floats;          /* elements */
  VkiBuffer arena, weights, upload, readback;
  VkiShaderPolicy policy;       /* how each layer's shader is chosen */
  Choice *tuned;                /* per layer, overriding the policy; or
                                 * NULL (net_tune()) */
  guint32 subgroup;             /* vki_op_subgroup_weights() */
  gboolean image_reads;         /* vki_op_image_reads() */
  gboolean vec_out;             /* vki_op_vec_stores() */
  WinogradMode winograd;
  gboolean has_winograd;        /* some convolution runs as Winograd */
  gboolean tiled;               /* texel views exist: pools read through
                                 * them, and conv_tiled where chosen */
  VkBufferView views[3];        /* those views: the arena as R32F and
                                 * RGBA32F (R16F, RGBA16F in fp16), the
                                 * weights as RGBA32F */
  VkDescriptorPool desc_pool;
  VkCommandPool cmd_pool;
  VkCommandBuffer cmd, profile_cmd;
  VkFence fence;
  VkQueryPool queries;

  /* Input 0 from raw video frames (set_frame_format), else all unset. */
  gboolean has_frames;
  VkiFrameLayout frame_layout;
  VkiBuffer frame_upload;
  VkiPipeline frame_pipe;
  VkDescriptorPool frame_pool;
  VkDescriptorSet frame_set;
  guint32 frame_groups[3];
  VkCommandBuffer frame_cmd;    /* the conversion from frame_upload, submitted
                                 * ahead of cmd (which then holds only the
                                 * network) */
  /* Frames read where they lie (run_frames_in_place): each one's memory
   * imported for one run and bound to its own set (one per batch item),
   * the conversions recorded into import_cmd for them. */
  VkDescriptorSet *import_sets;
  VkiBuffer *imports;           /* per batch item, held during a run only */
  VkCommandPool import_pool;
  VkCommandBuffer import_cmd;
  gboolean import_failed;       /* copy until the next frame format */
};

/* ------------------------------------------------------------------ shapes */

static gboolean
check_input_shape (GstVkInceptionModel * m, guint i,
    const GstVkInceptionShape * s, GError ** error)
{
  GstVkInceptionShape declared;
  const gchar *name = gst_vk_inception_model_get_input (m, i, &declared);
  gchar buf[128];

  if (s->rank >= 1 && s->rank <= GST_VK_INCEPTION_MAX_RANK
      && vki_shape_numel (s, G_MAXINT32) == 0) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_UNSUPPORTED,
        "%s: input '%s': shape %s is empty; empty tensors are not supported",
        m->name, name, vki_shape_to_string (s, buf, sizeof (buf)));
    return FALSE;
  }
  if (s->rank < 1 || s->rank > GST_VK_INCEPTION_MAX_RANK
      || vki_shape_numel (s, G_MAXINT32) <= 0) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_SHAPE,
        "%s: input '%s': shape %s is not a usable size (rank 1 to %d, every "
        "dimension known and positive, under 2^31 elements)", m->name, name,
        vki_shape_to_string (s, buf, sizeof (buf)), GST_VK_INCEPTION_MAX_RANK);
    return FALSE;
  }
  if (declared.rank && declared.rank != s->rank) {
    gchar buf2[128];
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_SHAPE,
        "%s: input '%s' is declared as %s; got rank %u (%s)", m->name, name,
        vki_shape_to_string (&declared, buf, sizeof (buf)), s->rank,
        vki_shape_to_string (s, buf2, sizeof (buf2)));
    return FALSE;
  }
  return TRUE;
}

/* A shape error far down the graph usually means a fixed-size model was
 * given another size: say which size it declares. */
static void
add_declared_hint (GstVkInceptionModel * m, const GstVkInceptionShape * given,
    GError * error)
{
  for (guint i = 0; i < m->inputs->len; i++) {
    GstVkInceptionShape declared;
    const gchar *name = gst_vk_inception_model_get_input (m, i, &declared);
    gchar buf[128];
    gchar *msg;
    if (vki_shape_numel (&declared, G_MAXINT64) <= 0
        || memcmp (declared.dims, given[i].dims,
            sizeof (gint64) * declared.rank) == 0)
      continue;
    msg = g_strdup_printf ("%s; this model needs input '%s' of %s", error->message,
        name, vki_shape_to_string (&declared, buf, sizeof (buf)));
    g_free (error->message);
    error->message = msg;
    return;
  }
}

static gboolean
infer_shapes (GstVkInceptionNet * net, GstVkInceptionModel * m,
    const GstVkInceptionShape * input_shapes, GError ** error)
{
  GstVkInceptionShape *given = g_new0 (GstVkInceptionShape, m->inputs->len);
  gboolean ok = FALSE;

  for (guint i = 0; i < m->inputs->len; i++) {
    gint t = g_array_index (m->inputs, gint, i);
    if (input_shapes)
      given[i] = input_shapes[i];
    else
      gst_vk_inception_model_get_input (m, i, &given[i]);
    if (!check_input_shape (m, i, &given[i], error))
      goto out;
    net->shapes[t] = given[i];
  }
  for (guint i = 0; i < m->nodes->len; i++) {
    VkiNode *node = vki_model_node (m, i);
    if (node->dead)
      continue;
    if (!vki_op_infer (m, node, net->shapes, error)) {
      if ((*error)->code == GST_VK_INCEPTION_ERROR_SHAPE)
        add_declared_hint (m, given, *error);
      goto out;
    }
  }
  ok = TRUE;
out:
  g_free (given);
  return ok;
}

/* ----------------------------------------------------------------- storage */

static gint64
numel (GstVkInceptionNet * net, gint t)
{
  return vki_shape_numel (&net->shapes[t], G_MAXINT64);
}

/* Follows aliases and Concat slices to the tensor that owns the memory. */
static gint
find_root (GstVkInceptionNet * net, gint t, gint64 * offset)
{
  gint64 off = 0;
  while (net->store[t].root != t) {
    off += net->store[t].offset;
    t = net->store[t].root;
  }
  if (offset)
    *offset = off;
  return t;
}

static guint32
arena_offset (GstVkInceptionNet * net, gint t)
{
  gint64 off;
  gint r = find_root (net, t, &off);
  return (guint32) (net->store[r].arena_off + off);
}

static guint32
batch_stride (GstVkInceptionNet * net, gint t)
{
  const GstVkInceptionShape *s = &net->shapes[t];
  if (net->store[t].bstride)
    return (guint32) net->store[t].bstride;
  return (guint32) (s->rank && s->dims[0] ? numel (net, t) / s->dims[0] : 0);
}

static void
mark_write (GstVkInceptionNet * net, gint t, gint level)
{
  gint r = find_root (net, t, NULL);
  net->store[r].first_write = MIN (net->store[r].first_write, level);
}

static void
mark_read (GstVkInceptionNet * net, gint t, gint level)
{
  gint r = find_root (net, t, NULL);
  net->store[r].last_read = MAX (net->store[r].last_read, level);
}

static gboolean
is_graph_output (GstVkInceptionModel * m, gint t)
{
  for (guint i = 0; i < m->outputs->len; i++)
    if (g_array_index (m->outputs, gint, i) == t)
      return TRUE;
  return FALSE;
}

/* Can Concat input @t be written in place, as a slice? */
static gboolean
can_write_in_place (GstVkInceptionNet * net, GstVkInceptionModel * m,
    const guint * uses, gint t, gint64 axis)
{
  VkiTensor *tensor = vki_model_tensor (m, t);
  VkiNode *producer;
  /* A slice along a later axis is not one block per batch item. */
  if (axis > 1 || tensor->producer < 0 || net->store[t].root != t)
    return FALSE;
  producer = vki_model_node (m, tensor->producer);
  return !producer->dead && vki_op_writes_views (producer)
      && uses[t] == 1 && !is_graph_output (m, t);
}

static void
add_dispatch (GstVkInceptionNet * net, const Dispatch * d)
{
  g_array_append_vals (net->dispatches, d, 1);
}

/* A tensor of the net's own, of @floats, after the model's; returns it. */
static gint
add_scratch (GstVkInceptionNet * net, gint64 floats)
{
  gint t = (gint) net->n_tensors++;
  net->shapes[t].rank = 1;
  net->shapes[t].dims[0] = floats;
  net->store[t].root = t;
  net->store[t].avail = LEVEL_NONE;
  net->store[t].first_write = LEVEL_NONE;
  net->store[t].last_read = -1;
  return t;
}

/* Winograd F(4x4, 3x3) cuts a 3x3 convolution's multiply-adds 4x, for two
 * more dispatches over transformed copies of its input and output, and
 * filters 4x larger (winograd.h). On lavapipe it pays from about
 * VKI_WINOGRAD_MIN_MACS direct multiply-adds (below, the two extra dispatches'
 * fixed cost wins), and on planes of 14x14 and more: on 7x7 planes (2x2
 * tiles, a third of them past the edge) it saved a fifth of the time for 4x
 * the filters, which BVLC GoogLeNet's peak memory cannot spare
 * (docs/performance.md). On GPUs it is not measured yet. Float32 only: with
 * float16 transformed values an op test's error reached 1.0e-2, the bound.
 * VKINCEPTION_WINOGRAD=0 turns it off, =1 on for every 3x3 stride-1
 * convolution on any device (the tests). */

static WinogradMode
winograd_mode (GstVkInceptionNet * net)
{
  const gchar *env = g_getenv ("VKINCEPTION_WINOGRAD");

  if (net->precision != GST_VK_INCEPTION_PRECISION_FP32
      || g_strcmp0 (env, "0") == 0)
    return WINOGRAD_NONE;
  if (g_strcmp0 (env, "1") == 0)
    return WINOGRAD_ALL;
  /* A tuned net runs Winograd where it measured fastest (use_winograd()). */
  return net->policy == VKI_SHADER_POLICY_CPU || net->tuned ? WINOGRAD_AUTO :
      WINOGRAD_NONE;
}

static gboolean
use_winograd (GstVkInceptionNet * net, GstVkInceptionModel * m,
    VkiNode * node, guint layer)
{
  const GstVkInceptionShape *y = &net->shapes[node->output];
  guint64 params, macs;

  if (net->winograd == WINOGRAD_NONE || !vki_winograd_fits (node))
    return FALSE;
  if (net->tuned && net->tuned[layer].set)
    return net->tuned[layer].winograd;
  vki_op_count (m, node, net->shapes, &params, &macs);
  return net->winograd == WINOGRAD_ALL || (macs >= VKI_WINOGRAD_MIN_MACS
      && y->dims[2] * y->dims[3] >= VKI_WINOGRAD_MIN_PLANE);
}

/* Steps 2 and 3: storage sharing, then levels and lifetimes. */
static void
plan_storage (GstVkInceptionNet * net, GstVkInceptionModel * m)
{
  guint layer = 0;
  guint *uses = vki_graph_count_uses (m);

  for (guint t = 0; t < net->n_tensors; t++) {
    net->store[t].root = (gint) t;
    net->store[t].avail = LEVEL_NONE;
    net->store[t].first_write = LEVEL_NONE;
    net->store[t].last_read = -1;
  }

  for (guint i = 0; i < m->nodes->len; i++) {
    VkiNode *node = vki_model_node (m, i);
    Dispatch d = { 0 };
    if (node->dead)
      continue;
    d.layer = layer++;
    if (node->type == VKI_OP_RESHAPE) {
      net->store[node->output].root = node->inputs[0];
    } else if (node->type == VKI_OP_CONCAT) {
      const GstVkInceptionShape *y = &net->shapes[node->output];
      gint64 axis = node->axis < 0 ? node->axis + y->rank : node->axis;
      gint64 inner = 1, outer = 1, cum = 0;
      for (guint k = axis + 1; k < y->rank; k++)
        inner *= y->dims[k];
      for (guint k = 0; k < axis; k++)
        outer *= y->dims[k];
      for (guint j = 0; j < node->n_inputs; j++) {
        gint t = node->inputs[j];
        gint64 len = net->shapes[t].dims[axis];
        if (can_write_in_place (net, m, uses, t, axis)) {
          net->store[t].root = node->output;
          net->store[t].offset = cum * inner;
          net->store[t].bstride = axis == 1 ? y->dims[1] * inner : 0;
        } else {
          Dispatch c = {.node = NULL,.copy_in = t,.copy_out = node->output,
            .copy_outer = (guint32) outer,.copy_block = (guint32) (len * inner),
            .copy_ostride = (guint32) (y->dims[axis] * inner),
            .copy_slice = cum * inner,.layer = d.layer
          };
          add_dispatch (net, &c);
        }
        cum += len;
      }
    } else if (use_winograd (net, m, node, d.layer)) {
      gint64 u, prod;
      vki_winograd_scratch (node, net->shapes, &u, &prod);
      d.node = node;
      net->has_winograd = TRUE;
      d.scratch = add_scratch (net, u);
      add_scratch (net, prod);
      for (d.step = VKI_WINOGRAD_INPUT; d.step <= VKI_WINOGRAD_OUTPUT;
          d.step++)
        add_dispatch (net, &d);
    } else {
      d.node = node;
      add_dispatch (net, &d);
    }
  }

  /* Levels, now that every tensor's root is known. */
  for (guint i = 0; i < m->inputs->len; i++) {
    gint t = g_array_index (m->inputs, gint, i);
    net->store[t].avail = 0;
    mark_write (net, t, 0);
  }
  {
    guint di = 0;
    for (guint i = 0; i < m->nodes->len; i++) {
      VkiNode *node = vki_model_node (m, i);
      Dispatch *d;
      gint level = 0;
      if (node->dead)
        continue;
      if (node->type == VKI_OP_RESHAPE) {
        net->store[node->output].avail = net->store[node->inputs[0]].avail;
        continue;
      }
      if (node->type == VKI_OP_CONCAT) {
        /* Its copies were queued in input order, before any later node. */
        for (guint j = 0; j < node->n_inputs; j++) {
          gint t = node->inputs[j];
          if (net->store[t].root == node->output) {
            level = MAX (level, net->store[t].avail);
          } else {
            Dispatch *c = &g_array_index (net->dispatches, Dispatch, di++);
            c->level = net->store[t].avail + 1;
            mark_read (net, t, c->level);
            mark_write (net, node->output, c->level);
            level = MAX (level, c->level);
          }
        }
        net->store[node->output].avail = level;
        continue;
      }
      for (guint j = 0; j < node->n_inputs; j++)
        level = MAX (level, net->store[node->inputs[j]].avail);
      level++;
      d = &g_array_index (net->dispatches, Dispatch, di++);
      d->level = level;
      for (guint j = 0; j < node->n_inputs; j++)
        mark_read (net, node->inputs[j], level);
      if (d->step) {
        /* input -> U -> M -> output, one level each. */
        mark_write (net, d->scratch, level);
        for (guint k = 0; k < 2; k++) {
          g_array_index (net->dispatches, Dispatch, di++).level = ++level;
          mark_read (net, d->scratch + k, level);
          if (k == 0)
            mark_write (net, d->scratch + 1, level);
        }
      }
      mark_write (net, node->output, level);
      net->store[node->output].avail = level;
      net->n_levels = MAX (net->n_levels, level);
    }
  }
  for (guint i = 0; i < m->outputs->len; i++)
    mark_read (net, g_array_index (m->outputs, gint, i), LEVEL_END);
  for (guint i = 0; i < net->dispatches->len; i++)
    net->n_levels = MAX (net->n_levels,
        g_array_index (net->dispatches, Dispatch, i).level);
  g_free (uses);
}

typedef struct
{
  gint root;
  gint64 size;
} Block;

static gint
block_cmp (gconstpointer a, gconstpointer b)
{
  const Block *x = a, *y = b;
  if (x->size != y->size)
    return x->size > y->size ? -1 : 1;
  return x->root - y->root;
}

/* Step 4: greedy placement of the roots in one arena. */
static gboolean
plan_arena (GstVkInceptionNet * net, GstVkInceptionModel * m, GError ** error)
{
  GArray *blocks = g_array_new (FALSE, FALSE, sizeof (Block));
  gint64 total = 0;
  gint64 limit = MIN (net->dev->props.limits.maxStorageBufferRange /
      net->elem_size, (gint64) G_MAXUINT32);

  for (guint t = 0; t < net->n_tensors; t++) {
    Storage *s = &net->store[t];
    if (s->root == (gint) t && s->first_write != LEVEL_NONE) {
      Block b = { (gint) t, (numel (net, t) + ARENA_ALIGN - 1)
            / ARENA_ALIGN * ARENA_ALIGN };
      s->last_read = MAX (s->last_read, s->first_write);
      g_array_append_val (blocks, b);
    }
  }
  g_array_sort (blocks, block_cmp);

  for (guint i = 0; i < blocks->len; i++) {
    Block *b = &g_array_index (blocks, Block, i);
    Storage *s = &net->store[b->root];
    gint64 off = 0;
    gboolean moved = TRUE;
    /* Lowest offset clear of every placed block whose lifetime overlaps. */
    while (moved) {
      moved = FALSE;
      for (guint j = 0; j < i; j++) {
        Block *o = &g_array_index (blocks, Block, j);
        Storage *so = &net->store[o->root];
        if (so->first_write > s->last_read || s->first_write > so->last_read)
          continue;
        if (off < so->arena_off + o->size && so->arena_off < off + b->size) {
          off = so->arena_off + o->size;
          moved = TRUE;
        }
      }
    }
    s->arena_off = off;
    total = MAX (total, off + b->size);
  }
  g_array_unref (blocks);

  net->arena_floats = MAX (total, ARENA_ALIGN);
  if (net->arena_floats > limit) {
    gchar *need = g_format_size_full (net->arena_floats * net->elem_size,
        G_FORMAT_SIZE_IEC_UNITS);
    gchar *max = g_format_size_full (limit * net->elem_size,
        G_FORMAT_SIZE_IEC_UNITS);
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_TOO_LARGE,
        "%s: the activations need %s, over the %s one buffer can hold on "
        "'%s'; use a smaller input", m->name, need, max,
        net->dev->props.deviceName);
    g_free (need);
    g_free (max);
    return FALSE;
  }
  return TRUE;
}

/* ----------------------------------------------------------- device state */

static gint
dispatch_level_cmp (gconstpointer a, gconstpointer b)
{
  const Dispatch *x = a, *y = b;
  if (x->level != y->level)
    return x->level < y->level ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* Can convolutions and pools read through texel buffers (conv_tiled.comp,
 * pool_tiled.comp)? The device must read the formats, and the arena's
 * scalar view and the weights' RGBA32F view must fit its texel-buffer
 * limit. VKINCEPTION_CONV=direct forces conv.comp and pool.comp (tests run
 * both). */
static gboolean
use_tiled_conv (GstVkInceptionNet * net, guint64 weight_floats)
{
  guint64 max = net->dev->props.limits.maxTexelBufferElements;

  if (net->policy == VKI_SHADER_POLICY_DIRECT)
    return FALSE;
  return (net->elem_size == 2 ? net->dev->has_texel_reads_fp16 :
      net->dev->has_texel_reads) && (guint64) net->arena_floats <= max
      && weight_floats / 4 <= max;
}

/* The shader policies by their VKINCEPTION_CONV names, in the order
 * net_tune() measures them: together they offer every convolution, Gemm and
 * LRN shader the engine has for a layer. */
static const struct
{
  const gchar *name;
  VkiShaderPolicy policy;
} policies[] = {
  {"cpu", VKI_SHADER_POLICY_CPU},
  {"gpu", VKI_SHADER_POLICY_GPU},
  {"direct", VKI_SHADER_POLICY_DIRECT},
  {"split", VKI_SHADER_POLICY_SPLIT},
  {"gemm", VKI_SHADER_POLICY_GEMM},
};

/* How shaders are chosen: the CPU policy (conv_tiled everywhere, tuned on
 * lavapipe) on CPU devices, a per-layer cost model on GPUs.
 * VKINCEPTION_CONV (one of policies[]) overrides it, for the tests and for
 * comparisons; =tune is net_tune(), whose final net takes the default. */
static VkiShaderPolicy
shader_policy (GstVkInceptionNet * net)
{
  const gchar *env = g_getenv ("VKINCEPTION_CONV");

  for (guint i = 0; i < G_N_ELEMENTS (policies); i++)
    if (g_strcmp0 (env, policies[i].name) == 0)
      return policies[i].policy;
  return net->dev->props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU ?
      VKI_SHADER_POLICY_CPU : VKI_SHADER_POLICY_GPU;
}

/* The build of a dispatch's shader the net runs: its *_img build where the
 * net reads images (shaders/embed.py links it), its _fp16 build in an fp16
 * net, and in an fp16-arithmetic net its _fp16a build where it has one (the
 * convolutions and Gemm), else its _fp16 build. */
static void
use_build (GstVkInceptionNet * net, VkiOpDesc * desc)
{
  if (net->image_reads && desc->shader->image)
    desc->shader = desc->shader->image;
  if (net->precision == GST_VK_INCEPTION_PRECISION_FP16_ARITHMETIC
      && desc->shader->fp16a) {
    desc->shader = desc->shader->fp16a;
  } else if (net->precision != GST_VK_INCEPTION_PRECISION_FP32) {
    g_assert (desc->shader->fp16 != NULL);
    desc->shader = desc->shader->fp16;
  }
}

/* Step 5: packs every op's constants and describes its dispatch. Each op
 * is packed on its own and placed at the next 16-byte boundary; with
 * @upload it goes straight into the weight buffer, so that the packed
 * weights never exist as a whole in host memory next to the model's (the
 * peak memory of start-up). Sets @total to the floats needed. */
static gboolean
pack_dispatches (GstVkInceptionNet * net, GstVkInceptionModel * m,
    gboolean tiled, gboolean upload, guint64 * total, GError ** error)
{
  GArray *op = g_array_new (FALSE, TRUE, sizeof (float));
  guint n = net->dispatches->len;
  guint64 base = 0;
  gboolean ok = TRUE;

  for (guint i = 0; i < n && ok; i++) {
    Dispatch *d = &g_array_index (net->dispatches, Dispatch, i);
    if (d->node) {
      VkiOpPlace place = { 0 };
      place.tiled = tiled;
      place.subgroup = net->subgroup;
      place.image_reads = net->image_reads;
      place.vec_out = net->vec_out;
      place.scale_weights =
          net->precision == GST_VK_INCEPTION_PRECISION_FP16_ARITHMETIC;
      if (d->step) {
        /* The product: a batched 1x1 convolution. */
        place.conv = tiled ? VKI_CONV_TILED : VKI_CONV_DIRECT;
        place.split = 1;
        place.u_off = arena_offset (net, d->scratch);
        place.m_off = arena_offset (net, d->scratch + 1);
      } else {
        const Choice *c = net->tuned ? &net->tuned[d->layer] : NULL;
        vki_op_choose_shader (d->node, net->shapes, net->policy, tiled,
            &place);
        if (c && c->set && !c->winograd
            && (c->conv != VKI_CONV_TILED || tiled)) {
          place.conv = c->conv;
          place.split = c->split;
        }
      }
      d->conv = place.conv;
      d->split = place.split;
      place.in_off = arena_offset (net, d->node->inputs[0]);
      place.out_off = arena_offset (net, d->node->output);
      place.out_bstride = batch_stride (net, d->node->output);
      g_array_set_size (op, 0);
      if (d->step)
        vki_winograd_pack (m, d->node, d->step, upload, op, &place);
      else
        vki_op_pack (m, d->node, net->shapes, op, &place);
      /* Offsets beyond 32 bits fail the size check before any upload. */
      place.w_off += (guint32) base;
      place.b_off += (guint32) base;
      if (upload && op->len > 0)
        ok = vki_buffer_upload (&net->weights, net->dev, base * sizeof (float),
            op->data, op->len * sizeof (float), error);
      base += (op->len + 3) & ~(guint64) 3;
      if (d->step)
        vki_winograd_describe (d->node, net->shapes, &place, d->step,
            &d->desc);
      else
        vki_op_describe (d->node, net->shapes, &place, &d->desc);
    } else {
      vki_op_describe_copy (d->copy_outer, d->copy_block,
          arena_offset (net, d->copy_in),
          (guint32) (arena_offset (net, d->copy_out) + d->copy_slice),
          d->copy_ostride, &d->desc);
    }
    use_build (net, &d->desc);
  }
  g_array_unref (op);
  *total = base;
  return ok;
}

/* Whether two dispatches run the same shader build with the same
 * constants: what a pipeline is, but for its workgroup size. */
static gboolean
same_build (const VkiOpDesc * a, const VkiOpDesc * b)
{
  return a->shader == b->shader && a->n_spec == b->n_spec
      && a->n_texels == b->n_texels && a->n_push == b->n_push
      && memcmp (a->spec, b->spec, a->n_spec * sizeof (guint32)) == 0;
}

static Pipe *
find_pipe (GstVkInceptionNet * net, const VkiOpDesc * desc,
    const guint32 local[3])
{
  for (guint i = 0; i < net->pipes->len; i++) {
    Pipe *p = g_ptr_array_index (net->pipes, i);
    if (same_build (p->desc, desc)
        && memcmp (p->local, local, 3 * sizeof (guint32)) == 0)
      return p;
  }
  return NULL;
}

/* Each dispatch's workgroup size (@local: 3 per dispatch). On a CPU device
 * the dispatches of one build take the smallest size any of them chose
 * (the subgroup size, where one has few workgroups): on llvmpipe a second
 * size is a second pipeline of about 3 MiB, and a small workgroup costs a
 * large dispatch little (docs/performance.md, "Memory on a first run,
 * again"). */
static void
choose_local_sizes (GstVkInceptionNet * net, guint32 * local)
{
  guint n = net->dispatches->len;

  for (guint i = 0; i < n; i++) {
    const Dispatch *d = &g_array_index (net->dispatches, Dispatch, i);
    if (d->desc.local[0])
      memcpy (&local[3 * i], d->desc.local, 3 * sizeof (guint32));
    else
      vki_pipeline_choose_local_size (net->dev, d->desc.dims, d->desc.global,
          &local[3 * i]);
  }
  if (net->dev->props.deviceType != VK_PHYSICAL_DEVICE_TYPE_CPU)
    return;
  for (guint i = 0; i < n; i++) {
    const Dispatch *d = &g_array_index (net->dispatches, Dispatch, i);
    if (d->desc.local[0] || d->desc.dims > 1)
      continue;
    for (guint j = 0; j < n; j++) {
      const Dispatch *e = &g_array_index (net->dispatches, Dispatch, j);
      if (!e->desc.local[0] && e->desc.dims <= 1
          && same_build (&d->desc, &e->desc))
        local[3 * i] = MIN (local[3 * i], local[3 * j]);
    }
  }
}

/* Steps 5 and 6. */
static gboolean
create_dispatches (GstVkInceptionNet * net, GstVkInceptionModel * m,
    GError ** error)
{
  guint n = net->dispatches->len;
  guint64 floats;
  guint32 *locals;
  gboolean ok = TRUE;

  for (guint i = 0; i < n; i++)
    g_array_index (net->dispatches, Dispatch, i).order = i;
  g_array_sort (net->dispatches, dispatch_level_cmp);

  /* Sizes first (packing without uploading), then the buffer, then the
   * upload. */
  net->tiled = use_tiled_conv (net, 0);
  pack_dispatches (net, m, net->tiled, FALSE, &floats, NULL);
  if (net->tiled && !use_tiled_conv (net, floats)) {
    net->tiled = FALSE;
    pack_dispatches (net, m, FALSE, FALSE, &floats, NULL);
  }
  /* Where Winograd's larger tensors and filters cost the texel reads, the
   * net is built again without it (gst_vk_inception_net_new_full()). */
  if (!net->tiled && net->winograd == WINOGRAD_AUTO && net->has_winograd
      && net->dev->has_texel_reads) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_TOO_LARGE,
        "%s: with Winograd, the activations or weights exceed the %u-element "
        "texel buffers of '%s'", m->name,
        net->dev->props.limits.maxTexelBufferElements,
        net->dev->props.deviceName);
    return FALSE;
  }
  for (guint i = 0; i < n; i++) {
    Dispatch *d = &g_array_index (net->dispatches, Dispatch, i);
    GstVkInceptionLayer *l = &g_array_index (net->layers, GstVkInceptionLayer,
        d->layer);
    if (d->step == VKI_WINOGRAD_PRODUCT) {
      gchar *k = g_strconcat ("winograd+", d->desc.shader->name, NULL);
      l->kernel = g_string_chunk_insert_const (net->strings, k);
      g_free (k);
    } else if (d->step) {
      continue;
    } else if (d->node || !l->kernel)
      l->kernel = d->desc.shader->name;
  }

  if (floats * sizeof (float) > net->dev->props.limits.maxStorageBufferRange) {
    gchar *need = g_format_size_full (floats * sizeof (float),
        G_FORMAT_SIZE_IEC_UNITS);
    gchar *max = g_format_size_full (net->dev->props.limits.
        maxStorageBufferRange, G_FORMAT_SIZE_IEC_UNITS);
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_TOO_LARGE,
        "%s: the weights need %s, over the %s one buffer can hold on '%s'",
        m->name, need, max, net->dev->props.deviceName);
    g_free (need);
    g_free (max);
    return FALSE;
  }
  if (!vki_buffer_init (&net->weights, net->dev, floats * sizeof (float),
          net->image_reads ? VKI_BUFFER_DEVICE_IMAGE : VKI_BUFFER_DEVICE,
          error)
      || !pack_dispatches (net, m, net->tiled, TRUE, &floats, error))
    return FALSE;

  if (net->tiled) {
    gboolean half = net->elem_size == 2;
    if (!vki_buffer_create_view (&net->arena, net->dev, half ?
            VK_FORMAT_R16_SFLOAT : VK_FORMAT_R32_SFLOAT, &net->views[0], error)
        || !vki_buffer_create_view (&net->arena, net->dev, half ?
            VK_FORMAT_R16G16B16A16_SFLOAT : VK_FORMAT_R32G32B32A32_SFLOAT,
            &net->views[1], error)
        || !vki_buffer_create_view (&net->weights, net->dev,
            VK_FORMAT_R32G32B32A32_SFLOAT, &net->views[2], error))
      return FALSE;
  }

  {
    VkDescriptorPoolSize sizes[] = {
      {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2 * MAX (n, 1)},
      {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, G_N_ELEMENTS (net->views) *
            MAX (n, 1)},
      {VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, G_N_ELEMENTS (net->views) *
            MAX (n, 1)},
    };
    VkDescriptorPoolCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .maxSets = MAX (n, 1),
      .poolSizeCount = G_N_ELEMENTS (sizes),
      .pPoolSizes = sizes,
    };
    if (!vki_result_to_error (vkCreateDescriptorPool (net->dev->device, &info,
                NULL, &net->desc_pool), error, "vkCreateDescriptorPool"))
      return FALSE;
  }

  /* Which pipelines, then all of them compiled at once, then their sets
   * (a descriptor pool takes one allocation at a time). */
  locals = g_new (guint32, 3 * MAX (n, 1));
  choose_local_sizes (net, locals);
  for (guint i = 0; i < n; i++) {
    Dispatch *d = &g_array_index (net->dispatches, Dispatch, i);
    d->pipe = find_pipe (net, &d->desc, &locals[3 * i]);
    if (!d->pipe) {
      d->pipe = g_new0 (Pipe, 1);
      d->pipe->desc = &d->desc;
      memcpy (d->pipe->local, &locals[3 * i], sizeof (d->pipe->local));
      g_ptr_array_add (net->pipes, d->pipe);
    }
  }
  g_free (locals);
  {
    guint n_pipes = net->pipes->len;
    VkiPipelineBuild *builds = g_new0 (VkiPipelineBuild, MAX (n_pipes, 1));
    VkBuffer buffers[2] = { net->arena.buffer, net->weights.buffer };

    for (guint i = 0; i < n_pipes; i++) {
      Pipe *p = g_ptr_array_index (net->pipes, i);
      builds[i] = (VkiPipelineBuild) {
      &p->pipe, p->desc->shader, 2, p->desc->n_texels, p->desc->n_push,
            p->desc->spec, p->desc->n_spec, p->local};
    }
    ok = vki_pipeline_init_all (net->dev, builds, n_pipes, error);
    g_free (builds);
    for (guint i = 0; i < n_pipes && ok; i++) {
      Pipe *p = g_ptr_array_index (net->pipes, i);
      ok = vki_pipeline_alloc_set (&p->pipe, net->dev, net->desc_pool,
          buffers, net->views, &p->set, error);
    }
  }
  for (guint i = 0; i < n && ok; i++) {
    Dispatch *d = &g_array_index (net->dispatches, Dispatch, i);
    ok = vki_pipeline_group_count (&d->pipe->pipe, net->dev, d->desc.global,
        d->desc.fold, d->groups, error);
  }
  if (ok)
    g_debug ("%s: %u dispatches share %u pipelines", m->name, n,
        net->pipes->len);
  return ok;
}

static void
barrier (VkCommandBuffer cmd, VkPipelineStageFlags src_stage,
    VkAccessFlags src, VkPipelineStageFlags dst_stage, VkAccessFlags dst)
{
  VkMemoryBarrier b = {
    .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
    .srcAccessMask = src,
    .dstAccessMask = dst,
  };
  vkCmdPipelineBarrier (cmd, src_stage, dst_stage, 0, 1, &b, 0, NULL, 0, NULL);
}

#define ALL_SHADER_ACCESS (VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT)

/* The frames' conversion (timed from query n + 1 with @timestamps),
 * ordered after the previous run's reads of the arena: with @n_sets 1, one
 * dispatch over the whole batch bound to sets[0] (the upload buffer, or
 * the one frame of a batch of 1); with a set per batch item (frames read
 * in place), one dispatch per frame, its item as the push constant. */
static void
record_conversion (GstVkInceptionNet * net, VkCommandBuffer cmd,
    const VkDescriptorSet * sets, guint n_sets, VkQueryPool timestamps)
{
  const guint32 one[3] = { net->frame_groups[0], net->frame_groups[1], 1 };

  barrier (cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT |
      VK_PIPELINE_STAGE_TRANSFER_BIT, ALL_SHADER_ACCESS |
      VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
      VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, ALL_SHADER_ACCESS);
  if (timestamps)
    vkCmdWriteTimestamp (cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT,
        timestamps, net->dispatches->len + 1);
  for (guint32 k = 0; k < n_sets; k++)
    vki_pipeline_record (&net->frame_pipe, cmd, sets[k], &k,
        n_sets == 1 ? net->frame_groups : one);
}

/* A command buffer of the conversion alone, submitted ahead of net->cmd. */
static gboolean
record_conversion_cmd (GstVkInceptionNet * net, VkCommandBuffer cmd,
    const VkDescriptorSet * sets, guint n_sets, GError ** error)
{
  VkCommandBufferBeginInfo begin = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
  };
  if (!vki_result_to_error (vkBeginCommandBuffer (cmd, &begin), error,
          "vkBeginCommandBuffer"))
    return FALSE;
  record_conversion (net, cmd, sets, n_sets, VK_NULL_HANDLE);
  return vki_result_to_error (vkEndCommandBuffer (cmd), error,
      "vkEndCommandBuffer");
}

/* Step 7. With @timestamps, every dispatch is followed by a barrier and a
 * timestamp so that each can be timed (queries 1 to n, query 0 before the
 * first). With @frames, the frames' conversion comes first (timed from
 * query n + 1 to query 0); without, a net that takes frames has it in a
 * command buffer of its own. */
static gboolean
record (GstVkInceptionNet * net, VkCommandBuffer cmd, VkQueryPool timestamps,
    VkDescriptorSet frames, GError ** error)
{
  VkCommandBufferBeginInfo begin = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
  };
  guint n = net->dispatches->len;

  if (!vki_result_to_error (vkBeginCommandBuffer (cmd, &begin), error,
          "vkBeginCommandBuffer"))
    return FALSE;
  if (timestamps)
    vkCmdResetQueryPool (cmd, timestamps, 0, n + 2);

  /* The previous run's reads of the arena finish before new input lands. */
  barrier (cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT |
      VK_PIPELINE_STAGE_TRANSFER_BIT, ALL_SHADER_ACCESS |
      VK_ACCESS_TRANSFER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
      VK_ACCESS_TRANSFER_WRITE_BIT);
  for (guint i = net->has_frames ? 1 : 0; i < net->inputs->len; i++) {
    Io *io = &g_array_index (net->inputs, Io, i);
    VkBufferCopy region = { io->staging_off,
      (VkDeviceSize) arena_offset (net, io->tensor) * net->elem_size,
      io->dev_bytes
    };
    vkCmdCopyBuffer (cmd, net->upload.buffer, net->arena.buffer, 1, &region);
  }
  if (frames)
    record_conversion (net, cmd, &frames, 1, timestamps);
  barrier (cmd, VK_PIPELINE_STAGE_TRANSFER_BIT |
      VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT |
      VK_ACCESS_SHADER_WRITE_BIT,
      VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
      ALL_SHADER_ACCESS | VK_ACCESS_TRANSFER_READ_BIT);
  if (timestamps)
    vkCmdWriteTimestamp (cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT,
        timestamps, 0);

  for (guint i = 0; i < n; i++) {
    Dispatch *d = &g_array_index (net->dispatches, Dispatch, i);
    gboolean level_ends = i + 1 == n
        || g_array_index (net->dispatches, Dispatch, i + 1).level != d->level;
    vki_pipeline_record (&d->pipe->pipe, cmd, d->pipe->set, d->desc.push,
        d->groups);
    if (level_ends || timestamps)
      barrier (cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
          VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT |
          VK_PIPELINE_STAGE_TRANSFER_BIT,
          ALL_SHADER_ACCESS | VK_ACCESS_TRANSFER_READ_BIT);
    if (timestamps)
      vkCmdWriteTimestamp (cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT,
          timestamps, i + 1);
  }

  for (guint i = 0; i < net->outputs->len; i++) {
    Io *io = &g_array_index (net->outputs, Io, i);
    VkBufferCopy region = {
      (VkDeviceSize) arena_offset (net, io->tensor) * net->elem_size,
      io->staging_off, io->dev_bytes
    };
    vkCmdCopyBuffer (cmd, net->arena.buffer, net->readback.buffer, 1, &region);
  }
  barrier (cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
      VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
  return vki_result_to_error (vkEndCommandBuffer (cmd), error,
      "vkEndCommandBuffer");
}

static gboolean
alloc_cmd (GstVkInceptionNet * net, VkCommandBuffer * cmd, GError ** error)
{
  VkCommandBufferAllocateInfo info = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
    .commandPool = net->cmd_pool,
    .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
    .commandBufferCount = 1,
  };
  return vki_result_to_error (vkAllocateCommandBuffers (net->dev->device,
          &info, cmd), error, "vkAllocateCommandBuffers");
}

static void
add_io (GArray * ios, gint tensor, const GstVkInceptionShape * shape,
    guint elem_size, gsize * staging)
{
  Io io = { tensor, *shape, 0 };
  io.numel = (gsize) vki_shape_numel (shape, G_MAXINT64);
  io.bytes = io.numel * sizeof (float);
  io.dev_bytes = io.numel * elem_size;
  io.staging_off = *staging;
  /* Keeps every staging region aligned for any copy granularity. */
  *staging += (io.dev_bytes + 255) & ~(gsize) 255;
  g_array_append_val (ios, io);
}

/* Host floats into the upload buffer, and the readback buffer into host
 * floats, converting where the arena holds float16. */
static void
io_write (GstVkInceptionNet * net, const Io * io, const float *src)
{
  guint8 *dst = (guint8 *) net->upload.mapped + io->staging_off;
  if (net->elem_size == 2)
    vki_half_from_floats ((guint16 *) dst, src, io->numel);
  else
    memcpy (dst, src, io->bytes);
}

static void
io_read (GstVkInceptionNet * net, const Io * io, float *dst)
{
  const guint8 *src = (const guint8 *) net->readback.mapped + io->staging_off;
  if (net->elem_size == 2)
    vki_floats_from_half (dst, (const guint16 *) src, io->numel);
  else
    memcpy (dst, src, io->bytes);
}

static void
build_layers (GstVkInceptionNet * net, GstVkInceptionModel * m)
{
  /* Concat slice copies per layer, counted in one pass. */
  guint *copies = g_new0 (guint, MAX (m->nodes->len, 1));
  for (guint j = 0; j < net->dispatches->len; j++) {
    Dispatch *d = &g_array_index (net->dispatches, Dispatch, j);
    if (!d->node)
      copies[d->layer]++;
  }

  for (guint i = 0; i < m->nodes->len; i++) {
    VkiNode *node = vki_model_node (m, i);
    GstVkInceptionLayer l = { 0 };
    guint c;
    gchar *op;
    if (node->dead)
      continue;
    c = copies[net->layers->len];
    if (node->type == VKI_OP_CONCAT)
      op = c ? g_strdup_printf ("Concat (%u of %u inputs copied)", c,
          node->n_inputs) : g_strdup ("Concat (in place)");
    else
      op = g_strdup_printf ("%s%s", node->onnx_op, node->relu ? "+Relu" : "");
    l.name = g_string_chunk_insert_const (net->strings, node->name);
    l.op = g_string_chunk_insert_const (net->strings, op);
    g_free (op);
    l.shape = net->shapes[node->output];
    vki_op_count (m, node, net->shapes, &l.params, &l.macs);
    l.dispatched = vki_op_dispatches (node) || c > 0;
    g_array_append_val (net->layers, l);
  }
  g_free (copies);
}

GstVkInceptionNet *
gst_vk_inception_net_new (GstVkInceptionModel * m, GstVkInceptionDevice * dev,
    const GstVkInceptionShape * input_shapes, GError ** error)
{
  return gst_vk_inception_net_new_full (m, dev, input_shapes,
      GST_VK_INCEPTION_PRECISION_FP32, error);
}

/* Steps 1 to 7; with @winograd FALSE, no Winograd convolutions whatever
 * winograd_mode() says. @policy: how shaders are chosen, or -1 for
 * shader_policy()'s choice; @tuned (copied): net_tune()'s choices per layer,
 * or NULL. On failure sets @retry when a net without the Winograd
 * convolutions it chose by itself might fit. */
static GstVkInceptionNet *
net_build (GstVkInceptionModel * m, GstVkInceptionDevice * dev,
    const GstVkInceptionShape * input_shapes,
    GstVkInceptionPrecision precision, gint policy, const Choice * tuned,
    gboolean winograd, gboolean * retry, GError ** error)
{
  GstVkInceptionNet *net;
  gsize in_bytes = 0, out_bytes = 0;
  GError *err = NULL;

  *retry = FALSE;
  net = g_new0 (GstVkInceptionNet, 1);
  net->precision = precision;
  net->elem_size = precision == GST_VK_INCEPTION_PRECISION_FP32 ? 4 : 2;
  net->dev = gst_vk_inception_device_ref (dev);
  net->n_tensors = m->tensors->len;
  /* Room for two scratch tensors per node (plan_storage()). */
  net->shapes = g_new0 (GstVkInceptionShape, net->n_tensors +
      2 * m->nodes->len);
  net->store = g_new0 (Storage, net->n_tensors + 2 * m->nodes->len);
  net->dispatches = g_array_new (FALSE, TRUE, sizeof (Dispatch));
  net->pipes = g_ptr_array_new_with_free_func (g_free);
  net->layers = g_array_new (FALSE, TRUE, sizeof (GstVkInceptionLayer));
  net->strings = g_string_chunk_new (256);
  net->inputs = g_array_new (FALSE, TRUE, sizeof (Io));
  net->outputs = g_array_new (FALSE, TRUE, sizeof (Io));

  if (!infer_shapes (net, m, input_shapes, &err))
    goto fail;
  net->policy = policy >= 0 ? (VkiShaderPolicy) policy : shader_policy (net);
  if (tuned)
    net->tuned = g_memdup2 (tuned, m->nodes->len * sizeof (Choice));
  net->subgroup = vki_op_subgroup_weights (net->dev, net->policy);
  net->image_reads = vki_op_image_reads (net->dev, net->precision);
  net->vec_out = vki_op_vec_stores (net->dev);
  net->winograd = winograd ? winograd_mode (net) : WINOGRAD_NONE;
  plan_storage (net, m);
  if (!plan_arena (net, m, &err))
    goto fail;
  build_layers (net, m);

  for (guint i = 0; i < m->inputs->len; i++) {
    gint t = g_array_index (m->inputs, gint, i);
    add_io (net->inputs, t, &net->shapes[t], net->elem_size, &in_bytes);
  }
  for (guint i = 0; i < m->outputs->len; i++) {
    gint t = g_array_index (m->outputs, gint, i);
    add_io (net->outputs, t, &net->shapes[t], net->elem_size, &out_bytes);
  }

  if (!vki_buffer_init (&net->arena, dev, net->arena_floats * net->elem_size,
          net->image_reads ? VKI_BUFFER_DEVICE_IMAGE : VKI_BUFFER_DEVICE, &err)
      || !vki_buffer_init (&net->upload, dev, in_bytes, VKI_BUFFER_UPLOAD,
          &err)
      || !vki_buffer_init (&net->readback, dev, out_bytes, VKI_BUFFER_READBACK,
          &err))
    goto fail;
  if (!create_dispatches (net, m, &err))
    goto fail;

  {
    VkCommandPoolCreateInfo pinfo = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .queueFamilyIndex = dev->queue_family,
    };
    VkFenceCreateInfo finfo = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
    if (!vki_result_to_error (vkCreateCommandPool (dev->device, &pinfo, NULL,
                &net->cmd_pool), &err, "vkCreateCommandPool")
        || !vki_result_to_error (vkCreateFence (dev->device, &finfo, NULL,
                &net->fence), &err, "vkCreateFence")
        || !alloc_cmd (net, &net->cmd, &err)
        || !record (net, net->cmd, VK_NULL_HANDLE, VK_NULL_HANDLE, &err))
      goto fail;
  }

  vki_device_save_pipeline_cache (dev);
  g_debug ("%s: %u dispatches in %d levels, %" G_GINT64_FORMAT
      " bytes of activations", m->name, net->dispatches->len, net->n_levels,
      net->arena_floats * net->elem_size);
  return net;

fail:
  if (!err)
    g_set_error (&err, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_FAILED,
        "%s: the net could not be built", m->name);
  *retry = net->winograd == WINOGRAD_AUTO && net->has_winograd
      && g_error_matches (err, GST_VK_INCEPTION_ERROR,
      GST_VK_INCEPTION_ERROR_TOO_LARGE);
  g_propagate_error (error, err);
  gst_vk_inception_net_free (net);
  return NULL;
}

/* net_build(), again without Winograd where its tensors do not fit. */
static GstVkInceptionNet *
net_build_fitting (GstVkInceptionModel * m, GstVkInceptionDevice * dev,
    const GstVkInceptionShape * input_shapes,
    GstVkInceptionPrecision precision, gint policy, const Choice * tuned,
    GError ** error)
{
  GstVkInceptionNet *net;
  GError *err = NULL;
  gboolean retry;

  net = net_build (m, dev, input_shapes, precision, policy, tuned, TRUE,
      &retry, &err);
  if (!net && retry) {
    /* Winograd is a speed-up: where its tensors do not fit, the direct
     * convolutions may. */
    g_debug ("%s; building the net without Winograd", err->message);
    g_clear_error (&err);
    net = net_build (m, dev, input_shapes, precision, policy, tuned, FALSE,
        &retry, &err);
  }
  if (!net)
    g_propagate_error (error, err);
  return net;
}

/* Times of TUNE_PROFILES profiled runs; a layer's is the least of them. */
#define TUNE_PROFILES 3

/* Per-layer device milliseconds of @net (n_layers), the least of
 * TUNE_PROFILES profiled runs on zero inputs. */
static gboolean
tune_time_layers (GstVkInceptionNet * net, double *ms, GError ** error)
{
  guint n_in = net->inputs->len, n = net->layers->len;
  float **zeros = g_new0 (float *, MAX (n_in, 1));
  double *run_ms = g_new (double, n);
  gboolean ok;

  for (guint i = 0; i < n_in; i++)
    zeros[i] = g_new0 (float, g_array_index (net->inputs, Io, i).numel);
  for (guint l = 0; l < n; l++)
    ms[l] = INFINITY;
  ok = gst_vk_inception_net_run (net, (const float *const *) zeros, NULL,
      error);
  for (guint r = 0; ok && r < TUNE_PROFILES; r++) {
    ok = gst_vk_inception_net_profile (net, run_ms, NULL, error);
    for (guint l = 0; ok && l < n; l++)
      ms[l] = MIN (ms[l], run_ms[l]);
  }
  for (guint i = 0; i < n_in; i++)
    g_free (zeros[i]);
  g_free (zeros);
  g_free (run_ms);
  return ok;
}

/* VKINCEPTION_CONV=tune: builds the net under each of policies[],
 * times every layer with timestamp queries, and builds it once more with
 * each convolution, Gemm and LRN on the shader (and split, and Winograd or
 * not) that measured fastest; the rest as shader_policy() chooses. For
 * devices the cost model was not fitted to: set-up takes the building and
 * timing of five nets more. VKINCEPTION_TUNE_POLICIES (a comma-separated
 * list of their names) measures only those. Falls back to
 * shader_policy() where the queue has no timestamps. */
static GstVkInceptionNet *
net_tune (GstVkInceptionModel * m, GstVkInceptionDevice * dev,
    const GstVkInceptionShape * input_shapes,
    GstVkInceptionPrecision precision, GError ** error)
{
  guint n = m->nodes->len;      /* at least the layers */
  Choice *best = g_new0 (Choice, n), *cand = g_new (Choice, n);
  double *best_ms = g_new (double, n), *ms = g_new (double, n);
  gint *best_policy = g_new0 (gint, n);
  const gchar **name = g_new0 (const gchar *, n);   /* the model's */
  gboolean measured = FALSE;
  const gchar *env = g_getenv ("VKINCEPTION_TUNE_POLICIES");
  gchar **only = env ? g_strsplit (env, ",", -1) : NULL;
  GstVkInceptionNet *net;

  for (guint l = 0; l < n; l++)
    best_ms[l] = INFINITY;
  for (guint p = 0; dev->has_timestamps && p < G_N_ELEMENTS (policies);
      p++) {
    GError *err = NULL;
    if (only && !g_strv_contains ((const gchar * const *) only,
            policies[p].name))
      continue;
    /* A policy the device cannot build is one candidate less; a model
     * error is reported by the last build, below. */
    net = net_build_fitting (m, dev, input_shapes, precision,
        policies[p].policy, NULL, &err);
    if (!net || !tune_time_layers (net, ms, &err)) {
      g_debug ("%s: tuning: the %s policy: %s", m->name,
          policies[p].name, err->message);
      g_clear_error (&err);
      gst_vk_inception_net_free (net);
      continue;
    }
    measured = TRUE;
    memset (cand, 0, n * sizeof (Choice));
    for (guint i = 0; i < net->dispatches->len; i++) {
      const Dispatch *d = &g_array_index (net->dispatches, Dispatch, i);
      Choice *c = &cand[d->layer];
      if (!d->node || (d->node->type != VKI_OP_CONV
              && d->node->type != VKI_OP_GEMM && d->node->type != VKI_OP_LRN))
        continue;
      c->set = TRUE;
      name[d->layer] = d->node->name;
      /* A Winograd layer is its three dispatches. */
      c->winograd = d->step != 0;
      c->conv = d->conv;
      c->split = d->split;
    }
    for (guint l = 0; l < net->layers->len; l++) {
      if (cand[l].set && ms[l] < best_ms[l]) {
        best[l] = cand[l];
        best_ms[l] = ms[l];
        best_policy[l] = (gint) p;
      }
    }
    gst_vk_inception_net_free (net);
  }
  if (!measured)
    g_debug ("%s: not tuned: %s", m->name, dev->has_timestamps ?
        "no policy named in VKINCEPTION_TUNE_POLICIES could be built and timed"
        : "the device has no timestamps");
  for (guint l = 0; l < n; l++)
    if (best[l].set)
      g_debug ("%s: tuning: %s fastest under the %s policy, %.4f ms",
          m->name, name[l], policies[best_policy[l]].name, best_ms[l]);
  /* Nothing measured: the net shader_policy() gives, as if untuned. */
  net = net_build_fitting (m, dev, input_shapes, precision, -1,
      measured ? best : NULL, error);

  g_strfreev (only);
  g_free (name);
  g_free (best);
  g_free (cand);
  g_free (best_ms);
  g_free (ms);
  g_free (best_policy);
  return net;
}

GstVkInceptionNet *
gst_vk_inception_net_new_full (GstVkInceptionModel * m,
    GstVkInceptionDevice * dev, const GstVkInceptionShape * input_shapes,
    GstVkInceptionPrecision precision, GError ** error)
{
  GstVkInceptionNet *net;
  GError *err = NULL;

  if (!gst_vk_inception_device_check_precision (dev, precision, error))
    return NULL;
  if (g_strcmp0 (g_getenv ("VKINCEPTION_CONV"), "tune") == 0)
    net = net_tune (m, dev, input_shapes, precision, &err);
  else
    net = net_build_fitting (m, dev, input_shapes, precision, -1, NULL, &err);
  if (!net) {
    /* Messages quote the model's names (its inputs, nodes). */
    vki_error_make_printable (err);
    g_propagate_error (error, err);
  }
  return net;
}

GstVkInceptionPrecision
gst_vk_inception_net_get_precision (GstVkInceptionNet * net)
{
  return net->precision;
}

static void clear_frames (GstVkInceptionNet * net);

void
gst_vk_inception_net_free (GstVkInceptionNet * net)
{
  VkDevice device;

  if (!net)
    return;
  device = net->dev->device;
  if (net->queries)
    vkDestroyQueryPool (device, net->queries, NULL);
  if (net->fence)
    vkDestroyFence (device, net->fence, NULL);
  if (net->cmd_pool)
    vkDestroyCommandPool (device, net->cmd_pool, NULL);
  for (guint i = 0; i < net->pipes->len; i++)
    vki_pipeline_clear (&((Pipe *) g_ptr_array_index (net->pipes, i))->pipe,
        net->dev);
  g_ptr_array_unref (net->pipes);
  clear_frames (net);
  if (net->desc_pool)
    vkDestroyDescriptorPool (device, net->desc_pool, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (net->views); i++)
    if (net->views[i])
      vkDestroyBufferView (device, net->views[i], NULL);
  vki_buffer_clear (&net->readback, net->dev);
  vki_buffer_clear (&net->upload, net->dev);
  vki_buffer_clear (&net->weights, net->dev);
  vki_buffer_clear (&net->arena, net->dev);
  g_array_unref (net->outputs);
  g_array_unref (net->inputs);
  g_string_chunk_free (net->strings);
  g_array_unref (net->layers);
  g_array_unref (net->dispatches);
  g_free (net->store);
  g_free (net->shapes);
  g_free (net->tuned);
  gst_vk_inception_device_unref (net->dev);
  g_free (net);
}

/* -------------------------------------------------------------------- run */

GstVkInceptionDevice *
gst_vk_inception_net_get_device (GstVkInceptionNet * net)
{
  return net->dev;
}

guint
gst_vk_inception_net_get_n_inputs (GstVkInceptionNet * net)
{
  return net->inputs->len;
}

guint
gst_vk_inception_net_get_n_outputs (GstVkInceptionNet * net)
{
  return net->outputs->len;
}

void
gst_vk_inception_net_get_input_shape (GstVkInceptionNet * net, guint index,
    GstVkInceptionShape * shape)
{
  g_return_if_fail (index < net->inputs->len);
  *shape = g_array_index (net->inputs, Io, index).shape;
}

void
gst_vk_inception_net_get_output_shape (GstVkInceptionNet * net, guint index,
    GstVkInceptionShape * shape)
{
  g_return_if_fail (index < net->outputs->len);
  *shape = g_array_index (net->outputs, Io, index).shape;
}

const GstVkInceptionLayer *
gst_vk_inception_net_get_layers (GstVkInceptionNet * net, guint * n_layers)
{
  *n_layers = net->layers->len;
  return (const GstVkInceptionLayer *) net->layers->data;
}

guint
vki_net_get_n_pipelines (GstVkInceptionNet * net)
{
  return net->pipes->len;
}

/* Runs @cmd, after @convert (a frames' conversion) where not NULL, in one
 * submission, then reads the outputs into @outputs where not NULL. */
static gboolean
submit (GstVkInceptionNet * net, VkCommandBuffer convert, VkCommandBuffer cmd,
    float *const *outputs, GError ** error)
{
  VkCommandBuffer cmds[2] = { convert, cmd };
  guint n = convert ? 2 : 1;

  if (!cmd) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_FAILED,
        "the net could not be set up again after an earlier failure");
    return FALSE;
  }
  if (!vki_buffer_flush (&net->upload, net->dev, error)
      || !vki_device_submit_and_wait (net->dev, cmds + 2 - n, n, net->fence,
          error)
      || !vki_buffer_invalidate (&net->readback, net->dev, error))
    return FALSE;
  for (guint i = 0; outputs && i < net->outputs->len; i++)
    io_read (net, &g_array_index (net->outputs, Io, i), outputs[i]);
  return TRUE;
}

gboolean
gst_vk_inception_net_run (GstVkInceptionNet * net, const float *const *inputs,
    float *const *outputs, GError ** error)
{
  if (net->has_frames) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_FAILED,
        "this net takes video frames (gst_vk_inception_net_run_frames)");
    return FALSE;
  }
  for (guint i = 0; i < net->inputs->len; i++) {
    Io *io = &g_array_index (net->inputs, Io, i);
    io_write (net, io, inputs[i]);
  }
  return submit (net, VK_NULL_HANDLE, net->cmd, outputs, error);
}

/* Runs the profiling command buffer (recorded on first use) and returns
 * its timestamps in milliseconds from query 0, in a new array of
 * dispatches + 2 (the last only for a net that takes frames). */
static double *
profile_run (GstVkInceptionNet * net, GError ** error)
{
  guint n = net->dispatches->len;
  guint n_stamps = n + (net->has_frames ? 2 : 1);
  guint64 *stamps;
  guint64 mask = net->dev->timestamp_mask;
  double period = net->dev->props.limits.timestampPeriod;
  double *ms;
  VkResult res;

  if (!net->dev->has_timestamps) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_UNSUPPORTED,
        "the Vulkan device '%s' has no timestamps on its compute queue",
        net->dev->props.deviceName);
    return NULL;
  }
  if (!net->profile_cmd) {
    VkQueryPoolCreateInfo qinfo = {
      .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
      .queryType = VK_QUERY_TYPE_TIMESTAMP,
      .queryCount = n + 2,
    };
    if (!vki_result_to_error (vkCreateQueryPool (net->dev->device, &qinfo,
                NULL, &net->queries), error, "vkCreateQueryPool")
        || !alloc_cmd (net, &net->profile_cmd, error))
      return NULL;
    if (!record (net, net->profile_cmd, net->queries, net->has_frames ?
            net->frame_set : VK_NULL_HANDLE, error)) {
      vkFreeCommandBuffers (net->dev->device, net->cmd_pool, 1,
          &net->profile_cmd);
      net->profile_cmd = VK_NULL_HANDLE;
      return NULL;
    }
  }
  if (!submit (net, VK_NULL_HANDLE, net->profile_cmd, NULL, error))
    return NULL;

  stamps = g_new0 (guint64, n_stamps);
  res = vkGetQueryPoolResults (net->dev->device, net->queries, 0, n_stamps,
      n_stamps * sizeof (guint64), stamps, sizeof (guint64),
      VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
  if (!vki_result_to_error (res, error, "vkGetQueryPoolResults")) {
    g_free (stamps);
    return NULL;
  }
  /* Differences modulo the valid bits: the counter may wrap. */
  ms = g_new0 (double, n + 2);
  for (guint i = 0; i <= n; i++) {
    guint64 dt = ((stamps[i] & mask) - (stamps[0] & mask)) & mask;
    ms[i] = dt * period / 1e6;
  }
  if (net->has_frames) {
    guint64 dt = ((stamps[0] & mask) - (stamps[n + 1] & mask)) & mask;
    ms[n + 1] = dt * period / 1e6;
  }
  g_free (stamps);
  return ms;
}

gboolean
gst_vk_inception_net_profile (GstVkInceptionNet * net, double *layer_ms,
    double *total_ms, GError ** error)
{
  guint n = net->dispatches->len;
  double *ms = profile_run (net, error);

  if (!ms)
    return FALSE;
  for (guint i = 0; i < net->layers->len; i++)
    layer_ms[i] = 0;
  for (guint i = 0; i < n; i++) {
    Dispatch *d = &g_array_index (net->dispatches, Dispatch, i);
    layer_ms[d->layer] += ms[i + 1] - ms[i];
  }
  if (total_ms)
    *total_ms = ms[n];
  g_free (ms);
  return TRUE;
}

/* ----------------------------------------------------------- video frames */

/* preprocess.comp's bindings: the arena, the weights, then the frames. */
#define FRAMES_BINDING 2
/* Batches up to this many frames can be read in place (a descriptor set
 * per frame); larger ones are copied. */
#define MAX_IN_PLACE_BATCH 64

/* Drops the command buffers so that the next use records them again. */
static gboolean
rerecord (GstVkInceptionNet * net, GError ** error)
{
  VkCommandBuffer cmds[3] = { net->cmd, net->profile_cmd, net->frame_cmd };
  vkFreeCommandBuffers (net->dev->device, net->cmd_pool, 3, cmds);
  net->cmd = net->profile_cmd = net->frame_cmd = VK_NULL_HANDLE;
  if (net->queries) {
    vkDestroyQueryPool (net->dev->device, net->queries, NULL);
    net->queries = VK_NULL_HANDLE;
  }
  if (net->has_frames && (!alloc_cmd (net, &net->frame_cmd, error)
          || !record_conversion_cmd (net, net->frame_cmd, &net->frame_set, 1,
              error)))
    return FALSE;
  return alloc_cmd (net, &net->cmd, error)
      && record (net, net->cmd, VK_NULL_HANDLE, VK_NULL_HANDLE, error);
}

static void
clear_frames (GstVkInceptionNet * net)
{
  if (net->import_pool)
    vkDestroyCommandPool (net->dev->device, net->import_pool, NULL);
  net->import_pool = VK_NULL_HANDLE;
  net->import_cmd = VK_NULL_HANDLE;
  net->import_failed = FALSE;
  vki_pipeline_clear (&net->frame_pipe, net->dev);
  if (net->frame_pool)
    vkDestroyDescriptorPool (net->dev->device, net->frame_pool, NULL);
  net->frame_pool = VK_NULL_HANDLE;
  net->frame_set = VK_NULL_HANDLE;
  g_clear_pointer (&net->import_sets, g_free);
  g_clear_pointer (&net->imports, g_free);
  vki_buffer_clear (&net->frame_upload, net->dev);
  net->has_frames = FALSE;
}

/* What run_frames_in_place() needs, made with the frame format: a set per
 * batch item for the conversion (pointed at each imported frame in turn)
 * and a command pool of its own, reset for every run. */
static gboolean
init_import (GstVkInceptionNet * net, const VkBuffer * buffers, guint batch,
    GError ** error)
{
  VkCommandPoolCreateInfo pinfo = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
    .flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT,
    .queueFamilyIndex = net->dev->queue_family,
  };
  VkCommandBufferAllocateInfo cinfo = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
    .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
    .commandBufferCount = 1,
  };

  net->import_sets = g_new0 (VkDescriptorSet, batch);
  net->imports = g_new0 (VkiBuffer, batch);
  for (guint k = 0; k < batch; k++)
    if (!vki_pipeline_alloc_set (&net->frame_pipe, net->dev, net->frame_pool,
            buffers, NULL, &net->import_sets[k], error))
      return FALSE;
  if (!vki_result_to_error (vkCreateCommandPool (net->dev->device, &pinfo,
              NULL, &net->import_pool), error, "vkCreateCommandPool"))
    return FALSE;
  cinfo.commandPool = net->import_pool;
  return vki_result_to_error (vkAllocateCommandBuffers (net->dev->device,
          &cinfo, &net->import_cmd), error, "vkAllocateCommandBuffers");
}

gboolean
gst_vk_inception_net_set_frame_format (GstVkInceptionNet * net,
    const GstVkInceptionFrameFormat * format,
    const GstVkInceptionPreprocess * pre, GError ** error)
{
  Io *in = &g_array_index (net->inputs, Io, 0);
  const GstVkInceptionShape *s = &in->shape;
  VkiOpDesc desc;
  guint32 local[3];
  gchar buf[128];

  clear_frames (net);
  if (net->inputs->len != 1 || s->rank != 4 || (s->dims[1] != 3
          && s->dims[1] != 1)) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_SHAPE,
        "video frames need a model with one NCHW input of 1 or 3 channels; "
        "this one has %u input(s), the first %s", net->inputs->len,
        vki_shape_to_string (s, buf, sizeof (buf)));
    goto fail;
  }
  for (guint c = 0; c < 3; c++) {
    if (!isfinite (pre->mean[c]) || !isfinite (pre->std[c])
        || pre->std[c] == 0) {
      g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_FAILED,
          "invalid normalisation: mean %g,%g,%g std %g,%g,%g", pre->mean[0],
          pre->mean[1], pre->mean[2], pre->std[0], pre->std[1], pre->std[2]);
      goto fail;
    }
  }
  if (!vki_frame_layout_init (&net->frame_layout, format, error))
    goto fail;
  if (net->frame_layout.frame_bytes * s->dims[0] >
      net->dev->props.limits.maxStorageBufferRange) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_TOO_LARGE,
        "%" G_GINT64_FORMAT " frames of %ux%u do not fit one upload",
        s->dims[0], format->width, format->height);
    goto fail;
  }
  if (!vki_buffer_init (&net->frame_upload, net->dev,
          net->frame_layout.frame_bytes * s->dims[0], VKI_BUFFER_UPLOAD, error))
    goto fail;

  vki_frame_describe (&net->frame_layout, pre, s, arena_offset (net,
          in->tensor), net->vec_out, &desc);
  use_build (net, &desc);
  vki_pipeline_choose_local_size (net->dev, desc.dims, desc.global, local);
  {
    /* frame_set, and a set per batch item for frames read in place. */
    guint32 sets = (guint32) s->dims[0] + 1;
    VkDescriptorPoolSize size = { VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
      sets * (FRAMES_BINDING + 1)
    };
    VkDescriptorPoolCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .maxSets = sets,
      .poolSizeCount = 1,
      .pPoolSizes = &size,
    };
    VkBuffer buffers[FRAMES_BINDING + 1] = { net->arena.buffer,
      net->weights.buffer, net->frame_upload.buffer
    };
    if (!vki_result_to_error (vkCreateDescriptorPool (net->dev->device, &info,
                NULL, &net->frame_pool), error, "vkCreateDescriptorPool")
        || !vki_pipeline_init (&net->frame_pipe, net->dev, desc.shader,
            FRAMES_BINDING + 1, 0, 1, desc.spec, desc.n_spec, local, error)
        || !vki_pipeline_alloc_set (&net->frame_pipe, net->dev,
            net->frame_pool, buffers, NULL, &net->frame_set, error)
        || (net->dev->host_import_align && s->dims[0] <= MAX_IN_PLACE_BATCH
            && !init_import (net, buffers, (guint) s->dims[0], error))
        || !vki_pipeline_group_count (&net->frame_pipe, net->dev, desc.global,
            FALSE, net->frame_groups, error))
      goto fail;
  }
  net->has_frames = TRUE;
  if (!rerecord (net, error))
    goto fail;
  vki_device_save_pipeline_cache (net->dev);
  return TRUE;

fail:
  clear_frames (net);
  /* Back to plain tensor input; a failure here leaves the net unusable,
   * which run() reports. */
  rerecord (net, NULL);
  return FALSE;
}

gboolean
gst_vk_inception_net_upload_frames (GstVkInceptionNet * net,
    const guint8 *const *const *frames, const gint *const *strides,
    GError ** error)
{
  Io *in = &g_array_index (net->inputs, Io, 0);

  if (!net->has_frames) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_FAILED,
        "no frame format set (gst_vk_inception_net_set_frame_format)");
    return FALSE;
  }
  vki_frame_pack (&net->frame_layout, net->frame_upload.mapped,
      (guint) in->shape.dims[0], frames, strides);
  return vki_buffer_flush (&net->frame_upload, net->dev, error);
}

gboolean
gst_vk_inception_net_run_uploaded (GstVkInceptionNet * net,
    float *const *outputs, GError ** error)
{
  if (!net->has_frames) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_FAILED,
        "no frame format set (gst_vk_inception_net_set_frame_format)");
    return FALSE;
  }
  return submit (net, net->frame_cmd, net->cmd, outputs, error);
}

gboolean
gst_vk_inception_net_run_frames (GstVkInceptionNet * net,
    const guint8 *const *const *frames, const gint *const *strides,
    float *const *outputs, GError ** error)
{
  return gst_vk_inception_net_upload_frames (net, frames, strides, error)
      && gst_vk_inception_net_run_uploaded (net, outputs, error);
}

/* Whether the device can read this frame where it lies: its planes where
 * the packed layout has them, and every byte the conversion may read
 * (data_bytes from the first) readable. */
static gboolean
frame_in_place_ok (GstVkInceptionNet * net, const guint8 *const *planes,
    const gint * strides, gsize readable)
{
  const VkiFrameLayout *l = &net->frame_layout;

  if (readable < l->data_bytes || (guintptr) planes[0] %
      net->dev->props.limits.minStorageBufferOffsetAlignment)
    return FALSE;
  for (guint p = 0; p < l->n_planes; p++)
    if (planes[p] != planes[0] + l->offset[p]
        || strides[p] < 0 || (gsize) strides[p] != l->stride[p])
      return FALSE;
  return TRUE;
}

/* Imports the whole import-aligned blocks around the frame at @data: they
 * lie in the pages that hold its bytes, as the device's alignment divides
 * the page size. The frame starts data % alignment bytes into them. */
static gboolean
import_frame (GstVkInceptionNet * net, const guint8 * data, VkiBuffer * frame,
    GError ** error)
{
  VkDeviceSize align = net->dev->host_import_align;
  guintptr start = (guintptr) data & ~(guintptr) (align - 1);
  guintptr end = ((guintptr) data + net->frame_layout.data_bytes + align - 1)
      & ~(guintptr) (align - 1);

  return vki_buffer_import_host (frame, net->dev, (void *) start, end - start,
      error);
}

gboolean
gst_vk_inception_net_run_frames_in_place (GstVkInceptionNet * net,
    const guint8 *const *const *frames, const gint *const *strides,
    const gsize * readable, float *const *outputs, gboolean * in_place,
    GError ** error)
{
  guint n;
  GError *err = NULL;
  gboolean ok = TRUE;

  if (in_place)
    *in_place = FALSE;
  if (!net->has_frames) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_FAILED,
        "no frame format set (gst_vk_inception_net_set_frame_format)");
    return FALSE;
  }
  n = (guint) g_array_index (net->inputs, Io, 0).shape.dims[0];
  for (guint k = 0; k < n && ok; k++)
    ok = frame_in_place_ok (net, frames[k], strides[k], readable[k]);
  if (!ok || !net->import_cmd || net->import_failed)
    return gst_vk_inception_net_run_frames (net, frames, strides, outputs,
        error);

  for (guint k = 0; k < n && !err; k++) {
    /* A frame repeated (a partial batch) is imported once. */
    guint from = 0;
    while (from < k && frames[from][0] != frames[k][0])
      from++;
    if (from < k || import_frame (net, frames[k][0], &net->imports[k], &err))
      vki_pipeline_set_buffer (&net->frame_pipe, net->dev,
          net->import_sets[k], FRAMES_BINDING, net->imports[from].buffer,
          (guintptr) frames[k][0] % net->dev->host_import_align,
          net->frame_layout.data_bytes);
  }
  if (!err)
    ok = vki_result_to_error (vkResetCommandPool (net->dev->device,
            net->import_pool, 0), error, "vkResetCommandPool")
        && record_conversion_cmd (net, net->import_cmd, net->import_sets, n,
        error)
        && submit (net, net->import_cmd, net->cmd, outputs, error);
  for (guint k = 0; k < n; k++)
    vki_buffer_clear (&net->imports[k], net->dev);
  if (err) {
    /* Memory this device cannot pin, most likely all of this stream's. */
    g_debug ("copying video frames from now on: %s", err->message);
    g_clear_error (&err);
    net->import_failed = TRUE;
    return gst_vk_inception_net_run_frames (net, frames, strides, outputs,
        error);
  }
  if (ok && in_place)
    *in_place = TRUE;
  return ok;
}

gboolean
gst_vk_inception_net_profile_frames (GstVkInceptionNet * net,
    double *convert_ms, double *total_ms, GError ** error)
{
  guint n = net->dispatches->len;
  double *ms;

  if (!net->has_frames) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_FAILED,
        "no frame format set (gst_vk_inception_net_set_frame_format)");
    return FALSE;
  }
  ms = profile_run (net, error);
  if (!ms)
    return FALSE;
  *convert_ms = ms[n + 1];
  if (total_ms)
    *total_ms = ms[n];
  g_free (ms);
  return TRUE;
}
