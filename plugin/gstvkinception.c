/**
 * SECTION:element-vkinception
 * @title: vkinception
 *
 * Classifies video frames with a GoogLeNet-style ONNX model running as Vulkan
 * compute shaders. Video passes through unchanged; each buffer gets a
 * #GstVkInceptionMeta with the top-k classes, and each classified frame posts
 * an element message named `vkinception` on the bus.
 *
 * It reads the common raw formats as they come: the RGB family, GRAY8,
 * GRAY16_LE and YUV at 4:2:0 (I420, YV12, NV12, NV21), 4:2:2 (Y42B, NV16,
 * YUY2, UYVY, YVYU) and 4:4:4 (Y444), and 10-bit (P010_10LE, I420_10LE,
 * I422_10LE, Y444_10LE), so a camera's YUY2, a JPEG decoder's Y42B or a
 * Main 10 decoder's P010 needs no videoconvert. The frame's planes are
 * handed to the device as they are (strides and offsets from its
 * GstVideoMeta honoured): read where they lie where the Vulkan device can
 * import host memory and the frame has GStreamer's default layout, else
 * copied once (and always with async=true). Colour conversion, resizing and
 * normalisation run on the device, ahead of the network, in command buffers
 * recorded per caps.
 *
 * Elements whose device property is the same share one Vulkan device: the
 * first to start posts it in a GstContext ("gst.vkinception.device", with
 * "/" and the property when it is set), which the bin hands to the others
 * and which an application may set on another pipeline.
 *
 * Gap buffers (GST_BUFFER_FLAG_GAP: no picture, perhaps no bytes) are not
 * classified; like the frames between interval's, they carry the latest
 * result, marked as reused.
 *
 * With batch-size=N (synchronous mode), frames are held until N frames are
 * due for classification; the N run in one submission, then all held
 * buffers go downstream in order with their metas. A partial batch runs
 * ahead of EOS and of any other event that keeps its place among the frames
 * (new caps, a new segment, a gap, tags) and of a DRAIN query; held frames
 * are dropped on flush. The element reports the added latency, N x interval
 * - 1 frame durations (the wait of a batch's first frame), and asks
 * upstream's buffer pools for as many more buffers.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 -m videotestsrc num-buffers=10 ! \
 *     vkinception model=googlenet-12.onnx labels=synset_words.txt ! fakesink
 * gst-launch-1.0 v4l2src ! \
 *     vkinception model=googlenet-12.onnx labels=synset_words.txt async=true \
 *     smoothing=0.8 ! vkinceptionoverlay ! videoconvert ! autovideosink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvkinception.h"
#include "gstvkinceptioncontext.h"

#include <gst/vkinception/engine.h>
#include "labels.h"
#include "videoformat.h"
#include "scores.h"
#include <gst/vkinception/vkinceptionmeta.h>
#ifdef HAVE_GST_ANALYTICS
#include <gst/analytics/analytics.h>
#endif

#include <math.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

GST_DEBUG_CATEGORY_STATIC (gst_vk_inception_debug);
#define GST_CAT_DEFAULT gst_vk_inception_debug

#define DEFAULT_TOP_K 5
#define MAX_TOP_K 1000
#define DEFAULT_THRESHOLD 0.0
#define DEFAULT_INTERVAL 1
#define DEFAULT_RESIZE_MODE GST_VK_INCEPTION_RESIZE_STRETCH
#define DEFAULT_ASYNC FALSE
#define DEFAULT_SMOOTHING 0.0
#define DEFAULT_POST_MESSAGES TRUE
#define DEFAULT_BATCH_SIZE 1
#define DEFAULT_PRECISION GST_VK_INCEPTION_PRECISION_FP32
#define MAX_BATCH_SIZE 64
/* The most held frames the allocation query asks upstream's pools for. */
#define MAX_HELD_PROPOSED 256
/* A network whose input size is open (a GlobalAveragePool model) runs at
 * the size GoogLeNet was trained at unless input-size says otherwise. */
#define DEFAULT_INPUT_SIDE 224
#define MAX_INPUT_SIDE 4096

typedef enum
{
  CHANNEL_ORDER_AUTO,
  CHANNEL_ORDER_RGB,
  CHANNEL_ORDER_BGR,
} ChannelOrder;

enum
{
  PROP_0,
  PROP_MODEL,
  PROP_LABELS,
  PROP_TOP_K,
  PROP_THRESHOLD,
  PROP_INTERVAL,
  PROP_RESIZE_MODE,
  PROP_INPUT_SIZE,
  PROP_CHANNEL_ORDER,
  PROP_MEAN,
  PROP_STD,
  PROP_DEVICE,
  PROP_ASYNC,
  PROP_SMOOTHING,
  PROP_POST_MESSAGES,
  PROP_BATCH_SIZE,
  PROP_PRECISION,
  PROP_DEVICE_NAME,
  PROP_LAST_LATENCY_MS,
  PROP_FRAMES_CLASSIFIED,
  PROP_FRAMES_IN_PLACE,
};

/* The frame a classification is for; times as GStreamer's analysis
 * elements post them (cf. level), taken in the streaming thread. */
typedef struct
{
  guint64 number;
  GstClockTime pts, duration, running_time, stream_time;
} FrameInfo;

/* A buffer held for a batch (batch-size > 1). */
typedef struct
{
  GstBuffer *buf;
  FrameInfo info;
  gboolean due;                 /* classified (not skipped by interval) */
} Held;

/* A finished classification. */
typedef struct
{
  GstVkInceptionClassification *classes;
  guint n_classes;
  guint64 source_frame;
  GstClockTime source_pts;
  gdouble latency_ms;
} Result;

/* One batch slot of upload(): a mapped frame and its planes. */
typedef struct
{
  GstVideoFrame vframe;
  const guint8 *planes[GST_VIDEO_MAX_PLANES];
  gint strides[GST_VIDEO_MAX_PLANES];
  gsize readable;               /* bytes readable from planes[0] */
} Slot;

struct _GstVkInception
{
  GstBaseTransform parent;

  /* Properties, under the object lock. model, labels, device, input-size
   * and the preprocessing ones take effect at the next start. */
  gchar *model_path;
  gchar *labels_path;
  gchar *device_selector;
  guint top_k;
  gdouble threshold;
  guint interval;
  GstVkInceptionResizeMode resize_mode;
  guint input_width, input_height;      /* 0: the model's */
  ChannelOrder channel_order;
  gchar *mean, *std;            /* "r,g,b", NULL: the model's */
  gboolean async;
  gdouble smoothing;
  gboolean post_messages;
  guint batch_size;
  GstVkInceptionPrecision precision;

  /* Between start and stop. */
  GstVkInceptionDevice *device;
  /* Loaded at start and freed once a net is built (its weights are on the
   * device then; on lavapipe that frees as much memory as the file's
   * size); read again from model_file if a new input size needs a new
   * net. */
  GstVkInceptionModel *model;
  gchar *model_file;
  guint model_channels;         /* what input_shape() needs of the model */
  guint model_width, model_height;
  GstVkInceptionNet *net;
  GstVkInceptionPreprocess pre;
  gchar *model_name;           /* the file's base name, as UTF-8 */
  gchar *model_display;         /* its path, as UTF-8, for messages */
  gchar **labels;
  guint n_labels;
  gsize n_scores;
  float *scores;                /* the net's output */
  float *smoothed;
  gboolean have_smoothed;
  GstVideoInfo info;
  guint64 frame_count;
  guint batch;                  /* the net's batch: batch-size, 1 if async */
  GstVkInceptionPrecision net_precision;        /* the property, at start */
  /* map_slots()'s scratch, allocated at start: one Slot per batch item,
   * and the per-item plane, stride and readable-bytes lists the engine
   * takes, pointing into them. */
  Slot *slots;
  const guint8 *const **slot_planes;
  const gint **slot_strides;
  gsize *slot_readable;
  GArray *held;                 /* Held, in stream order */
  guint held_due;
  GQueue ready;                 /* GstBuffers classified, to push */

