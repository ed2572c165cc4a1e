/* The one place that creates Vulkan compute pipelines. An op describes its
 * shader, how many storage buffers and uniform texel buffers it binds, its
 * specialization constants and its dispatch size; everything else happens
 * here. */
#ifndef VKI_PIPELINE_H
#define VKI_PIPELINE_H

#include "device.h"

G_BEGIN_DECLS

/* SPIR-V embedded at build time (see shaders/meson.build). */
typedef struct _VkiShader VkiShader;
struct _VkiShader
{
  const gchar *name;
  const guint32 *code;
  gsize size;                   /* bytes */
  const VkiShader *fp16;        /* the build with float16 activations
                                 * (<name>_fp16), NULL if none */
  const VkiShader *fp16a;       /* the build with float16 activations and
                                 * arithmetic (<name>_fp16a), NULL if none */
  const VkiShader *image;       /* the build that reads the texel views as
                                 * storage texel buffers (<name>_img), NULL
                                 * if none */
  gboolean image_reads;         /* this is such a build: its texel bindings
                                 * are storage texel buffers */
};

/* Specialization constant ids 0..n-1 are the op's parameters; the workgroup
 * size uses these three ids (local_size_x_id etc. in the shaders). */
#define VKI_SPEC_LOCAL_SIZE_X 100
#define VKI_SPEC_LOCAL_SIZE_Y 101
#define VKI_SPEC_LOCAL_SIZE_Z 102
#define VKI_MAX_SPEC 48
#define VKI_MAX_BINDINGS 6
/* 32-bit push constants an op may pass per dispatch (the guaranteed
 * maxPushConstantsSize is 128 bytes). */
#define VKI_MAX_PUSH 16

typedef struct
{
  VkDescriptorSetLayout set_layout;
  VkPipelineLayout layout;
  VkPipeline pipeline;
  guint n_buffers;              /* storage buffers: bindings 0.. */
  guint n_texels;               /* texel buffers: the next ones */
  VkDescriptorType texel_type;  /* uniform, or storage where the shader
                                 * reads them with imageLoad */
  guint n_push;                 /* 32-bit push constants */
  guint32 local_size[3];
} VkiPipeline;

/* Workgroup size for a dispatch over @dims dimensions (1 to 3), within the
 * device's limits. With @global (invocations, may be NULL), a 1-D
 * workgroup shrinks, down to the subgroup size, until the dispatch has
 * enough workgroups to occupy every core or compute unit. */
void vki_pipeline_choose_local_size (GstVkInceptionDevice * dev, guint dims,
    const guint32 global[3], guint32 local_size[3]);

/* Bindings 0 to @n_buffers - 1 are storage buffers, the @n_texels after
 * them uniform texel buffers (storage texel buffers for a shader with
 * image_reads). */
gboolean vki_pipeline_init (VkiPipeline * p, GstVkInceptionDevice * dev,
    const VkiShader * shader, guint n_buffers, guint n_texels, guint n_push,
    const guint32 * spec, guint n_spec, const guint32 local_size[3],
    GError ** error);

/* The arguments of one vki_pipeline_init(), for vki_pipeline_init_all(). */
typedef struct
{
  VkiPipeline *p;
  const VkiShader *shader;
  guint n_buffers, n_texels, n_push;
  const guint32 *spec;
  guint n_spec;
  const guint32 *local_size;
} VkiPipelineBuild;

/* vki_pipeline_init() for each of @builds, on up to as many threads as the
 * host has CPUs: a driver compiles on the calling thread, and on llvmpipe a
 * pipeline takes 0.05 to 0.2 s. FALSE with the first error in @builds'
 * order; the pipelines built stay built, for the caller's mirror to clear,
 * and the others are zeroed. */
gboolean vki_pipeline_init_all (GstVkInceptionDevice * dev,
    const VkiPipelineBuild * builds, guint n, GError ** error);

/* Mirror of vki_pipeline_init(); safe on a zeroed pipeline. */
void vki_pipeline_clear (VkiPipeline * p, GstVkInceptionDevice * dev);

/* Allocates a descriptor set from @pool and points the storage-buffer
 * bindings at buffers[i] (whole buffer) and the texel-buffer bindings at
 * views[i] (NULL when there are none). */
gboolean vki_pipeline_alloc_set (VkiPipeline * p, GstVkInceptionDevice * dev,
    VkDescriptorPool pool, const VkBuffer * buffers, const VkBufferView * views,
    VkDescriptorSet * set, GError ** error);

/* Points storage-buffer @binding of @set at @range bytes of @buffer from
 * @offset (a multiple of minStorageBufferOffsetAlignment). The set must not
 * be in use by recorded or pending work. */
void vki_pipeline_set_buffer (VkiPipeline * p, GstVkInceptionDevice * dev,
    VkDescriptorSet set, guint binding, VkBuffer buffer, VkDeviceSize offset,
    VkDeviceSize range);

/* Workgroup counts covering @global invocations; fails when they exceed the
 * device's maxComputeWorkGroupCount. With @fold, a 1-D dispatch whose
 * shader indexes y * (groups x * size x) + x spreads over y instead. */
gboolean vki_pipeline_group_count (VkiPipeline * p, GstVkInceptionDevice * dev,
    const guint32 global[3], gboolean fold, guint32 groups[3],
    GError ** error);

/* Binds, pushes @push (p->n_push values; NULL when there are none) and
 * dispatches. */
void vki_pipeline_record (VkiPipeline * p, VkCommandBuffer cmd,
    VkDescriptorSet set, const guint32 * push, const guint32 groups[3]);

G_END_DECLS

#endif
