/* Device peak: what the selected device can do at best, measured with two
 * microbenchmark shaders, so that layer timings can be read as a fraction of
 * it (tools/bench, docs/performance.md).
 *
 *   arithmetic  shaders/peak_fma.comp: long chains of independent vec4
 *               multiply-adds, enough invocations to fill the device;
 *   memory      shaders/peak_copy.comp: one large device buffer copied into
 *               another (bytes read plus bytes written per second).
 *
 * Each is dispatched REPS times in one command buffer, REPS chosen so that a
 * measurement lasts at least MIN_MEASURE_MS, and the best of MEASURE_RUNS
 * measurements is kept. Device time comes from timestamp queries where the
 * queue has them, else from the wall clock around submit and wait. */
#include "buffer.h"
#include "error.h"
#include "pipeline.h"
#include "shaders.h"

#include <math.h>
#include <string.h>

/* Must match NACC in shaders/peak_fma.comp. */
#define PEAK_FMA_CHAINS 8
#define FLOPS_PER_VEC4_FMA 8.0
/* Rounds per invocation and dispatch: long enough that one dispatch is far
 * above launch and barrier costs, short enough that a CPU device finishes
 * one in a few milliseconds. */
#define FMA_ITERS_CPU 256u
#define FMA_ITERS_GPU 1024u
/* Invocations per dispatch. A GPU needs hundreds of thousands resident to be
 * full (an H100 holds 132 x 2048); a CPU device needs a few workgroups per
 * thread. */
#define FMA_INVOCATIONS_CPU (1u << 16)
#define FMA_INVOCATIONS_GPU (1u << 21)
#define COPY_INVOCATIONS_CPU (1u << 14)
#define COPY_INVOCATIONS_GPU (1u << 20)
/* Copy size: 256 MiB, far beyond any cache, unless the device says less
 * (maxStorageBufferRange, or an eighth of the device-local heap for the
 * two buffers). */
#define COPY_MAX_BYTES ((VkDeviceSize) 256 << 20)
#define COPY_MIN_BYTES ((VkDeviceSize) 1 << 20)
#define COPY_WORD 16            /* one uvec4 */

#define MIN_MEASURE_MS 50.0
#define TARGET_MEASURE_MS 100.0
#define MEASURE_RUNS 3
#define MAX_REPS 4096u

/* a = 1 - b keeps every chain bounded; the seed spreads the start values. */
#define FMA_A 0.999f
#define FMA_B 0.001f
#define FMA_SEED 1e-6f

typedef struct
{
  GstVkInceptionDevice *dev;
  VkCommandPool pool;
  VkCommandBuffer cmd;
  VkFence fence;
  VkQueryPool queries;          /* VK_NULL_HANDLE: wall clock */
  VkDescriptorPool desc_pool;
} Bench;

static void
bench_clear (Bench * b)
{
  VkDevice device = b->dev->device;

  if (b->desc_pool)
    vkDestroyDescriptorPool (device, b->desc_pool, NULL);
  if (b->queries)
    vkDestroyQueryPool (device, b->queries, NULL);
  if (b->fence)
    vkDestroyFence (device, b->fence, NULL);
  if (b->pool)
    vkDestroyCommandPool (device, b->pool, NULL);
  memset (b, 0, sizeof (*b));
}

static gboolean
bench_init (Bench * b, GstVkInceptionDevice * dev, GError ** error)
{
  VkCommandPoolCreateInfo pinfo = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
    .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
    .queueFamilyIndex = dev->queue_family,
  };
  VkCommandBufferAllocateInfo cinfo = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
    .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
    .commandBufferCount = 1,
  };
  VkFenceCreateInfo finfo = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
  VkDescriptorPoolSize size = { VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 4 };
  VkDescriptorPoolCreateInfo dinfo = {
    .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
    .maxSets = 2,
    .poolSizeCount = 1,
    .pPoolSizes = &size,
  };

  memset (b, 0, sizeof (*b));
  b->dev = dev;
  if (!vki_result_to_error (vkCreateCommandPool (dev->device, &pinfo, NULL,
              &b->pool), error, "vkCreateCommandPool"))
    return FALSE;
  cinfo.commandPool = b->pool;
  if (!vki_result_to_error (vkAllocateCommandBuffers (dev->device, &cinfo,
              &b->cmd), error, "vkAllocateCommandBuffers")
      || !vki_result_to_error (vkCreateFence (dev->device, &finfo, NULL,
              &b->fence), error, "vkCreateFence")
      || !vki_result_to_error (vkCreateDescriptorPool (dev->device, &dinfo,
              NULL, &b->desc_pool), error, "vkCreateDescriptorPool"))
    return FALSE;
  if (dev->has_timestamps) {
    VkQueryPoolCreateInfo qinfo = {
      .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
      .queryType = VK_QUERY_TYPE_TIMESTAMP,
      .queryCount = 2,
    };
    if (!vki_result_to_error (vkCreateQueryPool (dev->device, &qinfo, NULL,
                &b->queries), error, "vkCreateQueryPool"))
      return FALSE;
  }
  return TRUE;
}

