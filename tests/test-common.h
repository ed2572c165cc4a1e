/* Helpers shared by the engine tests. */
#ifndef VKI_TEST_COMMON_H
#define VKI_TEST_COMMON_H

#include <gst/vkinception/engine.h>
#include "onnx-builder.h"

G_BEGIN_DECLS

/* The device every test in the process shares, created on first use (the
 * tests run with VKINCEPTION_VALIDATION=1, see tests/meson.build). Fails the
 * test if none can be created: tests that need Vulkan never skip. */
GstVkInceptionDevice *vki_test_device (void);

/* Fails the test if the validation layer reported anything so far. */
void vki_test_assert_no_validation (void);

/* Counts the validation messages that any device in the process prints
 * (the engine prints each one with g_printerr()), for tests whose devices
 * are not theirs: the element's. Call it once a process; the text still
 * reaches stderr. */
void vki_test_watch_validation (void);

/* The validation messages printed since vki_test_watch_validation(). */
guint vki_test_validation_printed (void);

/* @n floats uniform in [lo, hi), from a seeded generator. g_free() it. */
float *vki_test_random (guint32 seed, gsize n, float lo, float hi);

/* max |got - ref| / max |ref| (or the absolute error if ref is all 0). */
double vki_test_rel_error (const double *ref, const float *got, gsize n);

/* The precision tests build nets with: fp16 when VKINCEPTION_TEST_PRECISION
 * is "fp16" (the ops-*fp16 tests), fp16-arithmetic when it is "fp16a" (the
 * ops-*fp16a tests), else fp32. */
GstVkInceptionPrecision vki_test_precision (void);

/* Loads @tm and builds a net at @shapes (NULL: declared shapes), in
 * vki_test_precision(). */
GstVkInceptionNet *vki_test_net (VkiTestModel * tm,
    const GstVkInceptionShape * shapes, GError ** error);

/* Runs a single-input, single-output net; returns the output (g_free()). */
float *vki_test_run1 (GstVkInceptionNet * net, const float *input);

GstVkInceptionShape vki_test_shape (guint rank, ...);

/* Sets the environment variable @name back to @saved (a g_strdup() of its
 * value before the test changed it; NULL: it was unset) and frees @saved. */
void vki_test_restore_env (const gchar * name, gchar * saved);

G_END_DECLS

#endif
