/* Raw video frames -> network input on the device, against a C reference
 * written from the formats' definitions (BT.601/709 matrices, 4:2:0, 4:2:2
 * and 4:4:4 chroma, planar, semi-planar or packed) and a plain bilinear
 * resize. */
#include "test-common.h"
#include "device.h"

#include <math.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef enum
{
  PACKED_RGB, GRAY, PLANAR, SEMI_PLANAR, PACKED_YUV
} Layout;

typedef struct
{
  GstVkInceptionPixelFormat format;
  const gchar *name;
  Layout layout;
  guint bpp;                    /* packed RGB: bytes per pixel */
  gint r, g, b;                 /* packed RGB: byte of each channel */
  guint sub_x, sub_y;           /* YUV: pixels per chroma sample across,
                                 * down */
  const gchar *order;           /* planar: the planes, "YUV" or "YVU";
                                 * semi-planar: the pair, "UV" or "VU";
                                 * packed YUV: the bytes of two pixels */
  guint bits;                   /* YUV and grey samples: 0 (8), 10 (in the
                                 * low bits of 16, little-endian) or 16 */
  gboolean even_rows;           /* GStreamer pads every plane to an even
                                 * number of rows */
} Format;

static const Format formats[] = {
  {GST_VK_INCEPTION_PIXEL_RGB, "RGB", PACKED_RGB, 3, 0, 1, 2},
  {GST_VK_INCEPTION_PIXEL_BGR, "BGR", PACKED_RGB, 3, 2, 1, 0},
  {GST_VK_INCEPTION_PIXEL_RGBA, "RGBA", PACKED_RGB, 4, 0, 1, 2},
  {GST_VK_INCEPTION_PIXEL_BGRA, "BGRA", PACKED_RGB, 4, 2, 1, 0},
  {GST_VK_INCEPTION_PIXEL_RGBX, "RGBx", PACKED_RGB, 4, 0, 1, 2},
  {GST_VK_INCEPTION_PIXEL_BGRX, "BGRx", PACKED_RGB, 4, 2, 1, 0},
  {GST_VK_INCEPTION_PIXEL_XRGB, "xRGB", PACKED_RGB, 4, 1, 2, 3},
  {GST_VK_INCEPTION_PIXEL_XBGR, "xBGR", PACKED_RGB, 4, 3, 2, 1},
  {GST_VK_INCEPTION_PIXEL_ARGB, "ARGB", PACKED_RGB, 4, 1, 2, 3},
  {GST_VK_INCEPTION_PIXEL_ABGR, "ABGR", PACKED_RGB, 4, 3, 2, 1},
  {GST_VK_INCEPTION_PIXEL_GRAY8, "GRAY8", GRAY},
  {GST_VK_INCEPTION_PIXEL_I420, "I420", PLANAR, .sub_x = 2, .sub_y = 2,
      .order = "YUV"},
  {GST_VK_INCEPTION_PIXEL_YV12, "YV12", PLANAR, .sub_x = 2, .sub_y = 2,
      .order = "YVU"},
  {GST_VK_INCEPTION_PIXEL_Y42B, "Y42B", PLANAR, .sub_x = 2, .sub_y = 1,
      .order = "YUV"},
  {GST_VK_INCEPTION_PIXEL_Y444, "Y444", PLANAR, .sub_x = 1, .sub_y = 1,
      .order = "YUV"},
  {GST_VK_INCEPTION_PIXEL_NV12, "NV12", SEMI_PLANAR, .sub_x = 2, .sub_y = 2,
      .order = "UV"},
  {GST_VK_INCEPTION_PIXEL_NV21, "NV21", SEMI_PLANAR, .sub_x = 2, .sub_y = 2,
      .order = "VU"},
  {GST_VK_INCEPTION_PIXEL_NV16, "NV16", SEMI_PLANAR, .sub_x = 2, .sub_y = 1,
      .order = "UV"},
  {GST_VK_INCEPTION_PIXEL_YUY2, "YUY2", PACKED_YUV, .sub_x = 2, .sub_y = 1,
      .order = "YUYV"},
  {GST_VK_INCEPTION_PIXEL_UYVY, "UYVY", PACKED_YUV, .sub_x = 2, .sub_y = 1,
      .order = "UYVY"},
  {GST_VK_INCEPTION_PIXEL_YVYU, "YVYU", PACKED_YUV, .sub_x = 2, .sub_y = 1,
      .order = "YVYU"},
  {GST_VK_INCEPTION_PIXEL_P010_10LE, "P010_10LE", SEMI_PLANAR, .sub_x = 2,
      .sub_y = 2, .order = "UV", .bits = 16},
  {GST_VK_INCEPTION_PIXEL_I420_10LE, "I420_10LE", PLANAR, .sub_x = 2,
      .sub_y = 2, .order = "YUV", .bits = 10},
  {GST_VK_INCEPTION_PIXEL_I422_10LE, "I422_10LE", PLANAR, .sub_x = 2,
      .sub_y = 1, .order = "YUV", .bits = 10, .even_rows = TRUE},
  {GST_VK_INCEPTION_PIXEL_Y444_10LE, "Y444_10LE", PLANAR, .sub_x = 1,
      .sub_y = 1, .order = "YUV", .bits = 10},
  {GST_VK_INCEPTION_PIXEL_GRAY16_LE, "GRAY16_LE", GRAY, .bits = 16},
};

