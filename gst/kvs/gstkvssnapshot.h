/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __GST_KVS_SNAPSHOT_H__
#define __GST_KVS_SNAPSHOT_H__

#include <gst/gst.h>
#include <gst/base/gstbasesink.h>
#include <gst/video/video.h>

#include "kvsimage.h"

G_BEGIN_DECLS
#define GST_TYPE_KVS_SNAPSHOT (gst_kvs_snapshot_get_type ())
G_DECLARE_FINAL_TYPE (GstKvsSnapshot, gst_kvs_snapshot, GST, KVS_SNAPSHOT,
    GstBaseSink);

/**
 * GstKvsSnapshotFormat:
 * @GST_KVS_SNAPSHOT_FORMAT_JPEG: JPEG images (jpegenc)
 * @GST_KVS_SNAPSHOT_FORMAT_PNG: PNG images (pngenc)
 */
typedef enum
{
  GST_KVS_SNAPSHOT_FORMAT_JPEG,
  GST_KVS_SNAPSHOT_FORMAT_PNG,
} GstKvsSnapshotFormat;

struct _GstKvsSnapshot
{
  GstBaseSink parent;

  /* properties, under the object lock */
  gchar *times;
  gdouble interval;
  gdouble start;
  guint count;
  guint columns, rows;
  guint tile_width, tile_height;
  gchar *location;
  GstKvsSnapshotFormat format;
  gint quality;
  guint width, height;
  gboolean accurate;
  gboolean autorotate;
  gchar *json_location;
  gchar *vtt_location;

  /* the run: copied in start(), owned by the streaming thread */
  struct
  {
    GArray *times;              /* GstClockTime targets, sorted (times) */
    GstClockTime interval, start;
    guint count;
    guint columns, rows, tile_width, tile_height;
    gchar *location;
    GstKvsSnapshotFormat format;
    gint quality;
    guint width, height;
    gboolean accurate;
    gboolean autorotate;
    gchar *json_location;
    gchar *vtt_location;
  } run;

  GstVideoInfo in_info;
  guint next;                   /* the next target's index */
  GArray *captured;             /* KvsCapture */
  GArray *sheets;               /* KvsCapture, one per sprite sheet */
  GstBuffer *sheet;             /* the sheet being filled */
  GstVideoInfo sheet_info;
  GstVideoFormat sheet_format;  /* JPEG sheets' sampling, for the run */
  guint tiles_in_sheet;
  KvsImageEncoder *encoder;
  gboolean seekable;
  GstClockTime duration;
  guint sought;                 /* the last target sought, or G_MAXUINT */
  gint key_unit_seek;           /* atomic: the last seek was to a key frame */
  gint seek_seqnum;             /* atomic: the seek last asked for */
  gboolean landing;             /* the next frame is where it landed */
  GstClockTime last_ts;         /* the last frame captured */
  gboolean queried;             /* upstream's seekability and duration */
  gboolean failed;
  gint finished;                /* atomic: no more seeks wanted */
  GstClockTime min_seek;        /* seek only to targets this far ahead */
  GstClockTime seek_from;       /* where the last seek was sent from */

  /* orientation: from the stream's tags */
  GstVideoOrientationMethod orientation;

  /* the timeline: ffmpeg's (the file's start, edit lists applied), tied
   * to the buffers' timestamps by the first picture; without a file, the
   * stream time */
  gboolean have_timeline;
  gboolean anchored;
  gint64 first_frame;           /* ns after the file's start */
  gint64 pts_offset;            /* presentation time - buffer PTS, ns */
  GstClockTime last_end;        /* the latest frame's end, on the timeline */
};

GST_ELEMENT_REGISTER_DECLARE (kvssnapshot);

G_END_DECLS
#endif /* __GST_KVS_SNAPSHOT_H__ */
