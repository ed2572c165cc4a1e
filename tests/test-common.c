#include "test-common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static GstVkInceptionDevice *device;

static void
release_device (void)
{
  if (device) {
    vki_test_assert_no_validation ();
    gst_vk_inception_device_unref (device);
    device = NULL;
  }
}

GstVkInceptionDevice *
vki_test_device (void)
{
  if (!device) {
    GError *error = NULL;
    device = gst_vk_inception_device_new (NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (device);
    atexit (release_device);
  }
  return device;
}

void
vki_test_assert_no_validation (void)
{
  if (device)
    g_assert_cmpuint (gst_vk_inception_device_get_validation_messages (device),
        ==, 0);
}

static gint validation_printed;
static GPrintFunc previous_printerr;

static void
watch_printerr (const gchar * text)
{
  if (strstr (text, "Vulkan validation"))
    g_atomic_int_inc (&validation_printed);
  if (previous_printerr)
    previous_printerr (text);
  else
    fputs (text, stderr);
}

void
vki_test_watch_validation (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    previous_printerr = g_set_printerr_handler (watch_printerr);
    g_once_init_leave (&done, 1);
  }
}

guint
vki_test_validation_printed (void)
{
  return (guint) g_atomic_int_get (&validation_printed);
}

float *
vki_test_random (guint32 seed, gsize n, float lo, float hi)
{
  GRand *r = g_rand_new_with_seed (seed);
  float *v = g_new (float, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    v[i] = (float) g_rand_double_range (r, lo, hi);
  g_rand_free (r);
  return v;
}

double
vki_test_rel_error (const double *ref, const float *got, gsize n)
{
  double max_ref = 0, max_err = 0;
  for (gsize i = 0; i < n; i++) {
    double e = fabs ((double) got[i] - ref[i]);
    if (isnan (got[i]))
      return INFINITY;
    max_ref = MAX (max_ref, fabs (ref[i]));
    max_err = MAX (max_err, e);
  }
  return max_ref > 0 ? max_err / max_ref : max_err;
}

GstVkInceptionPrecision
vki_test_precision (void)
{
  const gchar *p = g_getenv ("VKINCEPTION_TEST_PRECISION");

  if (g_strcmp0 (p, "fp16") == 0)
    return GST_VK_INCEPTION_PRECISION_FP16;
  if (g_strcmp0 (p, "fp16a") == 0)
    return GST_VK_INCEPTION_PRECISION_FP16_ARITHMETIC;
  return GST_VK_INCEPTION_PRECISION_FP32;
}

GstVkInceptionNet *
vki_test_net (VkiTestModel * tm, const GstVkInceptionShape * shapes,
    GError ** error)
{
  gsize size;
  guint8 *data = vki_test_model_pack (tm, &size);
  GstVkInceptionModel *m;
  GstVkInceptionNet *net = NULL;

  m = gst_vk_inception_model_new_from_data (data, size, "test.onnx", NULL, 0,
      error);
  g_free (data);
  if (m)
    net = gst_vk_inception_net_new_full (m, vki_test_device (), shapes,
        vki_test_precision (), error);
  gst_vk_inception_model_free (m);
  return net;
}

float *
vki_test_run1 (GstVkInceptionNet * net, const float *input)
{
  GstVkInceptionShape s;
  GError *error = NULL;
  float *out;
  gint64 n;

  gst_vk_inception_net_get_output_shape (net, 0, &s);
  n = 1;
  for (guint i = 0; i < s.rank; i++)
    n *= s.dims[i];
  out = g_new0 (float, MAX (n, 1));
  g_assert_true (gst_vk_inception_net_run (net, &input, &out, &error));
  g_assert_no_error (error);
  vki_test_assert_no_validation ();
  return out;
}

GstVkInceptionShape
vki_test_shape (guint rank, ...)
{
  GstVkInceptionShape s = { rank, {0} };
  va_list args;
  va_start (args, rank);
  for (guint i = 0; i < rank; i++)
    s.dims[i] = va_arg (args, gint64);
  va_end (args);
  return s;
}

void
vki_test_restore_env (const gchar * name, gchar * saved)
{
  if (saved)
    g_setenv (name, saved, TRUE);
  else
    g_unsetenv (name);
  g_free (saved);
}