/* Bytes per sample of a YUV or grey format. */
static guint
sample_bytes (const Format * fmt)
{
  return fmt->bits ? 2 : 1;
}

/* Sample @k of the row at @row, on the 0-255 scale: 10 bits are 4 levels
 * of 8, 16 bits 256. */
static double
sample (const Format * fmt, const guint8 * row, gsize k)
{
  if (!fmt->bits)
    return row[k];
  return (row[2 * k] | row[2 * k + 1] << 8) / (fmt->bits == 10 ? 4.0 : 256.0);
}

static const Format *
format_named (const gchar * name)
{
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (strcmp (formats[i].name, name) == 0)
      return &formats[i];
  g_assert_not_reached ();
  return NULL;
}

/* A frame in memory as a video library would hand it over: planes with
 * padded strides. */
typedef struct
{
  guint8 *planes[3];
  gint strides[3];
  guint n_planes;
} Frame;

/* The visible bytes per row and the rows of each plane of a @w x @h frame;
 * returns the number of planes. */
static guint
plane_geometry (const Format * fmt, guint w, guint h, gsize bytes[3],
    gsize rows[3])
{
  /* Chroma samples across and down: a partial block has one too. */
  gsize cw = fmt->sub_x ? (w + fmt->sub_x - 1) / fmt->sub_x : 0;
  gsize ch = fmt->sub_y ? (h + fmt->sub_y - 1) / fmt->sub_y : 0;

  rows[0] = h;
  switch (fmt->layout) {
    case PACKED_RGB:
      bytes[0] = w * fmt->bpp;
      return 1;
    case GRAY:
      bytes[0] = w * sample_bytes (fmt);
      return 1;
    case PACKED_YUV:
      /* Each 4 bytes hold two pixels, the last a whole word too. */
      bytes[0] = 4 * cw;
      return 1;
    case PLANAR:
      bytes[0] = w * sample_bytes (fmt);
      bytes[1] = bytes[2] = cw * sample_bytes (fmt);
      rows[1] = rows[2] = ch;
      return 3;
    case SEMI_PLANAR:
      bytes[0] = w * sample_bytes (fmt);
      bytes[1] = 2 * cw * sample_bytes (fmt);
      rows[1] = ch;
      return 2;
  }
  g_assert_not_reached ();
  return 0;
}

static void
frame_init (Frame * f, const Format * fmt, guint w, guint h, guint32 seed)
{
  GRand *r = g_rand_new_with_seed (seed);
  gsize rows[3], bytes[3];

  memset (f, 0, sizeof (*f));
  f->n_planes = plane_geometry (fmt, w, h, bytes, rows);
  for (guint p = 0; p < f->n_planes; p++) {
    /* Odd padding: the upload must honour the stride. */
    f->strides[p] = bytes[p] + 7;
    f->planes[p] = g_malloc (f->strides[p] * rows[p]);
    for (guint i = 0; i < f->strides[p] * rows[p]; i++)
      f->planes[p][i] = (guint8) g_rand_int_range (r, 0, 256);
    /* 10-bit samples within their range, so that few clip. */
    if (fmt->bits == 10)
      for (guint i = 1; i < f->strides[p] * rows[p]; i += 2)
        f->planes[p][i] &= 3;
  }
  g_rand_free (r);
}

static void
frame_clear (Frame * f)
{
  for (guint p = 0; p < f->n_planes; p++)
    g_free (f->planes[p]);
}

