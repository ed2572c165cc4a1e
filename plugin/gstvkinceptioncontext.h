/* Sharing one Vulkan device between vkinception elements through a
 * GstContext, as GStreamer's GL and Vulkan elements share theirs. */
#ifndef GST_VK_INCEPTION_CONTEXT_H
#define GST_VK_INCEPTION_CONTEXT_H

#include <gst/gst.h>
#include <gst/vkinception/engine.h>

G_BEGIN_DECLS

/* The context type of elements without a `device` property; with one, it
 * is followed by "/" and the property ("gst.vkinception.device/radeon").
 * Its structure holds "device" (a GstVkInceptionDevice, boxed), "selector"
 * (the `device` property, NULL for none) and "device-name" (for
 * applications to read). */
#define GST_VK_INCEPTION_DEVICE_CONTEXT_TYPE "gst.vkinception.device"

#define GST_TYPE_VK_INCEPTION_DEVICE (gst_vk_inception_device_get_type ())
GType gst_vk_inception_device_get_type (void);

/* The context type for elements whose `device` property is @selector
 * (nullable). Free with g_free(). */
gchar *gst_vk_inception_context_type (const gchar * selector);

/* A context of the type for @selector holding a reference to
 * @dev, made for elements whose `device` property is @selector. */
GstContext *gst_vk_inception_context_new (GstVkInceptionDevice * dev,
    const gchar * selector);

/* A new reference to the device @context holds, if it is of the type for
 * @selector; else NULL. Contexts come from applications too: one
 * without a device of the right type is ignored. */
GstVkInceptionDevice *gst_vk_inception_context_get_device (GstContext *
    context, const gchar * selector);

/* Looks for a device for @selector that another element or the
 * application already has: the element's own context (set by its bin or
 * the application), then a CONTEXT query downstream and upstream, then a
 * NEED_CONTEXT message (answered by a bin that saw another element's
 * device). NULL when there is none. */
GstVkInceptionDevice *gst_vk_inception_context_find_device (GstElement *
    element, const gchar * selector);

/* Makes @dev the device of @element's context and posts it (HAVE_CONTEXT),
 * so that the bin gives it to the elements that ask later. */
void gst_vk_inception_context_announce (GstElement * element,
    GstVkInceptionDevice * dev, const gchar * selector);

/* Answers a CONTEXT query for the device type with @element's context.
 * FALSE if @query is for another type or the element has none. */
gboolean gst_vk_inception_context_answer (GstElement * element,
    GstQuery * query);

G_END_DECLS

#endif
