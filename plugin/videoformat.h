/* GStreamer's raw video formats as the engine's frame formats: the one
 * mapping the element, its tests and the element benchmark share. */
#ifndef GST_VK_INCEPTION_VIDEO_FORMAT_H
#define GST_VK_INCEPTION_VIDEO_FORMAT_H

#include <gst/video/video.h>
#include <gst/vkinception/engine.h>

G_BEGIN_DECLS

/**
 * gst_vk_inception_frame_format_from_video_info:
 * Fills @f from @info: the pixel format, the size, the YUV colour matrix
 * and range of its colorimetry (BT.601 coefficients for RGB and grey, where
 * they are unused) and its pixel aspect ratio. Returns FALSE, leaving @f
 * unspecified, for a format the engine does not read.
 */
gboolean gst_vk_inception_frame_format_from_video_info (const GstVideoInfo *
    info, GstVkInceptionFrameFormat * f);

/**
 * gst_vk_inception_video_caps_new:
 * Returns new raw video caps of every format
 * gst_vk_inception_frame_format_from_video_info() reads, at any size and
 * rate: the element's pad templates.
 */
GstCaps *gst_vk_inception_video_caps_new (void);

G_END_DECLS

#endif
