#include "buffer.h"
#include "error.h"

#include <string.h>

/* Long enough for a large input on a CPU implementation; a wait beyond it
 * means the device is stuck, which we report rather than hang. */
#define SUBMIT_TIMEOUT_NS (300ull * 1000 * 1000 * 1000)

/* @size bytes of memory type @type for @buf's buffer (@next chained to the
 * allocation: an import), bound to it. */
static gboolean
allocate_and_bind (VkiBuffer * buf, GstVkInceptionDevice * dev, gint type,
    VkDeviceSize size, const void *next, GError ** error)
{
  VkMemoryAllocateInfo alloc = {
    .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
    .pNext = next,
    .allocationSize = size,
    .memoryTypeIndex = (guint32) type,
  };
  return vki_result_to_error (vkAllocateMemory (dev->device, &alloc, NULL,
          &buf->memory), error, "vkAllocateMemory (%" G_GUINT64_FORMAT
      " bytes%s)", (guint64) size, next ? " of host memory" : "")
      && vki_result_to_error (vkBindBufferMemory (dev->device, buf->buffer,
          buf->memory, 0), error, "vkBindBufferMemory");
}

gboolean
vki_buffer_init (VkiBuffer * buf, GstVkInceptionDevice * dev, VkDeviceSize size,
    VkiBufferKind kind, GError ** error)
{
  VkBufferCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
    .size = MAX (size, 4),
    .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
        VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
    .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
  };
  VkMemoryRequirements req;
  VkMemoryPropertyFlags required = 0, preferred = 0;
  gint type;

  memset (buf, 0, sizeof (*buf));
  buf->size = info.size;

  switch (kind) {
    case VKI_BUFFER_DEVICE:
    case VKI_BUFFER_DEVICE_IMAGE:
      info.usage |= VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT;
      if (kind == VKI_BUFFER_DEVICE_IMAGE)
        info.usage |= VK_BUFFER_USAGE_STORAGE_TEXEL_BUFFER_BIT;
      preferred = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
      break;
    case VKI_BUFFER_UPLOAD:
      required = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
      preferred = VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
      break;
    case VKI_BUFFER_READBACK:
      required = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
      preferred = VK_MEMORY_PROPERTY_HOST_CACHED_BIT |
          VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
      break;
  }

  if (!vki_result_to_error (vkCreateBuffer (dev->device, &info, NULL,
              &buf->buffer), error, "vkCreateBuffer (%" G_GUINT64_FORMAT
          " bytes)", (guint64) info.size))
    return FALSE;
  vkGetBufferMemoryRequirements (dev->device, buf->buffer, &req);
  type = vki_device_find_memory_type (dev, req.memoryTypeBits, required,
      preferred);
  if (type < 0) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_VULKAN,
        "no suitable Vulkan memory type for a %s buffer",
        kind == VKI_BUFFER_DEVICE ? "device" : "host-visible");
    goto fail;
  }
  if (!allocate_and_bind (buf, dev, type, req.size, NULL, error))
    goto fail;

  if (dev->mem_props.memoryTypes[type].propertyFlags &
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) {
    buf->coherent = (dev->mem_props.memoryTypes[type].propertyFlags &
        VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) != 0;
    if (!vki_result_to_error (vkMapMemory (dev->device, buf->memory, 0,
                VK_WHOLE_SIZE, 0, &buf->mapped), error, "vkMapMemory"))
      goto fail;
  }
  return TRUE;

fail:
  vki_buffer_clear (buf, dev);
  return FALSE;
}

