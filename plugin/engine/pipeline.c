#include "pipeline.h"
#include "error.h"

#include <string.h>

/* Large enough to keep a SIMD unit busy on every vendor, small enough for
 * the guaranteed minimum limits (128 invocations). */
#define PREFERRED_INVOCATIONS 64u
/* A dispatch with fewer workgroups leaves cores idle: lavapipe runs one
 * workgroup per CPU thread, a GPU one or more per compute unit. */
#define MIN_WORKGROUPS 16u

void
vki_pipeline_choose_local_size (GstVkInceptionDevice * dev, guint dims,
    const guint32 global[3], guint32 local_size[3])
{
  const VkPhysicalDeviceLimits *l = &dev->props.limits;
  guint32 total = MIN (PREFERRED_INVOCATIONS, l->maxComputeWorkGroupInvocations);

  local_size[0] = local_size[1] = local_size[2] = 1;
  if (dims <= 1) {
    local_size[0] = MIN (total, l->maxComputeWorkGroupSize[0]);
  } else {
    /* A square tile keeps neighbouring outputs (which share inputs) in one
     * workgroup. */
    guint32 side = 1;
    while ((side * 2) * (side * 2) <= total)
      side *= 2;
    local_size[0] = MIN (side, l->maxComputeWorkGroupSize[0]);
    local_size[1] = MIN (side, l->maxComputeWorkGroupSize[1]);
  }
  if (global && dims <= 1) {
    guint64 rest = (guint64) MAX (global[1], 1) * MAX (global[2], 1);
    /* On a CPU device straight to the subgroup size, so that there are only
     * two sizes: the workgroup size is a specialization constant, each size
     * one more pipeline, and on llvmpipe one costs about 3 MiB of memory
     * (docs/performance.md). */
    gboolean cpu = dev->props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
    while (local_size[0] / 2 >= dev->subgroup_size
        && ((guint64) global[0] + local_size[0] - 1) / local_size[0] * rest <
        MIN_WORKGROUPS)
      local_size[0] = cpu ? dev->subgroup_size : local_size[0] / 2;
  }
}

gboolean
vki_pipeline_init (VkiPipeline * p, GstVkInceptionDevice * dev,
    const VkiShader * shader, guint n_buffers, guint n_texels, guint n_push,
    const guint32 * spec, guint n_spec, const guint32 local_size[3],
    GError ** error)
{
  VkPushConstantRange push_range = {
    VK_SHADER_STAGE_COMPUTE_BIT, 0, n_push * sizeof (guint32)
  };
  guint n_bindings = n_buffers + n_texels;
  VkDescriptorSetLayoutBinding bindings[VKI_MAX_BINDINGS];
  VkSpecializationMapEntry entries[VKI_MAX_SPEC + 3];
  guint32 values[VKI_MAX_SPEC + 3];
  VkShaderModule module = VK_NULL_HANDLE;
  VkResult res;

  memset (p, 0, sizeof (*p));
  g_return_val_if_fail (n_bindings <= VKI_MAX_BINDINGS, FALSE);
  g_return_val_if_fail (n_spec <= VKI_MAX_SPEC, FALSE);
  p->n_buffers = n_buffers;
  p->n_texels = n_texels;
  p->texel_type = shader->image_reads ?
      VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER :
      VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
  p->n_push = n_push;
  g_return_val_if_fail (n_push <= VKI_MAX_PUSH, FALSE);
  memcpy (p->local_size, local_size, sizeof (p->local_size));

  for (guint i = 0; i < n_bindings; i++) {
    bindings[i] = (VkDescriptorSetLayoutBinding) {
      .binding = i,
      .descriptorType = i < n_buffers ? VK_DESCRIPTOR_TYPE_STORAGE_BUFFER :
          p->texel_type,
      .descriptorCount = 1,
      .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
    };
  }
  {
    VkDescriptorSetLayoutCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
      .bindingCount = n_bindings,
      .pBindings = bindings,
    };
    if (!vki_result_to_error (vkCreateDescriptorSetLayout (dev->device, &info,
                NULL, &p->set_layout), error,
            "vkCreateDescriptorSetLayout for shader '%s'", shader->name))
      goto fail;
  }
  {
    VkPipelineLayoutCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
      .setLayoutCount = 1,
      .pSetLayouts = &p->set_layout,
      .pushConstantRangeCount = n_push ? 1 : 0,
      .pPushConstantRanges = &push_range,
    };
    if (!vki_result_to_error (vkCreatePipelineLayout (dev->device, &info, NULL,
                &p->layout), error, "vkCreatePipelineLayout for shader '%s'",
            shader->name))
      goto fail;
  }
  {
    VkShaderModuleCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
      .codeSize = shader->size,
      .pCode = shader->code,
    };
    if (!vki_result_to_error (vkCreateShaderModule (dev->device, &info, NULL,
                &module), error, "vkCreateShaderModule for shader '%s'",
            shader->name))
      goto fail;
  }

  for (guint i = 0; i < n_spec; i++) {
    entries[i] = (VkSpecializationMapEntry) {
    i, i * sizeof (guint32), sizeof (guint32)};
    values[i] = spec[i];
  }
  for (guint i = 0; i < 3; i++) {
    entries[n_spec + i] = (VkSpecializationMapEntry) {
    VKI_SPEC_LOCAL_SIZE_X + i, (n_spec + i) * sizeof (guint32),
          sizeof (guint32)};
    values[n_spec + i] = local_size[i];
  }
  {
    VkSpecializationInfo sinfo = {
      .mapEntryCount = n_spec + 3,
      .pMapEntries = entries,
      .dataSize = (n_spec + 3) * sizeof (guint32),
      .pData = values,
    };
    VkComputePipelineCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
      .stage = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
            .stage = VK_SHADER_STAGE_COMPUTE_BIT,
            .module = module,
            .pName = "main",
            .pSpecializationInfo = &sinfo,
          },
      .layout = p->layout,
    };
    /* A pipeline cache is internally synchronised: nets on one device
     * (elements sharing it) compile their pipelines side by side. */
    res = vkCreateComputePipelines (dev->device, dev->pipeline_cache, 1, &info,
        NULL, &p->pipeline);
    if (!vki_result_to_error (res, error,
            "vkCreateComputePipelines for shader '%s'", shader->name))
      goto fail;
  }
  vkDestroyShaderModule (dev->device, module, NULL);
  return TRUE;