/* The RGB value (0..255) of source pixel (x, y). */
static void
ref_pixel (const Format * fmt, const Frame * f,
    const GstVkInceptionFrameFormat * ff, guint x, guint y, double rgb[3])
{
  double Y = 0, U = 0, V = 0, kr = ff->kr, kb = ff->kb;
  guint cx = fmt->sub_x ? x / fmt->sub_x : 0;
  guint cy = fmt->sub_y ? y / fmt->sub_y : 0;

  switch (fmt->layout) {
    case PACKED_RGB:{
      const guint8 *p = f->planes[0] + y * f->strides[0] + x * fmt->bpp;
      rgb[0] = p[fmt->r];
      rgb[1] = p[fmt->g];
      rgb[2] = p[fmt->b];
      return;
    }
    case GRAY:
      rgb[0] = rgb[1] = rgb[2] =
          sample (fmt, f->planes[0] + y * f->strides[0], x);
      return;
    case PLANAR:{
      /* order[1] is the component of plane 1. */
      guint up = fmt->order[1] == 'U' ? 1 : 2;
      Y = sample (fmt, f->planes[0] + y * f->strides[0], x);
      U = sample (fmt, f->planes[up] + cy * f->strides[up], cx);
      V = sample (fmt, f->planes[3 - up] + cy * f->strides[3 - up], cx);
      break;
    }
    case SEMI_PLANAR:{
      const guint8 *row = f->planes[1] + cy * f->strides[1];
      gboolean u_first = fmt->order[0] == 'U';
      Y = sample (fmt, f->planes[0] + y * f->strides[0], x);
      U = sample (fmt, row, 2 * cx + (u_first ? 0 : 1));
      V = sample (fmt, row, 2 * cx + (u_first ? 1 : 0));
      break;
    }
    case PACKED_YUV:{
      /* Pixel x is the (x % 2)th Y of its 4 bytes. */
      const guint8 *word = f->planes[0] + y * f->strides[0] + cx * 4;
      guint ys = 0;
      for (guint k = 0; k < 4; k++) {
        if (fmt->order[k] == 'Y' && ys++ == x % 2)
          Y = word[k];
        if (fmt->order[k] == 'U')
          U = word[k];
        if (fmt->order[k] == 'V')
          V = word[k];
      }
      break;
    }
  }
  if (ff->full_range) {
    Y /= 255;
    U = (U - 128) / 255;
    V = (V - 128) / 255;
  } else {
    Y = (Y - 16) / 219;
    U = (U - 128) / 224;
    V = (V - 128) / 224;
  }
  /* E'R = Y + 2(1-Kr)V, E'B = Y + 2(1-Kb)U, Y = Kr R + (1-Kr-Kb) G + Kb B */
  rgb[0] = Y + 2 * (1 - kr) * V;
  rgb[2] = Y + 2 * (1 - kb) * U;
  rgb[1] = (Y - kr * rgb[0] - kb * rgb[2]) / (1 - kr - kb);
  for (guint c = 0; c < 3; c++)
    rgb[c] = CLAMP (rgb[c] * 255, 0, 255);
}

/* Reference preprocessing of one frame into a CxHxW tensor. */
static void
ref_preprocess (const Format * fmt, const Frame * f,
    const GstVkInceptionFrameFormat * ff, const GstVkInceptionPreprocess * pre,
    guint C, guint H, guint W, double *out)
{
  double sw = ff->width, sh = ff->height, sx, sy, ox = 0, oy = 0;
  /* The picture is sw x sh pixels of par x 1, shown as dw x sh. */
  double par = ff->par_n ? (double) ff->par_n / ff->par_d : 1, dw = sw * par;
  guint bx0 = 0, by0 = 0, bx1 = W, by1 = H;

  if (pre->resize == GST_VK_INCEPTION_RESIZE_STRETCH) {
    sx = sw / W;
    sy = sh / H;
  } else if (pre->resize == GST_VK_INCEPTION_RESIZE_CENTER_CROP) {
    /* Displayed units per input pixel, the same across and down. */
    double s = MIN (dw / W, sh / H);
    sx = s / par;
    sy = s;
    ox = (sw - W * sx) / 2;
    oy = (sh - H * sy) / 2;
  } else {
    guint cw, chh;
    double s = MAX (dw / W, sh / H);
    sx = s / par;
    sy = s;
    cw = MIN (W, (guint) MAX (1.0, floor (sw / sx + 0.5)));
    chh = MIN (H, (guint) MAX (1.0, floor (sh / sy + 0.5)));
    bx0 = (W - cw) / 2;
    by0 = (H - chh) / 2;
    bx1 = bx0 + cw;
    by1 = by0 + chh;
  }

  for (guint y = 0; y < H; y++) {
    for (guint x = 0; x < W; x++) {
      double rgb[3] = { 0 }, v[3];
      gboolean inside = x >= bx0 && x < bx1 && y >= by0 && y < by1;
      if (inside) {
        double u = CLAMP (ox + (x - bx0 + 0.5) * sx - 0.5, 0, sw - 1);
        double w = CLAMP (oy + (y - by0 + 0.5) * sy - 0.5, 0, sh - 1);
        guint x0 = (guint) u, y0 = (guint) w;
        guint x1 = MIN (x0 + 1, ff->width - 1), y1 = MIN (y0 + 1, ff->height - 1);
        double fx = u - x0, fy = w - y0, p00[3], p10[3], p01[3], p11[3];
        ref_pixel (fmt, f, ff, x0, y0, p00);
        ref_pixel (fmt, f, ff, x1, y0, p10);
        ref_pixel (fmt, f, ff, x0, y1, p01);
        ref_pixel (fmt, f, ff, x1, y1, p11);
        for (guint c = 0; c < 3; c++)
          rgb[c] = (1 - fy) * ((1 - fx) * p00[c] + fx * p10[c])
              + fy * ((1 - fx) * p01[c] + fx * p11[c]);
      }
      if (C == 1) {
        double luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
        out[y * W + x] = inside ? (luma - pre->mean[0]) / pre->std[0] : 0;
        continue;
      }
      for (guint c = 0; c < 3; c++)
        v[c] = rgb[pre->bgr ? 2 - c : c];
      for (guint c = 0; c < 3; c++)
        out[(c * H + y) * W + x] = inside ? (v[c] - pre->mean[c]) / pre->std[c]
            : 0;
    }
  }
}

