/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __GST_KVS_SEGMENT_SINK_H__
#define __GST_KVS_SEGMENT_SINK_H__

#include <gst/gst.h>

G_BEGIN_DECLS
#define GST_TYPE_KVS_SEGMENT_SINK (gst_kvs_segment_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstKvsSegmentSink, gst_kvs_segment_sink, GST,
    KVS_SEGMENT_SINK, GstBin);

/**
 * GstKvsSegmentMuxer:
 * @GST_KVS_SEGMENT_MUXER_MP4: mp4mux
 * @GST_KVS_SEGMENT_MUXER_MPEGTS: mpegtsmux
 * @GST_KVS_SEGMENT_MUXER_MATROSKA: matroskamux
 */
typedef enum
{
  GST_KVS_SEGMENT_MUXER_MP4,
  GST_KVS_SEGMENT_MUXER_MPEGTS,
  GST_KVS_SEGMENT_MUXER_MATROSKA,
} GstKvsSegmentMuxer;

typedef struct
{
  guint index;
  gchar *location;
  GstClockTime start;           /* running time */
  GstClockTime duration;
  guint64 size;
} KvsSegment;

struct _GstKvsSegmentSink
{
  GstBin parent;

  GstElement *splitmux;
  GstPad *video_target;         /* splitmuxsink's video pad */
  GstElement *video_parser;     /* in front of it, for MPEG-TS */

  /* properties, under the object lock */
  gchar *location;
  guint target_duration;
  GstKvsSegmentMuxer muxer;
  gboolean muxer_missing;       /* its factory is not installed */
  gchar *playlist_location;
  gchar *json_location;
  guint start_index;

  /* the run, under the object lock: messages come from any thread */
  GArray *segments;             /* KvsSegment, closed */
  gchar *open_location;
  GstClockTime open_start;
  GstClockTime max_end;         /* the latest buffer end, running time */
  gboolean video_started;       /* a video key frame went through */
  guint64 dropped;              /* video frames before the first key frame */
  GMutex eos_lock;              /* EOS waits for PLAYING */
  GCond eos_cond;
  gboolean stopping;
  gboolean got_data;            /* a buffer went into splitmuxsink */

  gboolean finished;
  gboolean failed;              /* an error went up: the rest are echoes */
};

GST_ELEMENT_REGISTER_DECLARE (kvssegmentsink);

G_END_DECLS
#endif /* __GST_KVS_SEGMENT_SINK_H__ */
