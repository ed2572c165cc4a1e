/* gst-vkinception engine: run ONNX CNN classifiers (GoogLeNet and friends) as
 * Vulkan compute shaders.
 *
 * The engine depends on GLib and Vulkan only; GStreamer is not needed to use it.
 *
 * Three objects, each created once and reused:
 *   GstVkInceptionDevice  a Vulkan device and queue (picked, or handed in)
 *   GstVkInceptionModel   a parsed, validated and simplified ONNX graph (host side)
 *   GstVkInceptionNet     a model bound to a device at fixed input shapes: weights
 *                         uploaded, activation memory planned, pipelines built and
 *                         one command buffer recorded. Running it only copies the
 *                         input in, replays the command buffer and copies out.
 *
 * Every function that can fail returns FALSE/NULL and sets a GError in the
 * GST_VK_INCEPTION_ERROR domain; no function aborts on bad input.
 */
#ifndef GST_VK_INCEPTION_ENGINE_H
#define GST_VK_INCEPTION_ENGINE_H

#include <glib.h>
#include <vulkan/vulkan.h>

G_BEGIN_DECLS

#define GST_VK_INCEPTION_ERROR (gst_vk_inception_error_quark ())
GQuark gst_vk_inception_error_quark (void);

typedef enum {
  GST_VK_INCEPTION_ERROR_FAILED,          /* anything else */
  GST_VK_INCEPTION_ERROR_IO,              /* file could not be read */
  GST_VK_INCEPTION_ERROR_PARSE,           /* not a valid ONNX file */
  GST_VK_INCEPTION_ERROR_INVALID_MODEL,   /* valid protobuf, inconsistent graph */
  GST_VK_INCEPTION_ERROR_UNSUPPORTED,     /* op or attribute not implemented */
  GST_VK_INCEPTION_ERROR_SHAPE,           /* input shape the model cannot take */
  GST_VK_INCEPTION_ERROR_TOO_LARGE,       /* over a size limit */
  GST_VK_INCEPTION_ERROR_NO_DEVICE,       /* no usable Vulkan device */
  GST_VK_INCEPTION_ERROR_OUT_OF_MEMORY,   /* host or device memory exhausted */
  GST_VK_INCEPTION_ERROR_DEVICE_LOST,     /* the device stopped working */
  GST_VK_INCEPTION_ERROR_VULKAN,          /* any other Vulkan failure */
} GstVkInceptionError;

/* Tensors handled by the engine have rank 1 to 4. */
#define GST_VK_INCEPTION_MAX_RANK 4

typedef struct {
  guint rank;
  gint64 dims[GST_VK_INCEPTION_MAX_RANK];
} GstVkInceptionShape;

/* ---------------------------------------------------------------- devices */

typedef struct _GstVkInceptionDevice GstVkInceptionDevice;

/**
 * gst_vk_inception_device_list:
 * Returns: (transfer full): a NULL-terminated array of "index: name (type)"
 * strings in enumeration order, or NULL with @error set. Free with g_strfreev().
 */
gchar **gst_vk_inception_device_list (GError ** error);

/**
 * gst_vk_inception_device_new:
 * @selector: (nullable): a device index ("0") or a case-insensitive substring
 *   of the device name. NULL uses $VKINCEPTION_DEVICE, and without it the first
 *   device by type: discrete, integrated, virtual, CPU.
 *
 * Creates its own VkInstance and VkDevice. With $VKINCEPTION_VALIDATION=1 the
 * Khronos validation layer is enabled and every message it prints is counted
 * (see gst_vk_inception_device_get_validation_messages()). On a CPU device
 * (lavapipe) on Linux, the threads its driver starts meanwhile each get one
 * of the calling thread's CPUs, so that its compute workers never share a
 * CPU; $VKINCEPTION_CPU_AFFINITY=0 leaves them to the kernel.
 */
GstVkInceptionDevice *gst_vk_inception_device_new (const gchar * selector,
    GError ** error);

/**
 * gst_vk_inception_device_new_wrapped:
 * Uses a device created by someone else (for example a GstVulkanDevice). The
 * handles must stay valid until the last reference is dropped; the engine
 * never destroys them. @queue must support compute and belong to
 * @queue_family. Access to @queue must be externally synchronised by the
 * caller if it is shared.
 */
GstVkInceptionDevice *gst_vk_inception_device_new_wrapped (VkInstance instance,
    VkPhysicalDevice physical_device, VkDevice device, VkQueue queue,
    guint32 queue_family, GError ** error);

