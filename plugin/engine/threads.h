/* The driver's threads on a CPU Vulkan device (lavapipe): which ones it
 * started, and one CPU each. */
#ifndef VKI_THREADS_H
#define VKI_THREADS_H

#include <glib.h>

G_BEGIN_DECLS

/* This process's thread ids, ascending; NULL where they cannot be listed
 * (not Linux, no /proc). */
GArray *vki_threads_list (void);

/* Gives each thread in @after that is not in @before one CPU of those the
 * calling thread may run on, in creation order, round robin. Returns how
 * many were pinned; 0 where either list is NULL or there is only one CPU. */
guint vki_threads_spread (const GArray * before, const GArray * after);

G_END_DECLS

#endif
