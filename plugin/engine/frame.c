#include "frame.h"
#include "shaders.h"

#include <string.h>

/* The largest frame side accepted: far above any video, and small enough
 * that byte offsets stay within 32 bits. */
#define MAX_FRAME_SIDE 16384u
#define PIXEL_MAX 255.0f

typedef struct
{
  guint kind;                   /* KIND in preprocess.comp */
  guint bpp;                    /* samples per pixel in the first plane
                                 * (packed RGB: 3 or 4 bytes; the shader's
                                 * BPP, which only packed RGB reads; packed
                                 * 4:2:2 rows are whole words of two pixels
                                 * instead, at odd widths too) */
  guint pos[3];                 /* packed RGB: the bytes of R, G and B in a
                                 * pixel; packed 4:2:2: of Y0, U and V in a
                                 * word of two pixels; semi-planar: -, then
                                 * of U and V in a chroma pair; planar: -,
                                 * then the planes of U and V */
  guint csx, csy;               /* chroma subsampling: log2 of the pixels
                                 * per chroma sample across and down */
  guint sample_bytes;           /* YUV and GRAY: 1, or 2 (little-endian);
                                 * 0 in the table means 1 */
  float sample_scale;           /* to 8-bit levels (2-byte samples) */
  gboolean even_rows;           /* GStreamer's layout gives every plane an
                                 * even number of rows */
} FormatInfo;

enum
{ KIND_RGB, KIND_PLANAR, KIND_SEMI_PLANAR, KIND_GRAY, KIND_PACKED_422 };

static gboolean
format_info (GstVkInceptionPixelFormat f, FormatInfo * info)
{
  static const FormatInfo table[] = {
    [GST_VK_INCEPTION_PIXEL_RGB] = {KIND_RGB, 3, {0, 1, 2}},
    [GST_VK_INCEPTION_PIXEL_BGR] = {KIND_RGB, 3, {2, 1, 0}},
    [GST_VK_INCEPTION_PIXEL_RGBA] = {KIND_RGB, 4, {0, 1, 2}},
    [GST_VK_INCEPTION_PIXEL_BGRA] = {KIND_RGB, 4, {2, 1, 0}},
    [GST_VK_INCEPTION_PIXEL_RGBX] = {KIND_RGB, 4, {0, 1, 2}},
    [GST_VK_INCEPTION_PIXEL_BGRX] = {KIND_RGB, 4, {2, 1, 0}},
    [GST_VK_INCEPTION_PIXEL_XRGB] = {KIND_RGB, 4, {1, 2, 3}},
    [GST_VK_INCEPTION_PIXEL_XBGR] = {KIND_RGB, 4, {3, 2, 1}},
    [GST_VK_INCEPTION_PIXEL_ARGB] = {KIND_RGB, 4, {1, 2, 3}},
    [GST_VK_INCEPTION_PIXEL_ABGR] = {KIND_RGB, 4, {3, 2, 1}},
    [GST_VK_INCEPTION_PIXEL_I420] = {KIND_PLANAR, 1, {0, 1, 2}, 1, 1},
    [GST_VK_INCEPTION_PIXEL_NV12] = {KIND_SEMI_PLANAR, 1, {0, 0, 1}, 1, 1},
    [GST_VK_INCEPTION_PIXEL_GRAY8] = {KIND_GRAY, 1, {0, 0, 0}},
    [GST_VK_INCEPTION_PIXEL_YV12] = {KIND_PLANAR, 1, {0, 2, 1}, 1, 1},
    [GST_VK_INCEPTION_PIXEL_NV21] = {KIND_SEMI_PLANAR, 1, {0, 1, 0}, 1, 1},
    [GST_VK_INCEPTION_PIXEL_NV16] = {KIND_SEMI_PLANAR, 1, {0, 0, 1}, 1, 0},
    [GST_VK_INCEPTION_PIXEL_Y42B] = {KIND_PLANAR, 1, {0, 1, 2}, 1, 0},
    [GST_VK_INCEPTION_PIXEL_Y444] = {KIND_PLANAR, 1, {0, 1, 2}, 0, 0},
    [GST_VK_INCEPTION_PIXEL_YUY2] = {KIND_PACKED_422, 2, {0, 1, 3}, 1, 0},
    [GST_VK_INCEPTION_PIXEL_UYVY] = {KIND_PACKED_422, 2, {1, 0, 2}, 1, 0},
    [GST_VK_INCEPTION_PIXEL_YVYU] = {KIND_PACKED_422, 2, {0, 3, 1}, 1, 0},
    [GST_VK_INCEPTION_PIXEL_P010_10LE] = {KIND_SEMI_PLANAR, 1, {0, 0, 1}, 1, 1,
        2, 1.0f / 256},
    [GST_VK_INCEPTION_PIXEL_I420_10LE] = {KIND_PLANAR, 1, {0, 1, 2}, 1, 1, 2,
        1.0f / 4},
    [GST_VK_INCEPTION_PIXEL_I422_10LE] = {KIND_PLANAR, 1, {0, 1, 2}, 1, 0, 2,
        1.0f / 4, TRUE},
    [GST_VK_INCEPTION_PIXEL_Y444_10LE] = {KIND_PLANAR, 1, {0, 1, 2}, 0, 0, 2,
        1.0f / 4},
    [GST_VK_INCEPTION_PIXEL_GRAY16_LE] = {KIND_GRAY, 1, {0, 0, 0}, 0, 0, 2,
        1.0f / 256},
  };
  if ((guint) f >= G_N_ELEMENTS (table))
    return FALSE;
  *info = table[f];
  if (info->sample_bytes == 0) {
    info->sample_bytes = 1;
    info->sample_scale = 1;
  }
  return TRUE;
}