  /* Shared with the async worker, under worker_lock. */
  GMutex worker_lock;
  GCond worker_cond;
  GThread *worker;
  gboolean pending;             /* a frame is uploaded for the worker */
  FrameInfo pending_info;
  gboolean busy, quit;
  GError *worker_error;
  Result result;                /* the latest, n_classes 0 before the first */
  gboolean have_result;
  guint64 frames_classified;
  guint64 frames_in_place;      /* run_frames() read them without a copy */
  gdouble last_latency_ms;
  gboolean in_place;            /* how run_frames() ran the last ones, for
                                 * its log */
};

#define gst_vk_inception_parent_class parent_class
G_DEFINE_TYPE (GstVkInception, gst_vk_inception, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (vkinception, "vkinception", GST_RANK_NONE,
    GST_TYPE_VK_INCEPTION);

GType
gst_vk_inception_resize_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_VK_INCEPTION_RESIZE_STRETCH, "Scale to the input, ignoring aspect",
        "stretch"},
    {GST_VK_INCEPTION_RESIZE_CENTER_CROP,
        "Keep the displayed aspect (pixel-aspect-ratio counts), crop the sides",
        "center-crop"},
    {GST_VK_INCEPTION_RESIZE_LETTERBOX,
        "Keep the displayed aspect (pixel-aspect-ratio counts), pad the sides",
        "letterbox"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstVkInceptionResizeMode", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_vk_inception_precision_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_VK_INCEPTION_PRECISION_FP32, "float32 activations", "fp32"},
    {GST_VK_INCEPTION_PRECISION_FP16,
        "float16 activations (float32 arithmetic; needs 16-bit storage)",
        "fp16"},
    {GST_VK_INCEPTION_PRECISION_FP16_ARITHMETIC,
          "float16 activations and float16 arithmetic in the convolutions and "
          "fully connected layers (needs 16-bit storage and shaderFloat16)",
        "fp16-arithmetic"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstVkInceptionPrecision", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_vk_inception_channel_order_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {CHANNEL_ORDER_AUTO, "As the model says (metadata, or recognised)",
        "auto"},
    {CHANNEL_ORDER_RGB, "Red first", "rgb"},
    {CHANNEL_ORDER_BGR, "Blue first", "bgr"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstVkInceptionChannelOrder", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

/* ------------------------------------------------------------- results */

static void
result_clear (Result * r)
{
  for (guint i = 0; i < r->n_classes; i++)
    g_free (r->classes[i].label);
  g_free (r->classes);
  memset (r, 0, sizeof (*r));
}

static const gchar *
class_label (GstVkInception * self, guint id, gchar buf[16])
{
  if (self->labels && id < self->n_labels)
    return self->labels[id];
  g_snprintf (buf, 16, "%u", id);
  return buf;
}

/* The net's output -> a Result: probabilities, smoothing, top-k. */
static void
make_result (GstVkInception * self, float *scores, guint64 frame,
    GstClockTime pts, gdouble latency_ms, Result * r)
{
  guint top[MAX_TOP_K];
  guint k, n;
  gdouble threshold, smoothing;
  const float *ranked = scores;

  GST_OBJECT_LOCK (self);
  k = MIN (self->top_k, MAX_TOP_K);
  threshold = self->threshold;
  smoothing = self->smoothing;
  GST_OBJECT_UNLOCK (self);

  gst_vk_inception_scores_to_probabilities (scores, self->n_scores);
  if (smoothing > 0) {
    gst_vk_inception_scores_smooth (self->smoothed, scores,
        self->n_scores, smoothing, !self->have_smoothed);
    self->have_smoothed = TRUE;
    ranked = self->smoothed;
  }
  n = gst_vk_inception_scores_top_k (ranked, self->n_scores, k, threshold,
      top);

  memset (r, 0, sizeof (*r));
  r->n_classes = n;
  r->classes = g_new0 (GstVkInceptionClassification, MAX (n, 1));
  for (guint i = 0; i < n; i++) {
    gchar buf[16];
    r->classes[i].class_id = top[i];
    r->classes[i].label = g_strdup (class_label (self, top[i], buf));
    r->classes[i].score = ranked[top[i]];
  }
  r->source_frame = frame;
  r->source_pts = pts;
  r->latency_ms = latency_ms;
}

static GValue *
array_init (GValue * v)
{
  g_value_init (v, GST_TYPE_ARRAY);
  return v;
}

static void
post_message (GstVkInception * self, const Result * r, const FrameInfo * f)
{
  GValue labels = G_VALUE_INIT, ids = G_VALUE_INIT, scores = G_VALUE_INIT;
  GstStructure *s;
  gboolean post;

  GST_OBJECT_LOCK (self);
  post = self->post_messages;
  GST_OBJECT_UNLOCK (self);
  if (!post)
    return;

  array_init (&labels);
  array_init (&ids);
  array_init (&scores);
  for (guint i = 0; i < r->n_classes; i++) {
    GValue v = G_VALUE_INIT;
    g_value_init (&v, G_TYPE_STRING);
    g_value_set_string (&v, r->classes[i].label);
    gst_value_array_append_and_take_value (&labels, &v);
    g_value_init (&v, G_TYPE_UINT);
    g_value_set_uint (&v, r->classes[i].class_id);
    gst_value_array_append_and_take_value (&ids, &v);
    g_value_init (&v, G_TYPE_DOUBLE);
    g_value_set_double (&v, r->classes[i].score);
    gst_value_array_append_and_take_value (&scores, &v);
  }

  s = gst_structure_new ("vkinception",
      "timestamp", G_TYPE_UINT64, f->pts,
      "stream-time", G_TYPE_UINT64, f->stream_time,
      "running-time", G_TYPE_UINT64, f->running_time,
      "duration", G_TYPE_UINT64, f->duration,
      "frame", G_TYPE_UINT64, f->number,
      "model", G_TYPE_STRING, self->model_name,
      "latency-ms", G_TYPE_DOUBLE, r->latency_ms, NULL);
  gst_structure_take_value (s, "labels", &labels);
  gst_structure_take_value (s, "class-ids", &ids);
  gst_structure_take_value (s, "scores", &scores);
  /* Scalars for the best class too: the easiest to read from any binding. */
  if (r->n_classes > 0)
    gst_structure_set (s, "top-label", G_TYPE_STRING, r->classes[0].label,
        "top-class-id", G_TYPE_UINT, r->classes[0].class_id,
        "top-score", G_TYPE_DOUBLE, (gdouble) r->classes[0].score, NULL);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

static void
frame_info (GstVkInception * self, GstBuffer * buf, guint64 number,
    FrameInfo * f)
{
  GstSegment *seg = &GST_BASE_TRANSFORM (self)->segment;
  f->number = number;
  f->pts = GST_BUFFER_PTS (buf);
  f->duration = GST_BUFFER_DURATION (buf);
  f->running_time = gst_segment_to_running_time (seg, GST_FORMAT_TIME, f->pts);
  f->stream_time = gst_segment_to_stream_time (seg, GST_FORMAT_TIME, f->pts);
}

/* Maps @n frames (n <= batch) into the slots and points the per-item
 * plane, stride and readable-bytes lists at them, items past @n repeating
 * the last frame (a partial batch). On failure nothing stays mapped. */
static gboolean
map_slots (GstVkInception * self, GstBuffer * const *bufs, guint n,
    GError ** error)
{
  for (guint i = 0; i < n; i++) {
    Slot *slot = &self->slots[i];
    GstVideoFrame *vf = &slot->vframe;
    GstMapInfo *m = &vf->map[0];
    if (!gst_video_frame_map (vf, &self->info, bufs[i], GST_MAP_READ)) {
      /* Mostly a buffer smaller than its caps say. */
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
          "Could not read a %" G_GSIZE_FORMAT "-byte buffer as a %dx%d %s "
          "frame (%" G_GSIZE_FORMAT " bytes)", gst_buffer_get_size (bufs[i]),
          GST_VIDEO_INFO_WIDTH (&self->info),
          GST_VIDEO_INFO_HEIGHT (&self->info),
          GST_VIDEO_INFO_NAME (&self->info), GST_VIDEO_INFO_SIZE (&self->info));
      while (i-- > 0)
        gst_video_frame_unmap (&self->slots[i].vframe);
      return FALSE;
    }
    for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (vf); p++) {
      slot->planes[p] = GST_VIDEO_FRAME_PLANE_DATA (vf, p);
      slot->strides[p] = GST_VIDEO_FRAME_PLANE_STRIDE (vf, p);
    }
    /* The bytes allocated from the first plane on, in its memory's map. */
    slot->readable = slot->planes[0] >= m->data
        && slot->planes[0] < m->data + m->maxsize ?
        (gsize) (m->data + m->maxsize - slot->planes[0]) : 0;
  }
  for (guint b = 0; b < self->batch; b++) {
    Slot *from = &self->slots[MIN (b, n - 1)];
    self->slot_planes[b] = from->planes;
    self->slot_strides[b] = from->strides;
    self->slot_readable[b] = from->readable;
  }
  return TRUE;
}

static void
unmap_slots (GstVkInception * self, guint n)
{
  for (guint i = 0; i < n; i++)
    gst_video_frame_unmap (&self->slots[i].vframe);
}

/* Copies the planes of @n frames (n <= batch) into the net's upload
 * buffer: the one CPU copy of the pixels, for the async worker, which runs
 * after the buffers went downstream. */
static gboolean
upload (GstVkInception * self, GstBuffer * const *bufs, guint n,
    GError ** error)
{
  gboolean ok;

  if (!map_slots (self, bufs, n, error))
    return FALSE;
  ok = gst_vk_inception_net_upload_frames (self->net, self->slot_planes,
      self->slot_strides, error);
  unmap_slots (self, n);
  return ok;
}

/* Runs the network on @n frames (n <= batch) in the streaming thread. The
 * device reads them where they lie when it can import their memory, so
 * that they are never copied; else they are copied as upload() does. */
static gboolean
run_frames (GstVkInception * self, GstBuffer * const *bufs, guint n,
    GError ** error)
{
  gboolean ok, in_place = FALSE;

  if (!map_slots (self, bufs, n, error))
    return FALSE;
  ok = gst_vk_inception_net_run_frames_in_place (self->net, self->slot_planes,
      self->slot_strides, self->slot_readable, &self->scores, &in_place,
      error);
  unmap_slots (self, n);
  if (!ok)
    return FALSE;
  if (in_place != self->in_place || self->frames_classified == 0)
    GST_INFO_OBJECT (self, "%s", in_place ?
        "frames read in place (imported host memory, no copy)" :
        "frames copied for the device");
  self->in_place = in_place;
  if (in_place) {
    g_mutex_lock (&self->worker_lock);
    self->frames_in_place += n;
    g_mutex_unlock (&self->worker_lock);
  }
  return TRUE;
}

/* Makes @r (taken) the latest result. */
static void
set_result (GstVkInception * self, Result * r)
{
  g_mutex_lock (&self->worker_lock);
  result_clear (&self->result);
  self->result = *r;
  self->have_result = TRUE;
  self->frames_classified++;
  self->last_latency_ms = r->latency_ms;
  g_mutex_unlock (&self->worker_lock);
}

/* Makes the net's output the latest result, posted for @f. */
static void
finish (GstVkInception * self, const FrameInfo * f, gint64 start)
{
  Result r;

  make_result (self, self->scores, f->number, f->pts,
      (g_get_monotonic_time () - start) / 1000.0, &r);
  post_message (self, &r, f);
  set_result (self, &r);
}

/* Runs the network on the frame uploaded last: the async worker's half of
 * a classification. */
static gboolean
infer (GstVkInception * self, const FrameInfo * f, GError ** error)
{
  gint64 start = g_get_monotonic_time ();

  if (!gst_vk_inception_net_run_uploaded (self->net, &self->scores, error))
    return FALSE;
  finish (self, f, start);
  return TRUE;
}

/* Classifies @buf in the streaming thread (batch 1, not async). */
static gboolean
classify (GstVkInception * self, GstBuffer * buf, const FrameInfo * f,
    GError ** error)
{
  gint64 start = g_get_monotonic_time ();

  if (!run_frames (self, &buf, 1, error))
    return FALSE;
  finish (self, f, start);
  return TRUE;
}

/* --------------------------------------------------------- async worker */

static gpointer
worker_main (gpointer data)
{
  GstVkInception *self = data;

  g_mutex_lock (&self->worker_lock);
  while (!self->quit) {
    FrameInfo f;
    GError *error = NULL;

    if (!self->pending) {
      g_cond_wait (&self->worker_cond, &self->worker_lock);
      continue;
    }
    f = self->pending_info;
    self->pending = FALSE;
    self->busy = TRUE;
    g_mutex_unlock (&self->worker_lock);

    infer (self, &f, &error);

    g_mutex_lock (&self->worker_lock);
    self->busy = FALSE;
    if (error && !self->worker_error)
      self->worker_error = error;
    else
      g_clear_error (&error);
    g_cond_broadcast (&self->worker_cond);
  }
  g_mutex_unlock (&self->worker_lock);
  return NULL;
}

/* Waits until the worker has nothing in hand, so that the net may change. */
static void
worker_drain (GstVkInception * self)
{
  g_mutex_lock (&self->worker_lock);
  while (self->pending || self->busy)
    g_cond_wait (&self->worker_cond, &self->worker_lock);
  g_mutex_unlock (&self->worker_lock);
}

static void
worker_stop (GstVkInception * self)
{
  if (!self->worker)
    return;
  g_mutex_lock (&self->worker_lock);
  self->quit = TRUE;
  g_cond_broadcast (&self->worker_cond);
  g_mutex_unlock (&self->worker_lock);
  g_thread_join (self->worker);
  self->worker = NULL;
  self->pending = FALSE;
  self->quit = FALSE;
}

/* ------------------------------------------------------------ start/stop */

static gboolean
parse_triple (const gchar * text, float out[3])
{
  gchar **parts = g_strsplit (text, ",", -1);
  gboolean ok = g_strv_length (parts) == 3;
  for (guint i = 0; ok && i < 3; i++) {
    gchar *end;
    gdouble v = g_ascii_strtod (g_strstrip (parts[i]), &end);
    ok = end != parts[i] && *end == '\0' && isfinite (v);
    out[i] = (float) v;
  }
  g_strfreev (parts);
  return ok;
}

/* The model's preprocessing, overridden by the properties. */
static gboolean
choose_preprocess (GstVkInception * self, GError ** error)
{
  gboolean ok = TRUE;

  if (!gst_vk_inception_model_get_preprocess (self->model, &self->pre, error))
    return FALSE;
  GST_OBJECT_LOCK (self);
  self->pre.resize = self->resize_mode;
  if (self->channel_order != CHANNEL_ORDER_AUTO)
    self->pre.bgr = self->channel_order == CHANNEL_ORDER_BGR;
  if (self->mean && !parse_triple (self->mean, self->pre.mean)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "mean='%s' needs three numbers, as in \"123.7,116.3,103.5\"",
        self->mean);
    ok = FALSE;
  }
  if (ok && self->std && (!parse_triple (self->std, self->pre.std)
          || self->pre.std[0] == 0 || self->pre.std[1] == 0
          || self->pre.std[2] == 0)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "std='%s' needs three non-zero numbers, as in \"58.4,57.1,57.4\"",
        self->std);
    ok = FALSE;
  }
  GST_OBJECT_UNLOCK (self);
  return ok;
}