fail:
  if (module)
    vkDestroyShaderModule (dev->device, module, NULL);
  vki_pipeline_clear (p, dev);
  return FALSE;
}

/* No more threads than this, whatever the host has: pipelines are few,
 * and each compilation holds its own compiler memory meanwhile. */
#define MAX_COMPILE_THREADS 8

typedef struct
{
  GstVkInceptionDevice *dev;
  const VkiPipelineBuild *builds;
  GError **errors;              /* one per build */
  guint n;
  gint next;                    /* atomic: the next build to take */
} Compile;

static gpointer
compile_worker (gpointer data)
{
  Compile *c = data;
  guint i;

  while ((i = (guint) g_atomic_int_add (&c->next, 1)) < c->n) {
    const VkiPipelineBuild *b = &c->builds[i];
    vki_pipeline_init (b->p, c->dev, b->shader, b->n_buffers, b->n_texels,
        b->n_push, b->spec, b->n_spec, b->local_size, &c->errors[i]);
  }
  return NULL;
}

gboolean
vki_pipeline_init_all (GstVkInceptionDevice * dev,
    const VkiPipelineBuild * builds, guint n, GError ** error)
{
  Compile c = { dev, builds, g_new0 (GError *, MAX (n, 1)), n, 0 };
  const gchar *env = g_getenv ("VKINCEPTION_COMPILE_THREADS");
  guint n_threads = env && *env ? (guint) g_ascii_strtoull (env, NULL, 10) :
      (guint) g_get_num_processors ();
  GThread *threads[MAX_COMPILE_THREADS] = { NULL };
  gboolean ok = TRUE;

  n_threads = CLAMP (MIN (n_threads, n), 1, MAX_COMPILE_THREADS);

  /* The calling thread is one of them; a thread that cannot be started
   * leaves its share to the others. */
  for (guint t = 1; t < n_threads; t++)
    threads[t] = g_thread_try_new ("vki-compile", compile_worker, &c, NULL);
  compile_worker (&c);
  for (guint t = 1; t < n_threads; t++)
    if (threads[t])
      g_thread_join (threads[t]);
  for (guint i = 0; i < n; i++) {
    if (c.errors[i] && ok) {
      g_propagate_error (error, c.errors[i]);
      ok = FALSE;
    } else {
      g_clear_error (&c.errors[i]);
    }
  }
  g_free (c.errors);
  return ok;
}

void
vki_pipeline_clear (VkiPipeline * p, GstVkInceptionDevice * dev)
{
  if (p->pipeline)
    vkDestroyPipeline (dev->device, p->pipeline, NULL);
  if (p->layout)
    vkDestroyPipelineLayout (dev->device, p->layout, NULL);
  if (p->set_layout)
    vkDestroyDescriptorSetLayout (dev->device, p->set_layout, NULL);
  memset (p, 0, sizeof (*p));
}

/* The write of one binding of @p: a storage buffer (@buffer) or a texel
 * buffer (@view); both must outlive the vkUpdateDescriptorSets() call. */
