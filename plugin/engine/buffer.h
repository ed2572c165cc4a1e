/* Vulkan buffers with their memory, and the one-shot command helper used to
 * fill device-local ones. */
#ifndef VKI_BUFFER_H
#define VKI_BUFFER_H

#include "device.h"

G_BEGIN_DECLS

typedef struct
{
  VkBuffer buffer;
  VkDeviceMemory memory;
  VkDeviceSize size;
  void *mapped;                 /* non-NULL for host-visible buffers */
  gboolean coherent;
} VkiBuffer;

typedef enum
{
  VKI_BUFFER_DEVICE,            /* device-local storage, also readable as a
                                 * uniform texel buffer */
  VKI_BUFFER_DEVICE_IMAGE,      /* the same, also readable as a storage
                                 * texel buffer (its views' formats must
                                 * allow that: has_image_reads) */
  VKI_BUFFER_UPLOAD,            /* host-visible, written by the CPU */
  VKI_BUFFER_READBACK,          /* host-visible, read by the CPU */
} VkiBufferKind;

/* Creates a buffer of @size bytes (at least 4). Host-visible kinds stay
 * mapped. */
gboolean vki_buffer_init (VkiBuffer * buf, GstVkInceptionDevice * dev,
    VkDeviceSize size, VkiBufferKind kind, GError ** error);

/* A view of the whole of a device buffer as a texel buffer of @format
 * (what conv_tiled.comp reads through). Freed with
 * vkDestroyBufferView(). */
gboolean vki_buffer_create_view (VkiBuffer * buf, GstVkInceptionDevice * dev,
    VkFormat format, VkBufferView * view, GError ** error);

/* Wraps @size bytes of host memory at @ptr, both multiples of the device's
 * host_import_align, as a storage buffer the device reads in place
 * (VK_EXT_external_memory_host). The memory must stay valid until
 * vki_buffer_clear(). Fails with GST_VK_INCEPTION_ERROR_UNSUPPORTED where
 * the device cannot import it (no extension, memory it cannot pin, no
 * host-coherent memory type). */
gboolean vki_buffer_import_host (VkiBuffer * buf, GstVkInceptionDevice * dev,
    void *ptr, VkDeviceSize size, GError ** error);

/* Mirror of vki_buffer_init() and vki_buffer_import_host(); safe on a
 * zeroed or half-built buffer. */
void vki_buffer_clear (VkiBuffer * buf, GstVkInceptionDevice * dev);

/* Copies @size bytes of host data into a device buffer at @offset, through a
 * temporary staging buffer when the memory is not host-visible. Set-up time
 * only: it waits for the copy. */
gboolean vki_buffer_upload (VkiBuffer * buf, GstVkInceptionDevice * dev,
    VkDeviceSize offset, const void *data, VkDeviceSize size, GError ** error);

/* Makes host writes visible to the device / device writes visible to the
 * host, for non-coherent memory. */
gboolean vki_buffer_flush (VkiBuffer * buf, GstVkInceptionDevice * dev,
    GError ** error);
gboolean vki_buffer_invalidate (VkiBuffer * buf, GstVkInceptionDevice * dev,
    GError ** error);

/* Submits @n_cmds command buffers, in order, in one batch on the device
 * queue and waits for them with a bounded timeout, using @fence (reset
 * first). */
gboolean vki_device_submit_and_wait (GstVkInceptionDevice * dev,
    const VkCommandBuffer * cmds, guint n_cmds, VkFence fence,
    GError ** error);

G_END_DECLS

#endif