/* What input_shape() needs of the model, kept for when it is freed. */
static void
remember_model_input (GstVkInception * self)
{
  GstVkInceptionShape declared;

  gst_vk_inception_model_get_input (self->model, 0, &declared);
  self->model_channels = declared.rank == 4 && declared.dims[1] > 0 ?
      declared.dims[1] : 3;
  if (!gst_vk_inception_model_get_input_size (self->model,
          &self->model_width, &self->model_height))
    self->model_width = self->model_height = DEFAULT_INPUT_SIDE;
}

static void held_clear (GstVkInception * self);

static void
release (GstVkInception * self)
{
  worker_stop (self);
  held_clear (self);
  g_clear_pointer (&self->net, gst_vk_inception_net_free);
  g_clear_pointer (&self->model, gst_vk_inception_model_free);
  g_clear_pointer (&self->model_file, g_free);
  g_clear_pointer (&self->device, gst_vk_inception_device_unref);
  g_clear_pointer (&self->labels, g_strfreev);
  g_clear_pointer (&self->scores, g_free);
  g_clear_pointer (&self->smoothed, g_free);
  g_clear_pointer (&self->model_name, g_free);
  g_clear_pointer (&self->model_display, g_free);
  g_clear_pointer (&self->slots, g_free);
  g_clear_pointer (&self->slot_planes, g_free);
  g_clear_pointer (&self->slot_strides, g_free);
  g_clear_pointer (&self->slot_readable, g_free);
  g_clear_error (&self->worker_error);
  result_clear (&self->result);
  self->have_result = FALSE;
  self->have_smoothed = FALSE;
  self->n_labels = 0;
  self->n_scores = 0;
}

