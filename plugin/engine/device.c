/* Device selection and set-up. */
#include "device.h"
#include "error.h"
#include "threads.h"

#include <string.h>
#include <unistd.h>


#define VALIDATION_LAYER "VK_LAYER_KHRONOS_validation"
#define PIPELINE_CACHE_DIR "gst-vkinception"

static const gchar *
device_type_name (VkPhysicalDeviceType type)
{
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return "discrete GPU";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return "integrated GPU";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return "virtual GPU";
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return "CPU";
    default:
      return "other";
  }
}

/* Lower is better: discrete, integrated, virtual, CPU, other. */
static gint
device_type_rank (VkPhysicalDeviceType type)
{
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return 3;
    default:
      return 4;
  }
}

static gboolean
validation_requested (void)
{
  const gchar *v = g_getenv ("VKINCEPTION_VALIDATION");
  return v && *v && g_strcmp0 (v, "0") != 0;
}

static gboolean
layer_available (const gchar * name)
{
  guint32 n = 0;
  VkLayerProperties *layers;
  gboolean found = FALSE;

  if (vkEnumerateInstanceLayerProperties (&n, NULL) != VK_SUCCESS)
    return FALSE;
  layers = g_new0 (VkLayerProperties, MAX (n, 1));
  if (vkEnumerateInstanceLayerProperties (&n, layers) >= VK_SUCCESS) {
    for (guint32 i = 0; i < n; i++)
      if (strcmp (layers[i].layerName, name) == 0)
        found = TRUE;
  }
  g_free (layers);
  return found;
}

static VKAPI_ATTR VkBool32 VKAPI_CALL
debug_callback (VkDebugUtilsMessageSeverityFlagBitsEXT severity,
    VkDebugUtilsMessageTypeFlagsEXT types,
    const VkDebugUtilsMessengerCallbackDataEXT * data, void *user_data)
{
  GstVkInceptionDevice *dev = user_data;

  (void) types;
  if (severity < VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT)
    return VK_FALSE;
  g_atomic_int_inc (&dev->validation_messages);
  /* Printed directly rather than through g_warning(): the caller decides
   * whether a message is fatal, by checking the count. */
  g_printerr ("vkinception: Vulkan validation: %s\n", data->pMessage);
  return VK_FALSE;
}

static gboolean
create_instance (GstVkInceptionDevice * dev, GError ** error)
{
  gboolean validate = validation_requested ();
  const gchar *layers[] = { VALIDATION_LAYER };
  const gchar *extensions[] = { VK_EXT_DEBUG_UTILS_EXTENSION_NAME };
  VkApplicationInfo app = {
    .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
    .pApplicationName = "gst-vkinception",
    .pEngineName = "gst-vkinception",
    .apiVersion = VK_API_VERSION_1_1,
  };
  VkInstanceCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
    .pApplicationInfo = &app,
  };
  VkResult res;

  if (validate) {
    if (!layer_available (VALIDATION_LAYER)) {
      g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_NO_DEVICE,
          "VKINCEPTION_VALIDATION is set but the Vulkan layer %s is not "
          "installed (Debian package vulkan-validationlayers)", VALIDATION_LAYER);
      return FALSE;
    }
    info.enabledLayerCount = 1;
    info.ppEnabledLayerNames = layers;
    info.enabledExtensionCount = 1;
    info.ppEnabledExtensionNames = extensions;
  }

  res = vkCreateInstance (&info, NULL, &dev->instance);
  if (res == VK_ERROR_INCOMPATIBLE_DRIVER) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_NO_DEVICE,
        "no Vulkan 1.1 driver found (looked for any Vulkan ICD through the "
        "Vulkan loader; on Debian, mesa-vulkan-drivers provides lavapipe)");
    return FALSE;
  }
  if (!vki_result_to_error (res, error, "vkCreateInstance"))
    return FALSE;

  if (validate) {
    PFN_vkCreateDebugUtilsMessengerEXT create = (PFN_vkCreateDebugUtilsMessengerEXT)
        vkGetInstanceProcAddr (dev->instance, "vkCreateDebugUtilsMessengerEXT");
    VkDebugUtilsMessengerCreateInfoEXT minfo = {
      .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
      .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
          VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
      .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
          VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
          VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
      .pfnUserCallback = debug_callback,
      .pUserData = dev,
    };
    if (!create) {
      g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_VULKAN,
          "vkCreateDebugUtilsMessengerEXT is missing");
      return FALSE;
    }
    if (!vki_result_to_error (create (dev->instance, &minfo, NULL,
                &dev->messenger), error, "vkCreateDebugUtilsMessengerEXT"))
      return FALSE;
  }
  return TRUE;
}