static VkWriteDescriptorSet
binding_write (const VkiPipeline * p, VkDescriptorSet set, guint binding,
    const VkDescriptorBufferInfo * buffer, const VkBufferView * view)
{
  return (VkWriteDescriptorSet) {
    .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
    .dstSet = set,
    .dstBinding = binding,
    .descriptorCount = 1,
    .descriptorType = view ? p->texel_type :
        VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
    .pBufferInfo = buffer,
    .pTexelBufferView = view,
  };
}

gboolean
vki_pipeline_alloc_set (VkiPipeline * p, GstVkInceptionDevice * dev,
    VkDescriptorPool pool, const VkBuffer * buffers, const VkBufferView * views,
    VkDescriptorSet * set, GError ** error)
{
  guint n_bindings = p->n_buffers + p->n_texels;
  VkDescriptorSetAllocateInfo ainfo = {
    .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
    .descriptorPool = pool,
    .descriptorSetCount = 1,
    .pSetLayouts = &p->set_layout,
  };
  VkDescriptorBufferInfo binfo[VKI_MAX_BINDINGS];
  VkWriteDescriptorSet writes[VKI_MAX_BINDINGS];

  if (!vki_result_to_error (vkAllocateDescriptorSets (dev->device, &ainfo,
              set), error, "vkAllocateDescriptorSets"))
    return FALSE;
  for (guint i = 0; i < n_bindings; i++) {
    if (i < p->n_buffers) {
      binfo[i] = (VkDescriptorBufferInfo) {
      buffers[i], 0, VK_WHOLE_SIZE};
      writes[i] = binding_write (p, *set, i, &binfo[i], NULL);
    } else {
      writes[i] = binding_write (p, *set, i, NULL, &views[i - p->n_buffers]);
    }
  }
  vkUpdateDescriptorSets (dev->device, n_bindings, writes, 0, NULL);
  return TRUE;
}

void
vki_pipeline_set_buffer (VkiPipeline * p, GstVkInceptionDevice * dev,
    VkDescriptorSet set, guint binding, VkBuffer buffer, VkDeviceSize offset,
    VkDeviceSize range)
{
  VkDescriptorBufferInfo info = { buffer, offset, range };
  VkWriteDescriptorSet write = binding_write (p, set, binding, &info, NULL);

  g_return_if_fail (binding < p->n_buffers);
  vkUpdateDescriptorSets (dev->device, 1, &write, 0, NULL);
}

gboolean
vki_pipeline_group_count (VkiPipeline * p, GstVkInceptionDevice * dev,
    const guint32 global[3], gboolean fold, guint32 groups[3],
    GError ** error)
{
  const guint32 *max = dev->props.limits.maxComputeWorkGroupCount;
  guint64 gx = ((guint64) global[0] + p->local_size[0] - 1) / p->local_size[0];
  /* VKINCEPTION_FOLD_GROUPS=N folds past N workgroups instead of the device
   * limit, so that tests reach the folded indexing with small tensors. */
  const gchar *env = g_getenv ("VKINCEPTION_FOLD_GROUPS");
  guint64 limit = env ? CLAMP (g_ascii_strtoull (env, NULL, 10), 1, max[0]) :
      max[0];

  if (fold && global[1] == 1 && global[2] == 1 && gx > limit) {
    guint64 gy = (gx + limit - 1) / limit;
    groups[0] = (guint32) ((gx + gy - 1) / gy);
    groups[1] = (guint32) MIN (gy, G_MAXUINT32);
    groups[2] = 1;
    if (gy <= max[1])
      return TRUE;
  }
  for (guint i = 0; i < 3; i++) {
    guint64 g = ((guint64) global[i] + p->local_size[i] - 1) / p->local_size[i];
    if (g > dev->props.limits.maxComputeWorkGroupCount[i]) {
      g_set_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_SHAPE,
          "dispatch of %u invocations along axis %u needs %" G_GUINT64_FORMAT
          " workgroups, over the device limit of %u", global[i], i, g,
          dev->props.limits.maxComputeWorkGroupCount[i]);
      return FALSE;
    }
    groups[i] = (guint32) MAX (g, 1);
  }
  return TRUE;
}

void
vki_pipeline_record (VkiPipeline * p, VkCommandBuffer cmd, VkDescriptorSet set,
    const guint32 * push, const guint32 groups[3])
{
  vkCmdBindPipeline (cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->pipeline);
  vkCmdBindDescriptorSets (cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->layout, 0, 1,
      &set, 0, NULL);
  if (p->n_push)
    vkCmdPushConstants (cmd, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
        p->n_push * sizeof (guint32), push);
  vkCmdDispatch (cmd, groups[0], groups[1], groups[2]);
}
