#include "scores.h"

#include <math.h>

/* How far a sum may be from 1 and still be read as a distribution. */
#define DISTRIBUTION_TOLERANCE 1e-3

void
gst_vk_inception_scores_to_probabilities (float *v, gsize n)
{
  double sum = 0, max = -INFINITY;
  gboolean distribution = TRUE;

  for (gsize i = 0; i < n; i++) {
    if (v[i] < 0 || v[i] > 1)
      distribution = FALSE;
    sum += v[i];
    max = MAX (max, v[i]);
  }
  if (distribution && fabs (sum - 1) < DISTRIBUTION_TOLERANCE)
    return;
  sum = 0;
  for (gsize i = 0; i < n; i++)
    sum += exp (v[i] - max);
  for (gsize i = 0; i < n; i++)
    v[i] = (float) (exp (v[i] - max) / sum);
}

void
gst_vk_inception_scores_smooth (float *avg, const float *v, gsize n,
    double weight, gboolean first)
{
  for (gsize i = 0; i < n; i++)
    avg[i] = first ? v[i] : (float) (weight * avg[i] + (1 - weight) * v[i]);
}

guint
gst_vk_inception_scores_top_k (const float *v, gsize n, guint k,
    double threshold, guint * top)
{
  guint count = 0;

  /* Insertion into a sorted list of k: k is small (5) and n ~1000. */
  for (gsize i = 0; i < n; i++) {
    guint pos;
    if (v[i] < threshold || isnan (v[i]))
      continue;
    pos = count;
    while (pos > 0 && v[top[pos - 1]] < v[i])
      pos--;
    if (pos >= k)
      continue;
    if (count < k)
      count++;
    for (guint j = count - 1; j > pos; j--)
      top[j] = top[j - 1];
    top[pos] = (guint) i;
  }
  return count;
}