/* Runs @reps dispatches of @p back to back (a barrier between each, as the
 * network has between levels) and returns their total time in @ms. */
static gboolean
bench_time (Bench * b, VkiPipeline * p, VkDescriptorSet set,
    const guint32 groups[3], guint reps, double *ms, GError ** error)
{
  VkCommandBufferBeginInfo begin = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
    .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
  };
  VkMemoryBarrier barrier = {
    .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
    .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
    .dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT,
  };
  GstVkInceptionDevice *dev = b->dev;
  gint64 start;
  double wall_ms;

  if (!vki_result_to_error (vkBeginCommandBuffer (b->cmd, &begin), error,
          "vkBeginCommandBuffer"))
    return FALSE;
  if (b->queries) {
    vkCmdResetQueryPool (b->cmd, b->queries, 0, 2);
    vkCmdWriteTimestamp (b->cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
        b->queries, 0);
  }
  for (guint r = 0; r < reps; r++) {
    if (r > 0)
      vkCmdPipelineBarrier (b->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
          VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &barrier, 0, NULL, 0,
          NULL);
    vki_pipeline_record (p, b->cmd, set, NULL, groups);
  }
  if (b->queries)
    vkCmdWriteTimestamp (b->cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT,
        b->queries, 1);
  if (!vki_result_to_error (vkEndCommandBuffer (b->cmd), error,
          "vkEndCommandBuffer"))
    return FALSE;

  start = g_get_monotonic_time ();
  if (!vki_device_submit_and_wait (dev, &b->cmd, 1, b->fence, error))
    return FALSE;
  wall_ms = (g_get_monotonic_time () - start) / 1000.0;
  *ms = wall_ms;

  if (b->queries) {
    guint64 stamps[2] = { 0, 0 };
    VkResult res = vkGetQueryPoolResults (dev->device, b->queries, 0, 2,
        sizeof (stamps), stamps, sizeof (guint64),
        VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
    if (!vki_result_to_error (res, error, "vkGetQueryPoolResults"))
      return FALSE;
    {
      guint64 mask = dev->timestamp_mask;
      guint64 dt = ((stamps[1] & mask) - (stamps[0] & mask)) & mask;
      double dev_ms = dt * (double) dev->props.limits.timestampPeriod / 1e6;
      /* A queue whose stamps do not advance gives 0: keep the wall clock. */
      if (dev_ms > 0)
        *ms = dev_ms;
    }
  }
  return TRUE;
}

/* Picks the number of dispatches so that a measurement lasts at least
 * MIN_MEASURE_MS (the first, short run doubles as warm-up), then returns the
 * best time per dispatch over MEASURE_RUNS measurements. */
static gboolean
bench_best (Bench * b, VkiPipeline * p, VkDescriptorSet set,
    const guint32 groups[3], const gchar * what, double *ms_per_rep,
    GError ** error)
{
  guint reps = 1;
  double ms = 0, best = G_MAXDOUBLE;

  for (;;) {
    guint64 want;
    if (!bench_time (b, p, set, groups, reps, &ms, error))
      return FALSE;
    if (ms >= MIN_MEASURE_MS || reps >= MAX_REPS)
      break;
    want = (guint64) ceil (reps * TARGET_MEASURE_MS / MAX (ms, 1e-3));
    reps = (guint) MIN (MAX (want, (guint64) reps * 2), MAX_REPS);
  }
  for (guint i = 0; i < MEASURE_RUNS; i++) {
    if (!bench_time (b, p, set, groups, reps, &ms, error))
      return FALSE;
    best = MIN (best, ms / reps);
  }
  g_debug ("peak %s: %u dispatches per measurement, best %.4f ms each (%s)",
      what, reps, best, b->queries ? "timestamps" : "wall clock");
  *ms_per_rep = best;
  return TRUE;
}

static gboolean
is_cpu (GstVkInceptionDevice * dev)
{
  return dev->props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
}

