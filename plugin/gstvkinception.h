#ifndef GST_VK_INCEPTION_ELEMENT_H
#define GST_VK_INCEPTION_ELEMENT_H

#include <gst/base/gstbasetransform.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

#define GST_TYPE_VK_INCEPTION (gst_vk_inception_get_type ())
G_DECLARE_FINAL_TYPE (GstVkInception, gst_vk_inception, GST, VK_INCEPTION,
    GstBaseTransform);

#define GST_TYPE_VK_INCEPTION_RESIZE_MODE (gst_vk_inception_resize_mode_get_type ())
GType gst_vk_inception_resize_mode_get_type (void);

#define GST_TYPE_VK_INCEPTION_PRECISION (gst_vk_inception_precision_get_type ())
GType gst_vk_inception_precision_get_type (void);

#define GST_TYPE_VK_INCEPTION_CHANNEL_ORDER (gst_vk_inception_channel_order_get_type ())
GType gst_vk_inception_channel_order_get_type (void);

GST_ELEMENT_REGISTER_DECLARE (vkinception);

G_END_DECLS

#endif