static gboolean
enumerate (VkInstance instance, VkPhysicalDevice ** devices, guint32 * n,
    GError ** error)
{
  *devices = NULL;
  if (!vki_result_to_error (vkEnumeratePhysicalDevices (instance, n, NULL),
          error, "vkEnumeratePhysicalDevices"))
    return FALSE;
  if (*n == 0) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_NO_DEVICE,
        "no Vulkan device found (the Vulkan loader reported none; on Debian, "
        "mesa-vulkan-drivers provides the lavapipe CPU device)");
    return FALSE;
  }
  *devices = g_new0 (VkPhysicalDevice, *n);
  if (!vki_result_to_error (vkEnumeratePhysicalDevices (instance, n, *devices),
          error, "vkEnumeratePhysicalDevices")) {
    g_clear_pointer (devices, g_free);
    return FALSE;
  }
  return TRUE;
}

static gboolean
find_compute_queue (VkPhysicalDevice pd, guint32 * family)
{
  guint32 n = 0;
  VkQueueFamilyProperties *q;
  gboolean found = FALSE;

  vkGetPhysicalDeviceQueueFamilyProperties (pd, &n, NULL);
  q = g_new0 (VkQueueFamilyProperties, MAX (n, 1));
  vkGetPhysicalDeviceQueueFamilyProperties (pd, &n, q);
  for (guint32 i = 0; i < n && !found; i++) {
    if (q[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
      *family = i;
      found = TRUE;
    }
  }
  g_free (q);
  return found;
}

/* Picks by index, by name substring, or by type rank. */
static gboolean
select_physical_device (GstVkInceptionDevice * dev, const gchar * selector,
    GError ** error)
{
  VkPhysicalDevice *devices;
  guint32 n;
  gint best = -1, best_rank = G_MAXINT;
  gboolean ok = FALSE;

  if (!enumerate (dev->instance, &devices, &n, error))
    return FALSE;

  if (selector && *selector) {
    gchar *end = NULL;
    guint64 index = g_ascii_strtoull (selector, &end, 10);

    if (end && *end == '\0') {
      if (index >= n) {
        g_set_error (error, GST_VK_INCEPTION_ERROR,
            GST_VK_INCEPTION_ERROR_NO_DEVICE,
            "no Vulkan device with index %s (there are %u)", selector, n);
        goto out;
      }
      best = (gint) index;
    } else {
      gchar *want = g_utf8_casefold (selector, -1);
      for (guint32 i = 0; i < n && best < 0; i++) {
        VkPhysicalDeviceProperties p;
        gchar *name;
        vkGetPhysicalDeviceProperties (devices[i], &p);
        name = g_utf8_casefold (p.deviceName, -1);
        if (strstr (name, want))
          best = (gint) i;
        g_free (name);
      }
      g_free (want);
      if (best < 0) {
        g_set_error (error, GST_VK_INCEPTION_ERROR,
            GST_VK_INCEPTION_ERROR_NO_DEVICE,
            "no Vulkan device whose name contains '%s'", selector);
        goto out;
      }
    }
  } else {
    for (guint32 i = 0; i < n; i++) {
      VkPhysicalDeviceProperties p;
      guint32 family;
      vkGetPhysicalDeviceProperties (devices[i], &p);
      if (p.apiVersion < VK_API_VERSION_1_1
          || !find_compute_queue (devices[i], &family))
        continue;
      if (device_type_rank (p.deviceType) < best_rank) {
        best_rank = device_type_rank (p.deviceType);
        best = (gint) i;
      }
    }
    if (best < 0) {
      g_set_error (error, GST_VK_INCEPTION_ERROR,
          GST_VK_INCEPTION_ERROR_NO_DEVICE,
          "no Vulkan 1.1 device with a compute queue among %u device(s)", n);
      goto out;
    }
  }

  dev->physical_device = devices[best];
  ok = TRUE;
out:
  g_free (devices);
  return ok;
}

static void
load_pipeline_cache (GstVkInceptionDevice * dev)
{
  const gchar *env = g_getenv ("VKINCEPTION_PIPELINE_CACHE");
  VkPipelineCacheCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO,
  };
  gchar *contents = NULL, *uuid;
  gsize len = 0;

  if (env && g_strcmp0 (env, "0") == 0) {
    dev->pipeline_cache_path = NULL;
  } else {
    uuid = g_new0 (gchar, 2 * VK_UUID_SIZE + 1);
    for (guint i = 0; i < VK_UUID_SIZE; i++)
      g_snprintf (uuid + 2 * i, 3, "%02x", dev->props.pipelineCacheUUID[i]);
    dev->pipeline_cache_path = g_strdup_printf ("%s/%s/%04x-%04x-%s.bin",
        env && *env ? env : g_get_user_cache_dir (),
        env && *env ? "." : PIPELINE_CACHE_DIR, dev->props.vendorID,
        dev->props.deviceID, uuid);
    g_free (uuid);
    if (g_file_get_contents (dev->pipeline_cache_path, &contents, &len, NULL)) {
      /* Only hand the driver a blob whose header matches this device: a
       * stale or foreign file is ignored, not trusted. */
      const guint32 *h = (const guint32 *) contents;
      if (len >= 16 + VK_UUID_SIZE && h[0] >= 16 + VK_UUID_SIZE
          && h[1] == VK_PIPELINE_CACHE_HEADER_VERSION_ONE
          && h[2] == dev->props.vendorID && h[3] == dev->props.deviceID
          && memcmp (contents + 16, dev->props.pipelineCacheUUID,
              VK_UUID_SIZE) == 0) {
        info.initialDataSize = len;
        info.pInitialData = contents;
        g_debug ("loaded pipeline cache %s (%" G_GSIZE_FORMAT " bytes)",
            dev->pipeline_cache_path, len);
      }
    }
  }
  if (vkCreatePipelineCache (dev->device, &info, NULL,
          &dev->pipeline_cache) != VK_SUCCESS) {
    info.initialDataSize = 0;
    info.pInitialData = NULL;
    if (vkCreatePipelineCache (dev->device, &info, NULL,
            &dev->pipeline_cache) != VK_SUCCESS)
      dev->pipeline_cache = VK_NULL_HANDLE;
  }
  g_free (contents);
}

