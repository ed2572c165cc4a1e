/* Device selection, wrapping a device made elsewhere, the pipeline cache,
 * pipelines compiled on several threads, the CPU device's threads. */
#ifdef __linux__
#define _GNU_SOURCE             /* sched_getaffinity() of another thread */
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "test-common.h"
#include "device.h"
#include "pipeline.h"
#include "shaders.h"
#include "threads.h"

#include <glib/gstdio.h>
#include <string.h>

static void
test_list (void)
{
  GError *error = NULL;
  gchar **list = gst_vk_inception_device_list (&error);
  g_assert_no_error (error);
  g_assert_nonnull (list);
  g_assert_cmpuint (g_strv_length (list), >=, 1);
  g_assert_true (g_str_has_prefix (list[0], "0: "));
  g_strfreev (list);
}

static void
test_select (void)
{
  GError *error = NULL;
  GstVkInceptionDevice *any = vki_test_device (), *dev;
  gchar *name = g_ascii_strdown (gst_vk_inception_device_get_name (any), -1);
  gchar *word = g_strndup (name, 4);

  dev = gst_vk_inception_device_new ("0", &error);
  g_assert_no_error (error);
  gst_vk_inception_device_unref (dev);

  /* A case-insensitive substring of the name. */
  dev = gst_vk_inception_device_new (word, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gst_vk_inception_device_get_name (dev), ==,
      gst_vk_inception_device_get_name (any));
  gst_vk_inception_device_unref (dev);

  dev = gst_vk_inception_device_new ("99", &error);
  g_assert_null (dev);
  g_assert_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_NO_DEVICE);
  g_assert_nonnull (strstr (error->message, "index 99"));
  g_clear_error (&error);

  dev = gst_vk_inception_device_new ("no such gpu", &error);
  g_assert_null (dev);
  g_assert_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_NO_DEVICE);
  g_assert_nonnull (strstr (error->message, "no such gpu"));
  g_clear_error (&error);
  g_free (word);
  g_free (name);
}

static void
test_env_selector (void)
{
  GError *error = NULL;
  GstVkInceptionDevice *dev;

  g_setenv ("VKINCEPTION_DEVICE", "no such gpu", TRUE);
  dev = gst_vk_inception_device_new (NULL, &error);
  g_unsetenv ("VKINCEPTION_DEVICE");
  g_assert_null (dev);
  g_assert_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_NO_DEVICE);
  g_clear_error (&error);
}

/* A 1x1 convolution with weights 2 and bias 1: y = 2x + 1. */
static VkiTestModel *
affine_model (void)
{
  VkiTestModel *tm = vki_test_model_new (12);
  gint64 x[] = { 1, 1, 3, 3 }, w[] = { 1, 1, 1, 1 }, b[] = { 1 };
  float wv[] = { 2 }, bv[] = { 1 };
  vki_test_model_input (tm, "x", 4, x);
  vki_test_model_initializer (tm, "w", 4, w, wv);
  vki_test_model_initializer (tm, "b", 1, b, bv);
  vki_test_model_node (tm, "Conv", "x,w,b", "y");
  vki_test_model_output (tm, "y");
  return tm;
}