gboolean
vki_buffer_import_host (VkiBuffer * buf, GstVkInceptionDevice * dev,
    void *ptr, VkDeviceSize size, GError ** error)
{
  const VkExternalMemoryHandleTypeFlagBits handle =
      VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT;
  VkMemoryHostPointerPropertiesEXT host = {
    .sType = VK_STRUCTURE_TYPE_MEMORY_HOST_POINTER_PROPERTIES_EXT,
  };
  VkExternalMemoryBufferCreateInfo external = {
    .sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_BUFFER_CREATE_INFO,
    .handleTypes = handle,
  };
  VkBufferCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
    .pNext = &external,
    .size = size,
    .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
    .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
  };
  VkImportMemoryHostPointerInfoEXT import = {
    .sType = VK_STRUCTURE_TYPE_IMPORT_MEMORY_HOST_POINTER_INFO_EXT,
    .handleType = handle,
    .pHostPointer = ptr,
  };
  VkMemoryRequirements req;
  VkDeviceSize align = dev->host_import_align;
  gint type;

  memset (buf, 0, sizeof (*buf));
  if (!align || size == 0 || size % align || (guintptr) ptr % align) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_UNSUPPORTED, "the Vulkan device '%s' cannot "
        "import %" G_GUINT64_FORMAT " bytes of host memory at %p",
        dev->props.deviceName, (guint64) size, ptr);
    return FALSE;
  }
  /* Memory the driver cannot pin (a device's mapping, say) fails here. */
  if (dev->get_host_pointer_props (dev->device, handle, ptr,
          &host) != VK_SUCCESS || host.memoryTypeBits == 0) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_UNSUPPORTED, "the Vulkan device '%s' cannot "
        "import the host memory at %p", dev->props.deviceName, ptr);
    return FALSE;
  }
  buf->size = size;
  if (!vki_result_to_error (vkCreateBuffer (dev->device, &info, NULL,
              &buf->buffer), error, "vkCreateBuffer (%" G_GUINT64_FORMAT
          " bytes of host memory)", (guint64) size))
    return FALSE;
  vkGetBufferMemoryRequirements (dev->device, buf->buffer, &req);
  /* Coherent only: imported memory is never mapped, so it cannot be
   * flushed. */
  type = vki_device_find_memory_type (dev, req.memoryTypeBits &
      host.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, 0);
  if (type < 0 || req.size > size) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_UNSUPPORTED, "the Vulkan device '%s' has no "
        "coherent memory type for %" G_GUINT64_FORMAT " bytes of host memory",
        dev->props.deviceName, (guint64) size);
    goto fail;
  }
  if (!allocate_and_bind (buf, dev, type, size, &import, error))
    goto fail;
  buf->coherent = TRUE;
  return TRUE;

fail:
  vki_buffer_clear (buf, dev);
  return FALSE;
}

gboolean
vki_buffer_create_view (VkiBuffer * buf, GstVkInceptionDevice * dev,
    VkFormat format, VkBufferView * view, GError ** error)
{
  VkBufferViewCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO,
    .buffer = buf->buffer,
    .format = format,
    .offset = 0,
    .range = VK_WHOLE_SIZE,
  };
  *view = VK_NULL_HANDLE;
  return vki_result_to_error (vkCreateBufferView (dev->device, &info, NULL,
          view), error, "vkCreateBufferView (%" G_GUINT64_FORMAT " bytes)",
      (guint64) buf->size);
}

void
vki_buffer_clear (VkiBuffer * buf, GstVkInceptionDevice * dev)
{
  if (buf->mapped)
    vkUnmapMemory (dev->device, buf->memory);
  if (buf->buffer)
    vkDestroyBuffer (dev->device, buf->buffer, NULL);
  if (buf->memory)
    vkFreeMemory (dev->device, buf->memory, NULL);
  memset (buf, 0, sizeof (*buf));
}

static gboolean
mapped_range (VkiBuffer * buf, GstVkInceptionDevice * dev, gboolean flush,
    GError ** error)
{
  VkMappedMemoryRange range = {
    .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
    .memory = buf->memory,
    .offset = 0,
    .size = VK_WHOLE_SIZE,
  };
  if (!buf->mapped || buf->coherent)
    return TRUE;
  if (flush)
    return vki_result_to_error (vkFlushMappedMemoryRanges (dev->device, 1,
            &range), error, "vkFlushMappedMemoryRanges");
  return vki_result_to_error (vkInvalidateMappedMemoryRanges (dev->device, 1,
          &range), error, "vkInvalidateMappedMemoryRanges");
}