GstVkInceptionDevice *gst_vk_inception_device_ref (GstVkInceptionDevice * dev);
void gst_vk_inception_device_unref (GstVkInceptionDevice * dev);

/* The device name as the driver reports it. */
const gchar *gst_vk_inception_device_get_name (GstVkInceptionDevice * dev);

/* Number of validation-layer messages (warnings and errors) seen so far. */
guint gst_vk_inception_device_get_validation_messages (GstVkInceptionDevice * dev);

/* ----------------------------------------------------------------- models */

typedef struct _GstVkInceptionModel GstVkInceptionModel;

/* A named constant for gst_vk_inception_model_new_from_data(): a graph input
 * given a fixed value, treated like an initializer (float32, row major). */
typedef struct {
  const gchar *name;
  GstVkInceptionShape shape;
  const float *data;
} GstVkInceptionConstant;

/**
 * gst_vk_inception_model_new_from_file:
 * Reads and checks an ONNX file. The file is untrusted: any malformed content
 * gives a GError naming the file, node and op.
 */
GstVkInceptionModel *gst_vk_inception_model_new_from_file (const gchar * path,
    GError ** error);

/**
 * gst_vk_inception_model_new_from_data:
 * @name: used in error messages (usually the file name).
 * @constants: (nullable): graph inputs to bind to fixed values.
 */
GstVkInceptionModel *gst_vk_inception_model_new_from_data (const guint8 * data,
    gsize size, const gchar * name, const GstVkInceptionConstant * constants,
    guint n_constants, GError ** error);

void gst_vk_inception_model_free (GstVkInceptionModel * model);

/**
 * gst_vk_inception_default_model:
 * @labels: (out) (optional): the labels file that goes with it
 *
 * The model bundled with gst-vkinception (GoogLeNet trained on videotestsrc
 * patterns), from the installed data directory, or from the source tree when
 * running uninstalled. $VKINCEPTION_DEFAULT_MODEL overrides it (its labels
 * are then looked for next to it, as NAME.labels).
 * Returns: (transfer full): the path, or NULL if no copy exists. g_free() it.
 */
gchar *gst_vk_inception_default_model (gchar ** labels);

/* The file name (without directories) the model was loaded from. */
const gchar *gst_vk_inception_model_get_name (GstVkInceptionModel * model);

guint gst_vk_inception_model_get_n_inputs (GstVkInceptionModel * model);
guint gst_vk_inception_model_get_n_outputs (GstVkInceptionModel * model);

/**
 * gst_vk_inception_model_get_input:
 * @shape: (out): the declared shape; unknown dimensions are -1.
 * Returns: the input's name.
 */
const gchar *gst_vk_inception_model_get_input (GstVkInceptionModel * model,
    guint index, GstVkInceptionShape * shape);
const gchar *gst_vk_inception_model_get_output_name (GstVkInceptionModel * model,
    guint index);

/* Value of a metadata_props entry, or NULL. */
const gchar *gst_vk_inception_model_get_metadata (GstVkInceptionModel * model,
    const gchar * key);

/* ------------------------------------------------------------------- nets */

typedef struct _GstVkInceptionNet GstVkInceptionNet;

/**
 * gst_vk_inception_net_new:
 * @input_shapes: one shape per model input (see get_n_inputs); NULL takes the
 *   declared shapes, which must then be fully known.
 *
 * Infers every shape, uploads the weights, plans activation memory, creates
 * the pipelines (through the on-disk pipeline cache) and records the command
 * buffer. A shape the model cannot take gives GST_VK_INCEPTION_ERROR_SHAPE
 * with a message naming the node and, where known, the size it needs.
 * The net keeps a reference on @dev; @model may be freed afterwards.
 */
GstVkInceptionNet *gst_vk_inception_net_new (GstVkInceptionModel * model,
    GstVkInceptionDevice * dev, const GstVkInceptionShape * input_shapes,
    GError ** error);

/**
 * GstVkInceptionPrecision:
 * @GST_VK_INCEPTION_PRECISION_FP32: float32 activations and arithmetic.
 * @GST_VK_INCEPTION_PRECISION_FP16: float16 activations (half the activation
 *   memory and traffic), float32 weights and arithmetic; needs
 *   storageBuffer16BitAccess (VK_KHR_16bit_storage, core in Vulkan 1.1).
 * @GST_VK_INCEPTION_PRECISION_FP16_ARITHMETIC: float16 activations, and the
 *   convolutions and fully connected layers (every multiply-add) computed
 *   in float16: products and the sums along each filter; bias, pooling,
 *   LRN and softmax stay float32. Needs storageBuffer16BitAccess and
 *   shaderFloat16 (VK_KHR_shader_float16_int8).
 */