static void
check_affine (GstVkInceptionDevice * dev)
{
  VkiTestModel *tm = affine_model ();
  gsize size;
  guint8 *data = vki_test_model_pack (tm, &size);
  GError *error = NULL;
  GstVkInceptionModel *m =
      gst_vk_inception_model_new_from_data (data, size, "affine.onnx", NULL, 0,
      &error);
  GstVkInceptionNet *net;
  float in[9], out[9];
  const float *ins[] = { in };
  float *outs[] = { out };

  g_assert_no_error (error);
  net = gst_vk_inception_net_new (m, dev, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 9; i++)
    in[i] = (float) i - 4;
  g_assert_true (gst_vk_inception_net_run (net, ins, outs, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 9; i++)
    g_assert_cmpfloat (out[i], ==, 2 * in[i] + 1);
  gst_vk_inception_net_free (net);
  gst_vk_inception_model_free (m);
  g_free (data);
  vki_test_model_free (tm);
}

/* The handles of another Vulkan user (a GstVulkanDevice, say) are used and
 * left alone. */
static void
test_wrapped (void)
{
  VkApplicationInfo app = {
    .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
    .apiVersion = VK_API_VERSION_1_1,
  };
  VkInstanceCreateInfo iinfo = {
    .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
    .pApplicationInfo = &app,
  };
  VkInstance instance;
  VkPhysicalDevice pd;
  guint32 n = 1, family = 0, nq = 0;
  VkQueueFamilyProperties q[16];
  const float prio = 1.0f;
  VkDeviceQueueCreateInfo qinfo = {
    .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
    .queueCount = 1,
    .pQueuePriorities = &prio,
  };
  VkDeviceCreateInfo dinfo = {
    .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
    .queueCreateInfoCount = 1,
    .pQueueCreateInfos = &qinfo,
  };
  VkDevice device;
  VkQueue queue;
  GstVkInceptionDevice *dev;
  GError *error = NULL;

  g_assert_cmpint (vkCreateInstance (&iinfo, NULL, &instance), ==, VK_SUCCESS);
  g_assert_cmpint (vkEnumeratePhysicalDevices (instance, &n, &pd), >=,
      VK_SUCCESS);
  g_assert_cmpuint (n, ==, 1);
  nq = G_N_ELEMENTS (q);
  vkGetPhysicalDeviceQueueFamilyProperties (pd, &nq, q);
  while (family < nq && !(q[family].queueFlags & VK_QUEUE_COMPUTE_BIT))
    family++;
  g_assert_cmpuint (family, <, nq);
  qinfo.queueFamilyIndex = family;
  g_assert_cmpint (vkCreateDevice (pd, &dinfo, NULL, &device), ==, VK_SUCCESS);
  vkGetDeviceQueue (device, family, 0, &queue);

  dev = gst_vk_inception_device_new_wrapped (instance, pd, device, queue,
      family, &error);
  g_assert_no_error (error);
  check_affine (dev);
  gst_vk_inception_device_unref (dev);

  /* Still ours, and still working. */
  g_assert_cmpint (vkDeviceWaitIdle (device), ==, VK_SUCCESS);
  vkDestroyDevice (device, NULL);
  vkDestroyInstance (instance, NULL);

  dev = gst_vk_inception_device_new_wrapped (NULL, NULL, NULL, NULL, 0, &error);
  g_assert_null (dev);
  g_assert_error (error, GST_VK_INCEPTION_ERROR, GST_VK_INCEPTION_ERROR_FAILED);
  g_clear_error (&error);
}

static void
test_pipeline_cache (void)
{
  gchar *dir = g_dir_make_tmp ("vkinception-cache-XXXXXX", NULL);
  gchar *old = g_strdup (g_getenv ("VKINCEPTION_PIPELINE_CACHE"));
  GError *error = NULL;
  GstVkInceptionDevice *dev;
  GDir *d;
  const gchar *entry;
  guint files = 0;

  g_setenv ("VKINCEPTION_PIPELINE_CACHE", dir, TRUE);
  dev = gst_vk_inception_device_new (NULL, &error);
  g_assert_no_error (error);
  check_affine (dev);
  g_assert_cmpuint (gst_vk_inception_device_get_validation_messages (dev), ==,
      0);
  gst_vk_inception_device_unref (dev);

  d = g_dir_open (dir, 0, NULL);
  while ((entry = g_dir_read_name (d))) {
    gchar *path = g_build_filename (dir, entry, NULL);
    GStatBuf st;
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_size, >, 0);
    files++;

    /* A corrupt cache is ignored, not trusted. */
    g_assert_true (g_file_set_contents (path, "garbage", -1, NULL));
    dev = gst_vk_inception_device_new (NULL, &error);
    g_assert_no_error (error);
    check_affine (dev);
    gst_vk_inception_device_unref (dev);
    g_unlink (path);
    g_free (path);
  }
  g_dir_close (d);
  g_assert_cmpuint (files, ==, 1);

  vki_test_restore_env ("VKINCEPTION_PIPELINE_CACHE", old);
  g_rmdir (dir);
  g_free (dir);
}