/* Against the reference: relative error; float16 activations
 * (frame-fp16) hold 11 significant bits. */
static double
tolerance (void)
{
  return vki_test_precision () != GST_VK_INCEPTION_PRECISION_FP32 ? 1e-3 :
      1e-4;
}

/* A model whose output is its input: Identity is removed at load, so the
 * output is exactly what the preprocess shader wrote. */
static GstVkInceptionNet *
identity_net (guint N, guint C, guint H, guint W)
{
  VkiTestModel *tm = vki_test_model_new (12);
  gint64 dims[] = { N, C, H, W };
  GError *error = NULL;
  GstVkInceptionNet *net;
  vki_test_model_input (tm, "x", 4, dims);
  vki_test_model_node (tm, "Identity", "x", "y");
  vki_test_model_output (tm, "y");
  net = vki_test_net (tm, NULL, &error);
  g_assert_no_error (error);
  vki_test_model_free (tm);
  return net;
}

typedef struct
{
  guint src_w, src_h, N, C, H, W;
  GstVkInceptionResizeMode resize;
  gboolean bgr;
  double kr, kb;
  gboolean full_range;
  guint par_n, par_d;
} Case;

static void
run_case (const Format * fmt, const Case * c, guint32 seed)
{
  GstVkInceptionNet *net = identity_net (c->N, c->C, c->H, c->W);
  GstVkInceptionFrameFormat ff = { fmt->format, c->src_w, c->src_h, c->kr,
    c->kb, c->full_range, c->par_n, c->par_d
  };
  GstVkInceptionPreprocess pre = { c->bgr, {10, 120, 240}, {50, 60, 70},
    c->resize
  };
  gsize per = (gsize) c->C * c->H * c->W;
  Frame frames[4];
  const guint8 *const *planes[4];
  const gint *strides[4];
  float *out = g_new0 (float, per * c->N);
  double *ref = g_new0 (double, per);
  GError *error = NULL;

  g_assert_cmpuint (c->N, <=, G_N_ELEMENTS (frames));
  g_assert_true (gst_vk_inception_net_set_frame_format (net, &ff, &pre,
          &error));
  g_assert_no_error (error);
  for (guint n = 0; n < c->N; n++) {
    frame_init (&frames[n], fmt, c->src_w, c->src_h, seed + n);
    planes[n] = (const guint8 * const *) frames[n].planes;
    strides[n] = frames[n].strides;
  }
  g_assert_true (gst_vk_inception_net_run_frames (net, planes, strides, &out,
          &error));
  g_assert_no_error (error);
  vki_test_assert_no_validation ();

  for (guint n = 0; n < c->N; n++) {
    double err;
    ref_preprocess (fmt, &frames[n], &ff, &pre, c->C, c->H, c->W, ref);
    err = vki_test_rel_error (ref, out + n * per, per);
    if (err > tolerance ())
      g_error ("%s %ux%u -> %ux%ux%u mode %d: relative error %g", fmt->name,
          c->src_w, c->src_h, c->C, c->H, c->W, c->resize, err);
    frame_clear (&frames[n]);
  }
  g_free (ref);
  g_free (out);
  gst_vk_inception_net_free (net);
}

