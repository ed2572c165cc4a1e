/* vkinception-infer: run an ONNX classifier once (or many times) on the
 * gst-vkinception engine from the command line.
 *
 *   vkinception-infer --model M --input-raw X.bin [--shape 1,3,H,W] --output-raw Y.bin
 *   vkinception-infer --model M --image cat.jpg [--labels synset_words.txt] [--top-k 5]
 *   vkinception-infer --model M --summary
 *   vkinception-infer --model M --bench 100
 *   vkinception-infer --peak [--device D]
 *   vkinception-infer --list-devices
 *
 * Every failure prints one line "vkinception-infer: <message>" on stderr and
 * exits with status 1. See tools/README.md for the preprocessing rules.
 */
#include <gst/vkinception/engine.h>
#include "labels.h"
#include "scores.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#define PROGRAM_NAME "vkinception-infer"

#ifndef VKINCEPTION_VERSION
#define VKINCEPTION_VERSION "unknown"
#endif

#define DEFAULT_TOP_K 5
#define BENCH_WARMUP_RUNS 3
/* --bench-frame: profiled runs for the conversion's median device time. */
#define FRAME_PROFILE_RUNS 20
#define MAX_BENCH_RUNS 1000000
/* --bench-frame: the largest side it accepts (16K video). */
#define MAX_FRAME_SIDE 16384
/* Any fixed seed will do: it only makes random bench inputs reproducible. */
#define BENCH_SEED 20240601
/* Side used for an --image when the model leaves H or W open (-1). */
#define DEFAULT_IMAGE_SIDE 224
/* Refuse images and tensors whose buffers would not fit comfortably in
 * memory, instead of letting an allocation abort. */
#define MAX_IMAGE_PIXELS (G_GUINT64_CONSTANT (1) << 28)
#define MAX_TENSOR_ELEMENTS (G_GINT64_CONSTANT (1) << 30)
#define MAX_IMAGE_FILE_BYTES ((gsize) 256 << 20)
#define READ_CHUNK_BYTES ((gsize) 1 << 20)
#define RGB_CHANNELS 3
#define RGBA_CHANNELS 4

/* ------------------------------------------------------------- options */

typedef struct
{
  gchar *model;
  gchar *input_raw;
  gchar *shape;
  gchar *output_raw;
  gchar *image;
  gchar *labels;
  gchar *device;
  gint top_k;
  gint bench;
  gchar *bench_frame;           /* WxH, or NULL */
  guint frame_width, frame_height;      /* parsed from bench_frame */
  gboolean softmax;
  gboolean fp16;
  gboolean fp16_arithmetic;
  gboolean summary;
  gboolean list_devices;
  gboolean peak;
  gboolean version;
} Options;

static gboolean
fail (GError ** error, const gchar * format, ...) G_GNUC_PRINTF (2, 3);

/* Sets @error and returns FALSE, so that checks read
 * "if (bad) return fail (error, ...);". */
static gboolean
fail (GError ** error, const gchar * format, ...)
{
  va_list args;
  gchar *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, GST_VK_INCEPTION_ERROR,
      GST_VK_INCEPTION_ERROR_FAILED, message);
  g_free (message);
  return FALSE;
}