gboolean
vki_frame_layout_init (VkiFrameLayout * l,
    const GstVkInceptionFrameFormat * format, GError ** error)
{
  FormatInfo info;
  gsize w = format->width, h = format->height;
  gsize cw, ch, off = 0;

  memset (l, 0, sizeof (*l));
  l->format = *format;
  if (!format_info (format->format, &info)) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_UNSUPPORTED, "unknown pixel format %d",
        format->format);
    return FALSE;
  }
  if (w < 1 || h < 1 || w > MAX_FRAME_SIDE || h > MAX_FRAME_SIDE) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_SHAPE,
        "frame size %ux%u is outside 1x1 to %ux%u", format->width,
        format->height, MAX_FRAME_SIDE, MAX_FRAME_SIDE);
    return FALSE;
  }
  if (info.kind != KIND_RGB && info.kind != KIND_GRAY
      && (!(format->kr > 0 && format->kb > 0 && format->kr + format->kb < 1))) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_FAILED,
        "invalid YUV matrix Kr=%g Kb=%g", format->kr, format->kb);
    return FALSE;
  }

  /* Chroma samples across and down, a partial block counting whole. */
  cw = (w + (1u << info.csx) - 1) >> info.csx;
  ch = (h + (1u << info.csy) - 1) >> info.csy;
  l->n_planes = 1;
  l->row_bytes[0] = w * info.bpp * info.sample_bytes;
  l->rows[0] = h;
  switch (info.kind) {
    case KIND_PACKED_422:
      /* Whole words of two pixels. */
      l->row_bytes[0] = 4 * cw;
      break;
    case KIND_PLANAR:
      l->n_planes = 3;
      l->row_bytes[1] = l->row_bytes[2] = cw * info.sample_bytes;
      l->rows[1] = l->rows[2] = ch;
      break;
    case KIND_SEMI_PLANAR:
      l->n_planes = 2;
      l->row_bytes[1] = 2 * cw * info.sample_bytes;
      l->rows[1] = ch;
      break;
    default:
      break;
  }
  /* Laid out as GStreamer lays out these formats by default (rows rounded
   * up to 4 bytes; where chroma rows are halved, the chroma after an even
   * number of luma rows), so that such frames can be read where they lie
   * (gst_vk_inception_net_run_frames_in_place). */
  for (guint p = 0; p < l->n_planes; p++) {
    gboolean even = info.even_rows || (p == 0 && l->n_planes > 1 && info.csy);
    l->stride[p] = (l->row_bytes[p] + 3) & ~(gsize) 3;
    l->offset[p] = off;
    off += l->stride[p] * (even ? (l->rows[p] + 1) & ~(gsize) 1 : l->rows[p]);
  }
  l->data_bytes = off;
  l->frame_bytes = (off + 15) & ~(gsize) 15;
  return TRUE;
}

static guint32
fbits (float f)
{
  guint32 u;
  memcpy (&u, &f, sizeof (u));
  return u;
}

