#include "half.h"

#include <string.h>

static guint16
half_from_float (float f)
{
  guint32 x, a, sign;
  float r;

  memcpy (&x, &f, 4);
  sign = (x >> 16) & 0x8000;
  a = x & 0x7fffffff;
  if (a >= 0x47800000u)         /* 2^16 and up: inf; NaN kept quiet, non-zero */
    return sign | (a > 0x7f800000u ? 0x7e00 | ((a >> 13) & 0x3ff) : 0x7c00);
  if (a < 0x38800000u) {        /* under 2^-14: a subnormal half, or zero */
    /* In [0.5, 1) a float's unit in the last place is 2^-24, a half
     * subnormal's: adding 0.5 leaves |f| in units of 2^-24 in the low bits,
     * rounded to nearest even by the floating-point unit. */
    memcpy (&r, &a, 4);
    r += 0.5f;
    memcpy (&x, &r, 4);
    return sign | (x - 0x3f000000u);
  }
  /* A normal half: drop 13 mantissa bits, rounding to nearest even (0xfff,
   * plus one when the kept part is odd); a carry into the exponent is still
   * right, up to infinity. Then rebias the exponent from 127 to 15. */
  return sign | (((a + 0xfff + ((a >> 13) & 1)) >> 13) - (112u << 10));
}

static float
float_from_half (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000) << 16;
  guint32 exp = (h >> 10) & 0x1f, mant = h & 0x3ff, x;
  float f;

  if (exp == 0x1f)
    x = sign | 0x7f800000 | (mant << 13);
  else if (exp != 0)
    x = sign | ((exp + 112) << 23) | (mant << 13);
  else if (mant == 0)
    x = sign;
  else {                        /* subnormal: mant x 2^-24 */
    f = (float) mant / 16777216.0f;
    return sign ? -f : f;
  }
  memcpy (&f, &x, 4);
  return f;
}

void
vki_half_from_floats (guint16 * dst, const float *src, gsize n)
{
  for (gsize i = 0; i < n; i++)
    dst[i] = half_from_float (src[i]);
}

void
vki_floats_from_half (float *dst, const guint16 * src, gsize n)
{
  for (gsize i = 0; i < n; i++)
    dst[i] = float_from_half (src[i]);
}