static gboolean
gst_vk_inception_start (GstBaseTransform * trans)
{
  GstVkInception *self = GST_VK_INCEPTION (trans);
  gchar *model_path, *labels_path, *selector;
  gboolean async;
  GError *error = NULL;

  GST_OBJECT_LOCK (self);
  model_path = g_strdup (self->model_path);
  labels_path = g_strdup (self->labels_path);
  selector = g_strdup (self->device_selector);
  async = self->async;
  self->net_precision = self->precision;
  /* Async mode never holds frames: it classifies the latest one. */
  self->batch = async ? 1 : MAX (self->batch_size, 1);
  GST_OBJECT_UNLOCK (self);
  self->slots = g_new0 (Slot, self->batch);
  self->slot_planes = g_new0 (const guint8 * const *, self->batch);
  self->slot_strides = g_new0 (const gint *, self->batch);
  self->slot_readable = g_new0 (gsize, self->batch);

  self->frame_count = 0;
  self->frames_classified = 0;
  self->frames_in_place = 0;
  self->in_place = FALSE;
  if (!model_path) {
    /* The bundled model comes with its labels. */
    gchar *default_labels = NULL;
    model_path = gst_vk_inception_default_model (&default_labels);
    if (!labels_path)
      labels_path = default_labels;
    else
      g_free (default_labels);
  }
  if (!model_path) {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND, ("No model given"),
        ("set the 'model' property to an ONNX file (the bundled default "
            "model is not installed)"));
    goto fail;
  }
  /* Messages, the meta and the bus show the file name as UTF-8, whatever
   * its bytes. */
  self->model_display = g_filename_display_name (model_path);
  self->model = gst_vk_inception_model_new_from_file (model_path, &error);
  if (!self->model) {
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
        ("Could not load the model %s", self->model_display), ("%s",
            error->message));
    goto fail;
  }
  self->model_name = g_filename_display_basename (model_path);
  self->model_file = g_strdup (model_path);
  if (gst_vk_inception_model_get_n_outputs (self->model) < 1) {
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
        ("The model %s has no output", self->model_display), (NULL));
    goto fail;
  }
  remember_model_input (self);
  if (labels_path) {
    self->labels = gst_vk_inception_labels_load (labels_path, &error);
    if (!self->labels) {
      gchar *shown = g_filename_display_name (labels_path);
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
          ("Could not read the labels file %s", shown), ("%s",
              error->message));
      g_free (shown);
      goto fail;
    }
    self->n_labels = g_strv_length (self->labels);
  }
  if (!choose_preprocess (self, &error)) {
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS,
        ("Invalid preprocessing settings"), ("%s", error->message));
    goto fail;
  }
  /* Elements with the same `device` share one (GstContext). */
  self->device = gst_vk_inception_context_find_device (GST_ELEMENT (self),
      selector);
  if (self->device) {
    GST_INFO_OBJECT (self, "sharing the Vulkan device of another element");
  } else {
    self->device = gst_vk_inception_device_new (selector, &error);
    if (!self->device) {
      GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
          ("No usable Vulkan device%s%s", selector ? " matching " : "",
              selector ? selector : ""), ("%s", error->message));
      goto fail;
    }
    gst_vk_inception_context_announce (GST_ELEMENT (self), self->device,
        selector);
  }
  if (!gst_vk_inception_device_check_precision (self->device,
          self->net_precision, &error)) {
    GEnumValue *v = g_enum_get_value (g_type_class_peek
        (GST_TYPE_VK_INCEPTION_PRECISION), self->net_precision);
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS,
        ("precision=%s is not available on the Vulkan device %s",
            v ? v->value_nick : "?",
            gst_vk_inception_device_get_name (self->device)),
        ("%s", error->message));
    goto fail;
  }
  GST_INFO_OBJECT (self, "model %s on %s", self->model_name,
      gst_vk_inception_device_get_name (self->device));
  g_object_notify (G_OBJECT (self), "device-name");

  if (async)
    self->worker = g_thread_new ("vkinception", worker_main, self);

  g_free (model_path);
  g_free (labels_path);
  g_free (selector);
  return TRUE;

fail:
  g_clear_error (&error);
  release (self);
  g_free (model_path);
  g_free (labels_path);
  g_free (selector);
  return FALSE;
}

static gboolean
gst_vk_inception_stop (GstBaseTransform * trans)
{
  release (GST_VK_INCEPTION (trans));
  return TRUE;
}

/* The network's input shape: the batch, the model's channels, and the size
 * from input-size, else the model's (metadata or declared), else 224x224
 * (models ending in global average pooling take any size). */
static void
input_shape (GstVkInception * self, GstVkInceptionShape * s)
{
  guint w, h;

  GST_OBJECT_LOCK (self);
  w = self->input_width;
  h = self->input_height;
  GST_OBJECT_UNLOCK (self);
  s->rank = 4;
  s->dims[0] = self->batch;
  s->dims[1] = self->model_channels;
  s->dims[2] = h ? h : self->model_height;
  s->dims[3] = w ? w : self->model_width;
}