void
vki_device_save_pipeline_cache (GstVkInceptionDevice * dev)
{
  gsize size = 0;
  gchar *data, *dir;
  GError *err = NULL;

  if (!dev->pipeline_cache_path || dev->pipeline_cache == VK_NULL_HANDLE)
    return;
  g_mutex_lock (&dev->cache_lock);
  if (vkGetPipelineCacheData (dev->device, dev->pipeline_cache, &size,
          NULL) != VK_SUCCESS || size == 0)
    goto out;
  data = g_malloc (size);
  if (vkGetPipelineCacheData (dev->device, dev->pipeline_cache, &size,
          data) >= VK_SUCCESS) {
    dir = g_path_get_dirname (dev->pipeline_cache_path);
    g_mkdir_with_parents (dir, 0700);
    g_free (dir);
    if (!g_file_set_contents (dev->pipeline_cache_path, data, size, &err)) {
      g_debug ("could not save pipeline cache: %s", err->message);
      g_clear_error (&err);
    }
  }
  g_free (data);
out:
  g_mutex_unlock (&dev->cache_lock);
}

/* Can texel buffers of both formats be read with @feature (uniform or
 * storage texel buffer)? */
static gboolean
texel_reads (GstVkInceptionDevice * dev, VkFormat scalar, VkFormat vec4,
    VkFormatFeatureFlags feature)
{
  VkFormat formats[] = { scalar, vec4 };
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++) {
    VkFormatProperties fp;
    vkGetPhysicalDeviceFormatProperties (dev->physical_device, formats[i], &fp);
    if (!(fp.bufferFeatures & feature))
      return FALSE;
  }
  return TRUE;
}