static gboolean
parse_options (Options * opts, int *argc, char ***argv, GError ** error)
{
  const GOptionEntry entries[] = {
    {"model", 0, 0, G_OPTION_ARG_FILENAME, &opts->model,
        "ONNX model file", "FILE"},
    {"input-raw", 0, 0, G_OPTION_ARG_FILENAME, &opts->input_raw,
        "Input tensor: raw little-endian float32, NCHW", "FILE"},
    {"shape", 0, 0, G_OPTION_ARG_STRING, &opts->shape,
        "Input shape, e.g. 1,3,224,224 (default: the model's)", "DIMS"},
    {"output-raw", 0, 0, G_OPTION_ARG_FILENAME, &opts->output_raw,
        "Write output 0 as raw little-endian float32", "FILE"},
    {"image", 0, 0, G_OPTION_ARG_FILENAME, &opts->image,
        "Classify a PNG or JPEG image", "FILE"},
    {"labels", 0, 0, G_OPTION_ARG_FILENAME, &opts->labels,
        "Class labels, one per line (synset_words.txt format accepted)", "FILE"},
    {"top-k", 0, 0, G_OPTION_ARG_INT, &opts->top_k,
        "Number of classes to print (default 5)", "K"},
    {"softmax", 0, 0, G_OPTION_ARG_NONE, &opts->softmax,
        "Apply softmax to output 0 before ranking", NULL},
    {"fp16", 0, 0, G_OPTION_ARG_NONE, &opts->fp16,
        "Keep activations in float16 (where the device has 16-bit storage)",
        NULL},
    {"fp16-arithmetic", 0, 0, G_OPTION_ARG_NONE, &opts->fp16_arithmetic,
        "Activations and the convolutions' and Gemms' arithmetic in float16 "
        "(where the device has shaderFloat16 too)", NULL},
    {"device", 0, 0, G_OPTION_ARG_STRING, &opts->device,
        "Vulkan device index or name substring", "INDEX|NAME"},
    {"list-devices", 0, 0, G_OPTION_ARG_NONE, &opts->list_devices,
        "List Vulkan devices and exit", NULL},
    {"summary", 0, 0, G_OPTION_ARG_NONE, &opts->summary,
        "Print the layers with their shapes, parameters and multiply-adds", NULL},
    {"bench", 0, 0, G_OPTION_ARG_INT, &opts->bench,
        "Time N inferences, then profile each layer once", "N"},
    {"bench-frame", 0, 0, G_OPTION_ARG_STRING, &opts->bench_frame,
          "With --bench: also time the video-frame path on an RGBx frame of "
          "this size (upload, then conversion and network)", "WxH"},
    {"peak", 0, 0, G_OPTION_ARG_NONE, &opts->peak,
        "Measure the device's FMA and copy peaks and exit", NULL},
    {"version", 0, 0, G_OPTION_ARG_NONE, &opts->version,
        "Print the version and exit", NULL},
    {NULL}
  };
  GOptionContext *context;
  gboolean ok;

  opts->top_k = DEFAULT_TOP_K;
  opts->bench = 0;

  context = g_option_context_new ("- run an ONNX classifier on Vulkan");
  g_option_context_add_main_entries (context, entries, NULL);
  ok = g_option_context_parse (context, argc, argv, error);
  g_option_context_free (context);
  if (!ok)
    return FALSE;

  if (*argc > 1)
    return fail (error, "unexpected argument '%s'", (*argv)[1]);
  if (opts->top_k < 1)
    return fail (error, "--top-k must be at least 1");
  if (opts->bench < 0 || opts->bench > MAX_BENCH_RUNS)
    return fail (error, "--bench must be between 1 and %d", MAX_BENCH_RUNS);
  if (opts->input_raw && opts->image)
    return fail (error, "give either --input-raw or --image, not both");
  if (opts->output_raw && !opts->input_raw && !opts->image)
    return fail (error, "--output-raw needs --input-raw or --image");
  if (opts->bench_frame && !opts->bench)
    return fail (error, "--bench-frame needs --bench");
  if (opts->bench_frame) {
    gchar *end;
    guint64 w = g_ascii_strtoull (opts->bench_frame, &end, 10), h = 0;
    if (*end == 'x')
      h = g_ascii_strtoull (end + 1, &end, 10);
    if (*end || w < 1 || h < 1 || w > MAX_FRAME_SIDE || h > MAX_FRAME_SIDE)
      return fail (error, "--bench-frame must be WIDTHxHEIGHT, each 1 to %d, "
          "not '%s'", MAX_FRAME_SIDE, opts->bench_frame);
    opts->frame_width = (guint) w;
    opts->frame_height = (guint) h;
  }
  if (opts->image && opts->bench)
    return fail (error, "--bench runs on --input-raw or random input, not "
        "--image");
  if (opts->labels && !opts->input_raw && !opts->image)
    return fail (error, "--labels needs --image or --input-raw");
  if (opts->softmax && !opts->labels && !opts->image)
    return fail (error, "--softmax needs --image or --labels");
  return TRUE;
}

static void
options_clear (Options * opts)
{
  g_free (opts->device);
  g_free (opts->bench_frame);
  g_free (opts->labels);
  g_free (opts->image);
  g_free (opts->output_raw);
  g_free (opts->shape);
  g_free (opts->input_raw);
  g_free (opts->model);
}

/* Reads up to @limit bytes of @path into a NUL-terminated buffer. Works on
 * pipes and devices too; *@size is @limit + 1 if there is more. */
static gchar *
read_file (const gchar * path, gsize limit, gsize * size, GError ** error)
{
  FILE *f = fopen (path, "rb");
  gsize cap = MIN (limit + 1, READ_CHUNK_BYTES), len = 0, got = 1;
  gchar *data;

  if (!f) {
    fail (error, "%s: %s", path, g_strerror (errno));
    return NULL;
  }
  data = g_malloc (cap + 1);
  while (len <= limit && got > 0) {
    if (len == cap) {
      cap = MIN (limit + 1, cap * 2);
      data = g_realloc (data, cap + 1);
    }
    got = fread (data + len, 1, cap - len, f);
    len += got;
  }
  if (ferror (f)) {
    fail (error, "%s: %s", path, g_strerror (errno));
    g_clear_pointer (&data, g_free);
  }
  fclose (f);
  if (data)
    data[len] = '\0';
  *size = len;
  return data;
}

/* -------------------------------------------------------------- shapes */

/* Room for GST_VK_INCEPTION_MAX_RANK gint64s with separators. */
#define SHAPE_STRING_LEN 96

/* Formats @shape as "1x3x224x224" into @buf and returns it. */
static const gchar *
format_shape (const GstVkInceptionShape * shape, gchar buf[SHAPE_STRING_LEN])
{
  gsize len = 0;
  guint i;

  buf[0] = '\0';
  for (i = 0; i < MIN (shape->rank, GST_VK_INCEPTION_MAX_RANK); i++)
    len += g_snprintf (buf + len, SHAPE_STRING_LEN - len,
        "%s%" G_GINT64_FORMAT, i ? "x" : "", shape->dims[i]);
  return shape->rank ? buf : "(unknown)";
}

/* Element count of a fully known shape, or -1 if it has unknown or
 * non-positive dimensions or is too large for this tool. */
static gint64
shape_elements (const GstVkInceptionShape * shape)
{
  gint64 n = 1;
  guint i;

  for (i = 0; i < shape->rank; i++) {
    if (shape->dims[i] <= 0 || shape->dims[i] > MAX_TENSOR_ELEMENTS / n)
      return -1;
    n *= shape->dims[i];
  }
  return n;
}

