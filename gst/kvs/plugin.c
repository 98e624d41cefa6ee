/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstkvsprobe.h"
#include "gstkvssegmentsink.h"
#include "gstkvssnapshot.h"
#include "gstkvswave.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gboolean ret = FALSE;

  ret |= GST_ELEMENT_REGISTER (kvsprobe, plugin);
  ret |= GST_ELEMENT_REGISTER (kvssegmentsink, plugin);
  ret |= GST_ELEMENT_REGISTER (kvssnapshot, plugin);
  ret |= GST_ELEMENT_REGISTER (kvswave, plugin);

  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, kvs,
    "Media analysis results of the KVS VOD service, locally: avinfo metainfo, snapshots and sprite sheets, segments, waveform points",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