static gboolean
has_device_extension (VkPhysicalDevice physical_device, const gchar * name)
{
  guint32 n = 0;
  VkExtensionProperties *ext;
  gboolean found = FALSE;

  if (vkEnumerateDeviceExtensionProperties (physical_device, NULL, &n,
          NULL) != VK_SUCCESS || n == 0)
    return FALSE;
  ext = g_new0 (VkExtensionProperties, n);
  if (vkEnumerateDeviceExtensionProperties (physical_device, NULL, &n,
          ext) >= VK_SUCCESS)
    for (guint32 i = 0; i < n && !found; i++)
      found = strcmp (ext[i].extensionName, name) == 0;
  g_free (ext);
  return found;
}

/* The extension is enabled on the device; only an alignment that whole
 * pages satisfy is used, as imports are rounded out to it and must not
 * reach an unmapped page. */
static void
init_host_import (GstVkInceptionDevice * dev)
{
  VkPhysicalDeviceExternalMemoryHostPropertiesEXT host = {
    .sType =
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_MEMORY_HOST_PROPERTIES_EXT,
  };
  VkPhysicalDeviceProperties2 props2 = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
    .pNext = &host,
  };
  long page = sysconf (_SC_PAGESIZE);
  VkPhysicalDeviceExternalBufferInfo binfo = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_BUFFER_INFO,
    .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
    .handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT,
  };
  VkExternalBufferProperties bprops = {
    .sType = VK_STRUCTURE_TYPE_EXTERNAL_BUFFER_PROPERTIES,
  };
  VkExternalMemoryFeatureFlags features;

  vkGetPhysicalDeviceProperties2 (dev->physical_device, &props2);
  vkGetPhysicalDeviceExternalBufferProperties (dev->physical_device, &binfo,
      &bprops);
  features = bprops.externalMemoryProperties.externalMemoryFeatures;
  dev->get_host_pointer_props = (PFN_vkGetMemoryHostPointerPropertiesEXT)
      vkGetDeviceProcAddr (dev->device, "vkGetMemoryHostPointerPropertiesEXT");
  /* Storage buffers importable from host pointers, without the dedicated
   * allocation some drivers would ask of them. */
  if (!dev->get_host_pointer_props
      || !(features & VK_EXTERNAL_MEMORY_FEATURE_IMPORTABLE_BIT)
      || (features & VK_EXTERNAL_MEMORY_FEATURE_DEDICATED_ONLY_BIT)
      || host.minImportedHostPointerAlignment == 0 || page <= 0
      || (VkDeviceSize) page % host.minImportedHostPointerAlignment)
    return;
  dev->host_import_align = host.minImportedHostPointerAlignment;
}

static gboolean
device_init_common (GstVkInceptionDevice * dev, GError ** error)
{
  vkGetPhysicalDeviceProperties (dev->physical_device, &dev->props);
  vkGetPhysicalDeviceMemoryProperties (dev->physical_device, &dev->mem_props);
  if (dev->props.apiVersion < VK_API_VERSION_1_1) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_NO_DEVICE,
        "Vulkan device '%s' supports only Vulkan %u.%u; 1.1 is needed",
        dev->props.deviceName, VK_VERSION_MAJOR (dev->props.apiVersion),
        VK_VERSION_MINOR (dev->props.apiVersion));
    return FALSE;
  }
  {
    guint32 n = 0;
    VkQueueFamilyProperties *q;
    vkGetPhysicalDeviceQueueFamilyProperties (dev->physical_device, &n, NULL);
    q = g_new0 (VkQueueFamilyProperties, MAX (n, 1));
    vkGetPhysicalDeviceQueueFamilyProperties (dev->physical_device, &n, q);
    guint32 bits = dev->queue_family < n ?
        q[dev->queue_family].timestampValidBits : 0;
    dev->has_timestamps = bits > 0 && dev->props.limits.timestampPeriod > 0;
    dev->timestamp_mask = bits >= 64 ? G_MAXUINT64 :
        (G_GUINT64_CONSTANT (1) << bits) - 1;
    g_free (q);
  }
  {
    VkPhysicalDeviceSubgroupProperties sub = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES,
    };
    VkPhysicalDeviceProperties2 props2 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
      .pNext = &sub,
    };
    vkGetPhysicalDeviceProperties2 (dev->physical_device, &props2);
    dev->subgroup_size = MAX (sub.subgroupSize, 1);
    dev->has_subgroup_shuffle =
        (sub.supportedOperations & VK_SUBGROUP_FEATURE_SHUFFLE_BIT)
        && (sub.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT);
  }
  dev->has_texel_reads = texel_reads (dev, VK_FORMAT_R32_SFLOAT,
      VK_FORMAT_R32G32B32A32_SFLOAT, VK_FORMAT_FEATURE_UNIFORM_TEXEL_BUFFER_BIT);
  dev->has_texel_reads_fp16 = texel_reads (dev, VK_FORMAT_R16_SFLOAT,
      VK_FORMAT_R16G16B16A16_SFLOAT,
      VK_FORMAT_FEATURE_UNIFORM_TEXEL_BUFFER_BIT);
  dev->has_image_reads = texel_reads (dev, VK_FORMAT_R32_SFLOAT,
      VK_FORMAT_R32G32B32A32_SFLOAT, VK_FORMAT_FEATURE_STORAGE_TEXEL_BUFFER_BIT);
  g_mutex_init (&dev->queue_lock);
  g_mutex_init (&dev->cache_lock);
  dev->locks_ready = TRUE;
  load_pipeline_cache (dev);
  return TRUE;
}