/* Parses "1,3,224,224" (or "1x3x224x224"). */
static gboolean
parse_shape (const gchar * text, GstVkInceptionShape * shape, GError ** error)
{
  gchar **parts = g_strsplit_set (text, ",x", -1);
  guint n = g_strv_length (parts), i;
  gboolean ok = TRUE;

  memset (shape, 0, sizeof (*shape));
  if (n < 1 || n > GST_VK_INCEPTION_MAX_RANK)
    ok = fail (error, "--shape '%s' must have 1 to %d dimensions", text,
        GST_VK_INCEPTION_MAX_RANK);
  for (i = 0; ok && i < n; i++) {
    guint64 dim = 0;

    if (!g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 1,
            MAX_TENSOR_ELEMENTS, &dim, NULL))
      ok = fail (error, "--shape '%s': '%s' is not a positive dimension",
          text, parts[i]);
    shape->dims[i] = (gint64) dim;
  }
  if (ok)
    shape->rank = n;
  if (ok && shape_elements (shape) < 0)
    ok = fail (error, "--shape '%s' is too large", text);
  g_strfreev (parts);
  return ok;
}

/* ------------------------------------------------------ image loading */

/* An 8-bit RGB image, rows top to bottom, no padding. */
typedef struct
{
  guint width, height;
  guint8 *pixels;
} RgbImage;

static gboolean
check_image_size (const gchar * path, guint64 width, guint64 height,
    GError ** error)
{
  if (width == 0 || height == 0 || width * height > MAX_IMAGE_PIXELS)
    return fail (error, "%s: image size %" G_GUINT64_FORMAT "x%"
        G_GUINT64_FORMAT " is not supported", path, width, height);
  return TRUE;
}

static gboolean
load_png (const gchar * path, const guint8 * data, gsize size,
    RgbImage * img, GError ** error)
{
  png_image png;
  gsize i;

  /* The simplified API reports errors in png.message instead of longjmp. */
  memset (&png, 0, sizeof (png));
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory (&png, data, size))
    return fail (error, "%s: bad PNG: %s", path, png.message);
  if (!check_image_size (path, png.width, png.height, error)) {
    png_image_free (&png);
    return FALSE;
  }
  /* Read RGBA and drop alpha, as PIL's convert ("RGB") does for the usual
   * reference pipelines, rather than let libpng composite onto black. */
  png.format = PNG_FORMAT_RGBA;
  img->width = png.width;
  img->height = png.height;
  img->pixels = g_malloc (PNG_IMAGE_SIZE (png));
  if (!png_image_finish_read (&png, NULL, img->pixels, 0, NULL)) {
    g_clear_pointer (&img->pixels, g_free);
    return fail (error, "%s: bad PNG: %s", path, png.message);
  }
  for (i = 0; i < (gsize) img->width * img->height; i++)
    memmove (img->pixels + i * RGB_CHANNELS, img->pixels + i * RGBA_CHANNELS,
        RGB_CHANNELS);
  return TRUE;
}

/* libjpeg reports errors through a callback that must not return. */
typedef struct
{
  struct jpeg_error_mgr mgr;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
} JpegError;

static void
jpeg_error_exit (j_common_ptr cinfo)
{
  JpegError *err = (JpegError *) cinfo->err;

  err->mgr.format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

/* Keeps libjpeg from printing warnings (corrupt data) on stderr: they are
 * turned into one error line after decoding instead. */
static void
jpeg_emit_message (j_common_ptr cinfo, int level)
{
  JpegError *err = (JpegError *) cinfo->err;

  if (level < 0) {
    err->mgr.num_warnings++;
    if (err->message[0] == '\0')
      err->mgr.format_message (cinfo, err->message);
  }
}

static gboolean
load_jpeg (const gchar * path, const guint8 * data, gsize size,
    RgbImage * img, GError ** error)
{
  struct jpeg_decompress_struct cinfo;
  JpegError err;
  /* Written after setjmp() and read after longjmp(): must be volatile. */
  guint8 *volatile pixels = NULL;
  gsize stride;

  memset (&err, 0, sizeof (err));
  cinfo.err = jpeg_std_error (&err.mgr);
  err.mgr.error_exit = jpeg_error_exit;
  err.mgr.emit_message = jpeg_emit_message;
  if (setjmp (err.jump)) {
    jpeg_destroy_decompress (&cinfo);
    g_free (pixels);
    return fail (error, "%s: bad JPEG: %s", path, err.message);
  }
  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, size);
  jpeg_read_header (&cinfo, TRUE);
  cinfo.out_color_space = JCS_RGB;
  if (!check_image_size (path, cinfo.image_width, cinfo.image_height, error)) {
    jpeg_destroy_decompress (&cinfo);
    return FALSE;
  }
  jpeg_start_decompress (&cinfo);
  if (cinfo.output_components != RGB_CHANNELS) {
    jpeg_destroy_decompress (&cinfo);
    return fail (error, "%s: JPEG decodes to %d channels, not RGB", path,
        cinfo.output_components);
  }
  stride = (gsize) cinfo.output_width * RGB_CHANNELS;
  pixels = g_malloc (stride * cinfo.output_height);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = pixels + stride * cinfo.output_scanline;
    jpeg_read_scanlines (&cinfo, &row, 1);
  }
  jpeg_finish_decompress (&cinfo);
  img->width = cinfo.output_width;
  img->height = cinfo.output_height;
  jpeg_destroy_decompress (&cinfo);

  /* A truncated or damaged file only warns and decodes to grey: refuse it
   * rather than classify garbage. */
  if (err.mgr.num_warnings > 0) {
    g_free (pixels);
    return fail (error, "%s: bad JPEG: %s", path, err.message);
  }
  img->pixels = pixels;
  return TRUE;
}

