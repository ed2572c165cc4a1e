/* The Vulkan device the engine runs on: instance, queue, limits, pipeline cache. */
#ifndef VKI_DEVICE_H
#define VKI_DEVICE_H

#include <gst/vkinception/engine.h>

G_BEGIN_DECLS

struct _GstVkInceptionDevice
{
  gint ref_count;
  gboolean owned;               /* FALSE when the handles were handed to us */

  VkInstance instance;
  VkPhysicalDevice physical_device;
  VkDevice device;
  VkQueue queue;
  guint32 queue_family;
  GMutex queue_lock;            /* vkQueueSubmit needs external sync */
  gboolean locks_ready;

  VkPhysicalDeviceProperties props;
  VkPhysicalDeviceMemoryProperties mem_props;
  gboolean has_timestamps;
  /* The queue's timestampValidBits as a mask: differences of timestamps
   * are taken modulo it, as the counter may wrap. */
  guint64 timestamp_mask;
  guint32 subgroup_size;        /* VkPhysicalDeviceSubgroupProperties */
  gboolean has_subgroup_shuffle;        /* in compute shaders */
  /* Reads through uniform texel buffers of R32_SFLOAT and R32G32B32A32_SFLOAT
   * (mandatory formats, checked all the same); conv_tiled.comp needs them. */
  gboolean has_texel_reads;
  /* float16 activations: storageBuffer16BitAccess, enabled at device
   * creation (FALSE for wrapped devices: their features are unknown), and
   * the same texel reads in R16_SFLOAT and R16G16B16A16_SFLOAT. */
  gboolean has_fp16_storage;
  gboolean has_fp16_arithmetic;  /* shaderFloat16 enabled too */
  gboolean has_texel_reads_fp16;
  /* The same two float32 formats as storage texel buffers (mandatory too),
   * which the *_img shader builds read with imageLoad. */
  gboolean has_image_reads;
  /* Reading host memory in place (VK_EXT_external_memory_host, enabled at
   * device creation where listed; 0 for wrapped devices): the alignment an
   * imported pointer and size need, 0 when the device cannot import. */
  VkDeviceSize host_import_align;
  PFN_vkGetMemoryHostPointerPropertiesEXT get_host_pointer_props;
  /* Driver threads given a CPU each at creation (CPU devices, threads.c). */
  guint driver_threads_pinned;

  VkDebugUtilsMessengerEXT messenger;
  gint validation_messages;     /* atomic */

  VkPipelineCache pipeline_cache;
  gchar *pipeline_cache_path;   /* NULL: no on-disk cache */
  GMutex cache_lock;            /* one save at a time; the VkPipelineCache
                                 * itself is internally synchronised */
};

/* Index of a memory type allowed by @type_bits having all of @required, and
 * as many of @preferred as possible; -1 if none. */
gint vki_device_find_memory_type (GstVkInceptionDevice * dev,
    guint32 type_bits, VkMemoryPropertyFlags required,
    VkMemoryPropertyFlags preferred);

/* Writes the pipeline cache to disk, if there is one. Failures are logged
 * only: the cache is an optimisation. */
void vki_device_save_pipeline_cache (GstVkInceptionDevice * dev);

G_END_DECLS

#endif