/* One CPU for each thread the driver started since @before was listed
 * (threads.c says why). */
static guint
spread_driver_threads (const GArray * before)
{
  GArray *after = vki_threads_list ();
  guint n = vki_threads_spread (before, after);

  g_debug ("gave %u driver thread(s) a CPU each", n);
  g_clear_pointer (&after, g_array_unref);
  return n;
}

GstVkInceptionDevice *
gst_vk_inception_device_new (const gchar * selector, GError ** error)
{
  GstVkInceptionDevice *dev = g_new0 (GstVkInceptionDevice, 1);
  const float priority = 1.0f;
  VkDeviceQueueCreateInfo qinfo = {
    .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
    .queueCount = 1,
    .pQueuePriorities = &priority,
  };
  VkPhysicalDevice16BitStorageFeatures storage16 = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES,
  };
  VkPhysicalDeviceFeatures2 features = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
    .pNext = &storage16,
  };
  VkPhysicalDevice16BitStorageFeatures enable16 = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES,
    .storageBuffer16BitAccess = VK_TRUE,
  };
  VkPhysicalDeviceShaderFloat16Int8Features float16 = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES,
  };
  VkPhysicalDeviceShaderFloat16Int8Features enable_float16 = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES,
    .shaderFloat16 = VK_TRUE,
  };
  const gchar *extensions[2];
  guint n_extensions = 0;
  gboolean has_float16_ext;
  VkDeviceCreateInfo dinfo = {
    .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
    .queueCreateInfoCount = 1,
    .pQueueCreateInfos = &qinfo,
  };
  VkPhysicalDeviceProperties p;
  gboolean host_import;
  /* Taken before the instance exists: the threads that appear from here to
   * the device are the driver's, given a CPU each if it turns out to be a
   * CPU device. VKINCEPTION_CPU_AFFINITY=0 leaves them to the kernel. */
  GArray *threads_before =
      g_strcmp0 (g_getenv ("VKINCEPTION_CPU_AFFINITY"), "0") == 0 ? NULL :
      vki_threads_list ();

  dev->ref_count = 1;
  dev->owned = TRUE;
  if (!selector)
    selector = g_getenv ("VKINCEPTION_DEVICE");

  if (!create_instance (dev, error) || !select_physical_device (dev, selector,
          error))
    goto fail;

  vkGetPhysicalDeviceProperties (dev->physical_device, &p);
  if (!find_compute_queue (dev->physical_device, &dev->queue_family)) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_NO_DEVICE,
        "Vulkan device '%s' has no compute queue", p.deviceName);
    goto fail;
  }
  qinfo.queueFamilyIndex = dev->queue_family;
  /* Only what the fp16 precisions need, and only where it exists: 16-bit
   * storage buffers (core in 1.1), and for fp16-arithmetic float16
   * arithmetic in shaders (VK_KHR_shader_float16_int8, the instance asks
   * for 1.1). VKINCEPTION_NO_16BIT_STORAGE=1 and VKINCEPTION_NO_FLOAT16=1
   * act as if they did not exist (tests). */
  has_float16_ext = has_device_extension (dev->physical_device,
      VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME);
  if (has_float16_ext)
    storage16.pNext = &float16;
  vkGetPhysicalDeviceFeatures2 (dev->physical_device, &features);
  if (g_strcmp0 (g_getenv ("VKINCEPTION_NO_16BIT_STORAGE"), "1") == 0)
    storage16.storageBuffer16BitAccess = VK_FALSE;
  if (g_strcmp0 (g_getenv ("VKINCEPTION_NO_FLOAT16"), "1") == 0)
    float16.shaderFloat16 = VK_FALSE;
  if (storage16.storageBuffer16BitAccess)
    dinfo.pNext = &enable16;
  if (storage16.storageBuffer16BitAccess && float16.shaderFloat16) {
    enable16.pNext = &enable_float16;
    extensions[n_extensions++] = VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME;
  }
  /* Lets the element read video frames where they lie in host memory.
   * VKINCEPTION_NO_HOST_IMPORT=1 acts as if it did not exist (tests). */
  host_import = has_device_extension (dev->physical_device,
      VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME)
      && g_strcmp0 (g_getenv ("VKINCEPTION_NO_HOST_IMPORT"), "1") != 0;
  if (host_import)
    extensions[n_extensions++] = VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME;
  dinfo.enabledExtensionCount = n_extensions;
  dinfo.ppEnabledExtensionNames = n_extensions ? extensions : NULL;
  if (!vki_result_to_error (vkCreateDevice (dev->physical_device, &dinfo, NULL,
              &dev->device), error, "vkCreateDevice for '%s'", p.deviceName))
    goto fail;
  vkGetDeviceQueue (dev->device, dev->queue_family, 0, &dev->queue);
  if (!device_init_common (dev, error))
    goto fail;
  dev->has_fp16_storage = storage16.storageBuffer16BitAccess;
  dev->has_fp16_arithmetic = enable16.pNext != NULL;
  if (host_import)
    init_host_import (dev);
  if (threads_before && p.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU)
    dev->driver_threads_pinned = spread_driver_threads (threads_before);
  g_clear_pointer (&threads_before, g_array_unref);
  g_debug ("using Vulkan device '%s'", dev->props.deviceName);
  return dev;