typedef enum {
  GST_VK_INCEPTION_PRECISION_FP32,
  GST_VK_INCEPTION_PRECISION_FP16,
  GST_VK_INCEPTION_PRECISION_FP16_ARITHMETIC,
} GstVkInceptionPrecision;

/* Can nets on @dev use @precision? (fp16: the device has 16-bit storage
 * buffers, fp16-arithmetic float16 arithmetic in shaders too, and
 * gst-vkinception created it, so the features are enabled.) */
gboolean gst_vk_inception_device_supports_precision (GstVkInceptionDevice *
    dev, GstVkInceptionPrecision precision);

/* supports_precision() with the reason where not:
 * GST_VK_INCEPTION_ERROR_UNSUPPORTED naming the device and the missing
 * feature (what net_new_full() reports). */
gboolean gst_vk_inception_device_check_precision (GstVkInceptionDevice *
    dev, GstVkInceptionPrecision precision, GError ** error);

/**
 * gst_vk_inception_net_new_full:
 * @precision: how activations are stored; GST_VK_INCEPTION_ERROR_UNSUPPORTED
 *   where the device cannot (see supports_precision()).
 *
 * gst_vk_inception_net_new() with a choice of precision; net_new() is fp32.
 * Inputs and outputs stay float32 arrays either way.
 */
GstVkInceptionNet *gst_vk_inception_net_new_full (GstVkInceptionModel * model,
    GstVkInceptionDevice * dev, const GstVkInceptionShape * input_shapes,
    GstVkInceptionPrecision precision, GError ** error);

GstVkInceptionPrecision gst_vk_inception_net_get_precision (GstVkInceptionNet *
    net);

void gst_vk_inception_net_free (GstVkInceptionNet * net);

GstVkInceptionDevice *gst_vk_inception_net_get_device (GstVkInceptionNet * net);

guint gst_vk_inception_net_get_n_inputs (GstVkInceptionNet * net);
guint gst_vk_inception_net_get_n_outputs (GstVkInceptionNet * net);
void gst_vk_inception_net_get_input_shape (GstVkInceptionNet * net, guint index,
    GstVkInceptionShape * shape);
void gst_vk_inception_net_get_output_shape (GstVkInceptionNet * net,
    guint index, GstVkInceptionShape * shape);

/**
 * gst_vk_inception_net_run:
 * @inputs: one float32 array per input, each holding its shape's element count.
 * @outputs: one float32 array per output, likewise.
 *
 * Runs one inference and waits for it. Nothing is allocated.
 */
gboolean gst_vk_inception_net_run (GstVkInceptionNet * net,
    const float *const *inputs, float *const *outputs, GError ** error);

/* One row of gst_vk_inception_net_get_layers(). */
typedef struct {
  const gchar *name;            /* the ONNX node name (or its first output) */
  const gchar *op;              /* e.g. "Conv+Relu", "Concat (no copy)" */
  GstVkInceptionShape shape;    /* output shape */
  guint64 params;               /* weights and biases it holds */
  guint64 macs;                 /* multiply-adds per inference */
  gboolean dispatched;          /* FALSE for ops that cost nothing */
  const gchar *kernel;          /* the shader that runs it, e.g. "conv_tiled"
                                 * or "conv"; NULL when not dispatched */
} GstVkInceptionLayer;

/* The layers in execution order. The array belongs to the net. */
const GstVkInceptionLayer *gst_vk_inception_net_get_layers (GstVkInceptionNet *
    net, guint * n_layers);

/**
 * gst_vk_inception_net_profile:
 * @layer_ms: (out caller-allocates): one entry per layer of get_layers(),
 *   device milliseconds measured with timestamp queries (0 for layers that
 *   are not dispatched).
 * @total_ms: (out) (optional): device time of the whole command buffer.
 *
 * Runs one inference on the inputs last given to run(), serialising the
 * dispatches so that each can be timed. Fails with UNSUPPORTED where the queue
 * has no timestamps.
 */
gboolean gst_vk_inception_net_profile (GstVkInceptionNet * net,
    double *layer_ms, double *total_ms, GError ** error);

/* ------------------------------------------------------------ video frames */

/* Raw video layouts the engine converts on the device: GStreamer's video
 * formats of the same names, their planes in GStreamer's order. */
