/* How fast a compute shader can read memory on this Vulkan device, by
 * access path: the measurements behind conv_tiled.comp (see
 * docs/performance.md). A benchmark tool, not part of the engine.
 *
 *   loads SHADER.spv MODES GROUPS UNITS_PER_INVOCATION
 *
 * Runs MODES pipelines of SHADER.spv (specialization constant 0 = mode),
 * GROUPS workgroups of 64 each, and prints per mode the best of 3 timed
 * submissions and UNITS_PER_INVOCATION x invocations / time (G/s). The
 * shader sees: binding 0 a storage buffer (4M floats, read), 1 a storage
 * buffer (written), 2 a uniform texel buffer over binding 0 as R32F,
 * 3 a uniform buffer (64 KiB of binding 4's memory), 4 a uniform texel
 * buffer over another 4M floats as RGBA32F, 5 a storage texel buffer over
 * binding 1 as RGBA32F (stores.comp's imageStore path). */
#include <vulkan/vulkan.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK(x) do { VkResult r_ = (x); if (r_ != VK_SUCCESS) { \
      fprintf (stderr, "loads: %s failed: %d\n", #x, r_); exit (1); } } while (0)
#define FLOATS (1u << 22)

static VkDevice dev;
static VkPhysicalDevice phys;

static double
now (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static VkBuffer
make_buffer (VkDeviceSize size, VkBufferUsageFlags usage, void **mapped)
{
  VkBufferCreateInfo bi = { VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO, NULL, 0,
    size, usage, VK_SHARING_MODE_EXCLUSIVE, 0, NULL
  };
  VkPhysicalDeviceMemoryProperties mp;
  VkMemoryRequirements req;
  VkMemoryAllocateInfo ai = { VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO };
  VkDeviceMemory mem;
  VkBuffer buf;
  uint32_t t;

  CHECK (vkCreateBuffer (dev, &bi, NULL, &buf));
  vkGetBufferMemoryRequirements (dev, buf, &req);
  vkGetPhysicalDeviceMemoryProperties (phys, &mp);
  for (t = 0; t < mp.memoryTypeCount; t++)
    if ((req.memoryTypeBits & (1u << t)) && (mp.memoryTypes[t].propertyFlags
            & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT))
      break;
  if (t == mp.memoryTypeCount) {
    fprintf (stderr, "loads: no host-visible memory\n");
    exit (1);
  }
  ai.allocationSize = req.size;
  ai.memoryTypeIndex = t;
  CHECK (vkAllocateMemory (dev, &ai, NULL, &mem));
  CHECK (vkBindBufferMemory (dev, buf, mem, 0));
  CHECK (vkMapMemory (dev, mem, 0, VK_WHOLE_SIZE, 0, mapped));
  return buf;
}

static VkBufferView
make_view (VkBuffer buf, VkFormat format)
{
  VkBufferViewCreateInfo vi = { VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO,
    NULL, 0, buf, format, 0, VK_WHOLE_SIZE
  };
  VkBufferView view;
  CHECK (vkCreateBufferView (dev, &vi, NULL, &view));
  return view;
}

int
main (int argc, char **argv)
{
  const VkDescriptorType types[6] = { VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
    VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
    VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER,
    VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER
  };
  VkApplicationInfo app = { VK_STRUCTURE_TYPE_APPLICATION_INFO, NULL, "loads",
    0, NULL, 0, VK_API_VERSION_1_1
  };
  VkInstanceCreateInfo ii = { VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, NULL, 0,
    &app
  };
  float priority = 1;
  VkDeviceQueueCreateInfo qi = { VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
    NULL, 0, 0, 1, &priority
  };
  VkDeviceCreateInfo di = { VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, NULL, 0, 1,
    &qi
  };
  VkDescriptorSetLayoutBinding lb[6];
  VkDescriptorPoolSize ps[4] = { {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2},
  {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 2},
  {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1},
  {VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, 1}
  };
  VkWriteDescriptorSet wr[6];
  VkDescriptorBufferInfo bi[6];
  VkBufferView views[6];
  VkInstance inst;
  VkQueue queue;
  VkDescriptorSetLayout sl;
  VkPipelineLayout pl;
  VkDescriptorPool pool;
  VkDescriptorSet set;
  VkShaderModule module;
  VkCommandPool cpool;
  VkBuffer in, out, w;
  float *pin, *pout, *pw;
  uint32_t n = 1, modes, groups;
  double units;
  long size;
  uint32_t *code;
  FILE *f;

  if (argc != 5) {
    fprintf (stderr, "usage: loads SHADER.spv MODES GROUPS UNITS\n");
    return 1;
  }
  modes = atoi (argv[2]);
  groups = atoi (argv[3]);
  units = atof (argv[4]);
  f = fopen (argv[1], "rb");
  if (!f) {
    fprintf (stderr, "loads: cannot open %s\n", argv[1]);
    return 1;
  }
  fseek (f, 0, SEEK_END);
  size = ftell (f);
  rewind (f);
  code = malloc (size);
  if (fread (code, 1, size, f) != (size_t) size) {
    fprintf (stderr, "loads: cannot read %s\n", argv[1]);
    return 1;
  }
  fclose (f);

  CHECK (vkCreateInstance (&ii, NULL, &inst));
  CHECK (vkEnumeratePhysicalDevices (inst, &n, &phys));
  CHECK (vkCreateDevice (phys, &di, NULL, &dev));
  vkGetDeviceQueue (dev, 0, 0, &queue);

  in = make_buffer (FLOATS * 4, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
      VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT, (void **) &pin);
  out = make_buffer (FLOATS * 4, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
      VK_BUFFER_USAGE_STORAGE_TEXEL_BUFFER_BIT, (void **) &pout);
  w = make_buffer (FLOATS * 4, VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT |
      VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT, (void **) &pw);
  for (uint32_t i = 0; i < FLOATS; i++) {
    pin[i] = (i % 17) * 0.01f;
    pw[i] = (i % 13) * 0.01f;
  }
  views[2] = make_view (in, VK_FORMAT_R32_SFLOAT);
  views[4] = make_view (w, VK_FORMAT_R32G32B32A32_SFLOAT);
  views[5] = make_view (out, VK_FORMAT_R32G32B32A32_SFLOAT);

  for (uint32_t i = 0; i < 6; i++)
    lb[i] = (VkDescriptorSetLayoutBinding) {
    i, types[i], 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL};
  {
    VkDescriptorSetLayoutCreateInfo li = {
    VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO, NULL, 0, 6, lb};
    VkPipelineLayoutCreateInfo pli = {
    VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO, NULL, 0, 1, &sl};
    VkDescriptorPoolCreateInfo dpi = {
    VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO, NULL, 0, 1, 4, ps};
    VkDescriptorSetAllocateInfo dai = {
    VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO, NULL, 0, 1, &sl};
    CHECK (vkCreateDescriptorSetLayout (dev, &li, NULL, &sl));
    pli.pSetLayouts = &sl;
    CHECK (vkCreatePipelineLayout (dev, &pli, NULL, &pl));
    CHECK (vkCreateDescriptorPool (dev, &dpi, NULL, &pool));
    dai.descriptorPool = pool;
    dai.pSetLayouts = &sl;
    CHECK (vkAllocateDescriptorSets (dev, &dai, &set));
  }
  bi[0] = (VkDescriptorBufferInfo) {
  in, 0, VK_WHOLE_SIZE};
  bi[1] = (VkDescriptorBufferInfo) {
  out, 0, VK_WHOLE_SIZE};
  bi[3] = (VkDescriptorBufferInfo) {
  w, 0, 65536};
  for (uint32_t i = 0; i < 6; i++) {
    wr[i] = (VkWriteDescriptorSet) {
    VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, NULL, set, i, 0, 1, types[i]};
    if (types[i] == VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER
        || types[i] == VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER)
      wr[i].pTexelBufferView = &views[i];
    else
      wr[i].pBufferInfo = &bi[i];
  }
  vkUpdateDescriptorSets (dev, 6, wr, 0, NULL);

  {
    VkShaderModuleCreateInfo smi = {
    VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO, NULL, 0, size, code};
    VkCommandPoolCreateInfo cpi = {
    VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO, NULL, 0, 0};
    CHECK (vkCreateShaderModule (dev, &smi, NULL, &module));
    CHECK (vkCreateCommandPool (dev, &cpi, NULL, &cpool));
  }

  for (uint32_t mode = 0; mode < modes; mode++) {
    VkSpecializationMapEntry me = { 0, 0, 4 };
    VkSpecializationInfo si = { 1, &me, 4, &mode };
    VkComputePipelineCreateInfo ci = {
      VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO, NULL, 0,
      {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, NULL, 0,
          VK_SHADER_STAGE_COMPUTE_BIT, module, "main", &si}, pl
    };
    VkCommandBufferAllocateInfo cai = {
    VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO, NULL, cpool, 0, 1};
    VkCommandBufferBeginInfo begin = {
    VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    VkPipeline pipe;
    VkCommandBuffer cmd;
    double best = 1e30;

    CHECK (vkCreateComputePipelines (dev, VK_NULL_HANDLE, 1, &ci, NULL,
            &pipe));
    CHECK (vkAllocateCommandBuffers (dev, &cai, &cmd));
    CHECK (vkBeginCommandBuffer (cmd, &begin));
    vkCmdBindPipeline (cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipe);
    vkCmdBindDescriptorSets (cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pl, 0, 1,
        &set, 0, NULL);
    vkCmdDispatch (cmd, groups, 1, 1);
    CHECK (vkEndCommandBuffer (cmd));
    /* The first submission compiles (llvmpipe); the best of the next 3. */
    for (int rep = 0; rep < 4; rep++) {
      VkSubmitInfo s = { VK_STRUCTURE_TYPE_SUBMIT_INFO, NULL, 0, NULL, NULL,
        1, &cmd
      };
      double t0 = now (), t;
      CHECK (vkQueueSubmit (queue, 1, &s, VK_NULL_HANDLE));
      CHECK (vkQueueWaitIdle (queue));
      t = now () - t0;
      if (rep > 0 && t < best)
        best = t;
    }
    printf ("mode %u: %.2f ms, %.2f G/s (checksum %g)\n", mode, best * 1e3,
        units * groups * 64 / best / 1e9, pout[0]);
  }
  return 0;
}