static const Case cases[] = {
  /* downscale, odd sizes, BT.601 limited range */
  {37, 23, 1, 3, 12, 16, GST_VK_INCEPTION_RESIZE_STRETCH, FALSE, 0.299, 0.114, FALSE},
  /* upscale, BGR network, BT.709 */
  {5, 3, 1, 3, 9, 20, GST_VK_INCEPTION_RESIZE_STRETCH, TRUE, 0.2126, 0.0722, FALSE},
  /* the smallest frames: one pixel, half a chroma block, batch of 2 */
  {1, 1, 2, 3, 4, 5, GST_VK_INCEPTION_RESIZE_STRETCH, FALSE, 0.299, 0.114, FALSE},
  {3, 2, 1, 3, 4, 5, GST_VK_INCEPTION_RESIZE_LETTERBOX, FALSE, 0.299, 0.114, TRUE},
  /* aspect-keeping modes, full range, batch of 2 */
  {41, 17, 2, 3, 15, 15, GST_VK_INCEPTION_RESIZE_CENTER_CROP, FALSE, 0.299, 0.114, TRUE},
  {41, 17, 1, 3, 15, 15, GST_VK_INCEPTION_RESIZE_LETTERBOX, TRUE, 0.2126, 0.0722, FALSE},
  {13, 29, 1, 3, 11, 14, GST_VK_INCEPTION_RESIZE_LETTERBOX, FALSE, 0.299, 0.114, FALSE},
  /* pixels twice as wide as high (41x17 shows as 82x17), and narrower
   * ones */
  {41, 17, 1, 3, 15, 15, GST_VK_INCEPTION_RESIZE_CENTER_CROP, FALSE, 0.299, 0.114, FALSE, 2, 1},
  {41, 17, 1, 3, 15, 15, GST_VK_INCEPTION_RESIZE_LETTERBOX, FALSE, 0.299, 0.114, FALSE, 2, 1},
  {30, 20, 1, 3, 12, 16, GST_VK_INCEPTION_RESIZE_CENTER_CROP, TRUE, 0.299, 0.114, FALSE, 10, 11},
  {30, 20, 1, 3, 12, 16, GST_VK_INCEPTION_RESIZE_LETTERBOX, TRUE, 0.299, 0.114, FALSE, 8, 27},
  /* a one-channel network */
  {20, 20, 1, 1, 7, 7, GST_VK_INCEPTION_RESIZE_STRETCH, FALSE, 0.299, 0.114, FALSE},
  /* rows of whole vec4s, which planar YUV and grey frames of 8-bit
   * samples convert 4 pixels at a time on CPU devices (the cases above
   * of 12, 16 and 20 columns too): one channel, and a batch letterboxed
   * at both sides */
  {20, 20, 1, 1, 6, 8, GST_VK_INCEPTION_RESIZE_STRETCH, FALSE, 0.299, 0.114, FALSE},
  {13, 29, 2, 3, 10, 12, GST_VK_INCEPTION_RESIZE_LETTERBOX, FALSE, 0.299, 0.114, TRUE},
};

static void
test_format (gconstpointer data)
{
  const Format *fmt = data;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    run_case (fmt, &cases[i], 100 + i);
}