fail:
  g_clear_pointer (&threads_before, g_array_unref);
  gst_vk_inception_device_unref (dev);
  return NULL;
}

GstVkInceptionDevice *
gst_vk_inception_device_new_wrapped (VkInstance instance,
    VkPhysicalDevice physical_device, VkDevice device, VkQueue queue,
    guint32 queue_family, GError ** error)
{
  GstVkInceptionDevice *dev;

  if (!instance || !physical_device || !device || !queue) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_FAILED,
        "a wrapped device needs an instance, a physical device, a device "
        "and a queue");
    return NULL;
  }
  dev = g_new0 (GstVkInceptionDevice, 1);
  dev->ref_count = 1;
  dev->owned = FALSE;
  dev->instance = instance;
  dev->physical_device = physical_device;
  dev->device = device;
  dev->queue = queue;
  dev->queue_family = queue_family;
  if (!device_init_common (dev, error)) {
    gst_vk_inception_device_unref (dev);
    return NULL;
  }
  return dev;
}

GstVkInceptionDevice *
gst_vk_inception_device_ref (GstVkInceptionDevice * dev)
{
  g_atomic_int_inc (&dev->ref_count);
  return dev;
}

void
gst_vk_inception_device_unref (GstVkInceptionDevice * dev)
{
  if (!dev || !g_atomic_int_dec_and_test (&dev->ref_count))
    return;

  if (dev->device && dev->pipeline_cache) {
    vki_device_save_pipeline_cache (dev);
    vkDestroyPipelineCache (dev->device, dev->pipeline_cache, NULL);
  }
  g_free (dev->pipeline_cache_path);
  if (dev->owned) {
    if (dev->device)
      vkDestroyDevice (dev->device, NULL);
    if (dev->messenger) {
      PFN_vkDestroyDebugUtilsMessengerEXT destroy =
          (PFN_vkDestroyDebugUtilsMessengerEXT)
          vkGetInstanceProcAddr (dev->instance,
          "vkDestroyDebugUtilsMessengerEXT");
      if (destroy)
        destroy (dev->instance, dev->messenger, NULL);
    }
    if (dev->instance)
      vkDestroyInstance (dev->instance, NULL);
  }
  if (dev->locks_ready) {
    g_mutex_clear (&dev->queue_lock);
    g_mutex_clear (&dev->cache_lock);
  }
  g_free (dev);
}