static gboolean
gst_vk_inception_set_caps (GstBaseTransform * trans, GstCaps * incaps,
    GstCaps * outcaps)
{
  GstVkInception *self = GST_VK_INCEPTION (trans);
  GstVideoInfo info;
  GstVkInceptionShape want, have;
  GstVkInceptionFrameFormat fmt;
  GError *error = NULL;

  if (!gst_video_info_from_caps (&info, incaps)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("invalid caps %" GST_PTR_FORMAT, incaps));
    return FALSE;
  }
  if (GST_VIDEO_INFO_IS_INTERLACED (&info)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Interlaced video is not supported"),
        ("deinterlace it first, e.g. with the deinterlace element (caps %"
            GST_PTR_FORMAT ")", incaps));
    return FALSE;
  }
  if (!gst_vk_inception_frame_format_from_video_info (&info, &fmt)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("unsupported format %s", gst_video_format_to_string
            (GST_VIDEO_INFO_FORMAT (&info))));
    return FALSE;
  }

  /* The net is per input size, not per caps: a new resolution reuses it. */
  worker_drain (self);
  input_shape (self, &want);
  if (self->net) {
    gst_vk_inception_net_get_input_shape (self->net, 0, &have);
    if (memcmp (have.dims, want.dims, sizeof (want.dims)) != 0)
      g_clear_pointer (&self->net, gst_vk_inception_net_free);
  }
  if (!self->net && !self->model) {
    GST_DEBUG_OBJECT (self, "reading %s again for a new input size",
        self->model_file);
    self->model = gst_vk_inception_model_new_from_file (self->model_file,
        &error);
    if (!self->model) {
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
          ("Could not load the model %s again for a new input size",
              self->model_display), ("%s", error->message));
      g_clear_error (&error);
      return FALSE;
    }
    /* The file may have changed since start. */
    remember_model_input (self);
    input_shape (self, &want);
  }
  if (!self->net) {
    GstVkInceptionShape out;
    gsize n = 1;
    self->net = gst_vk_inception_net_new_full (self->model, self->device,
        &want, self->net_precision, &error);
    if (!self->net) {
      GST_ELEMENT_ERROR (self, LIBRARY, INIT,
          ("The model cannot run at %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
              " with batch size %" G_GINT64_FORMAT, want.dims[3], want.dims[2],
              want.dims[0]), ("%s", error->message));
      g_clear_error (&error);
      return FALSE;
    }
    gst_vk_inception_net_get_output_shape (self->net, 0, &out);
    for (guint i = 1; i < out.rank; i++)
      n *= out.dims[i];
    self->n_scores = n;
    g_free (self->scores);
    g_free (self->smoothed);
    self->scores = g_new0 (float, n * self->batch);
    self->smoothed = g_new0 (float, n);
    self->have_smoothed = FALSE;
    if (self->labels && self->n_labels != n) {
      GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
          ("The labels file has %u labels but the model has %" G_GSIZE_FORMAT
              " classes; using class numbers", self->n_labels, n), (NULL));
      g_clear_pointer (&self->labels, g_strfreev);
      self->n_labels = 0;
    }
    g_clear_pointer (&self->model, gst_vk_inception_model_free);
#ifdef __GLIBC__
    /* The model's and the build's freed memory lies between live blocks,
     * where glibc keeps it; handing it back before the first run compiles
     * every pipeline lowers the element's peak memory by about 7 MB
     * (docs/performance.md, "Memory on a first run, again"). */
    malloc_trim (0);
#endif
  }
  if (!gst_vk_inception_net_set_frame_format (self->net, &fmt, &self->pre,
          &error)) {
    GST_ELEMENT_ERROR (self, LIBRARY, INIT,
        ("Cannot classify %s %dx%d video",
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&info)),
            GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info)),
        ("%s", error->message));
    g_clear_error (&error);
    return FALSE;
  }
  self->info = info;
  GST_DEBUG_OBJECT (self, "classifying %" GST_PTR_FORMAT, incaps);
  return TRUE;
}

/* --------------------------------------------------------------- frames */

static void
attach_result (GstVkInception * self, GstBuffer * buf, guint64 frame)
{
  Result *r = &self->result;
  gboolean reused = r->source_frame != frame;

  gst_buffer_add_vk_inception_meta (buf, self->model_name, r->classes,
      r->n_classes, reused, r->source_frame, r->source_pts, r->latency_ms);
#ifdef HAVE_GST_ANALYTICS
  if (r->n_classes > 0) {
    GstAnalyticsRelationMeta *rmeta =
        gst_buffer_add_analytics_relation_meta (buf);
    gfloat *conf = g_new (gfloat, r->n_classes);
    GQuark *quarks = g_new (GQuark, r->n_classes);
    GstAnalyticsClsMtd mtd;
    for (guint i = 0; i < r->n_classes; i++) {
      conf[i] = r->classes[i].score;
      quarks[i] = g_quark_from_string (r->classes[i].label);
    }
    if (rmeta)
      gst_analytics_relation_meta_add_cls_mtd (rmeta, r->n_classes, conf,
          quarks, &mtd);
    g_free (conf);
    g_free (quarks);
  }
#endif
}

/* Posts @error (taken), from classifying frames: a frame that is not what
 * its caps say as a stream error, anything else as the inference failing. */
static void
post_error (GstVkInception * self, GError * error)
{
  if (error->domain == GST_STREAM_ERROR)
    GST_ELEMENT_ERROR (self, STREAM, FORMAT, ("%s", error->message), (NULL));
  else
    GST_ELEMENT_ERROR (self, LIBRARY, FAILED, ("Inference failed"), ("%s",
            error->message));
  g_error_free (error);
}

/* The most frames a batch holds while it waits for its last one, 0 when
 * frames are not held: after a batch, the interval's frames up to the next
 * due one, then batch-size - 1 due ones and the frames between them,
 * batch-size x interval - 1 in all (the first batch, from frame 0, holds
 * interval - 1 fewer). Also the most frame durations a frame waits. */
static guint64
held_max (GstVkInception * self)
{
  guint interval;

  if (self->batch <= 1)
    return 0;
  GST_OBJECT_LOCK (self);
  interval = MAX (self->interval, 1);
  GST_OBJECT_UNLOCK (self);
  return (guint64) self->batch * interval - 1;
}

/* Whether frame @number is classified: every interval-th frame, unless it
 * is a gap (GST_BUFFER_FLAG_GAP: no picture, possibly no bytes at all),
 * which carries the latest result like the frames between. */
static gboolean
is_due (GstVkInception * self, GstBuffer * buf, guint64 number)
{
  guint interval;

  if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP))
    return FALSE;
  GST_OBJECT_LOCK (self);
  interval = MAX (self->interval, 1);
  GST_OBJECT_UNLOCK (self);
  return number % interval == 0;
}

static GstFlowReturn
gst_vk_inception_transform_ip (GstBaseTransform * trans, GstBuffer * buf)
{
  GstVkInception *self = GST_VK_INCEPTION (trans);
  guint64 number = self->frame_count++;
  gboolean due = is_due (self, buf, number), idle;
  GError *error = NULL;
  FrameInfo f;

  frame_info (self, buf, number, &f);

  if (self->worker) {
    g_mutex_lock (&self->worker_lock);
    error = self->worker_error;
    self->worker_error = NULL;
    idle = !self->pending && !self->busy;
    g_mutex_unlock (&self->worker_lock);
    if (error)
      goto error;
    /* Never wait: a frame that finds the device busy goes on with the
     * latest finished result. One frame at most is in flight, and the
     * upload buffer is only written while the worker is idle. */
    if (due && idle) {
      if (!upload (self, &buf, 1, &error))
        goto error;
      g_mutex_lock (&self->worker_lock);
      self->pending = TRUE;
      self->pending_info = f;
      g_cond_signal (&self->worker_cond);
      g_mutex_unlock (&self->worker_lock);
    }
  } else if (due && !classify (self, buf, &f, &error)) {
    goto error;
  }

  g_mutex_lock (&self->worker_lock);
  if (self->have_result)
    attach_result (self, buf, number);
  g_mutex_unlock (&self->worker_lock);
  return GST_FLOW_OK;

error:
  post_error (self, error);
  return GST_FLOW_ERROR;
}