/* Formats and sizes change per caps: the same net takes a new format. */
static void
test_reconfigure (void)
{
  GstVkInceptionNet *net = identity_net (1, 3, 8, 8);
  GstVkInceptionFrameFormat ff = { GST_VK_INCEPTION_PIXEL_RGB, 16, 16, 0.299,
    0.114, FALSE
  };
  GstVkInceptionPreprocess pre = { FALSE, {0, 0, 0}, {1, 1, 1},
    GST_VK_INCEPTION_RESIZE_STRETCH
  };
  GError *error = NULL;
  const float *in[1];
  float *out = g_new0 (float, 3 * 8 * 8);

  for (guint i = 0; i < 3; i++) {
    ff.width = 16 + 8 * i;
    ff.format = i == 0 ? GST_VK_INCEPTION_PIXEL_RGB : i == 1 ?
        GST_VK_INCEPTION_PIXEL_NV12 : GST_VK_INCEPTION_PIXEL_YUY2;
    g_assert_true (gst_vk_inception_net_set_frame_format (net, &ff, &pre,
            &error));
    g_assert_no_error (error);
  }
  /* Bad format: a clean error, and the net still takes frames afterwards
   * only once a good format is set again. */
  ff.width = 0;
  g_assert_false (gst_vk_inception_net_set_frame_format (net, &ff, &pre,
          &error));
  g_assert_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_SHAPE);
  g_clear_error (&error);
  ff.width = 8;
  ff.format = (GstVkInceptionPixelFormat) 1000;
  g_assert_false (gst_vk_inception_net_set_frame_format (net, &ff, &pre,
          &error));
  g_assert_error (error, GST_VK_INCEPTION_ERROR,
      GST_VK_INCEPTION_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  ff.format = GST_VK_INCEPTION_PIXEL_YUY2;
  pre.std[1] = 0;
  g_assert_false (gst_vk_inception_net_set_frame_format (net, &ff, &pre,
          &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* Tensor input works again after a failed frame set-up. */
  in[0] = out;
  g_assert_true (gst_vk_inception_net_run (net, in, &out, &error));
  g_assert_no_error (error);
  g_free (out);
  gst_vk_inception_net_free (net);
  vki_test_assert_no_validation ();
}

/* gst_vk_inception_net_profile_frames(): the conversion's device time, on
 * a net that takes frames only, without changing what a run computes, and
 * again after the format changes (the profiled commands are recorded anew). */
static void
test_profile (void)
{
  const Format *fmt = format_named ("RGB");    /* 3 bytes a pixel */
  GstVkInceptionNet *net = identity_net (1, 3, 12, 16);
  GstVkInceptionFrameFormat ff = { fmt->format, 37, 23, 0.299, 0.114, FALSE };
  GstVkInceptionPreprocess pre = { FALSE, {10, 120, 240}, {50, 60, 70},
    GST_VK_INCEPTION_RESIZE_STRETCH
  };
  gsize per = 3 * 12 * 16;
  float *out = g_new0 (float, per), *again = g_new0 (float, per);
  double convert_ms = -1, total_ms = -1;
  GError *error = NULL;
  Frame frame;
  const guint8 *const *planes[1];
  const gint *strides[1];

  g_assert_false (gst_vk_inception_net_profile_frames (net, &convert_ms, NULL,
          &error));
  g_assert_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_FAILED);
  g_clear_error (&error);

  frame_init (&frame, fmt, ff.width, ff.height, 7);
  planes[0] = (const guint8 * const *) frame.planes;
  strides[0] = frame.strides;
  for (guint round = 0; round < 2; round++) {
    g_assert_true (gst_vk_inception_net_set_frame_format (net, &ff, &pre,
            &error));
    g_assert_no_error (error);
    g_assert_true (gst_vk_inception_net_run_frames (net, planes, strides,
            &out, &error));
    g_assert_no_error (error);
    if (!gst_vk_inception_net_profile_frames (net, &convert_ms, &total_ms,
            &error)) {
      /* A queue without timestamps. */
      g_assert_error (error, GST_VK_INCEPTION_ERROR,
          GST_VK_INCEPTION_ERROR_UNSUPPORTED);
      g_clear_error (&error);
    } else {
      g_assert_cmpfloat (convert_ms, >, 0);
      g_assert_cmpfloat (total_ms, >=, 0);
    }
    g_assert_true (gst_vk_inception_net_run_uploaded (net, &again, &error));
    g_assert_no_error (error);
    g_assert_cmpmem (out, per * sizeof (float), again, per * sizeof (float));
    /* The second round: a smaller frame of the same bytes. */
    ff.width = 20;
  }
  frame_clear (&frame);
  g_free (out);
  g_free (again);
  gst_vk_inception_net_free (net);
  vki_test_assert_no_validation ();
}

/* A frame laid out as GStreamer lays it out by default (planes one after
 * the other, rows at their width rounded up to 4 bytes, chroma after an
 * even number of luma rows), in an anonymous
 * mapping that ends with an inaccessible page: the frame's bytes are
 * @lead bytes into the mapping, or end right at the guard page when @lead
 * is negative, so that a read past them faults. */
typedef struct
{
  guint8 *map;
  gsize map_bytes;
  gsize bytes;                  /* the frame's */
  Frame frame;                  /* planes pointing into map */
} Guarded;

static void
guarded_init (Guarded * g, const Format * fmt, guint w, guint h, gssize lead,
    guint32 seed)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE), body, off = 0;
  gsize rows[3], bytes[3], plane_bytes[3];
  guint8 *data;
  Frame tmp;

  frame_init (&tmp, fmt, w, h, seed);
  memset (g, 0, sizeof (*g));
  g->frame.n_planes = plane_geometry (fmt, w, h, bytes, rows);
  for (guint p = 0; p < g->frame.n_planes; p++) {
    g->frame.strides[p] = (bytes[p] + 3) & ~(gsize) 3;
    /* GStreamer's layout: where chroma rows are halved, the chroma after
     * an even number of luma rows. */
    plane_bytes[p] = g->frame.strides[p] * (fmt->even_rows || (p == 0
            && g->frame.n_planes > 1 && fmt->sub_y == 2) ?
        (rows[p] + 1) / 2 * 2 : rows[p]);
    g->bytes += plane_bytes[p];
  }
  body = ((lead > 0 ? (gsize) lead : 0) + g->bytes + page - 1) / page * page;
  g->map_bytes = body + page;
  g->map = mmap (NULL, g->map_bytes, PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_assert_true (g->map != MAP_FAILED);
  g_assert_cmpint (mprotect (g->map + body, page, PROT_NONE), ==, 0);
  data = lead >= 0 ? g->map + lead : g->map + body - g->bytes;
  for (guint p = 0; p < g->frame.n_planes; p++) {
    g->frame.planes[p] = data + off;
    for (gsize r = 0; r < rows[p]; r++)
      memcpy (g->frame.planes[p] + r * g->frame.strides[p],
          tmp.planes[p] + r * tmp.strides[p], bytes[p]);
    off += plane_bytes[p];
  }
  frame_clear (&tmp);
}

