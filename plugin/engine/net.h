/* GstVkInceptionNet: see net.c for how one is built. */
#ifndef VKI_NET_H
#define VKI_NET_H

#include "device.h"
#include "graph.h"

#endif
