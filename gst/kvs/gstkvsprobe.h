/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __GST_KVS_PROBE_H__
#define __GST_KVS_PROBE_H__

#include <gst/gst.h>

G_BEGIN_DECLS
#define GST_TYPE_KVS_PROBE (gst_kvs_probe_get_type ())
G_DECLARE_FINAL_TYPE (GstKvsProbe, gst_kvs_probe, GST, KVS_PROBE, GstElement);

/**
 * GstKvsProbeFormat:
 * @GST_KVS_PROBE_FORMAT_METAINFO: the avinfo `metainfo` document
 *     (ffprobe's -show_streams -show_format)
 * @GST_KVS_PROBE_FORMAT_OUTMEDIAINFO: the `outMediainfo` document of what
 *     a pipeline writes
 */
typedef enum
{
  GST_KVS_PROBE_FORMAT_METAINFO,
  GST_KVS_PROBE_FORMAT_OUTMEDIAINFO,
} GstKvsProbeFormat;

struct _GstKvsProbe
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  /* properties, under the object lock */
  GstKvsProbeFormat format;
  gchar *json_location;
  gchar *temp_dir;

  /* under the object lock: whether the element plays, or shuts down */
  gboolean playing;
  gboolean flushing;
  GCond playing_cond;

  /* streaming state */
  GstKvsProbeFormat run_format;
  gchar *run_location;
  gchar *run_temp_dir;
  gboolean pull;                /* reading upstream at random (pull mode) */
  GstFlowReturn pull_flow;      /* the last failed pull */
  gint spool;                   /* push mode: the bytes, as a file holds them */
  guint64 offset;               /* push mode: where the next bytes go */
  guint64 size;                 /* bytes in all */
  gboolean done;
  gboolean failed;
};

GST_ELEMENT_REGISTER_DECLARE (kvsprobe);

G_END_DECLS
#endif /* __GST_KVS_PROBE_H__ */