gboolean
vki_buffer_flush (VkiBuffer * buf, GstVkInceptionDevice * dev, GError ** error)
{
  return mapped_range (buf, dev, TRUE, error);
}

gboolean
vki_buffer_invalidate (VkiBuffer * buf, GstVkInceptionDevice * dev,
    GError ** error)
{
  return mapped_range (buf, dev, FALSE, error);
}

gboolean
vki_device_submit_and_wait (GstVkInceptionDevice * dev,
    const VkCommandBuffer * cmds, guint n_cmds, VkFence fence, GError ** error)
{
  VkSubmitInfo submit = {
    .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
    .commandBufferCount = n_cmds,
    .pCommandBuffers = cmds,
  };
  VkResult res;

  if (!vki_result_to_error (vkResetFences (dev->device, 1, &fence), error,
          "vkResetFences"))
    return FALSE;
  g_mutex_lock (&dev->queue_lock);
  res = vkQueueSubmit (dev->queue, 1, &submit, fence);
  g_mutex_unlock (&dev->queue_lock);
  if (!vki_result_to_error (res, error, "vkQueueSubmit"))
    return FALSE;
  res = vkWaitForFences (dev->device, 1, &fence, VK_TRUE, SUBMIT_TIMEOUT_NS);
  if (res == VK_TIMEOUT) {
    g_set_error (error, GST_VK_INCEPTION_ERROR,
        GST_VK_INCEPTION_ERROR_DEVICE_LOST,
        "the Vulkan device did not finish the work within %llu s",
        SUBMIT_TIMEOUT_NS / 1000000000ull);
    return FALSE;
  }
  return vki_result_to_error (res, error, "vkWaitForFences");
}

gboolean
vki_buffer_upload (VkiBuffer * buf, GstVkInceptionDevice * dev,
    VkDeviceSize offset, const void *data, VkDeviceSize size, GError ** error)
{
  VkiBuffer staging = { 0 };
  VkCommandPool pool = VK_NULL_HANDLE;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;
  VkCommandPoolCreateInfo pinfo = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
    .flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT,
    .queueFamilyIndex = dev->queue_family,
  };
  VkCommandBufferAllocateInfo cinfo = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
    .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
    .commandBufferCount = 1,
  };
  VkCommandBufferBeginInfo begin = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
    .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
  };
  VkFenceCreateInfo finfo = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
  VkBufferCopy region = {.srcOffset = 0,.dstOffset = offset,.size = size };
  gboolean ok = FALSE;

  if (size == 0)
    return TRUE;
  if (buf->mapped) {
    memcpy ((guint8 *) buf->mapped + offset, data, size);
    return vki_buffer_flush (buf, dev, error);
  }

  if (!vki_buffer_init (&staging, dev, size, VKI_BUFFER_UPLOAD, error))
    return FALSE;
  memcpy (staging.mapped, data, size);
  if (!vki_buffer_flush (&staging, dev, error))
    goto out;
  if (!vki_result_to_error (vkCreateCommandPool (dev->device, &pinfo, NULL,
              &pool), error, "vkCreateCommandPool"))
    goto out;
  cinfo.commandPool = pool;
  if (!vki_result_to_error (vkAllocateCommandBuffers (dev->device, &cinfo,
              &cmd), error, "vkAllocateCommandBuffers"))
    goto out;
  if (!vki_result_to_error (vkCreateFence (dev->device, &finfo, NULL, &fence),
          error, "vkCreateFence"))
    goto out;
  if (!vki_result_to_error (vkBeginCommandBuffer (cmd, &begin), error,
          "vkBeginCommandBuffer"))
    goto out;
  vkCmdCopyBuffer (cmd, staging.buffer, buf->buffer, 1, &region);
  if (!vki_result_to_error (vkEndCommandBuffer (cmd), error,
          "vkEndCommandBuffer"))
    goto out;
  ok = vki_device_submit_and_wait (dev, &cmd, 1, fence, error);

out:
  if (fence)
    vkDestroyFence (dev->device, fence, NULL);
  if (pool)
    vkDestroyCommandPool (dev->device, pool, NULL);
  vki_buffer_clear (&staging, dev);
  return ok;
}
