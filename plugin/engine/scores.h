/* From the network's output to the top-k: probabilities, smoothing over
 * frames, ranking and threshold. Pure functions, no GStreamer. */
#ifndef GST_VK_INCEPTION_SCORES_H
#define GST_VK_INCEPTION_SCORES_H

#include <glib.h>

G_BEGIN_DECLS

/* Turns @v into probabilities in place: kept as is when it already is a
 * distribution (the model ends in Softmax), else replaced by its softmax. */
void gst_vk_inception_scores_to_probabilities (float *v, gsize n);

/* Exponential moving average: avg = weight * avg + (1 - weight) * v. With
 * @first the average starts at @v. */
void gst_vk_inception_scores_smooth (float *avg, const float *v, gsize n,
    double weight, gboolean first);

/* Indices of the @k highest scores at or above @threshold, best first, into
 * @top; returns how many. Ties keep the lower index first. */
guint gst_vk_inception_scores_top_k (const float *v, gsize n, guint k,
    double threshold, guint * top);

G_END_DECLS

#endif