/* ---------------------------------------------------------- batching */

static void
held_clear (GstVkInception * self)
{
  GstBuffer *buf;
  if (self->held) {
    for (guint i = 0; i < self->held->len; i++)
      gst_buffer_unref (g_array_index (self->held, Held, i).buf);
    g_array_set_size (self->held, 0);
  }
  self->held_due = 0;
  while ((buf = g_queue_pop_head (&self->ready)))
    gst_buffer_unref (buf);
}

/* Runs the held frames that are due in one submission (a partial batch
 * repeats its last frame in the unused slots), attaches every held buffer's
 * meta in stream order and moves them to the ready queue. */
static gboolean
run_held (GstVkInception * self, GError ** error)
{
  GstBuffer *due[MAX_BATCH_SIZE];
  guint n_due = 0, slot = 0;
  gint64 start = g_get_monotonic_time ();
  gdouble latency_ms;

  for (guint i = 0; i < self->held->len; i++) {
    Held *h = &g_array_index (self->held, Held, i);
    if (h->due)
      due[n_due++] = h->buf;
  }
  if (n_due > 0 && !run_frames (self, due, n_due, error))
    return FALSE;
  /* Every frame of the batch waited for the same submission. */
  latency_ms = (g_get_monotonic_time () - start) / 1000.0;

  for (guint i = 0; i < self->held->len; i++) {
    Held *h = &g_array_index (self->held, Held, i);
    if (h->due) {
      Result r;
      make_result (self, self->scores + (gsize) slot++ * self->n_scores,
          h->info.number, h->info.pts, latency_ms, &r);
      post_message (self, &r, &h->info);
      set_result (self, &r);
    }
    h->buf = gst_buffer_make_writable (h->buf);
    g_mutex_lock (&self->worker_lock);
    if (self->have_result)
      attach_result (self, h->buf, h->info.number);
    g_mutex_unlock (&self->worker_lock);
    g_queue_push_tail (&self->ready, h->buf);
  }
  g_array_set_size (self->held, 0);
  self->held_due = 0;
  return TRUE;
}

static GstFlowReturn
gst_vk_inception_submit_input_buffer (GstBaseTransform * trans,
    gboolean is_discont, GstBuffer * input)
{
  GstVkInception *self = GST_VK_INCEPTION (trans);
  GError *error = NULL;
  Held h;

  if (self->batch <= 1)
    return GST_BASE_TRANSFORM_CLASS (parent_class)->submit_input_buffer
        (trans, is_discont, input);

  h.buf = input;
  frame_info (self, input, self->frame_count++, &h.info);
  h.due = is_due (self, input, h.info.number);
  g_array_append_val (self->held, h);
  if (h.due && ++self->held_due == self->batch && !run_held (self, &error)) {
    post_error (self, error);
    return GST_FLOW_ERROR;
  }
  return GST_FLOW_OK;
}

static GstFlowReturn
gst_vk_inception_generate_output (GstBaseTransform * trans,
    GstBuffer ** outbuf)
{
  GstVkInception *self = GST_VK_INCEPTION (trans);

  if (self->batch <= 1)
    return GST_BASE_TRANSFORM_CLASS (parent_class)->generate_output (trans,
        outbuf);
  *outbuf = g_queue_pop_head (&self->ready);
  return GST_FLOW_OK;
}

/* Runs a partial batch and pushes everything held, ahead of an event that
 * must not overtake the frames (EOS, new caps). */
static void
drain_held (GstVkInception * self)
{
  GError *error = NULL;
  GstBuffer *buf;

  if (!self->held || self->held->len == 0)
    return;
  if (!run_held (self, &error)) {
    post_error (self, error);
    held_clear (self);
    return;
  }
  while ((buf = g_queue_pop_head (&self->ready)))
    if (gst_pad_push (GST_BASE_TRANSFORM_SRC_PAD (self), buf) != GST_FLOW_OK)
      break;
  held_clear (self);
}

static gboolean
gst_vk_inception_query (GstBaseTransform * trans, GstPadDirection direction,
    GstQuery * query)
{
  GstVkInception *self = GST_VK_INCEPTION (trans);
  gboolean ret;

  /* Upstream wants its buffers back (before it changes its pool, say):
   * the held frames go out first, as a partial batch. */
  if (direction == GST_PAD_SINK && GST_QUERY_TYPE (query) == GST_QUERY_DRAIN)
    drain_held (self);
  if (gst_vk_inception_context_answer (GST_ELEMENT (self), query))
    return TRUE;
  ret = GST_BASE_TRANSFORM_CLASS (parent_class)->query (trans, direction,
      query);

  if (ret && direction == GST_PAD_SRC && GST_QUERY_TYPE (query) ==
      GST_QUERY_LATENCY && self->batch > 1 && self->info.fps_n > 0) {
    gboolean live;
    GstClockTime min, max, extra;
    /* The first frame held waits for the batch's last one. */
    extra = gst_util_uint64_scale (held_max (self),
        (guint64) self->info.fps_d * GST_SECOND, self->info.fps_n);
    gst_query_parse_latency (query, &live, &min, &max);
    gst_query_set_latency (query, live, min + extra,
        GST_CLOCK_TIME_IS_VALID (max) ? max + extra : max);
  }
  return ret;
}

/* Downstream's answer, with two changes. GstVideoCropMeta is taken out:
 * the network must see the picture downstream shows, so upstream
 * (videocrop, a decoder) crops the pixels. And the frames a batch holds
 * are added to every pool's minimum, so that a source with a fixed pool (a
 * camera) has buffers left while they wait. */
static gboolean
gst_vk_inception_propose_allocation (GstBaseTransform * trans,
    GstQuery * decide_query, GstQuery * query)
{
  GstVkInception *self = GST_VK_INCEPTION (trans);
  guint64 held = held_max (self);
  gboolean ret = GST_BASE_TRANSFORM_CLASS (parent_class)->propose_allocation
      (trans, decide_query, query);
  guint idx;

  while (gst_query_find_allocation_meta (query, GST_VIDEO_CROP_META_API_TYPE,
          &idx))
    gst_query_remove_nth_allocation_meta (query, idx);
  if (held == 0)
    return ret;
  /* Pools allocate their minimum up front: past this, a pool grows as
   * frames wait (a fixed one runs dry). */
  held = MIN (held, MAX_HELD_PROPOSED);
  for (guint i = 0; i < gst_query_get_n_allocation_pools (query); i++) {
    GstBufferPool *pool;
    guint size, min, max;

    gst_query_parse_nth_allocation_pool (query, i, &pool, &size, &min, &max);
    min = MIN (min, G_MAXUINT / 2) + (guint) held;
    gst_query_set_nth_allocation_pool (query, i, pool, size, min,
        max ? MAX (max, min) : 0);
    if (pool)
      gst_object_unref (pool);
  }
  if (gst_query_get_n_allocation_pools (query) == 0) {
    GstCaps *caps;
    GstVideoInfo info;

    gst_query_parse_allocation (query, &caps, NULL);
    if (caps && gst_video_info_from_caps (&info, caps))
      gst_query_add_allocation_pool (query, NULL, GST_VIDEO_INFO_SIZE (&info),
          (guint) held, 0);
  }
  return TRUE;
}