/* Decodes a PNG or JPEG file, told apart by its signature, to RGB8. */
static gboolean
load_image (const gchar * path, RgbImage * img, GError ** error)
{
  static const guint8 png_signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n' };
  static const guint8 jpeg_signature[] = { 0xff, 0xd8, 0xff };
  gchar *data;
  gsize size;
  gboolean ok;

  if (!(data = read_file (path, MAX_IMAGE_FILE_BYTES, &size, error)))
    return FALSE;
  if (size > MAX_IMAGE_FILE_BYTES)
    ok = fail (error, "%s: larger than %" G_GSIZE_FORMAT " bytes", path,
        MAX_IMAGE_FILE_BYTES);
  else if (size >= sizeof (png_signature)
      && memcmp (data, png_signature, sizeof (png_signature)) == 0)
    ok = load_png (path, (const guint8 *) data, size, img, error);
  else if (size >= sizeof (jpeg_signature)
      && memcmp (data, jpeg_signature, sizeof (jpeg_signature)) == 0)
    ok = load_jpeg (path, (const guint8 *) data, size, img, error);
  else
    ok = fail (error, "%s: not a PNG or JPEG file", path);
  g_free (data);
  return ok;
}

/* -------------------------------------------------------- preprocessing */

/* The net input shape for an image: --shape if given, else the model's,
 * open dimensions filled in (batch 1, 3 channels, the model's input size
 * from its metadata, else DEFAULT_IMAGE_SIDE). */
static gboolean
image_input_shape (GstVkInceptionModel * model,
    const GstVkInceptionShape * declared, const gchar * name,
    GstVkInceptionShape * shape, GError ** error)
{
  gint64 fill[] = { 1, RGB_CHANNELS, DEFAULT_IMAGE_SIDE, DEFAULT_IMAGE_SIDE };
  guint width, height;

  if (gst_vk_inception_model_get_input_size (model, &width, &height)) {
    fill[2] = height;
    fill[3] = width;
  }
  gchar s[SHAPE_STRING_LEN];
  guint i;

  *shape = *declared;
  if (shape->rank == 0) {
    shape->rank = G_N_ELEMENTS (fill);
    for (i = 0; i < shape->rank; i++)
      shape->dims[i] = -1;
  }
  for (i = 0; i < shape->rank && shape->rank == G_N_ELEMENTS (fill); i++)
    if (shape->dims[i] < 0)
      shape->dims[i] = fill[i];
  if (shape->rank != G_N_ELEMENTS (fill) || shape->dims[0] != 1
      || shape->dims[1] != RGB_CHANNELS || shape_elements (shape) < 0)
    return fail (error, "--image needs an input of shape 1x3xHxW, but input "
        "'%s' is %s", name, format_shape (shape, s));
  return TRUE;
}

/* ---------------------------------------------------------------- top-k */

static void
print_top_k (const float *scores, gsize n, guint k, gchar ** labels)
{
  guint n_labels = labels ? g_strv_length (labels) : 0;
  guint *top = g_new (guint, MAX (MIN (k, n), 1));
  guint count = gst_vk_inception_scores_top_k (scores, n, MIN (k, n),
      -G_MAXDOUBLE, top);

  for (guint i = 0; i < count; i++) {
    guint c = top[i];
    if (c < n_labels)
      printf ("%u %s %.6f\n", i + 1, labels[c], scores[c]);
    else
      printf ("%u %u %.6f\n", i + 1, c, scores[c]);
  }
  g_free (top);
}

/* ------------------------------------------------------ layer tables */

/* Widths of the name, op and shape columns shared by --summary and --bench. */
typedef struct
{
  int name, op, shape;
} Columns;

static Columns
layer_columns (const GstVkInceptionLayer * layers, guint n)
{
  Columns c = { strlen ("layer"), strlen ("op"), strlen ("shape") };
  gchar s[SHAPE_STRING_LEN];
  guint i;

  for (i = 0; i < n; i++) {
    c.name = MAX (c.name, (int) strlen (layers[i].name));
    c.op = MAX (c.op, (int) strlen (layers[i].op));
    c.shape = MAX (c.shape, (int) strlen (format_shape (&layers[i].shape, s)));
  }
  return c;
}

/* Prints the first three columns of a row (without a layer: the header). */
static void
print_layer_start (const Columns * c, const GstVkInceptionLayer * layer)
{
  gchar s[SHAPE_STRING_LEN];

  printf ("%-*s  %-*s  %-*s", c->name, layer ? layer->name : "layer", c->op,
      layer ? layer->op : "op", c->shape,
      layer ? format_shape (&layer->shape, s) : "shape");
}

/* The preprocessing images and video frames get for this model: a line
 * before the --summary table. */
static gboolean
print_preprocess (GstVkInceptionModel * model, GError ** error)
{
  GstVkInceptionPreprocess pre;
  guint width, height;

  if (!gst_vk_inception_model_get_preprocess (model, &pre, error))
    return FALSE;
  printf ("preprocess: %s mean=%g,%g,%g std=%g,%g,%g", pre.bgr ? "BGR" : "RGB",
      pre.mean[0], pre.mean[1], pre.mean[2], pre.std[0], pre.std[1],
      pre.std[2]);
  if (gst_vk_inception_model_get_input_size (model, &width, &height))
    printf (" size=%ux%u", width, height);
  printf ("\n");
  return TRUE;
}