typedef enum {
  GST_VK_INCEPTION_PIXEL_RGB,
  GST_VK_INCEPTION_PIXEL_BGR,
  GST_VK_INCEPTION_PIXEL_RGBA,
  GST_VK_INCEPTION_PIXEL_BGRA,
  GST_VK_INCEPTION_PIXEL_RGBX,
  GST_VK_INCEPTION_PIXEL_BGRX,
  GST_VK_INCEPTION_PIXEL_XRGB,
  GST_VK_INCEPTION_PIXEL_XBGR,
  GST_VK_INCEPTION_PIXEL_ARGB,
  GST_VK_INCEPTION_PIXEL_ABGR,
  GST_VK_INCEPTION_PIXEL_I420,
  GST_VK_INCEPTION_PIXEL_NV12,
  GST_VK_INCEPTION_PIXEL_GRAY8,
  GST_VK_INCEPTION_PIXEL_YV12,  /* I420 with the V plane before U */
  GST_VK_INCEPTION_PIXEL_NV21,  /* NV12 with V before U in each pair */
  GST_VK_INCEPTION_PIXEL_NV16,  /* NV12's planes, 4:2:2 */
  GST_VK_INCEPTION_PIXEL_Y42B,  /* planar 4:2:2 */
  GST_VK_INCEPTION_PIXEL_Y444,  /* planar 4:4:4 */
  GST_VK_INCEPTION_PIXEL_YUY2,  /* packed 4:2:2: Y0 U Y1 V */
  GST_VK_INCEPTION_PIXEL_UYVY,  /* U Y0 V Y1 */
  GST_VK_INCEPTION_PIXEL_YVYU,  /* Y0 V Y1 U */
  /* 16-bit little-endian samples, taken to 8-bit levels by the shift
   * GStreamer's converter uses (10-bit: /4; P010's top 10 of 16: /256). */
  GST_VK_INCEPTION_PIXEL_P010_10LE,     /* NV12's planes */
  GST_VK_INCEPTION_PIXEL_I420_10LE,
  GST_VK_INCEPTION_PIXEL_I422_10LE,
  GST_VK_INCEPTION_PIXEL_Y444_10LE,
  GST_VK_INCEPTION_PIXEL_GRAY16_LE,
} GstVkInceptionPixelFormat;

typedef struct {
  GstVkInceptionPixelFormat format;
  guint width, height;
  /* YUV formats: the luma coefficients of the colour matrix (BT.601:
   * 0.299/0.114, BT.709: 0.2126/0.0722) and whether the values use the full
   * 0-255 range rather than 16-235/240. */
  double kr, kb;
  gboolean full_range;
  /* The pixel aspect ratio, width over height of a pixel, which the
   * aspect-keeping resize modes honour; 0/0 (left unset) is square. */
  guint par_n, par_d;
} GstVkInceptionFrameFormat;

typedef enum {
  GST_VK_INCEPTION_RESIZE_STRETCH,      /* fill the input, ignore aspect */
  GST_VK_INCEPTION_RESIZE_CENTER_CROP,  /* keep aspect, crop the sides */
  GST_VK_INCEPTION_RESIZE_LETTERBOX,    /* keep aspect, pad with the mean */
} GstVkInceptionResizeMode;

/* How pixels become network input: value = (pixel - mean) / std, with
 * pixel in 0..255 and mean/std given in the network's channel order. */
typedef struct {
  gboolean bgr;                 /* the network's channel 0 is blue */
  float mean[3];
  float std[3];
  GstVkInceptionResizeMode resize;
} GstVkInceptionPreprocess;

/**
 * gst_vk_inception_model_get_preprocess:
 * Fills @pre with what the model expects: the "vkinception.channel_order"
 * ("RGB"/"BGR"), "vkinception.mean" and "vkinception.std" (three numbers
 * each, 0-255 scale, network channel order) metadata where present, else the
 * convention recognised from the model: Caffe/BVLC (input "data_0": BGR,
 * mean 103.939,116.779,123.68, std 1) or torchvision (RGB, ImageNet mean and
 * std). The resize mode is left as STRETCH.
 */
gboolean gst_vk_inception_model_get_preprocess (GstVkInceptionModel * model,
    GstVkInceptionPreprocess * pre, GError ** error);

/**
 * gst_vk_inception_model_get_input_size:
 * The input size the model wants: its "vkinception.input_size" metadata
 * ("WIDTHxHEIGHT"), else the declared height and width of its first input.
 * Returns: FALSE (and 0s) when neither says: the model takes any size.
 */
gboolean gst_vk_inception_model_get_input_size (GstVkInceptionModel * model,
    guint * width, guint * height);

/**
 * gst_vk_inception_net_set_frame_format:
 * Makes input 0 (NCHW, 1 or 3 channels) come from raw video frames: one
 * shader converts, resizes and normalises them on the device, ahead of the
 * network in the same command buffer. Call once per format (per caps); the
 * command buffer is recorded again here, never per frame.
 */