static gboolean
measure_fma (Bench * b, double *gflops, GError ** error)
{
  GstVkInceptionDevice *dev = b->dev;
  const float params[4] = { FMA_A, FMA_B, FMA_SEED, 0 };
  guint32 iters = is_cpu (dev) ? FMA_ITERS_CPU : FMA_ITERS_GPU;
  guint32 invocations = is_cpu (dev) ? FMA_INVOCATIONS_CPU :
      FMA_INVOCATIONS_GPU;
  guint32 global[3] = { invocations, 1, 1 }, groups[3], local[3];
  VkiBuffer in = { 0 }, out = { 0 };
  VkiPipeline pipe = { 0 };
  VkDescriptorSet set;
  double ms;
  gboolean ok = FALSE;

  vki_pipeline_choose_local_size (dev, 1, NULL, local);
  if (!vki_buffer_init (&in, dev, sizeof (params), VKI_BUFFER_DEVICE, error)
      || !vki_buffer_upload (&in, dev, 0, params, sizeof (params), error)
      || !vki_buffer_init (&out, dev, (VkDeviceSize) invocations * 4,
          VKI_BUFFER_DEVICE, error)
      || !vki_pipeline_init (&pipe, dev, &vki_shader_peak_fma, 2, 0, 0, &iters, 1,
          local, error)
      || !vki_pipeline_alloc_set (&pipe, dev, b->desc_pool,
          (VkBuffer[]) { in.buffer, out.buffer }, NULL, &set, error)
      || !vki_pipeline_group_count (&pipe, dev, global, FALSE, groups, error))
    goto out;
  if (!bench_best (b, &pipe, set, groups, "fma", &ms, error))
    goto out;
  {
    double invoked = (double) groups[0] * pipe.local_size[0];
    double flops = invoked * iters * PEAK_FMA_CHAINS * FLOPS_PER_VEC4_FMA;
    *gflops = flops / (ms * 1e6);
  }
  ok = TRUE;
out:
  vki_pipeline_clear (&pipe, dev);
  vki_buffer_clear (&out, dev);
  vki_buffer_clear (&in, dev);
  return ok;
}

/* The largest device-local heap (heap 0 if none is marked so). */
static VkDeviceSize
device_heap_size (GstVkInceptionDevice * dev)
{
  VkDeviceSize size = 0;

  for (guint i = 0; i < dev->mem_props.memoryHeapCount; i++)
    if (dev->mem_props.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
      size = MAX (size, dev->mem_props.memoryHeaps[i].size);
  if (size == 0 && dev->mem_props.memoryHeapCount > 0)
    size = dev->mem_props.memoryHeaps[0].size;
  return size;
}

static gboolean
measure_copy (Bench * b, double *gbytes_per_s, GError ** error)
{
  GstVkInceptionDevice *dev = b->dev;
  VkDeviceSize bytes = MIN (COPY_MAX_BYTES,
      (VkDeviceSize) dev->props.limits.maxStorageBufferRange);
  guint32 invocations = is_cpu (dev) ? COPY_INVOCATIONS_CPU :
      COPY_INVOCATIONS_GPU;
  guint32 global[3], groups[3], local[3], words;
  VkiBuffer src = { 0 }, dst = { 0 };
  VkiPipeline pipe = { 0 };
  VkDescriptorSet set;
  double ms;
  gboolean ok = FALSE;

  bytes = MIN (bytes, device_heap_size (dev) / 8);
  bytes -= bytes % COPY_WORD;
  if (bytes < COPY_MIN_BYTES) {
    g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_TOO_LARGE,
        "'%s' cannot hold two %u MiB buffers for the bandwidth test",
        dev->props.deviceName, (guint) (COPY_MIN_BYTES >> 20));
    return FALSE;
  }
  words = (guint32) (bytes / COPY_WORD);
  global[0] = MIN (invocations, words);
  global[1] = global[2] = 1;

  vki_pipeline_choose_local_size (dev, 1, NULL, local);
  if (!vki_buffer_init (&src, dev, bytes, VKI_BUFFER_DEVICE, error)
      || !vki_buffer_init (&dst, dev, bytes, VKI_BUFFER_DEVICE, error)
      || !vki_pipeline_init (&pipe, dev, &vki_shader_peak_copy, 2, 0, 0, &words, 1,
          local, error)
      || !vki_pipeline_alloc_set (&pipe, dev, b->desc_pool,
          (VkBuffer[]) { src.buffer, dst.buffer }, NULL, &set, error)
      || !vki_pipeline_group_count (&pipe, dev, global, FALSE, groups, error))
    goto out;
  if (!bench_best (b, &pipe, set, groups, "copy", &ms, error))
    goto out;
  /* Read and written: twice the buffer per copy. */
  *gbytes_per_s = 2.0 * bytes / (ms * 1e6);
  g_debug ("peak copy: %" G_GUINT64_FORMAT " bytes", (guint64) bytes);
  ok = TRUE;
out:
  vki_pipeline_clear (&pipe, dev);
  vki_buffer_clear (&dst, dev);
  vki_buffer_clear (&src, dev);
  return ok;
}

gboolean
gst_vk_inception_device_measure_peak (GstVkInceptionDevice * dev,
    double *gflops, double *gbytes_per_s, GError ** error)
{
  Bench b;
  double f = 0, bw = 0;
  gboolean ok;

  g_return_val_if_fail (dev != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = bench_init (&b, dev, error)
      && measure_fma (&b, &f, error)
      && measure_copy (&b, &bw, error);
  if (b.dev)
    bench_clear (&b);
  if (!ok)
    return FALSE;
  if (gflops)
    *gflops = f;
  if (gbytes_per_s)
    *gbytes_per_s = bw;
  return TRUE;
}