static void
print_summary (GstVkInceptionNet * net)
{
  guint n, i;
  const GstVkInceptionLayer *layers = gst_vk_inception_net_get_layers (net, &n);
  Columns c = layer_columns (layers, n);
  guint64 params = 0, macs = 0;

  print_layer_start (&c, NULL);
  printf ("  %12s  %14s\n", "params", "macs");
  for (i = 0; i < n; i++) {
    print_layer_start (&c, &layers[i]);
    printf ("  %12" G_GUINT64_FORMAT "  %14" G_GUINT64_FORMAT "\n",
        layers[i].params, layers[i].macs);
    params += layers[i].params;
    macs += layers[i].macs;
  }
  printf ("total: params=%" G_GUINT64_FORMAT " macs=%" G_GUINT64_FORMAT "\n",
      params, macs);
}

/* ---------------------------------------------------------------- bench */

static int
compare_double (const void *pa, const void *pb)
{
  double a = *(const double *) pa, b = *(const double *) pb;

  return a < b ? -1 : a > b;
}

/* Sorts @times (@n > 0) and returns their median. */
static double
median (double *times, guint n)
{
  qsort (times, n, sizeof (double), compare_double);
  return n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
}

/* Runs the net BENCH_WARMUP_RUNS times, then @runs timed times, and returns
 * the median wall-clock milliseconds in @median_ms. */
static gboolean
time_runs (GstVkInceptionNet * net, const float *const *inputs,
    float *const *outputs, guint runs, double *median_ms, GError ** error)
{
  const double us_per_ms = 1000.0;
  double *times = g_new (double, runs);
  gboolean ok = TRUE;
  guint i;

  for (i = 0; ok && i < BENCH_WARMUP_RUNS; i++)
    ok = gst_vk_inception_net_run (net, inputs, outputs, error);
  for (i = 0; ok && i < runs; i++) {
    gint64 start = g_get_monotonic_time ();

    ok = gst_vk_inception_net_run (net, inputs, outputs, error);
    times[i] = (g_get_monotonic_time () - start) / us_per_ms;
  }
  if (ok)
    *median_ms = median (times, runs);
  g_free (times);
  return ok;
}

/* Makes the net take @width x @height video frames of @pixels, with the
 * model's preprocessing (--image, --bench-frame). */
static gboolean
use_frames (GstVkInceptionModel * model, GstVkInceptionNet * net,
    GstVkInceptionPixelFormat pixels, guint width, guint height,
    GError ** error)
{
  GstVkInceptionPreprocess pre;
  GstVkInceptionFrameFormat format = { pixels, width, height, 0.299, 0.114,
    TRUE
  };

  return gst_vk_inception_model_get_preprocess (model, &pre, error)
      && gst_vk_inception_net_set_frame_format (net, &format, &pre, error);
}

/* --bench-frame: the net takes an RGBx frame of @width x @height
 * (synthetic pixels) with the model's preprocessing; times @runs uploads
 * (upload_frames: the CPU copy) and runs (run_uploaded: conversion, network,
 * readback), each batch item the same frame, and prints their medians.
 * Each iteration also times the frames read in place (run_frames_in_place:
 * import, conversion, network, readback), printed where the device could
 * import them. */
static gboolean
time_frame_runs (GstVkInceptionModel * model, GstVkInceptionNet * net,
    guint width, guint height, guint runs, float *const *outputs,
    GError ** error)
{
  const double us_per_ms = 1000.0;
  const guint rgbx_bytes = 4;
  GstVkInceptionShape shape;
  double *upload_ms, *run_ms, *in_place_ms;
  gboolean in_place = FALSE;
  const guint8 **planes;
  const guint8 *const **frames;
  gint stride;
  const gint **strides;
  gsize *readable;
  guint8 *pixels;
  guint batch, i;
  gboolean ok = TRUE;

  if (!use_frames (model, net, GST_VK_INCEPTION_PIXEL_RGBX, width, height,
          error))
    return FALSE;

  gst_vk_inception_net_get_input_shape (net, 0, &shape);
  batch = (guint) shape.dims[0];
  stride = (gint) (width * rgbx_bytes);
  pixels = g_malloc ((gsize) stride * height);
  /* Any fixed pattern will do: the timing does not depend on the values. */
  for (gsize b = 0; b < (gsize) stride * height; b++)
    pixels[b] = (guint8) (b * 7);
  planes = g_new (const guint8 *, batch);
  frames = g_new (const guint8 * const *, batch);
  strides = g_new (const gint *, batch);
  readable = g_new (gsize, batch);
  for (i = 0; i < batch; i++) {
    planes[i] = pixels;
    frames[i] = &planes[i];
    strides[i] = &stride;
    readable[i] = (gsize) stride * height;
  }
  upload_ms = g_new (double, runs);
  run_ms = g_new (double, runs);
  in_place_ms = g_new (double, runs);
  for (i = 0; ok && i < BENCH_WARMUP_RUNS + runs; i++) {
    gint64 t0 = g_get_monotonic_time (), t1, t2;
    ok = gst_vk_inception_net_upload_frames (net, frames, strides, error);
    t1 = g_get_monotonic_time ();
    ok = ok && gst_vk_inception_net_run_uploaded (net, outputs, error);
    t2 = g_get_monotonic_time ();
    if (ok)
      ok = gst_vk_inception_net_run_frames_in_place (net, frames, strides,
          readable, outputs, &in_place, error);
    if (i >= BENCH_WARMUP_RUNS) {
      upload_ms[i - BENCH_WARMUP_RUNS] = (t1 - t0) / us_per_ms;
      run_ms[i - BENCH_WARMUP_RUNS] = (t2 - t1) / us_per_ms;
      in_place_ms[i - BENCH_WARMUP_RUNS] = (g_get_monotonic_time () - t2)
          / us_per_ms;
    }
  }
  if (ok) {
    printf ("frame_upload_ms=%.4f\n", median (upload_ms, runs));
    printf ("frame_run_ms=%.4f\n", median (run_ms, runs));
    if (in_place)
      printf ("frame_in_place_ms=%.4f\n", median (in_place_ms, runs));
  }
  /* The conversion's device time, from profiled runs: the wall-clock
   * medians above stay worth having where the queue has no timestamps. */
  if (ok) {
    GError *profile_error = NULL;
    guint profiled = MIN (runs, FRAME_PROFILE_RUNS);
    for (i = 0; i < profiled && !profile_error; i++)
      gst_vk_inception_net_profile_frames (net, &run_ms[i], NULL,
          &profile_error);
    if (!profile_error)
      printf ("frame_convert_ms=%.4f\n", median (run_ms, profiled));
    else if (g_error_matches (profile_error, GST_VK_INCEPTION_ERROR,
            GST_VK_INCEPTION_ERROR_UNSUPPORTED))
      g_error_free (profile_error);
    else {
      g_propagate_error (error, profile_error);
      ok = FALSE;
    }
  }
  g_free (upload_ms);
  g_free (run_ms);
  g_free (in_place_ms);
  g_free (planes);
  g_free (frames);
  g_free (strides);
  g_free (readable);
  g_free (pixels);
  return ok;
}