const gchar *
gst_vk_inception_device_get_name (GstVkInceptionDevice * dev)
{
  return dev->props.deviceName;
}

guint
gst_vk_inception_device_get_validation_messages (GstVkInceptionDevice * dev)
{
  return (guint) g_atomic_int_get (&dev->validation_messages);
}

gchar **
gst_vk_inception_device_list (GError ** error)
{
  GstVkInceptionDevice tmp = { 0 };
  VkPhysicalDevice *devices;
  GPtrArray *out;
  guint32 n;

  if (!create_instance (&tmp, error))
    goto fail;
  if (!enumerate (tmp.instance, &devices, &n, error))
    goto fail;
  out = g_ptr_array_new ();
  for (guint32 i = 0; i < n; i++) {
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties (devices[i], &p);
    g_ptr_array_add (out, g_strdup_printf ("%u: %s (%s, Vulkan %u.%u)", i,
            p.deviceName, device_type_name (p.deviceType),
            VK_VERSION_MAJOR (p.apiVersion), VK_VERSION_MINOR (p.apiVersion)));
  }
  g_ptr_array_add (out, NULL);
  g_free (devices);
  tmp.ref_count = 1;
  tmp.owned = FALSE;
  if (tmp.messenger) {
    PFN_vkDestroyDebugUtilsMessengerEXT destroy =
        (PFN_vkDestroyDebugUtilsMessengerEXT)
        vkGetInstanceProcAddr (tmp.instance, "vkDestroyDebugUtilsMessengerEXT");
    if (destroy)
      destroy (tmp.instance, tmp.messenger, NULL);
  }
  vkDestroyInstance (tmp.instance, NULL);
  return (gchar **) g_ptr_array_free (out, FALSE);

fail:
  if (tmp.instance)
    vkDestroyInstance (tmp.instance, NULL);
  return NULL;
}

gint
vki_device_find_memory_type (GstVkInceptionDevice * dev, guint32 type_bits,
    VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred)
{
  gint best = -1, best_score = -1;

  for (guint32 i = 0; i < dev->mem_props.memoryTypeCount; i++) {
    VkMemoryPropertyFlags f = dev->mem_props.memoryTypes[i].propertyFlags;
    gint score;
    if (!(type_bits & (1u << i)) || (f & required) != required)
      continue;
    score = __builtin_popcount (f & preferred);
    if (score > best_score) {
      best = (gint) i;
      best_score = score;
    }
  }
  return best;
}

gboolean
gst_vk_inception_device_check_precision (GstVkInceptionDevice * dev,
    GstVkInceptionPrecision precision, GError ** error)
{
  switch (precision) {
    case GST_VK_INCEPTION_PRECISION_FP32:
      return TRUE;
    case GST_VK_INCEPTION_PRECISION_FP16:
    case GST_VK_INCEPTION_PRECISION_FP16_ARITHMETIC:
      if (!dev->has_fp16_storage) {
        g_set_error (error, GST_VK_INCEPTION_ERROR,
            GST_VK_INCEPTION_ERROR_UNSUPPORTED,
            "Vulkan device '%s' cannot hold float16 activations (no "
            "storageBuffer16BitAccess%s); use fp32", dev->props.deviceName,
            dev->owned ? "" : ", or a device not created by gst-vkinception");
        return FALSE;
      }
      if (precision == GST_VK_INCEPTION_PRECISION_FP16_ARITHMETIC
          && !dev->has_fp16_arithmetic) {
        g_set_error (error, GST_VK_INCEPTION_ERROR,
            GST_VK_INCEPTION_ERROR_UNSUPPORTED,
            "Vulkan device '%s' cannot compute in float16 (no "
            "shaderFloat16); use fp16 or fp32", dev->props.deviceName);
        return FALSE;
      }
      return TRUE;
    default:
      g_set_error (error, GST_VK_INCEPTION_ERROR,
          GST_VK_INCEPTION_ERROR_UNSUPPORTED, "Unknown precision %d",
          (gint) precision);
      return FALSE;
  }
}

gboolean
gst_vk_inception_device_supports_precision (GstVkInceptionDevice * dev,
    GstVkInceptionPrecision precision)
{
  return gst_vk_inception_device_check_precision (dev, precision, NULL);
}