static gsize
guarded_readable (const Guarded * g)
{
  gsize body = g->map_bytes - (gsize) sysconf (_SC_PAGESIZE);
  return g->map + body - g->frame.planes[0];
}

static void
guarded_clear (Guarded * g)
{
  munmap (g->map, g->map_bytes);
}

/* Runs the batch @f (one frame per batch item, @readable bytes of each) in
 * place (expecting that it is read in place or not) and through the copy,
 * checks both outputs are the same bits and each frame's matches the
 * reference. */
static void
check_batch_in_place (GstVkInceptionNet * net, const Format * fmt,
    const Frame * const *f, const gsize * readable,
    const GstVkInceptionFrameFormat * ff, const GstVkInceptionPreprocess * pre,
    gboolean expect_in_place)
{
  GstVkInceptionShape s;
  gsize per;
  guint n;
  float *a, *b;
  double *ref;
  gboolean in_place = !expect_in_place;
  const guint8 *const *planes[4];
  const gint *strides[4];
  GError *error = NULL;

  gst_vk_inception_net_get_input_shape (net, 0, &s);
  n = (guint) s.dims[0];
  g_assert_cmpuint (n, <=, G_N_ELEMENTS (planes));
  for (guint k = 0; k < n; k++) {
    planes[k] = (const guint8 * const *) f[k]->planes;
    strides[k] = f[k]->strides;
  }
  per = (gsize) s.dims[1] * s.dims[2] * s.dims[3];
  a = g_new0 (float, per * n);
  b = g_new0 (float, per * n);
  ref = g_new0 (double, per);
  g_assert_true (gst_vk_inception_net_run_frames_in_place (net, planes,
          strides, readable, &a, &in_place, &error));
  g_assert_no_error (error);
  g_assert_cmpint (in_place, ==, expect_in_place);
  g_assert_true (gst_vk_inception_net_run_frames (net, planes, strides, &b,
          &error));
  g_assert_no_error (error);
  g_assert_cmpmem (a, per * n * sizeof (float), b, per * n * sizeof (float));
  for (guint k = 0; k < n; k++) {
    ref_preprocess (fmt, f[k], ff, pre, s.dims[1], s.dims[2], s.dims[3], ref);
    g_assert_cmpfloat (vki_test_rel_error (ref, a + k * per, per), <=,
        tolerance ());
  }
  g_free (ref);
  g_free (b);
  g_free (a);
}

static void
check_in_place (GstVkInceptionNet * net, const Format * fmt, const Frame * f,
    const GstVkInceptionFrameFormat * ff, const GstVkInceptionPreprocess * pre,
    gsize readable, gboolean expect_in_place)
{
  check_batch_in_place (net, fmt, &f, &readable, ff, pre, expect_in_place);
}

/* An identity net of batch @n over 3x12x16 taking frames of @ff. */
static GstVkInceptionNet *
frames_net (guint n, const GstVkInceptionFrameFormat * ff,
    const GstVkInceptionPreprocess * pre)
{
  GstVkInceptionNet *net = identity_net (n, 3, 12, 16);
  GError *error = NULL;

  g_assert_true (gst_vk_inception_net_set_frame_format (net, ff, pre,
          &error));
  g_assert_no_error (error);
  return net;
}

/* gst_vk_inception_net_run_frames_in_place(): frames laid out as the upload
 * lays them out are read where they lie on a device that can import host
 * memory (lavapipe can), with the same result as the copy; every other
 * frame is copied. */