/* Prints the device time of each layer. Queues without timestamps only
 * get a note: the wall-clock median is still worth having. */
static gboolean
print_profile (GstVkInceptionNet * net, GError ** error)
{
  /* A multiply-add is two flops; GFLOP/s = flops / (ms * 1e6). */
  const double flops_per_mac = 2.0, gflop_ms = 1e6;
  guint n, i;
  const GstVkInceptionLayer *layers = gst_vk_inception_net_get_layers (net, &n);
  double *layer_ms = g_new0 (double, MAX (n, 1)), total_ms = 0;
  GError *profile_error = NULL;
  Columns c = layer_columns (layers, n);

  if (!gst_vk_inception_net_profile (net, layer_ms, &total_ms, &profile_error)) {
    g_free (layer_ms);
    if (!g_error_matches (profile_error, GST_VK_INCEPTION_ERROR,
            GST_VK_INCEPTION_ERROR_UNSUPPORTED)) {
      g_propagate_error (error, profile_error);
      return FALSE;
    }
    printf ("profile: unsupported (%s)\n", profile_error->message);
    g_error_free (profile_error);
    return TRUE;
  }
  print_layer_start (&c, NULL);
  printf ("  %14s  %9s  %9s  %s\n", "macs", "ms", "GFLOP/s", "kernel");
  for (i = 0; i < n; i++) {
    print_layer_start (&c, &layers[i]);
    printf ("  %14" G_GUINT64_FORMAT "  %9.4f", layers[i].macs, layer_ms[i]);
    if (layer_ms[i] > 0 && layers[i].macs > 0)
      printf ("  %9.1f", layers[i].macs * flops_per_mac
          / (layer_ms[i] * gflop_ms));
    else
      printf ("  %9s", "-");
    printf ("  %s\n", layers[i].kernel ? layers[i].kernel : "-");
  }
  printf ("device_total_ms=%.4f\n", total_ms);
  g_free (layer_ms);
  return TRUE;
}

/* ----------------------------------------------------------------- main */

/* Everything main() creates, freed in mirror order by app_clear(). */
typedef struct
{
  Options opts;
  GstVkInceptionDevice *dev;
  GstVkInceptionModel *model;
  GstVkInceptionNet *net;
  gchar *default_model, *default_labels;       /* without --model */
  gchar **labels;
  RgbImage image;               /* --image, converted on the device */
  float *input;                 /* NULL until there is an input tensor */
  float **outputs;
  guint n_outputs;
} App;

static gboolean
list_devices (GError ** error)
{
  gchar **names = gst_vk_inception_device_list (error);
  guint i;

  if (!names)
    return FALSE;
  for (i = 0; names[i]; i++)
    printf ("%s\n", names[i]);
  g_strfreev (names);
  return TRUE;
}

/* --peak: the device's arithmetic and memory peaks (see engine.h). */
static gboolean
print_peak (App * app, GError ** error)
{
  double gflops, gbytes_per_s;

  app->dev = gst_vk_inception_device_new (app->opts.device, error);
  if (!app->dev || !gst_vk_inception_device_measure_peak (app->dev, &gflops,
          &gbytes_per_s, error))
    return FALSE;
  printf ("device: %s\n", gst_vk_inception_device_get_name (app->dev));
  printf ("peak_gflops=%.1f\n", gflops);
  printf ("peak_gbytes_per_s=%.1f\n", gbytes_per_s);
  return TRUE;
}