/* vki_pipeline_init_all() builds each pipeline with its own arguments
 * whatever the number of threads (one, fewer than the pipelines, the
 * default): every one built, with its own workgroup size (the
 * specialization constants differ too, but a VkiPipeline does not keep
 * them to be checked). */
static void
test_pipelines_all (void)
{
  const gchar *threads[] = { "1", "3", NULL };
  GstVkInceptionDevice *dev = vki_test_device ();
  gchar *old = g_strdup (g_getenv ("VKINCEPTION_COMPILE_THREADS"));

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++) {
    enum
    { N = 7 };
    VkiPipeline pipes[N];
    VkiPipelineBuild builds[N];
    guint32 spec[N], local[N][3];
    GError *error = NULL;

    if (threads[t])
      g_setenv ("VKINCEPTION_COMPILE_THREADS", threads[t], TRUE);
    else
      g_unsetenv ("VKINCEPTION_COMPILE_THREADS");
    memset (pipes, 0, sizeof pipes);
    for (guint i = 0; i < N; i++) {
      spec[i] = i + 1;
      local[i][0] = 8u << (i % 3);
      local[i][1] = local[i][2] = 1;
      builds[i] = (VkiPipelineBuild) {
      &pipes[i], &vki_shader_peak_fma, 2, 0, 0, &spec[i], 1, local[i]};
    }
    g_assert_true (vki_pipeline_init_all (dev, builds, N, &error));
    g_assert_no_error (error);
    for (guint i = 0; i < N; i++) {
      g_assert_true (pipes[i].pipeline != VK_NULL_HANDLE);
      g_assert_cmpuint (pipes[i].n_buffers, ==, 2);
      g_assert_cmpuint (pipes[i].local_size[0], ==, local[i][0]);
      vki_pipeline_clear (&pipes[i], dev);
    }
  }
  vki_test_restore_env ("VKINCEPTION_COMPILE_THREADS", old);
  vki_test_assert_no_validation ();
}

#ifdef __linux__
typedef struct
{
  GMutex lock;
  GCond cond;
  gint started;
  gboolean stop;
  pid_t tids[3];
} Sleepers;

static gpointer
sleeper (gpointer data)
{
  Sleepers *s = data;

  g_mutex_lock (&s->lock);
  s->tids[s->started++] = (pid_t) syscall (SYS_gettid);
  g_cond_broadcast (&s->cond);
  while (!s->stop)
    g_cond_wait (&s->cond, &s->lock);
  g_mutex_unlock (&s->lock);
  return NULL;
}

/* The CPUs @tid may run on, in @cpus (CPU_SETSIZE entries); their count. */
static guint
allowed_cpus (pid_t tid, guint * cpus)
{
  cpu_set_t set;
  guint n = 0;

  g_assert_cmpint (sched_getaffinity (tid, sizeof set, &set), ==, 0);
  for (guint c = 0; c < CPU_SETSIZE; c++)
    if (CPU_ISSET (c, &set))
      cpus[n++] = c;
  return n;
}
#endif

/* Threads started between two lists get one CPU each, round robin over the
 * caller's CPUs in the order they started; the others keep theirs. */
