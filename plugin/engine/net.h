/* GstVkInceptionNet: see net.c for how one is built. */
#ifndef VKI_NET_H
#define VKI_NET_H

#include "device.h"
#include "graph.h"

/* How many pipelines @net's dispatches share (the net's compiled shaders;
 * on llvmpipe each costs memory). */
guint vki_net_get_n_pipelines (GstVkInceptionNet * net);

#endif
