/* Winograd F(4x4, 3x3) convolutions (winograd.h, shaders/winograd.glsl). */
#include "winograd.h"
#include "shaders.h"
#include "sizes.h"

#include <string.h>

#define TILE WINOGRAD_TILE
#define ALPHA WINOGRAD_ALPHA
#define POSITIONS (ALPHA * ALPHA)

/* The filter transform G (6x3) of F(4x4, 3x3), with the interpolation
 * points 0, 1, -1, 2, -2 and infinity; B^T and A^T are in the shaders. */
static const double G[ALPHA][3] = {
  {1.0 / 4, 0, 0},
  {-1.0 / 6, -1.0 / 6, -1.0 / 6},
  {-1.0 / 6, 1.0 / 6, -1.0 / 6},
  {1.0 / 24, 1.0 / 12, 1.0 / 6},
  {1.0 / 24, -1.0 / 12, 1.0 / 6},
  {0, 0, 1},
};

/* A Winograd convolution's sizes. */
typedef struct
{
  gint64 n, cin, cout;
  gint64 h, w, oh, ow;
  gint64 pads[4];
  gint64 tiles_h, tiles_w;      /* per image */
  gint64 cols;                  /* tiles of all images */
  gint64 tp;                    /* columns of U and M: cols, padded */
} Geometry;

static gint64
round_up (gint64 a, gint64 b)
{
  return (a + b - 1) / b * b;
}

static void
geometry (const VkiNode * node, const GstVkInceptionShape * shapes,
    Geometry * g)
{
  const GstVkInceptionShape *x = &shapes[node->inputs[0]];
  const GstVkInceptionShape *y = &shapes[node->output];

  g->n = x->dims[0];
  g->cin = x->dims[1];
  g->h = x->dims[2];
  g->w = x->dims[3];
  g->cout = y->dims[1];
  g->oh = y->dims[2];
  g->ow = y->dims[3];
  vki_op_resolve_pads (node, shapes, g->pads);
  g->tiles_h = round_up (g->oh, TILE) / TILE;
  g->tiles_w = round_up (g->ow, TILE) / TILE;
  g->cols = g->n * g->tiles_h * g->tiles_w;
  g->tp = round_up (g->cols, WINOGRAD_COLS_ALIGN);
}

gboolean
vki_winograd_fits (const VkiNode * node)
{
  const VkiWindow *win = &node->win;
  return node->type == VKI_OP_CONV && win->kernel[0] == 3
      && win->kernel[1] == 3 && win->stride[0] == 1 && win->stride[1] == 1
      && win->dilation[0] == 1 && win->dilation[1] == 1;
}

void
vki_winograd_scratch (const VkiNode * node, const GstVkInceptionShape * shapes,
    gint64 * u, gint64 * m)
{
  Geometry g;
  geometry (node, shapes, &g);
  *u = POSITIONS * g.cin * g.tp;
  *m = POSITIONS * g.cout * g.tp;
}

/* Position (i, k) of G g G^T for every filter: [cout][cin] into @out, in
 * double. One position at a time keeps set-up's peak memory down. */
static void
transform_filters (const float *w, gint64 filters, guint i, guint k,
    float *out)
{
  for (gint64 f = 0; f < filters; f++) {
    const float *g = w + f * 9;
    double gi[3];               /* row i of G g */
    for (guint b = 0; b < 3; b++)
      gi[b] = G[i][0] * g[b] + G[i][1] * g[3 + b] + G[i][2] * g[6 + b];
    out[f] = (float) (gi[0] * G[k][0] + gi[1] * G[k][1] + gi[2] * G[k][2]);
  }
}