static gboolean
gst_vk_inception_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstVkInception *self = GST_VK_INCEPTION (trans);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_EOS:
      /* The last frame's message goes out before EOS does. */
      worker_drain (self);
      drain_held (self);
      break;
    case GST_EVENT_FLUSH_STOP:
      worker_drain (self);
      held_clear (self);
      self->have_smoothed = FALSE;
      break;
    default:
      /* Held frames go first: they are of the old caps, belong to the
       * old segment, come before the gap or the tags. */
      if (GST_EVENT_IS_SERIALIZED (event))
        drain_held (self);
      break;
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}

/* -------------------------------------------------------------- GObject */

static gboolean
parse_size (const gchar * text, guint * w, guint * h)
{
  guint64 a, b;
  gchar *end;

  if (!text || !*text) {
    *w = *h = 0;
    return TRUE;
  }
  a = g_ascii_strtoull (text, &end, 10);
  if (end == text || (*end != 'x' && *end != 'X'))
    return FALSE;
  text = end + 1;
  b = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end || a < 1 || b < 1 || a > MAX_INPUT_SIDE
      || b > MAX_INPUT_SIDE)
    return FALSE;
  *w = (guint) a;
  *h = (guint) b;
  return TRUE;
}

static void
set_string (gchar ** field, const GValue * value)
{
  const gchar *s = g_value_get_string (value);
  g_free (*field);
  *field = s && *s ? g_strdup (s) : NULL;
}

static void
gst_vk_inception_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstVkInception *self = GST_VK_INCEPTION (object);
  gboolean held_changed = FALSE;

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODEL:
      set_string (&self->model_path, value);
      break;
    case PROP_LABELS:
      set_string (&self->labels_path, value);
      break;
    case PROP_TOP_K:
      self->top_k = g_value_get_uint (value);
      break;
    case PROP_THRESHOLD:
      self->threshold = g_value_get_double (value);
      break;
    case PROP_INTERVAL:{
      guint interval = g_value_get_uint (value);
      held_changed = interval != self->interval && self->batch > 1;
      self->interval = interval;
      break;
    }
    case PROP_RESIZE_MODE:
      self->resize_mode = g_value_get_enum (value);
      break;
    case PROP_INPUT_SIZE:
      if (!parse_size (g_value_get_string (value), &self->input_width,
              &self->input_height))
        GST_WARNING_OBJECT (self, "input-size '%s' is not WIDTHxHEIGHT "
            "(1 to %d each); ignored", g_value_get_string (value),
            MAX_INPUT_SIDE);
      break;
    case PROP_CHANNEL_ORDER:
      self->channel_order = g_value_get_enum (value);
      break;
    case PROP_MEAN:
      set_string (&self->mean, value);
      break;
    case PROP_STD:
      set_string (&self->std, value);
      break;
    case PROP_DEVICE:
      set_string (&self->device_selector, value);
      break;
    case PROP_ASYNC:
      self->async = g_value_get_boolean (value);
      break;
    case PROP_SMOOTHING:
      self->smoothing = g_value_get_double (value);
      break;
    case PROP_BATCH_SIZE:
      self->batch_size = g_value_get_uint (value);
      break;
    case PROP_PRECISION:
      self->precision = g_value_get_enum (value);
      break;
    case PROP_POST_MESSAGES:
      self->post_messages = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
  /* Batches now hold another number of frames (held_max()): a new latency,
   * and upstream's pools are asked again. */
  if (held_changed) {
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_latency (GST_OBJECT (self)));
    gst_base_transform_reconfigure_sink (GST_BASE_TRANSFORM (self));
  }
}

static void
gst_vk_inception_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstVkInception *self = GST_VK_INCEPTION (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODEL:
      g_value_set_string (value, self->model_path);
      break;
    case PROP_LABELS:
      g_value_set_string (value, self->labels_path);
      break;
    case PROP_TOP_K:
      g_value_set_uint (value, self->top_k);
      break;
    case PROP_THRESHOLD:
      g_value_set_double (value, self->threshold);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;
    case PROP_RESIZE_MODE:
      g_value_set_enum (value, self->resize_mode);
      break;
    case PROP_INPUT_SIZE:
      if (self->input_width)
        g_value_take_string (value, g_strdup_printf ("%ux%u",
                self->input_width, self->input_height));
      else
        g_value_set_string (value, "");
      break;
    case PROP_CHANNEL_ORDER:
      g_value_set_enum (value, self->channel_order);
      break;
    case PROP_MEAN:
      g_value_set_string (value, self->mean);
      break;
    case PROP_STD:
      g_value_set_string (value, self->std);
      break;
    case PROP_DEVICE:
      g_value_set_string (value, self->device_selector);
      break;
    case PROP_ASYNC:
      g_value_set_boolean (value, self->async);
      break;
    case PROP_SMOOTHING:
      g_value_set_double (value, self->smoothing);
      break;
    case PROP_BATCH_SIZE:
      g_value_set_uint (value, self->batch_size);
      break;
    case PROP_PRECISION:
      g_value_set_enum (value, self->precision);
      break;
    case PROP_POST_MESSAGES:
      g_value_set_boolean (value, self->post_messages);
      break;
    case PROP_DEVICE_NAME:
      g_value_set_string (value, self->device ?
          gst_vk_inception_device_get_name (self->device) : NULL);
      break;
    case PROP_LAST_LATENCY_MS:
      g_mutex_lock (&self->worker_lock);
      g_value_set_double (value, self->last_latency_ms);
      g_mutex_unlock (&self->worker_lock);
      break;
    case PROP_FRAMES_CLASSIFIED:
      g_mutex_lock (&self->worker_lock);
      g_value_set_uint64 (value, self->frames_classified);
      g_mutex_unlock (&self->worker_lock);
      break;
    case PROP_FRAMES_IN_PLACE:
      g_mutex_lock (&self->worker_lock);
      g_value_set_uint64 (value, self->frames_in_place);
      g_mutex_unlock (&self->worker_lock);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_vk_inception_finalize (GObject * object)
{
  GstVkInception *self = GST_VK_INCEPTION (object);

  release (self);
  g_array_unref (self->held);
  g_free (self->model_path);
  g_free (self->labels_path);
  g_free (self->device_selector);
  g_free (self->mean);
  g_free (self->std);
  g_mutex_clear (&self->worker_lock);
  g_cond_clear (&self->worker_cond);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_vk_inception_init (GstVkInception * self)
{
  self->top_k = DEFAULT_TOP_K;
  self->threshold = DEFAULT_THRESHOLD;
  self->interval = DEFAULT_INTERVAL;
  self->resize_mode = DEFAULT_RESIZE_MODE;
  self->channel_order = CHANNEL_ORDER_AUTO;
  self->async = DEFAULT_ASYNC;
  self->smoothing = DEFAULT_SMOOTHING;
  self->post_messages = DEFAULT_POST_MESSAGES;
  self->batch_size = DEFAULT_BATCH_SIZE;
  self->precision = DEFAULT_PRECISION;
  self->batch = 1;
  self->held = g_array_new (FALSE, TRUE, sizeof (Held));
  g_queue_init (&self->ready);
  g_mutex_init (&self->worker_lock);
  g_cond_init (&self->worker_cond);
  /* In place and never passthrough: the pixels are untouched but every
   * buffer gets a meta, which needs a writable buffer (a shallow copy when
   * the buffer is shared, never a copy of the pixels). */
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), FALSE);
}

#define PARAM_FLAGS (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | \
    GST_PARAM_MUTABLE_READY)
#define LIVE_FLAGS (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | \
    GST_PARAM_MUTABLE_PLAYING)
#define STAT_FLAGS (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)