static void
test_in_place (void)
{
  static const gchar *formats_in_place[] = { "RGB", "RGBx", "GRAY8", "I420",
    "YV12", "Y42B", "Y444", "NV12", "NV21", "NV16", "YUY2", "UYVY", "YVYU",
    "P010_10LE", "I420_10LE", "I422_10LE", "Y444_10LE", "GRAY16_LE"
  };
  GstVkInceptionDevice *dev = vki_test_device ();
  gboolean can = dev->host_import_align != 0;
  GstVkInceptionPreprocess pre = { FALSE, {10, 120, 240}, {50, 60, 70},
    GST_VK_INCEPTION_RESIZE_STRETCH
  };

  /* CI's lavapipe has the extension: the in-place path must be the one
   * tested there, unless a test run turns it off on purpose. */
  if (strstr (gst_vk_inception_device_get_name (dev), "llvmpipe")
      && g_strcmp0 (g_getenv ("VKINCEPTION_NO_HOST_IMPORT"), "1") != 0)
    g_assert_true (can);

  for (guint i = 0; i < G_N_ELEMENTS (formats_in_place); i++) {
    const Format *fmt = format_named (formats_in_place[i]);
    /* A page's start, at an odd height; right against an inaccessible
     * page, at a height whose frame is whole 16-byte units (the alignment
     * its start needs). */
    const struct
    {
      guint h;
      gssize lead;
    } at[] = { {23, 0}, {24, -1} };

    for (guint j = 0; j < G_N_ELEMENTS (at); j++) {
      GstVkInceptionFrameFormat ff = { fmt->format, 37, at[j].h, 0.299, 0.114,
        FALSE
      };
      Guarded g;

      GstVkInceptionNet *net = frames_net (1, &ff, &pre);
      guarded_init (&g, fmt, ff.width, ff.height, at[j].lead, 40 + i);
      check_in_place (net, fmt, &g.frame, &ff, &pre, guarded_readable (&g),
          can);
      /* Copied: one byte fewer readable than the conversion reads. */
      check_in_place (net, fmt, &g.frame, &ff, &pre, g.bytes - 1, FALSE);
      guarded_clear (&g);
      gst_vk_inception_net_free (net);
    }
  }

  {
    const Format *fmt = format_named ("RGBx");
    GstVkInceptionFrameFormat ff = { fmt->format, 37, 23, 0.299, 0.114,
      FALSE
    };
    Guarded g;
    Frame padded, moved;

    GstVkInceptionNet *net = frames_net (1, &ff, &pre);
    /* Copied: padded rows; a first plane off the storage-buffer offset
     * alignment. */
    frame_init (&padded, fmt, ff.width, ff.height, 60);
    check_in_place (net, fmt, &padded, &ff, &pre, G_MAXSIZE, FALSE);
    frame_clear (&padded);
    guarded_init (&g, fmt, ff.width, ff.height, 16, 61);
    moved = g.frame;
    moved.planes[0] = g.map + 4;
    memmove (moved.planes[0], g.frame.planes[0], g.bytes);
    check_in_place (net, fmt, &moved, &ff, &pre, guarded_readable (&g) + 12,
        FALSE);
    /* Back at an aligned start: in place again, alternating with the
     * copy's command buffers in check_in_place(). */
    memmove (g.frame.planes[0], moved.planes[0], g.bytes);
    check_in_place (net, fmt, &g.frame, &ff, &pre, guarded_readable (&g), can);
    guarded_clear (&g);
    gst_vk_inception_net_free (net);
  }

  /* Batches of two: two frames in place, one frame twice (a partial
   * batch), and a batch copied whole because one of its frames cannot be
   * read in place. In I420 and in RGBx (one word per pixel), each frame
   * at its own offset in its pages. */
  for (guint i = 0; i < 2; i++) {
    const Format *fmt = format_named (i == 0 ? "I420" : "RGBx");
    GstVkInceptionFrameFormat ff = { fmt->format, 37, 24, 0.299, 0.114,
      FALSE
    };
    Guarded g1, g2;
    Frame padded;
    const Frame *two[2], *twice[2], *mixed[2];
    gsize readable[2];

    GstVkInceptionNet *net = frames_net (2, &ff, &pre);
    guarded_init (&g1, fmt, ff.width, ff.height, 0, 62);
    guarded_init (&g2, fmt, ff.width, ff.height, -1, 63);
    frame_init (&padded, fmt, ff.width, ff.height, 64);
    two[0] = twice[0] = twice[1] = mixed[0] = &g1.frame;
    two[1] = &g2.frame;
    mixed[1] = &padded;
    readable[0] = guarded_readable (&g1);
    readable[1] = guarded_readable (&g2);
    check_batch_in_place (net, fmt, two, readable, &ff, &pre, can);
    readable[1] = readable[0];
    check_batch_in_place (net, fmt, twice, readable, &ff, &pre, can);
    readable[1] = G_MAXSIZE;
    check_batch_in_place (net, fmt, mixed, readable, &ff, &pre, FALSE);
    frame_clear (&padded);
    guarded_clear (&g2);
    guarded_clear (&g1);
    gst_vk_inception_net_free (net);
  }
  vki_test_assert_no_validation ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++) {
    gchar *path = g_strdup_printf ("/frame/%s", formats[i].name);
    g_test_add_data_func (path, &formats[i], test_format);
    g_free (path);
  }
  g_test_add_func ("/frame/reconfigure", test_reconfigure);
  g_test_add_func ("/frame/profile", test_profile);
  g_test_add_func ("/frame/in-place", test_in_place);
  return g_test_run ();
}