static void
test_threads_spread (void)
{
#ifdef __linux__
  static guint mine[CPU_SETSIZE], got[CPU_SETSIZE];
  Sleepers s = { 0 };
  GThread *threads[3];
  GArray *before, *after;
  guint n_mine, pinned;

  g_mutex_init (&s.lock);
  g_cond_init (&s.cond);
  n_mine = allowed_cpus (0, mine);
  before = vki_threads_list ();
  g_assert_nonnull (before);
  /* One at a time, so that their ids are their order of starting. */
  for (guint i = 0; i < 3; i++) {
    threads[i] = g_thread_new ("sleeper", sleeper, &s);
    g_mutex_lock (&s.lock);
    while (s.started <= (gint) i)
      g_cond_wait (&s.cond, &s.lock);
    g_mutex_unlock (&s.lock);
  }
  after = vki_threads_list ();
  g_assert_cmpuint (after->len, ==, before->len + 3);

  pinned = vki_threads_spread (before, after);
  g_assert_cmpuint (pinned, ==, n_mine >= 2 ? 3 : 0);
  for (guint i = 0; i < 3; i++) {
    guint n = allowed_cpus (s.tids[i], got);
    if (n_mine >= 2) {
      g_assert_cmpuint (n, ==, 1);
      g_assert_cmpuint (got[0], ==, mine[i % n_mine]);
    } else {
      g_assert_cmpuint (n, ==, n_mine);
    }
  }
  g_assert_cmpuint (allowed_cpus (0, got), ==, n_mine);
  g_assert_cmpuint (vki_threads_spread (NULL, after), ==, 0);
  g_assert_cmpuint (vki_threads_spread (before, NULL), ==, 0);

  g_mutex_lock (&s.lock);
  s.stop = TRUE;
  g_cond_broadcast (&s.cond);
  g_mutex_unlock (&s.lock);
  for (guint i = 0; i < 3; i++)
    g_thread_join (threads[i]);
  g_array_unref (before);
  g_array_unref (after);
  g_mutex_clear (&s.lock);
  g_cond_clear (&s.cond);
#else
  g_assert_null (vki_threads_list ());
#endif
}

/* On a CPU device the driver's threads are spread, unless
 * VKINCEPTION_CPU_AFFINITY=0; the caller's own CPUs never change. */
static void
test_cpu_threads (void)
{
  GError *error = NULL;
  gchar *old = g_strdup (g_getenv ("VKINCEPTION_CPU_AFFINITY"));
  GstVkInceptionDevice *dev;
  gboolean cpu, several = g_get_num_processors () >= 2;

  /* The default first, whatever the environment the test runs in says. */
  g_unsetenv ("VKINCEPTION_CPU_AFFINITY");
  dev = gst_vk_inception_device_new (NULL, &error);
  g_assert_no_error (error);
  cpu = dev->props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
  /* lavapipe starts a pool of compute threads, one per CPU, while the
   * device is made: at least two here. Other CPU drivers may start theirs
   * later; a GPU's driver threads are left alone. */
  if (cpu && several && strstr (dev->props.deviceName, "llvmpipe"))
    g_assert_cmpuint (dev->driver_threads_pinned, >=, 2);
  else if (!cpu || !several)
    g_assert_cmpuint (dev->driver_threads_pinned, ==, 0);
  gst_vk_inception_device_unref (dev);

  g_setenv ("VKINCEPTION_CPU_AFFINITY", "0", TRUE);
  dev = gst_vk_inception_device_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dev->driver_threads_pinned, ==, 0);
  gst_vk_inception_device_unref (dev);
  vki_test_restore_env ("VKINCEPTION_CPU_AFFINITY", old);
#ifdef __linux__
  {
    static guint cpus[CPU_SETSIZE];
    g_assert_cmpuint (allowed_cpus (0, cpus), ==, g_get_num_processors ());
  }
#endif
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/device/list", test_list);
  g_test_add_func ("/device/select", test_select);
  g_test_add_func ("/device/env-selector", test_env_selector);
  g_test_add_func ("/device/wrapped", test_wrapped);
  g_test_add_func ("/device/pipeline-cache", test_pipeline_cache);
  g_test_add_func ("/device/pipelines-all", test_pipelines_all);
  g_test_add_func ("/device/threads-spread", test_threads_spread);
  g_test_add_func ("/device/cpu-threads", test_cpu_threads);
  return g_test_run ();
}