/* Raw tensor files are little-endian; converts in place either way. */
static void
swap_le_floats (float *data, gsize n)
{
#if G_BYTE_ORDER == G_BIG_ENDIAN
  guint32 *words = (guint32 *) data;
  gsize i;

  for (i = 0; i < n; i++)
    words[i] = GUINT32_SWAP_LE_BE (words[i]);
#else
  (void) data;
  (void) n;
#endif
}

/* Reads --input-raw, which must hold exactly the elements of @shape. */
static gboolean
read_raw_input (App * app, const GstVkInceptionShape * shape, GError ** error)
{
  const gchar *path = app->opts.input_raw;
  gsize size, n = (gsize) shape_elements (shape), want = n * sizeof (float);
  gchar *data, s[SHAPE_STRING_LEN];

  if (!(data = read_file (path, want, &size, error)))
    return FALSE;
  if (size != want) {
    fail (error, "%s: %s%" G_GSIZE_FORMAT " bytes, but shape %s needs %"
        G_GSIZE_FORMAT, path, size > want ? "more than " : "",
        MIN (size, want), format_shape (shape, s), want);
    g_free (data);
    return FALSE;
  }
  /* g_malloc() memory is suitably aligned for floats. */
  app->input = (float *) data;
  swap_le_floats (app->input, n);
  return TRUE;
}

/* Writes @data as little-endian float32, leaving it as it was. */
static gboolean
write_raw_output (const gchar * path, float *data, gsize n, GError ** error)
{
  FILE *f = fopen (path, "wb");
  gboolean ok;

  if (!f)
    return fail (error, "%s: %s", path, g_strerror (errno));
  swap_le_floats (data, n);
  ok = fwrite (data, sizeof (float), n, f) == n;
  swap_le_floats (data, n);
  if (fclose (f) != 0 || !ok)
    return fail (error, "%s: write failed: %s", path, g_strerror (errno));
  return TRUE;
}

/* The shape the net is built for: --shape, the image size or the model's. */
static gboolean
choose_input_shape (App * app, GstVkInceptionShape * shape, GError ** error)
{
  GstVkInceptionShape declared;
  const gchar *name;
  gchar s[SHAPE_STRING_LEN];
  guint n = gst_vk_inception_model_get_n_inputs (app->model);

  if (n != 1)
    return fail (error, "%s: model has %u inputs; only 1 is supported",
        gst_vk_inception_model_get_name (app->model), n);
  name = gst_vk_inception_model_get_input (app->model, 0, &declared);
  if (app->opts.shape)
    return parse_shape (app->opts.shape, shape, error)
        && (!app->opts.image
            || image_input_shape (app->model, shape, name, shape, error));
  if (app->opts.image)
    return image_input_shape (app->model, &declared, name, shape, error);
  *shape = declared;
  if (declared.rank == 0 || shape_elements (&declared) < 0)
    return fail (error, "input '%s' has shape %s; give --shape", name,
        format_shape (&declared, s));
  return TRUE;
}