static void
gst_vk_inception_class_init (GstVkInceptionClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstCaps *caps;

  gobject_class->set_property = gst_vk_inception_set_property;
  gobject_class->get_property = gst_vk_inception_get_property;
  gobject_class->finalize = gst_vk_inception_finalize;

  g_object_class_install_property (gobject_class, PROP_MODEL,
      g_param_spec_string ("model", "Model",
          "ONNX model file; unset: the bundled videotestsrc GoogLeNet", NULL,
          PARAM_FLAGS));
  g_object_class_install_property (gobject_class, PROP_LABELS,
      g_param_spec_string ("labels", "Labels",
          "Class labels, one per line (ImageNet synset_words lines accepted); "
          "without it, class numbers", NULL, PARAM_FLAGS));
  g_object_class_install_property (gobject_class, PROP_TOP_K,
      g_param_spec_uint ("top-k", "Top k", "How many classes to report", 1,
          MAX_TOP_K, DEFAULT_TOP_K, LIVE_FLAGS));
  g_object_class_install_property (gobject_class, PROP_THRESHOLD,
      g_param_spec_double ("threshold", "Threshold",
          "Minimum score (probability) a class needs to be reported", 0, 1,
          DEFAULT_THRESHOLD, LIVE_FLAGS));
  g_object_class_install_property (gobject_class, PROP_INTERVAL,
      g_param_spec_uint ("interval", "Interval",
          "Classify every Nth frame; the frames between carry the last "
          "result, marked as reused", 1, G_MAXUINT, DEFAULT_INTERVAL,
          LIVE_FLAGS));
  g_object_class_install_property (gobject_class, PROP_RESIZE_MODE,
      g_param_spec_enum ("resize-mode", "Resize mode",
          "How the frame is fitted to the network input",
          GST_TYPE_VK_INCEPTION_RESIZE_MODE, DEFAULT_RESIZE_MODE,
          PARAM_FLAGS));
  g_object_class_install_property (gobject_class, PROP_INPUT_SIZE,
      g_param_spec_string ("input-size", "Input size",
          "Network input as WIDTHxHEIGHT, for models that take any size "
          "(ending in global average pooling); empty: the model's, or 224x224",
          "", PARAM_FLAGS));
  g_object_class_install_property (gobject_class, PROP_CHANNEL_ORDER,
      g_param_spec_enum ("channel-order", "Channel order",
          "Colour order of the network input",
          GST_TYPE_VK_INCEPTION_CHANNEL_ORDER, CHANNEL_ORDER_AUTO,
          PARAM_FLAGS));
  g_object_class_install_property (gobject_class, PROP_MEAN,
      g_param_spec_string ("mean", "Mean",
          "Per-channel mean subtracted from 0-255 pixels, \"a,b,c\" in the "
          "network's channel order; empty: the model's", NULL, PARAM_FLAGS));
  g_object_class_install_property (gobject_class, PROP_STD,
      g_param_spec_string ("std", "Standard deviation",
          "Per-channel divisor applied after the mean, \"a,b,c\"; empty: the "
          "model's", NULL, PARAM_FLAGS));
  g_object_class_install_property (gobject_class, PROP_DEVICE,
      g_param_spec_string ("device", "Device",
          "Vulkan device index or name substring; empty: $VKINCEPTION_DEVICE "
          "or the best device", NULL, PARAM_FLAGS));
  g_object_class_install_property (gobject_class, PROP_ASYNC,
      g_param_spec_boolean ("async", "Asynchronous",
          "Never block the stream: classify in a thread, frames that find it "
          "busy pass with the latest result", DEFAULT_ASYNC, PARAM_FLAGS));
  g_object_class_install_property (gobject_class, PROP_SMOOTHING,
      g_param_spec_double ("smoothing", "Smoothing",
          "Weight of the previous scores in an exponential moving average "
          "over frames (0: off)", 0, 0.999, DEFAULT_SMOOTHING, LIVE_FLAGS));
  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post messages",
          "Post a 'vkinception' element message per classified frame",
          DEFAULT_POST_MESSAGES, LIVE_FLAGS));
  g_object_class_install_property (gobject_class, PROP_BATCH_SIZE,
      g_param_spec_uint ("batch-size", "Batch size",
          "Frames classified per submission: frames are held until this many "
          "are due (adds latency; ignored in async mode)", 1, MAX_BATCH_SIZE,
          DEFAULT_BATCH_SIZE, PARAM_FLAGS));
  g_object_class_install_property (gobject_class, PROP_PRECISION,
      g_param_spec_enum ("precision", "Precision",
          "How the network stores its activations and computes",
          GST_TYPE_VK_INCEPTION_PRECISION, DEFAULT_PRECISION, PARAM_FLAGS));
  g_object_class_install_property (gobject_class, PROP_DEVICE_NAME,
      g_param_spec_string ("device-name", "Device name",
          "The Vulkan device in use", NULL, STAT_FLAGS));
  g_object_class_install_property (gobject_class, PROP_LAST_LATENCY_MS,
      g_param_spec_double ("last-latency-ms", "Last latency",
          "Milliseconds the last classification took", 0, G_MAXDOUBLE, 0,
          STAT_FLAGS));
  g_object_class_install_property (gobject_class, PROP_FRAMES_CLASSIFIED,
      g_param_spec_uint64 ("frames-classified", "Frames classified",
          "Frames the network ran on since start", 0, G_MAXUINT64, 0,
          STAT_FLAGS));
  g_object_class_install_property (gobject_class, PROP_FRAMES_IN_PLACE,
      g_param_spec_uint64 ("frames-in-place", "Frames read in place",
          "Frames the device read where they lay in memory, without a copy "
          "(VK_EXT_external_memory_host; not with async=true)", 0,
          G_MAXUINT64, 0, STAT_FLAGS));

  /* From the one format map, so the templates offer what set_caps reads. */
  caps = gst_vk_inception_video_caps_new ();
  gst_element_class_add_pad_template (element_class,
      gst_pad_template_new ("sink", GST_PAD_SINK, GST_PAD_ALWAYS, caps));
  gst_element_class_add_pad_template (element_class,
      gst_pad_template_new ("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps));
  gst_caps_unref (caps);
  gst_element_class_set_static_metadata (element_class,
      "Vulkan GoogLeNet classifier", "Filter/Analyzer/Video",
      "Classifies video frames with an ONNX CNN run as Vulkan compute "
      "shaders; attaches the top-k as GstVkInceptionMeta",
      "gst-vkinception developers");

  trans_class->start = GST_DEBUG_FUNCPTR (gst_vk_inception_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_vk_inception_stop);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (gst_vk_inception_set_caps);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (gst_vk_inception_transform_ip);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_vk_inception_sink_event);
  trans_class->submit_input_buffer =
      GST_DEBUG_FUNCPTR (gst_vk_inception_submit_input_buffer);
  trans_class->generate_output =
      GST_DEBUG_FUNCPTR (gst_vk_inception_generate_output);
  trans_class->query = GST_DEBUG_FUNCPTR (gst_vk_inception_query);
  trans_class->propose_allocation =
      GST_DEBUG_FUNCPTR (gst_vk_inception_propose_allocation);

  gst_type_mark_as_plugin_api (GST_TYPE_VK_INCEPTION_RESIZE_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_VK_INCEPTION_PRECISION, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_VK_INCEPTION_CHANNEL_ORDER, 0);
  /* The boxed type of the device contexts, registered before any element
   * starts, so that applications can find it by name. */
  g_type_ensure (GST_TYPE_VK_INCEPTION_DEVICE);
  GST_DEBUG_CATEGORY_INIT (gst_vk_inception_debug, "vkinception", 0,
      "Vulkan GoogLeNet classifier");
}
