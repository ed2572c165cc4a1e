/* Spreading a CPU Vulkan device's worker threads over the CPUs.
 *
 * lavapipe runs each compute dispatch on a pool of worker threads, one per
 * CPU, that sleep between dispatches, and cuts the dispatch into one fixed
 * share per worker. On a small virtual machine the kernel sometimes wakes
 * them all on one CPU and leaves them there for the length of a dispatch
 * (mostly under a few milliseconds, too short for its load balancer), and
 * the network then runs at one CPU's speed for minutes at a time: BVLC
 * GoogLeNet at 87 ms instead of 64 on 2 CPUs (docs/performance.md, "Driver
 * threads"). With each worker on its own CPU that cannot happen. The
 * workers are found as the threads that appeared while the engine created
 * its instance and device: the driver's, unless another thread of the
 * process started threads at that moment. A pool's threads are started one
 * after the other, so round robin puts each of them on a different CPU. */
#ifdef __linux__
#define _GNU_SOURCE             /* sched_setaffinity() on another thread */
#include <sched.h>
#include <stdlib.h>
#endif

#include "threads.h"

#ifdef __linux__
static gint
compare_tid (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}
#endif

GArray *
vki_threads_list (void)
{
#ifdef __linux__
  GDir *dir = g_dir_open ("/proc/self/task", 0, NULL);
  const gchar *name;
  GArray *tids;

  if (!dir)
    return NULL;
  tids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((name = g_dir_read_name (dir))) {
    gchar *end = NULL;
    gint64 tid = g_ascii_strtoll (name, &end, 10);
    if (end && *end == '\0' && tid > 0)
      g_array_append_val (tids, tid);
  }
  g_dir_close (dir);
  g_array_sort (tids, compare_tid);
  return tids;
#else
  return NULL;
#endif
}

#ifdef __linux__
static gboolean
contains (const GArray * tids, gint64 tid)
{
  return bsearch (&tid, tids->data, tids->len, sizeof (gint64),
      compare_tid) != NULL;
}
#endif

guint
vki_threads_spread (const GArray * before, const GArray * after)
{
#ifdef __linux__
  cpu_set_t allowed;
  guint cpus[CPU_SETSIZE], n_cpus = 0, pinned = 0;

  if (!before || !after || sched_getaffinity (0, sizeof allowed, &allowed))
    return 0;
  for (guint c = 0; c < CPU_SETSIZE; c++)
    if (CPU_ISSET (c, &allowed))
      cpus[n_cpus++] = c;
  if (n_cpus < 2)
    return 0;
  for (guint i = 0; i < after->len; i++) {
    gint64 tid = g_array_index (after, gint64, i);
    cpu_set_t one;

    if (contains (before, tid))
      continue;
    CPU_ZERO (&one);
    CPU_SET (cpus[pinned % n_cpus], &one);
    /* A thread that has exited since it was listed, or a refusal, leaves
     * it where the kernel puts it: slower at worst, never wrong. */
    if (sched_setaffinity ((pid_t) tid, sizeof one, &one) == 0)
      pinned++;
  }
  return pinned;
#else
  (void) before;
  (void) after;
  return 0;
#endif
}