void
vki_winograd_pack (GstVkInceptionModel * m, const VkiNode * node,
    VkiWinogradStep step, gboolean values, GArray * weights,
    VkiOpPlace * place)
{
  VkiTensor *w = vki_model_tensor (m, node->weight);
  gint64 cout = w->shape.dims[0], cin = w->shape.dims[1];

  place->w_off = place->b_off = place->w_nstride = 0;
  if (step == VKI_WINOGRAD_PRODUCT) {
    float *t = g_new0 (float, cout * cin);
    for (guint xi = 0; xi < POSITIONS; xi++) {
      guint32 off;
      if (values)
        transform_filters (w->data, cout * cin, xi / ALPHA, xi % ALPHA, t);
      off = vki_op_pack_filters (t, cout, cin, place->conv, weights);
      if (xi == 0)
        place->w_off = off;
      else if (xi == 1)
        place->w_nstride = off - place->w_off;
    }
    g_free (t);
  } else if (step == VKI_WINOGRAD_OUTPUT && node->bias >= 0) {
    place->b_off = vki_op_append (weights,
        vki_model_tensor (m, node->bias)->data, cout);
  }
}

static void
flat_dispatch (VkiOpDesc * desc, gint64 items)
{
  desc->global[0] = (guint32) items;
  desc->global[1] = desc->global[2] = 1;
  desc->dims = 1;
  desc->fold = TRUE;
}

void
vki_winograd_describe (const VkiNode * node,
    const GstVkInceptionShape * shapes, const VkiOpPlace * p,
    VkiWinogradStep step, VkiOpDesc * desc)
{
  Geometry g;

  geometry (node, shapes, &g);
  memset (desc, 0, sizeof (*desc));
  switch (step) {
    case VKI_WINOGRAD_INPUT:{
      guint32 push[] = { g.n, g.cin, g.h, g.w, g.tiles_h, g.tiles_w, g.tp,
        p->in_off, p->u_off
      };
      /* With vector stores, an invocation per 4 columns (U's offset and
       * TP are multiples of 4). */
      gint64 cols = p->vec_out && p->u_off % 4 == 0 ? g.tp / 4 : g.tp;
      desc->shader = p->tiled ? &vki_shader_winograd_in_texel
          : &vki_shader_winograd_in;
      desc->n_texels = p->tiled ? 3 : 0;
      desc->spec[0] = g.pads[0];
      desc->spec[1] = g.pads[1];
      desc->spec[2] = vki_op_fast_div (g.cin * cols);
      desc->spec[3] = cols != g.tp;
      desc->n_spec = 4;
      memcpy (desc->push, push, sizeof (push));
      desc->n_push = G_N_ELEMENTS (push);
      flat_dispatch (desc, g.cin * cols);
      break;
    }
    case VKI_WINOGRAD_PRODUCT:{
      /* A 1x1 convolution of 36 images of one row of tp pixels, each image
       * with its own filters. */
      VkiNode conv = { 0 };
      GstVkInceptionShape s[2] = {
        {4, {POSITIONS, g.cin, 1, g.tp}},
        {4, {POSITIONS, g.cout, 1, g.tp}},
      };
      VkiOpPlace place = *p;
      conv.type = VKI_OP_CONV;
      conv.n_inputs = 1;
      conv.inputs[0] = 0;
      conv.output = 1;
      conv.weight = conv.bias = -1;
      for (guint i = 0; i < 2; i++)
        conv.win.kernel[i] = conv.win.stride[i] = conv.win.dilation[i] = 1;
      place.in_off = p->u_off;
      place.out_off = p->m_off;
      place.out_bstride = (guint32) (g.cout * g.tp);
      place.split = 1;
      vki_op_describe (&conv, s, &place, desc);
      break;
    }
    case VKI_WINOGRAD_OUTPUT:{
      guint32 push[] = { g.n, g.cout, g.oh, g.ow, g.tiles_h, g.tiles_w, g.tp,
        p->m_off, p->out_off, p->out_bstride, p->b_off
      };
      desc->shader = p->tiled ? &vki_shader_winograd_out_texel
          : &vki_shader_winograd_out;
      desc->n_texels = p->tiled ? 3 : 0;
      desc->spec[0] = node->bias >= 0;
      desc->spec[1] = node->relu ? 1 : 0;
      desc->spec[2] = vki_op_fast_div (g.cout * g.cols);
      desc->spec[3] = vki_op_vec_rows (p, g.ow);
      desc->n_spec = 4;
      memcpy (desc->push, push, sizeof (push));
      desc->n_push = G_N_ELEMENTS (push);
      flat_dispatch (desc, g.cout * g.cols);
      break;
    }
  }
}