gboolean gst_vk_inception_net_set_frame_format (GstVkInceptionNet * net,
    const GstVkInceptionFrameFormat * format,
    const GstVkInceptionPreprocess * pre, GError ** error);

/**
 * gst_vk_inception_net_run_frames:
 * @frames: one entry per batch item (the input's first dimension); each is
 *   an array of plane pointers (1 or 2 or 3 planes, by format)
 * @strides: per frame, the byte stride of each plane
 *
 * Uploads the planes (only the visible rows and bytes of each), runs the
 * network and writes the outputs.
 */
gboolean gst_vk_inception_net_run_frames (GstVkInceptionNet * net,
    const guint8 *const *const *frames, const gint *const *strides,
    float *const *outputs, GError ** error);

/**
 * gst_vk_inception_net_upload_frames:
 * The first half of run_frames(): copies the frames' planes into the net's
 * upload buffer and returns, so that the caller can release the frames at
 * once and run the network later (from another thread) with
 * gst_vk_inception_net_run_uploaded(). Not to be called while a run is in
 * progress.
 */
gboolean gst_vk_inception_net_upload_frames (GstVkInceptionNet * net,
    const guint8 *const *const *frames, const gint *const *strides,
    GError ** error);

/* The second half: runs the network on the frames uploaded last. */
gboolean gst_vk_inception_net_run_uploaded (GstVkInceptionNet * net,
    float *const *outputs, GError ** error);

/**
 * gst_vk_inception_net_run_frames_in_place:
 * @frames: @strides: as for run_frames(), one entry per batch item (a
 *   partial batch may repeat a frame)
 * @readable: per frame, how many bytes can be read from its first plane
 *   (its memory's allocated size from there)
 * @in_place: (out) (optional): TRUE when the frames were read where they lie
 *
 * run_frames() without the copy where the device can read host memory
 * (VK_EXT_external_memory_host): each frame's memory is imported for this
 * run and converted where it lies. That takes planes laid out as the packed
 * upload has them (each plane right after the last, rows at their
 * 4-byte-rounded width, chroma after an even number of luma rows: how
 * GStreamer lays out its formats by default), first planes aligned to the
 * device's minStorageBufferOffsetAlignment, and batches of up to 64.
 * Otherwise, if any frame of the batch is not so, and for every run after
 * an import the device refused (until the next frame format), the frames
 * are copied as run_frames() does. The frames must not change until this
 * returns.
 */
gboolean gst_vk_inception_net_run_frames_in_place (GstVkInceptionNet * net,
    const guint8 *const *const *frames, const gint *const *strides,
    const gsize * readable, float *const *outputs, gboolean * in_place,
    GError ** error);

/**
 * gst_vk_inception_net_profile_frames:
 * @convert_ms: (out): device milliseconds of the frames' conversion (colour,
 *   resize, normalisation: one dispatch), measured with timestamp queries
 * @total_ms: (out) (optional): device time of the network after it, as
 *   gst_vk_inception_net_profile() gives it
 *
 * Runs one inference on the frames uploaded last, serialised and timed as
 * gst_vk_inception_net_profile() does. Fails where no frame format is set
 * and, with UNSUPPORTED, where the queue has no timestamps.
 */
gboolean gst_vk_inception_net_profile_frames (GstVkInceptionNet * net,
    double *convert_ms, double *total_ms, GError ** error);

/* ------------------------------------------------------------ device peak */

/**
 * gst_vk_inception_device_measure_peak:
 * @gflops: (out) (optional): float32 arithmetic throughput in GFLOP/s, a
 *   multiply-add counting as two flops (long chains of independent vec4
 *   FMAs over enough invocations to fill the device)
 * @gbytes_per_s: (out) (optional): memory bandwidth in GB/s (10^9 bytes),
 *   bytes read plus bytes written while one device buffer (256 MiB, or less
 *   where maxStorageBufferRange or the heap says so) is copied to another
 *
 * Microbenchmarks the device, for reading layer timings as a fraction of
 * what it can do. Each test is repeated until a measurement lasts at least
 * 50 ms and the best of three is kept; device time comes from timestamp
 * queries where the queue has them, else from the wall clock. Takes about a
 * second and uses the queue meanwhile.
 */
gboolean gst_vk_inception_device_measure_peak (GstVkInceptionDevice * dev,
    double *gflops, double *gbytes_per_s, GError ** error);

G_END_DECLS

#endif /* GST_VK_INCEPTION_ENGINE_H */
