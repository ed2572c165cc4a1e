/* The host's float32 <-> float16 conversions (plugin/engine/half.c) against
 * the compiler's own _Float16 conversions (round to nearest even), which
 * GCC provides on x86-64: every half value, every float around the ranges
 * where rounding changes shape, and a strided sweep of all floats. */
#include "half.h"

#include <glib.h>
#include <string.h>

#ifdef __FLT16_MAX__

static guint32
bits_of (float f)
{
  guint32 u;
  memcpy (&u, &f, sizeof (u));
  return u;
}

static float
float_of (guint32 u)
{
  float f;
  memcpy (&f, &u, sizeof (f));
  return f;
}

static guint16
reference_half (float f)
{
  _Float16 h = (_Float16) f;
  guint16 u;
  memcpy (&u, &h, sizeof (u));
  return u;
}

static gboolean
is_nan_half (guint16 h)
{
  return (h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0;
}

/* Converts @n floats from @bits (float bit patterns) with half.c and
 * compares each with the reference; NaN only has to stay NaN. Returns the
 * number of mismatches, reporting the first few. */
static guint
check_floats (const guint32 * bits, gsize n)
{
  float *src = g_new (float, n);
  guint16 *dst = g_new (guint16, n);
  guint bad = 0;

  for (gsize i = 0; i < n; i++)
    src[i] = float_of (bits[i]);
  vki_half_from_floats (dst, src, n);
  for (gsize i = 0; i < n; i++) {
    guint16 want = reference_half (src[i]);
    gboolean ok = is_nan_half (want) ? is_nan_half (dst[i]) : dst[i] == want;
    if (!ok && bad++ < 5)
      g_test_message ("float 0x%08x: half 0x%04x, want 0x%04x", bits[i],
          dst[i], want);
  }
  g_free (src);
  g_free (dst);
  return bad;
}

/* Every half converts to the float the compiler gives, and back to itself
 * (NaN to some NaN). */
static void
test_every_half (void)
{
  guint16 *h = g_new (guint16, 65536), *back = g_new (guint16, 65536);
  float *f = g_new (float, 65536);
  guint bad = 0;

  for (guint i = 0; i < 65536; i++)
    h[i] = (guint16) i;
  vki_floats_from_half (f, h, 65536);
  vki_half_from_floats (back, f, 65536);
  for (guint i = 0; i < 65536; i++) {
    _Float16 r;
    memcpy (&r, &h[i], sizeof (r));
    if (is_nan_half (h[i])) {
      bad += f[i] == f[i] || !is_nan_half (back[i]);
      continue;
    }
    bad += bits_of (f[i]) != bits_of ((float) r) || back[i] != h[i];
  }
  g_assert_cmpuint (bad, ==, 0);
  g_free (h);
  g_free (back);
  g_free (f);
}

/* Every positive float of exponents 101 to 113 (the half subnormals, where
 * the rounding bit moves with the exponent, and the first normals) and 142
 * (the largest halves and the overflow to infinity); the sign is one bit
 * apart, and the other tests cover negative values. */
static void
test_rounding_ranges (void)
{
  const guint exps[][2] = { {101, 113}, {142, 142} };
  const gsize chunk = 1 << 23;
  guint32 *bits = g_new (guint32, chunk);
  guint bad = 0;

  for (guint r = 0; r < G_N_ELEMENTS (exps); r++)
    for (guint e = exps[r][0]; e <= exps[r][1]; e++) {
      for (guint32 m = 0; m < chunk; m++)
        bits[m] = e << 23 | m;
      bad += check_floats (bits, chunk);
    }
  g_assert_cmpuint (bad, ==, 0);
  g_free (bits);
}

/* Every exponent, with the 13 bits that rounding drops at, just under and
 * just over the halfway point, below every 10-bit mantissa; and every
 * 331st float bit pattern. */
static void
test_ties_and_sweep (void)
{
  const guint32 lows[] = { 0, 1, 0xfff, 0x1000, 0x1001, 0x1fff };
  const guint32 stride = 1031;
  gsize n = 2 * 256 * 1024 * G_N_ELEMENTS (lows), i = 0;
  guint32 *bits = g_new (guint32, MAX (n, G_MAXUINT32 / stride + 1));
  guint bad;

  for (guint32 sign = 0; sign < 2; sign++)
    for (guint32 e = 0; e < 256; e++)
      for (guint32 hi = 0; hi < 1024; hi++)
        for (guint l = 0; l < G_N_ELEMENTS (lows); l++)
          bits[i++] = sign << 31 | e << 23 | hi << 13 | lows[l];
  bad = check_floats (bits, n);
  n = 0;
  for (guint64 u = 0; u <= G_MAXUINT32; u += stride)
    bits[n++] = (guint32) u;
  bad += check_floats (bits, n);
  g_assert_cmpuint (bad, ==, 0);
  g_free (bits);
}

#endif

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#ifdef __FLT16_MAX__
  g_test_add_func ("/half/every-half", test_every_half);
  g_test_add_func ("/half/rounding-ranges", test_rounding_ranges);
  g_test_add_func ("/half/ties-and-sweep", test_ties_and_sweep);
#else
  g_test_skip ("the compiler has no _Float16 to compare with");
#endif
  return g_test_run ();
}