/* Fills app->input from --input-raw, --image or (for --bench) random data. */
static gboolean
prepare_input (App * app, const GstVkInceptionShape * shape, GError ** error)
{
  gsize n = (gsize) shape_elements (shape), i;

  if (app->opts.input_raw)
    return read_raw_input (app, shape, error);
  /* An image is converted, resized and normalised on the device, as the
   * element does with video frames (see use_image()). */
  if (app->opts.image)
    return load_image (app->opts.image, &app->image, error);
  if (app->opts.bench > 0) {
    GRand *rand = g_rand_new_with_seed (BENCH_SEED);

    app->input = g_new (float, n);
    for (i = 0; i < n; i++)
      app->input[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
    g_rand_free (rand);
  }
  return TRUE;
}

static void
print_tensor_line (const gchar * what, const gchar * name,
    const GstVkInceptionShape * shape)
{
  gchar s[SHAPE_STRING_LEN];

  printf ("%s: %s %s\n", what, name, format_shape (shape, s));
}

/* Makes the net take the image as a video frame, with the model's
 * preprocessing. */
static gboolean
use_image (App * app, GError ** error)
{
  return use_frames (app->model, app->net, GST_VK_INCEPTION_PIXEL_RGB,
      app->image.width, app->image.height, error);
}

static gboolean
run_once (App * app, GError ** error)
{
  if (app->opts.image) {
    const guint8 *planes[] = { app->image.pixels };
    const gint strides[] = { (gint) app->image.width * RGB_CHANNELS };
    const guint8 *const *frames[] = { planes };
    const gint *const stride_list[] = { strides };
    return gst_vk_inception_net_run_frames (app->net, frames, stride_list,
        app->outputs, error);
  } else {
    const float *inputs[] = { app->input };
    return gst_vk_inception_net_run (app->net, inputs, app->outputs, error);
  }
}

static gboolean
run_app (App * app, GError ** error)
{
  Options *o = &app->opts;
  GstVkInceptionShape shape, out_shape;
  const gchar *model_path, *labels_path;
  const gchar *out_name;
  gsize out_n;
  guint i;

  if (o->version) {
    printf ("%s %s\n", PROGRAM_NAME, VKINCEPTION_VERSION);
    return TRUE;
  }
  if (o->list_devices)
    return list_devices (error);
  if (o->peak)
    return print_peak (app, error);
  /* Without --model, the bundled model and its labels. */
  if (!o->model)
    app->default_model = gst_vk_inception_default_model (&app->default_labels);
  model_path = o->model ? o->model : app->default_model;
  labels_path = o->labels ? o->labels : o->model ? NULL : app->default_labels;
  if (!model_path)
    return fail (error, "no --model given, and the bundled default model is "
        "not installed");

  /* Labels and the model first: their errors need no Vulkan device. */
  if (labels_path
      && !(app->labels = gst_vk_inception_labels_load (labels_path, error)))
    return FALSE;
  app->model = gst_vk_inception_model_new_from_file (model_path, error);
  if (!app->model || !choose_input_shape (app, &shape, error)
      || !prepare_input (app, &shape, error))
    return FALSE;

  app->dev = gst_vk_inception_device_new (o->device, error);
  if (!app->dev)
    return FALSE;
  app->net = gst_vk_inception_net_new_full (app->model, app->dev, &shape,
      o->fp16_arithmetic ? GST_VK_INCEPTION_PRECISION_FP16_ARITHMETIC :
      o->fp16 ? GST_VK_INCEPTION_PRECISION_FP16 :
      GST_VK_INCEPTION_PRECISION_FP32, error);
  if (!app->net || (o->image && !use_image (app, error)))
    return FALSE;

  app->n_outputs = gst_vk_inception_net_get_n_outputs (app->net);
  if (app->n_outputs == 0)
    return fail (error, "%s: model has no outputs", model_path);
  app->outputs = g_new0 (float *, app->n_outputs);
  for (i = 0; i < app->n_outputs; i++) {
    gst_vk_inception_net_get_output_shape (app->net, i, &out_shape);
    if (shape_elements (&out_shape) < 0)
      return fail (error, "output %u is too large", i);
    app->outputs[i] = g_new0 (float, shape_elements (&out_shape));
  }
  gst_vk_inception_net_get_output_shape (app->net, 0, &out_shape);
  out_n = (gsize) shape_elements (&out_shape);
  out_name = gst_vk_inception_model_get_output_name (app->model, 0);
  if (!out_name)
    out_name = "output0";

  if (o->summary) {
    if (!print_preprocess (app->model, error))
      return FALSE;
    print_summary (app->net);
  }
  if (!o->summary && !o->bench && !app->input && !o->image) {
    /* Nothing to run: show what the net was built for. */
    GstVkInceptionShape declared;

    print_tensor_line ("input", gst_vk_inception_model_get_input (app->model,
            0, &declared), &shape);
    print_tensor_line ("output", out_name, &out_shape);
  }
  if (o->input_raw || o->image) {
    if (!run_once (app, error))
      return FALSE;
    if (o->input_raw)
      print_tensor_line ("output", out_name, &out_shape);
    if (o->output_raw
        && !write_raw_output (o->output_raw, app->outputs[0], out_n, error))
      return FALSE;
    if (o->image || labels_path) {
      if (out_shape.rank > 1 && out_shape.dims[0] != 1)
        return fail (error, "top-k needs a batch of 1, output is %"
            G_GINT64_FORMAT, out_shape.dims[0]);
      if (o->softmax)
        gst_vk_inception_scores_to_probabilities (app->outputs[0], out_n);
      print_top_k (app->outputs[0], out_n, o->top_k, app->labels);
    }
  }
  if (o->bench > 0) {
    const float *inputs[] = { app->input };
    double median_ms;

    if (!time_runs (app->net, inputs, app->outputs, o->bench, &median_ms,
            error) || !print_profile (app->net, error))
      return FALSE;
    printf ("median_ms=%.4f\n", median_ms);
    if (o->bench_frame && !time_frame_runs (app->model, app->net,
            o->frame_width, o->frame_height, o->bench, app->outputs, error))
      return FALSE;
  }
  return TRUE;
}

/* Frees the net (so that its teardown is validated too), then fails if the
 * validation layer complained about anything. Without $VKINCEPTION_VALIDATION
 * the layer is off and the count stays 0. */
static gboolean
check_validation (App * app, GError ** error)
{
  guint n;

  g_clear_pointer (&app->net, gst_vk_inception_net_free);
  if (!app->dev)
    return TRUE;
  n = gst_vk_inception_device_get_validation_messages (app->dev);
  if (n > 0)
    return fail (error, "%u Vulkan validation messages", n);
  return TRUE;
}

static void
app_clear (App * app)
{
  guint i;

  for (i = 0; app->outputs && i < app->n_outputs; i++)
    g_free (app->outputs[i]);
  g_free (app->outputs);
  g_clear_pointer (&app->net, gst_vk_inception_net_free);
  g_clear_pointer (&app->dev, gst_vk_inception_device_unref);
  g_free (app->input);
  g_clear_pointer (&app->model, gst_vk_inception_model_free);
  g_strfreev (app->labels);
  g_free (app->image.pixels);
  g_free (app->default_labels);
  g_free (app->default_model);
  options_clear (&app->opts);
}

int
main (int argc, char **argv)
{
  App app = { 0 };
  GError *error = NULL;
  gboolean ok;

  ok = parse_options (&app.opts, &argc, &argv, &error)
      && run_app (&app, &error);
  /* A run error wins over validation messages it may have caused. */
  if (ok)
    ok = check_validation (&app, &error);
  if (fflush (stdout) != 0 && ok)
    ok = fail (&error, "writing to stdout: %s", g_strerror (errno));
  app_clear (&app);

  if (!ok) {
    gchar *line = g_strdup (error ? error->message : "unknown error");

    g_strstrip (g_strdelimit (line, "\r\n", ' '));
    fprintf (stderr, "%s: %s\n", PROGRAM_NAME, line);
    g_free (line);
    g_clear_error (&error);
    return 1;
  }
  return 0;
}
