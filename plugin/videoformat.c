/* GStreamer's raw video formats as the engine's frame formats. */
#include "videoformat.h"

/* In the order of preference the pad templates offer them. */
static const struct
{
  GstVideoFormat video;
  GstVkInceptionPixelFormat pixel;
} map[] = {
  {GST_VIDEO_FORMAT_RGB, GST_VK_INCEPTION_PIXEL_RGB},
  {GST_VIDEO_FORMAT_BGR, GST_VK_INCEPTION_PIXEL_BGR},
  {GST_VIDEO_FORMAT_RGBA, GST_VK_INCEPTION_PIXEL_RGBA},
  {GST_VIDEO_FORMAT_BGRA, GST_VK_INCEPTION_PIXEL_BGRA},
  {GST_VIDEO_FORMAT_RGBx, GST_VK_INCEPTION_PIXEL_RGBX},
  {GST_VIDEO_FORMAT_BGRx, GST_VK_INCEPTION_PIXEL_BGRX},
  {GST_VIDEO_FORMAT_xRGB, GST_VK_INCEPTION_PIXEL_XRGB},
  {GST_VIDEO_FORMAT_xBGR, GST_VK_INCEPTION_PIXEL_XBGR},
  {GST_VIDEO_FORMAT_ARGB, GST_VK_INCEPTION_PIXEL_ARGB},
  {GST_VIDEO_FORMAT_ABGR, GST_VK_INCEPTION_PIXEL_ABGR},
  {GST_VIDEO_FORMAT_I420, GST_VK_INCEPTION_PIXEL_I420},
  {GST_VIDEO_FORMAT_NV12, GST_VK_INCEPTION_PIXEL_NV12},
  {GST_VIDEO_FORMAT_GRAY8, GST_VK_INCEPTION_PIXEL_GRAY8},
  {GST_VIDEO_FORMAT_YV12, GST_VK_INCEPTION_PIXEL_YV12},
  {GST_VIDEO_FORMAT_NV21, GST_VK_INCEPTION_PIXEL_NV21},
  {GST_VIDEO_FORMAT_NV16, GST_VK_INCEPTION_PIXEL_NV16},
  {GST_VIDEO_FORMAT_Y42B, GST_VK_INCEPTION_PIXEL_Y42B},
  {GST_VIDEO_FORMAT_Y444, GST_VK_INCEPTION_PIXEL_Y444},
  {GST_VIDEO_FORMAT_YUY2, GST_VK_INCEPTION_PIXEL_YUY2},
  {GST_VIDEO_FORMAT_UYVY, GST_VK_INCEPTION_PIXEL_UYVY},
  {GST_VIDEO_FORMAT_YVYU, GST_VK_INCEPTION_PIXEL_YVYU},
  {GST_VIDEO_FORMAT_P010_10LE, GST_VK_INCEPTION_PIXEL_P010_10LE},
  {GST_VIDEO_FORMAT_I420_10LE, GST_VK_INCEPTION_PIXEL_I420_10LE},
  {GST_VIDEO_FORMAT_I422_10LE, GST_VK_INCEPTION_PIXEL_I422_10LE},
  {GST_VIDEO_FORMAT_Y444_10LE, GST_VK_INCEPTION_PIXEL_Y444_10LE},
  {GST_VIDEO_FORMAT_GRAY16_LE, GST_VK_INCEPTION_PIXEL_GRAY16_LE},
};

gboolean
gst_vk_inception_frame_format_from_video_info (const GstVideoInfo * info,
    GstVkInceptionFrameFormat * f)
{
  gdouble kr = 0.299, kb = 0.114;

  for (guint i = 0; i < G_N_ELEMENTS (map); i++) {
    if (map[i].video != GST_VIDEO_INFO_FORMAT (info))
      continue;
    f->format = map[i].pixel;
    f->width = GST_VIDEO_INFO_WIDTH (info);
    f->height = GST_VIDEO_INFO_HEIGHT (info);
    if (GST_VIDEO_INFO_IS_YUV (info))
      gst_video_color_matrix_get_Kr_Kb (info->colorimetry.matrix, &kr, &kb);
    f->kr = kr;
    f->kb = kb;
    f->full_range = info->colorimetry.range == GST_VIDEO_COLOR_RANGE_0_255;
    f->par_n = GST_VIDEO_INFO_PAR_N (info);
    f->par_d = GST_VIDEO_INFO_PAR_D (info);
    return TRUE;
  }
  return FALSE;
}

GstCaps *
gst_vk_inception_video_caps_new (void)
{
  GstStructure *s = gst_structure_new_empty ("video/x-raw");
  GValue formats = G_VALUE_INIT;

  g_value_init (&formats, GST_TYPE_LIST);
  for (guint i = 0; i < G_N_ELEMENTS (map); i++) {
    GValue name = G_VALUE_INIT;

    g_value_init (&name, G_TYPE_STRING);
    g_value_set_static_string (&name,
        gst_video_format_to_string (map[i].video));
    gst_value_list_append_and_take_value (&formats, &name);
  }
  gst_structure_take_value (s, "format", &formats);
  gst_structure_set (s, "width", GST_TYPE_INT_RANGE, 1, G_MAXINT,
      "height", GST_TYPE_INT_RANGE, 1, G_MAXINT,
      "framerate", GST_TYPE_FRACTION_RANGE, 0, 1, G_MAXINT, 1, NULL);
  return gst_caps_new_full (s, NULL);
}
