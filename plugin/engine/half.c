#include "half.h"

#include <string.h>

static guint16
half_from_float (float f)
{
  guint32 x, sign, exp, mant;

  memcpy (&x, &f, 4);
  sign = (x >> 16) & 0x8000;
  exp = (x >> 23) & 0xff;
  mant = x & 0x7fffff;

  if (exp == 0xff)              /* inf, NaN (kept quiet and non-zero) */
    return sign | 0x7c00 | (mant ? 0x200 | (mant >> 13) : 0);
  if (exp > 142)                /* >= 2^16: too large */
    return sign | 0x7c00;
  if (exp >= 113) {             /* normal half: 2^-14 and up */
    guint32 h = ((exp - 112) << 10) | (mant >> 13);
    guint32 rest = mant & 0x1fff;
    /* Round to nearest even; a carry into the exponent is still right
     * (up to infinity). */
    if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
      h++;
    return sign | h;
  }
  if (exp >= 102) {             /* subnormal half */
    guint32 m = mant | 0x800000;
    guint32 shift = 126 - exp;  /* 14 to 24 */
    guint32 h = m >> shift;
    guint32 rest = m & ((1u << shift) - 1), halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (h & 1)))
      h++;
    return sign | h;
  }
  return sign;                  /* underflows to zero */
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