void
vki_frame_describe (const VkiFrameLayout * l,
    const GstVkInceptionPreprocess * pre, const GstVkInceptionShape * dst,
    guint32 out_off, gboolean vec_out, VkiOpDesc * desc)
{
  FormatInfo info = { 0 };
  double sw = l->format.width, sh = l->format.height;
  double dw = dst->dims[3], dh = dst->dims[2];
  /* The source's width in square pixels, per source pixel: the network's
   * pixels are square. */
  double par = l->format.par_n && l->format.par_d ?
      (double) l->format.par_n / l->format.par_d : 1.0;
  double sx, sy, ox = 0, oy = 0, scale;
  guint32 box[4] = { 0, 0, (guint32) dw, (guint32) dh };
  float s[3], b[3];
  guint32 pixels;

  format_info (l->format.format, &info);
  /* 4 pixels of a row per invocation, stored as vec4s, where every row
   * starts on one; only for the planar and grey formats of 8-bit samples,
   * which it made faster on llvmpipe (packed RGB, YUY2 and P010 frames
   * took as long or longer: docs/performance.md, "Frame formats"). */
  pixels = vec_out && dst->dims[3] % 4 == 0 && out_off % 4 == 0
      && info.sample_bytes == 1 && (info.kind == KIND_PLANAR
      || info.kind == KIND_SEMI_PLANAR || info.kind == KIND_GRAY) ? 4 : 1;
  switch (pre->resize) {
    case GST_VK_INCEPTION_RESIZE_CENTER_CROP:
      /* The largest centred source region with the input's aspect
       * (scale: source rows, or square-pixel widths, per input pixel). */
      scale = MIN (sw * par / dw, sh / dh);
      sx = scale / par;
      sy = scale;
      ox = (sw - dw * sx) / 2;
      oy = (sh - dh * sy) / 2;
      break;
    case GST_VK_INCEPTION_RESIZE_LETTERBOX:{
      double cw, ch;
      scale = MAX (sw * par / dw, sh / dh);
      sx = scale / par;
      sy = scale;
      cw = MIN (dw, MAX (1.0, sw / sx + 0.5));
      ch = MIN (dh, MAX (1.0, sh / sy + 0.5));
      box[0] = (guint32) ((dw - (guint32) cw) / 2);
      box[1] = (guint32) ((dh - (guint32) ch) / 2);
      box[2] = box[0] + (guint32) cw;
      box[3] = box[1] + (guint32) ch;
      break;
    }
    default:
      sx = sw / dw;
      sy = sh / dh;
      break;
  }
  for (guint c = 0; c < 3; c++) {
    s[c] = 1.0f / pre->std[c];
    b[c] = -pre->mean[c] / pre->std[c];
  }
  {
    /* Planar: PLANE1 and PLANE2 are the U and V planes, in either order. */
    guint u = info.kind == KIND_PLANAR ? info.pos[1] : 1;
    guint v = info.kind == KIND_PLANAR ? info.pos[2] : 2;
    guint32 spec[] = { info.kind, info.bpp, info.pos[0], info.pos[1],
      info.pos[2], l->format.width, l->format.height, l->offset[0],
      l->offset[u], l->offset[v], l->stride[0], l->stride[u], l->stride[v],
      l->frame_bytes,
      dst->dims[0], dst->dims[1], dst->dims[2], dst->dims[3], out_off,
      dst->dims[1] * dst->dims[2] * dst->dims[3], fbits (sx), fbits (sy),
      fbits (ox), fbits (oy), box[0], box[1], box[2], box[3], fbits (s[0]),
      fbits (s[1]), fbits (s[2]), fbits (b[0]), fbits (b[1]), fbits (b[2]),
      pre->bgr, fbits (l->format.kr), fbits (l->format.kb),
      l->format.full_range, info.csx, info.csy, info.sample_bytes,
      fbits (info.sample_scale), pixels
    };
    memset (desc, 0, sizeof (*desc));
    memcpy (desc->spec, spec, sizeof (spec));
    desc->n_spec = G_N_ELEMENTS (spec);
  }
  desc->shader = &vki_shader_preprocess;
  desc->global[0] = (guint32) dst->dims[3] / pixels;
  desc->global[1] = dst->dims[2];
  desc->global[2] = dst->dims[0];
  desc->dims = 2;
}

void
vki_frame_pack (const VkiFrameLayout * l, guint8 * dst, guint n,
    const guint8 *const *const *frames, const gint *const *strides)
{
  for (guint f = 0; f < n; f++) {
    guint8 *base = dst + f * l->frame_bytes;
    for (guint p = 0; p < l->n_planes; p++) {
      const guint8 *src = frames[f][p];
      guint8 *out = base + l->offset[p];
      if ((gsize) strides[f][p] == l->stride[p]) {
        memcpy (out, src, l->stride[p] * (l->rows[p] - 1) + l->row_bytes[p]);
        continue;
      }
      for (gsize r = 0; r < l->rows[p]; r++)
        memcpy (out + r * l->stride[p], src + r * strides[f][p],
            l->row_bytes[p]);
    }
  }
}
