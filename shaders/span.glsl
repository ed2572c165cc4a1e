// One kernel row's input span for NX = 8 neighbouring outputs, shared by
// the tiled shaders (conv_tiled.comp, pool_tiled.comp): the SPAN input
// columns the row's taps touch, fetched once into xs[] and then indexed by
// every tap (3x3 stride 1: 10 fetches instead of 24).
//
// The includer defines, before including: the specialization constants
// SW, KW, DW, PAD_L and VEC_SPAN; SPAN_W (the row width) and SPAN_PAD (what a
// column outside the row reads as: 0 for a convolution, the lowest float
// for a max pool); SPAN_T, the type of xs[] (float, or mfloat: a
// float16 in the fp16a build of conv_tiled.comp); and binds act_v, the
// RGBA32F view of the arena. SPAN_LOAD_ROW expects in scope: `row`, the
// texel index of the row's first element; `ix0`, the first input column
// (may be negative); `SPAN_T xs[SPAN_MAX]`.

#include "sizes.h"
#define NX TILED_NX
#define SPAN_MAX TILED_SPAN_MAX
#define KW_MAX TILED_KW_MAX
const uint SPAN = (NX - 1) * SW + (KW - 1) * DW + 1;
// Whether a window row fits xs[] (the includer falls back otherwise).
const bool SPAN_FITS = KW <= KW_MAX && SPAN <= SPAN_MAX;
// The span comes as vec4 fetches: with VEC_SPAN (rows of whole vec4s:
// SPAN_W and the row start multiples of 4) the aligned vec4s covering it
// (blocks start at multiples of 8 outputs, so the span starts SPAN_OFF
// floats into the first); in any other row those from the one holding its
// first column, the columns picked by its offset in it.
const uint SPAN_OFF = (4u - PAD_L % 4u) % 4u;

#define VSPAN_SET(k, c) \
  if ((k) * 4 + (c) >= SPAN_OFF && (k) * 4 + (c) - SPAN_OFF < SPAN) { \
    int ix = ix0 + (k) * 4 + (c) - int(SPAN_OFF); \
    xs[(k) * 4 + (c) - SPAN_OFF] = \
        SPAN_T((ix >= 0 && ix < int(SPAN_W)) ? v[c] : SPAN_PAD); \
  }

// The vec4 index is clamped into the row, whose vec4s are whole; what lies
// outside the row reads as SPAN_PAD all the same.
#define VSPAN_LOAD(k) \
  if ((k) * 4 < SPAN_OFF + SPAN) { \
    vec4 v = FETCH(act_v, clamp(vfirst + (k), vrow, vlast)); \
    VSPAN_SET(k, 0) VSPAN_SET(k, 1) VSPAN_SET(k, 2) VSPAN_SET(k, 3) \
  }

// Without VEC_SPAN (a span at any alignment, 14x14 and 7x7 planes): the vec4s
// from the one holding the span's first column, clamped into the view, into
// f[], and each column picked from them by the span's offset s in the first
// (which may differ per lane). The arena's view ends on a whole vec4 (its
// blocks are 16 floats), so every column is in one of them.
#define USPAN_FETCH(k) \
  if ((k) * 4 < SPAN + 3) { \
    vec4 v = FETCH(act_v, clamp(at + (k), 0, vlast)); \
    f[(k) * 4] = v.x; f[(k) * 4 + 1] = v.y; f[(k) * 4 + 2] = v.z; \
    f[(k) * 4 + 3] = v.w; \
  }

#define USPAN_SET(j) \
  if (j < SPAN) { \
    int ix = ix0 + j; \
    float v = s == 0 ? f[j] : s == 1 ? f[(j) + 1] : s == 2 ? f[(j) + 2] \
        : f[(j) + 3]; \
    xs[j] = SPAN_T((ix >= 0 && ix < int(SPAN_W)) ? v : SPAN_PAD); \
  }

#define USPAN_SET8(j) \
  USPAN_SET(j) USPAN_SET(j + 1) USPAN_SET(j + 2) USPAN_SET(j + 3) \
  USPAN_SET(j + 4) USPAN_SET(j + 5) USPAN_SET(j + 6) USPAN_SET(j + 7)

#define SPAN_LOAD_ROW \
  if (VEC_SPAN != 0) { \
    int vrow = row >> 2, vlast = vrow + int(SPAN_W / 4) - 1; \
    int vfirst = (row + ix0 - int(SPAN_OFF)) >> 2; \
    VSPAN_LOAD(0) VSPAN_LOAD(1) VSPAN_LOAD(2) VSPAN_LOAD(3) \
    VSPAN_LOAD(4) VSPAN_LOAD(5) VSPAN_LOAD(6) \
  } else { \
    int first = row + ix0, at = first >> 2, s = first - at * 4; \
    int vlast = VIEW_SIZE(act_v) - 1; \
    float f[SPAN_MAX + 4]; \
    USPAN_FETCH(0) USPAN_FETCH(1) USPAN_FETCH(2) USPAN_FETCH(3) \
    USPAN_FETCH(4) USPAN_FETCH(5) USPAN_FETCH(6) \
    USPAN_SET8(0) USPAN_SET8(8) USPAN_SET8(16) \
  }
