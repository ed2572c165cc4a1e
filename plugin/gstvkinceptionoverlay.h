#ifndef GST_VK_INCEPTION_OVERLAY_H
#define GST_VK_INCEPTION_OVERLAY_H

#include <gst/base/gstbasetransform.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

#define GST_TYPE_VK_INCEPTION_OVERLAY (gst_vk_inception_overlay_get_type ())
G_DECLARE_FINAL_TYPE (GstVkInceptionOverlay, gst_vk_inception_overlay, GST,
    VK_INCEPTION_OVERLAY, GstBaseTransform);

/* Which corner of the picture the result box sits in. */
typedef enum
{
  GST_VK_INCEPTION_OVERLAY_POSITION_TOP_LEFT,
  GST_VK_INCEPTION_OVERLAY_POSITION_TOP_RIGHT,
  GST_VK_INCEPTION_OVERLAY_POSITION_BOTTOM_LEFT,
  GST_VK_INCEPTION_OVERLAY_POSITION_BOTTOM_RIGHT,
} GstVkInceptionOverlayPosition;

#define GST_TYPE_VK_INCEPTION_OVERLAY_POSITION \
  (gst_vk_inception_overlay_position_get_type ())
GType gst_vk_inception_overlay_position_get_type (void);

GST_ELEMENT_REGISTER_DECLARE (vkinceptionoverlay);

G_END_DECLS

#endif
