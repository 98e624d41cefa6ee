/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/**
 * SECTION:element-kvssnapshot
 * @title: kvssnapshot
 *
 * kvssnapshot takes raw video anywhere in a pipeline and writes still
 * images of it: the service's snapshots (`times`: one image per time),
 * sampled snapshots (`interval` and `count`:
 * every N seconds from `start`) and sprite sheets (`columns` × `rows`
 * tiles of `tile-width` × `tile-height`, every `interval` seconds, as many
 * sheets as the stream needs), with a WebVTT thumbnails track for players.
 * It converts and scales internally and encodes with GStreamer's JPEG or
 * PNG encoder.
 *
 * The images are ffmpeg's (`ffmpeg -ss T -i FILE -frames:v 1`):
 *
 * - Time is ffmpeg's: T seconds after the file's start (the container's
 *   start time, edit lists applied), and the frame for T is the first one
 *   at or after it. When the pipeline reads a local file, kvssnapshot
 *   reads its start and its first picture's time with libavformat and
 *   libavcodec; otherwise times are the segment's stream time.
 * - JPEG is JFIF (full-range BT.601 YCbCr) and PNG RGB, both converted
 *   from the stream's colorimetry (untagged streams as ffmpeg reads them).
 * - Images are upright, as the stream's image-orientation tag says, unless
 *   #GstKvsSnapshot:autorotate is false; sizes are the displayed picture's.
 *
 * When upstream can seek, it jumps to each next target instead of
 * decoding everything in between (accurate seeks for times and intervals,
 * key-unit seeks for sprites unless #GstKvsSnapshot:accurate is set).
 * When upstream cannot (live, pipes), it waits for the targets to pass.
 *
 * Per image it posts `kvssnapshot-file`; at EOS `kvssnapshot` with the
 * list, which it also writes to #GstKvsSnapshot:json-location.
 *
 * | message | field | type | meaning |
 * |---|---|---|---|
 * | kvssnapshot-file | fileindex | gint | the image's (or sheet's) number, from 0 |
 * | kvssnapshot-file | location | gchararray | its path |
 * | kvssnapshot-file | filesize | guint64 | its size in bytes |
 * | kvssnapshot-file | timestamp | GstClockTime | the captured frame's time, on that timeline (a sheet's first tile) |
 * | kvssnapshot | snapshot-num | gint | images (or tiles) written |
 * | kvssnapshot | json | gchararray | the document, as in the sidecar |
 * | kvssnapshot | location | gchararray | the sidecar's path (only when written) |
 *
 * Errors carry the documented code: 2333 when no mode is set (no times,
 * no interval), 2335 without a location, 2315 for a location that is not
 * a printf pattern with one number, 2337 for a time past the stream's
 * end (or after its last frame's start), 2302 when the encoder fails, 2324 when a file cannot be written.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=in.mp4 ! qtdemux name=d d.video_0 ! decodebin ! kvssnapshot times=0.5,1.5 location=snap-%02d.jpg json-location=snap.json
 * ]| Two snapshots, seeking to each.
 * |[
 * gst-launch-1.0 filesrc location=in.mp4 ! qtdemux name=d d.video_0 ! decodebin ! kvssnapshot interval=0.5 columns=2 rows=2 tile-width=80 tile-height=60 location=sheet-%03d.jpg vtt-location=thumbs.vtt json-location=sprites.json
 * ]| Sprite sheets of a tile every half second, with a WebVTT thumbnails track.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstkvssnapshot.h"
#include "kvserrors.h"
#include "kvsavprobe.h"
#include "kvsfiles.h"
#include "kvsimage.h"
#include "kvsresult.h"

#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

GST_DEBUG_CATEGORY_STATIC (gst_kvs_snapshot_debug);
#define GST_CAT_DEFAULT gst_kvs_snapshot_debug

/* every raw format GstVideoConverter reads: 10-bit HDR phone video,
 * 4:2:2 and 4:4:4 broadcast, RGB screen captures */
#define SINK_FORMATS GST_VIDEO_FORMATS_ALL

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (SINK_FORMATS)));

#define DEFAULT_TIMES NULL
#define DEFAULT_INTERVAL 0.0
#define DEFAULT_START 0.0
#define DEFAULT_COUNT 0
#define DEFAULT_COLUMNS 0
#define DEFAULT_ROWS 0
#define DEFAULT_TILE_WIDTH 160
#define DEFAULT_TILE_HEIGHT 90
#define DEFAULT_LOCATION NULL
#define DEFAULT_FORMAT GST_KVS_SNAPSHOT_FORMAT_JPEG
#define DEFAULT_QUALITY 90
#define DEFAULT_WIDTH 0
#define DEFAULT_HEIGHT 0
#define DEFAULT_ACCURATE FALSE
#define DEFAULT_AUTOROTATE TRUE

/* seek ahead rather than wait when the next target is this far (at
 * first: it grows when key-unit seeks land behind where they started, in a
 * long GOP) */
#define SEEK_THRESHOLD (GST_SECOND / 2)
#define MAX_SEEK_THRESHOLD (60 * GST_SECOND)
#define ACCURATE_SEEK_THRESHOLD (2 * GST_SECOND)

/* A key-unit seek goes this much past its target: qtdemux 1.22, asked for
 * a time on a video key frame (or less than an audio frame after one),
 * snaps to the audio frame before it and delivers the previous GOP's last
 * frame, a whole GOP decoded for the wrong picture. */
#define KEY_UNIT_BIAS (50 * GST_MSECOND)

/* An accurate seek goes this much before its target: the frame at the
 * target must come out, whatever the demuxer rounds. */
#define ACCURATE_SEEK_MARGIN (100 * GST_MSECOND)

/* ffmpeg compares a time with a frame's in the stream's time base: a
 * frame stored half a millisecond early (Matroska and FLV count
 * milliseconds) is still the frame at that time. */
#define TIME_TOLERANCE (GST_MSECOND / 2)

enum
{
  PROP_0,
  PROP_TIMES,
  PROP_INTERVAL,
  PROP_START,
  PROP_COUNT,
  PROP_COLUMNS,
  PROP_ROWS,
  PROP_TILE_WIDTH,
  PROP_TILE_HEIGHT,
  PROP_LOCATION,
  PROP_FORMAT,
  PROP_QUALITY,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_ACCURATE,
  PROP_AUTOROTATE,
  PROP_JSON_LOCATION,
  PROP_VTT_LOCATION,
  PROP_TASK_TYPE,
};

typedef struct
{
  guint index;
  gchar *path;
  guint64 size;
  GstClockTime timestamp;
} KvsCapture;

#define GST_TYPE_KVS_SNAPSHOT_FORMAT (gst_kvs_snapshot_format_get_type ())
static GType
gst_kvs_snapshot_format_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_KVS_SNAPSHOT_FORMAT_JPEG, "JPEG images", "jpeg"},
    {GST_KVS_SNAPSHOT_FORMAT_PNG, "PNG images", "png"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstKvsSnapshotFormat", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define gst_kvs_snapshot_parent_class parent_class
G_DEFINE_TYPE (GstKvsSnapshot, gst_kvs_snapshot, GST_TYPE_BASE_SINK);
GST_ELEMENT_REGISTER_DEFINE (kvssnapshot, "kvssnapshot", GST_RANK_NONE,
    GST_TYPE_KVS_SNAPSHOT);

static void gst_kvs_snapshot_finalize (GObject * object);
static void gst_kvs_snapshot_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_kvs_snapshot_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static gboolean gst_kvs_snapshot_start (GstBaseSink * sink);
static gboolean gst_kvs_snapshot_stop (GstBaseSink * sink);
static gboolean gst_kvs_snapshot_set_caps (GstBaseSink * sink, GstCaps * caps);
static GstFlowReturn gst_kvs_snapshot_render (GstBaseSink * sink,
    GstBuffer * buf);
static gboolean gst_kvs_snapshot_event (GstBaseSink * sink, GstEvent * event);

static void
install_uint (GObjectClass * klass, guint id, const gchar * name,
    const gchar * blurb, guint min, guint max, guint def)
{
  g_object_class_install_property (klass, id, g_param_spec_uint (name, name,
          blurb, min, max, def, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
}

static void
install_string (GObjectClass * klass, guint id, const gchar * name,
    const gchar * blurb)
{
  g_object_class_install_property (klass, id, g_param_spec_string (name,
          name, blurb, NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
}

static void
gst_kvs_snapshot_class_init (GstKvsSnapshotClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *sink_class = GST_BASE_SINK_CLASS (klass);

  gobject_class->set_property = gst_kvs_snapshot_set_property;
  gobject_class->get_property = gst_kvs_snapshot_get_property;
  gobject_class->finalize = gst_kvs_snapshot_finalize;

  install_string (gobject_class, PROP_TIMES, "times",
      "Snapshot times in seconds, comma-separated (\"1.5,10,42\")");
  g_object_class_install_property (gobject_class, PROP_INTERVAL,
      g_param_spec_double ("interval", "Interval",
          "Seconds between sampled snapshots or sprite tiles (0: off)", 0.0,
          86400.0, DEFAULT_INTERVAL, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_START,
      g_param_spec_double ("start", "Start",
          "Seconds of the first sampled snapshot or tile", 0.0, 864000.0,
          DEFAULT_START, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  install_uint (gobject_class, PROP_COUNT, "count",
      "At most this many sampled snapshots or tiles (0: to the end)", 0,
      G_MAXINT, DEFAULT_COUNT);
  install_uint (gobject_class, PROP_COLUMNS, "columns",
      "Sprite sheet columns (0 with rows 0: no sprites)", 0, 100,
      DEFAULT_COLUMNS);
  install_uint (gobject_class, PROP_ROWS, "rows",
      "Sprite sheet rows (0 with columns 0: no sprites)", 0, 100, DEFAULT_ROWS);
  install_uint (gobject_class, PROP_TILE_WIDTH, "tile-width",
      "Sprite tile width in pixels (made even)", 2, 4096, DEFAULT_TILE_WIDTH);
  install_uint (gobject_class, PROP_TILE_HEIGHT, "tile-height",
      "Sprite tile height in pixels (made even)", 2, 4096, DEFAULT_TILE_HEIGHT);
  install_string (gobject_class, PROP_LOCATION, "location",
      "Image or sheet path, a printf pattern with one number "
      "(\"snap-%05d.jpg\")");
  g_object_class_install_property (gobject_class, PROP_FORMAT,
      g_param_spec_enum ("format", "Format", "The image format",
          GST_TYPE_KVS_SNAPSHOT_FORMAT, DEFAULT_FORMAT, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_QUALITY,
      g_param_spec_int ("quality", "Quality", "JPEG quality", 1, 100,
          DEFAULT_QUALITY, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  install_uint (gobject_class, PROP_WIDTH, "width",
      "Snapshot width in pixels (0: from the height and the aspect ratio, "
      "or the source's)", 0, 8192, DEFAULT_WIDTH);
  install_uint (gobject_class, PROP_HEIGHT, "height",
      "Snapshot height in pixels (0: from the width and the aspect ratio, "
      "or the source's)", 0, 8192, DEFAULT_HEIGHT);
  g_object_class_install_property (gobject_class, PROP_ACCURATE,
      g_param_spec_boolean ("accurate", "Accurate",
          "Sprites: seek accurately instead of to key frames", DEFAULT_ACCURATE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_AUTOROTATE,
      g_param_spec_boolean ("autorotate", "Autorotate",
          "Turn images upright as the stream's orientation (image-orientation "
          "tag, a display matrix) says, as ffmpeg does; false keeps the coded "
          "orientation (set it false after an element that turns the picture "
          "itself, as videoflip video-direction=auto, which leaves the tag)",
          DEFAULT_AUTOROTATE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  install_string (gobject_class, PROP_JSON_LOCATION, "json-location",
      "Path of the sidecar JSON file written at EOS (none: message only)");
  install_string (gobject_class, PROP_VTT_LOCATION, "vtt-location",
      "Path of the WebVTT thumbnails track for sprite sheets (none: not "
      "written)");
  kvs_result_install_task_type (gobject_class, PROP_TASK_TYPE);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_set_static_metadata (element_class, "KVS snapshot",
      "Sink/Video", "Writes snapshots, sampled snapshots or sprite sheets "
      "with a WebVTT track, seeking to each target",
      "gst-plugins-kvs contributors");

  sink_class->start = GST_DEBUG_FUNCPTR (gst_kvs_snapshot_start);
  sink_class->stop = GST_DEBUG_FUNCPTR (gst_kvs_snapshot_stop);
  sink_class->set_caps = GST_DEBUG_FUNCPTR (gst_kvs_snapshot_set_caps);
  sink_class->render = GST_DEBUG_FUNCPTR (gst_kvs_snapshot_render);
  sink_class->event = GST_DEBUG_FUNCPTR (gst_kvs_snapshot_event);

  gst_type_mark_as_plugin_api (GST_TYPE_KVS_SNAPSHOT_FORMAT, 0);

  GST_DEBUG_CATEGORY_INIT (gst_kvs_snapshot_debug, "kvssnapshot", 0,
      "KVS snapshots and sprite sheets");
}

static void
gst_kvs_snapshot_init (GstKvsSnapshot * self)
{
  self->interval = DEFAULT_INTERVAL;
  self->start = DEFAULT_START;
  self->count = DEFAULT_COUNT;
  self->tile_width = DEFAULT_TILE_WIDTH;
  self->tile_height = DEFAULT_TILE_HEIGHT;
  self->format = DEFAULT_FORMAT;
  self->quality = DEFAULT_QUALITY;
  self->accurate = DEFAULT_ACCURATE;
  self->autorotate = DEFAULT_AUTOROTATE;
  self->captured = g_array_new (FALSE, TRUE, sizeof (KvsCapture));
  self->sheets = g_array_new (FALSE, TRUE, sizeof (KvsCapture));

  /* snapshots are not played: as fast as upstream goes */
  gst_base_sink_set_sync (GST_BASE_SINK (self), FALSE);
  gst_base_sink_set_qos_enabled (GST_BASE_SINK (self), FALSE);
}

static void
clear_captures (GArray * a)
{
  guint i;

  for (i = 0; i < a->len; i++)
    g_free (g_array_index (a, KvsCapture, i).path);
  g_array_set_size (a, 0);
}

static void
clear_run (GstKvsSnapshot * self)
{
  g_clear_pointer (&self->run.times, g_array_unref);
  g_clear_pointer (&self->run.location, g_free);
  g_clear_pointer (&self->run.json_location, g_free);
  g_clear_pointer (&self->run.vtt_location, g_free);
  clear_captures (self->captured);
  clear_captures (self->sheets);
  gst_clear_buffer (&self->sheet);
  g_clear_pointer (&self->encoder, kvs_image_encoder_free);
}

static void
gst_kvs_snapshot_finalize (GObject * object)
{
  GstKvsSnapshot *self = GST_KVS_SNAPSHOT (object);

  clear_run (self);
  g_array_unref (self->captured);
  g_array_unref (self->sheets);
  g_free (self->times);
  g_free (self->location);
  g_free (self->json_location);
  g_free (self->vtt_location);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_kvs_snapshot_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstKvsSnapshot *self = GST_KVS_SNAPSHOT (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_TIMES:
      g_free (self->times);
      self->times = g_value_dup_string (value);
      break;
    case PROP_INTERVAL:
      self->interval = g_value_get_double (value);
      break;
    case PROP_START:
      self->start = g_value_get_double (value);
      break;
    case PROP_COUNT:
      self->count = g_value_get_uint (value);
      break;
    case PROP_COLUMNS:
      self->columns = g_value_get_uint (value);
      break;
    case PROP_ROWS:
      self->rows = g_value_get_uint (value);
      break;
    case PROP_TILE_WIDTH:
      self->tile_width = g_value_get_uint (value);
      break;
    case PROP_TILE_HEIGHT:
      self->tile_height = g_value_get_uint (value);
      break;
    case PROP_LOCATION:
      g_free (self->location);
      self->location = g_value_dup_string (value);
      break;
    case PROP_FORMAT:
      self->format = g_value_get_enum (value);
      break;
    case PROP_QUALITY:
      self->quality = g_value_get_int (value);
      break;
    case PROP_WIDTH:
      self->width = g_value_get_uint (value);
      break;
    case PROP_HEIGHT:
      self->height = g_value_get_uint (value);
      break;
    case PROP_ACCURATE:
      self->accurate = g_value_get_boolean (value);
      break;
    case PROP_AUTOROTATE:
      self->autorotate = g_value_get_boolean (value);
      break;
    case PROP_JSON_LOCATION:
      g_free (self->json_location);
      self->json_location = g_value_dup_string (value);
      break;
    case PROP_VTT_LOCATION:
      g_free (self->vtt_location);
      self->vtt_location = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_kvs_snapshot_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstKvsSnapshot *self = GST_KVS_SNAPSHOT (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_TIMES:
      g_value_set_string (value, self->times);
      break;
    case PROP_INTERVAL:
      g_value_set_double (value, self->interval);
      break;
    case PROP_START:
      g_value_set_double (value, self->start);
      break;
    case PROP_COUNT:
      g_value_set_uint (value, self->count);
      break;
    case PROP_COLUMNS:
      g_value_set_uint (value, self->columns);
      break;
    case PROP_ROWS:
      g_value_set_uint (value, self->rows);
      break;
    case PROP_TILE_WIDTH:
      g_value_set_uint (value, self->tile_width);
      break;
    case PROP_TILE_HEIGHT:
      g_value_set_uint (value, self->tile_height);
      break;
    case PROP_LOCATION:
      g_value_set_string (value, self->location);
      break;
    case PROP_FORMAT:
      g_value_set_enum (value, self->format);
      break;
    case PROP_QUALITY:
      g_value_set_int (value, self->quality);
      break;
    case PROP_WIDTH:
      g_value_set_uint (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_uint (value, self->height);
      break;
    case PROP_ACCURATE:
      g_value_set_boolean (value, self->accurate);
      break;
    case PROP_AUTOROTATE:
      g_value_set_boolean (value, self->autorotate);
      break;
    case PROP_JSON_LOCATION:
      g_value_set_string (value, self->json_location);
      break;
    case PROP_VTT_LOCATION:
      g_value_set_string (value, self->vtt_location);
      break;
    case PROP_TASK_TYPE:
      g_value_set_string (value, self->interval > 0.0 ? "avsample" :
          "avsnapshot");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* ---- settings ----------------------------------------------------------- */

static gint
compare_times (gconstpointer a, gconstpointer b)
{
  GstClockTime x = *(const GstClockTime *) a, y = *(const GstClockTime *) b;

  return (x > y) - (x < y);
}

/* "1.5,10,42" as sorted clock times; FALSE if not such a list */
static gboolean
parse_times (const gchar * s, GArray * out)
{
  gchar **parts = g_strsplit (s, ",", -1), **p;
  gboolean ok = TRUE;

  for (p = parts; *p && ok; p++) {
    gchar *end;
    gdouble v;

    g_strstrip (*p);
    if (**p == '\0')
      continue;
    v = g_ascii_strtod (*p, &end);
    if (*end != '\0' || !(v >= 0.0 && v <= 864000.0)) {
      ok = FALSE;
    } else {
      GstClockTime t = (GstClockTime) (v * GST_SECOND + 0.5);

      g_array_append_val (out, t);
    }
  }
  g_strfreev (parts);
  g_array_sort (out, compare_times);
  return ok;
}

static gboolean
is_sprite (GstKvsSnapshot * self)
{
  return self->run.columns > 0 && self->run.rows > 0;
}

static GstClockTime
target (GstKvsSnapshot * self, guint k)
{
  if (self->run.times->len > 0)
    return g_array_index (self->run.times, GstClockTime, k);
  return self->run.start + k * self->run.interval;
}

/* Times are all targets (one past the end is an error); intervals run to
 * the count, and to the end of the stream when its duration is known. */
static gboolean
has_target (GstKvsSnapshot * self, guint k)
{
  if (self->run.times->len > 0)
    return k < self->run.times->len;
  if (self->run.count > 0 && k >= self->run.count)
    return FALSE;
  return !GST_CLOCK_TIME_IS_VALID (self->duration) ||
      target (self, k) < self->duration;
}

static gboolean
gst_kvs_snapshot_start (GstBaseSink * sink)
{
  GstKvsSnapshot *self = GST_KVS_SNAPSHOT (sink);
  gboolean times_ok = TRUE;
  gchar *encoder_desc;
  GError *err = NULL;

  clear_run (self);
  self->run.times = g_array_new (FALSE, FALSE, sizeof (GstClockTime));

  GST_OBJECT_LOCK (self);
  if (self->times)
    times_ok = parse_times (self->times, self->run.times);
  self->run.interval = (GstClockTime) (self->interval * GST_SECOND + 0.5);
  self->run.start = (GstClockTime) (self->start * GST_SECOND + 0.5);
  self->run.count = self->count;
  self->run.columns = self->columns;
  self->run.rows = self->rows;
  self->run.tile_width = GST_ROUND_UP_2 (self->tile_width);
  self->run.tile_height = GST_ROUND_UP_2 (self->tile_height);
  self->run.location = g_strdup (self->location);
  self->run.format = self->format;
  self->run.quality = self->quality;
  self->run.width = self->width;
  self->run.height = self->height;
  self->run.accurate = self->accurate;
  self->run.autorotate = self->autorotate;
  self->run.json_location = g_strdup (self->json_location);
  self->run.vtt_location = g_strdup (self->vtt_location);
  GST_OBJECT_UNLOCK (self);

  self->next = 0;
  self->tiles_in_sheet = 0;
  self->seekable = FALSE;
  self->duration = GST_CLOCK_TIME_NONE;
  self->sought = G_MAXUINT;
  g_atomic_int_set (&self->finished, FALSE);
  /* an accurate seek decodes from the key frame before its target: not
   * worth it for a target close ahead, likely in the same GOP */
  self->min_seek = is_sprite (self) && !self->run.accurate ?
      SEEK_THRESHOLD : ACCURATE_SEEK_THRESHOLD;
  self->last_ts = GST_CLOCK_TIME_NONE;
  self->queried = FALSE;
  g_atomic_int_set (&self->key_unit_seek, FALSE);
  g_atomic_int_set (&self->seek_seqnum, GST_SEQNUM_INVALID);
  self->landing = FALSE;
  self->failed = FALSE;
  self->orientation = GST_VIDEO_ORIENTATION_IDENTITY;
  self->sheet_format = GST_VIDEO_FORMAT_UNKNOWN;
  self->have_timeline = FALSE;
  self->anchored = FALSE;
  self->pts_offset = 0;
  self->last_end = 0;

  if (!times_ok)
    goto bad_times;
  if (self->run.interval > 0 && self->run.interval < GST_MSECOND)
    goto bad_interval;
  if (is_sprite (self) ? self->run.interval == 0 :
      self->run.times->len == 0 && self->run.interval == 0)
    goto no_mode;
  if (self->run.location == NULL)
    goto no_location;
  if (!kvs_files_is_pattern (self->run.location))
    goto bad_location;

  encoder_desc = self->run.format == GST_KVS_SNAPSHOT_FORMAT_JPEG ?
      g_strdup_printf ("jpegenc quality=%d", self->run.quality) :
      g_strdup ("pngenc");
  self->encoder = kvs_image_encoder_new (encoder_desc, &err);
  g_free (encoder_desc);
  if (self->encoder == NULL)
    goto no_encoder;
  return TRUE;

  /* ERRORS */
bad_times:
  {
    KVS_ELEMENT_ERROR (self, RESOURCE, SETTINGS, KVS_ERRNUM_SNAPSHOT_PARAM,
        ("times \"%s\" is not a list of seconds (\"1.5,10,42\").",
            self->times), (NULL));
    return FALSE;
  }
bad_interval:
  {
    KVS_ELEMENT_ERROR (self, RESOURCE, SETTINGS, KVS_ERRNUM_SNAPSHOT_PARAM,
        ("interval must be at least a millisecond."), (NULL));
    return FALSE;
  }
no_mode:
  {
    KVS_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        KVS_ERRNUM_SNAPSHOT_LACK_PARAM,
        ("Nothing to capture: set times, or an interval (sprite sheets need "
            "an interval too)."), (NULL));
    return FALSE;
  }
no_location:
  {
    KVS_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
        KVS_ERRNUM_SNAPSHOT_NO_OUTPUT, ("No location set for the images."),
        (NULL));
    return FALSE;
  }
bad_location:
  {
    KVS_ELEMENT_ERROR (self, RESOURCE, SETTINGS, KVS_ERRNUM_SNAPSHOT_PARAM,
        ("location \"%s\" is not a pattern with one number "
            "(\"snap-%%05d.jpg\").", self->run.location), (NULL));
    return FALSE;
  }
no_encoder:
  {
    GST_ELEMENT_ERROR_WITH_DETAILS (self, CORE, MISSING_PLUGIN,
        ("The image encoder is missing: %s", err->message), (NULL),
        ("kvs-errnum", G_TYPE_INT, KVS_ERRNUM_SNAPSHOT_ENCODE, "kvs-errmsg",
            G_TYPE_STRING,
            kvs_callback_error_message (KVS_ERRNUM_SNAPSHOT_ENCODE), NULL));
    g_clear_error (&err);
    return FALSE;
  }
}

static gboolean
gst_kvs_snapshot_stop (GstBaseSink * sink)
{
  g_atomic_int_set (&GST_KVS_SNAPSHOT (sink)->finished, TRUE);
  clear_run (GST_KVS_SNAPSHOT (sink));
  return TRUE;
}

/* The stream's colours as ffmpeg reads them. What the caps say, field by
 * field (GStreamer replaces a colorimetry with an unknown field by its
 * default for the size, dropping a full range the decoder gave), and for
 * what they do not say ffmpeg's defaults: BT.601, limited range. */
static gboolean
gst_kvs_snapshot_set_caps (GstBaseSink * sink, GstCaps * caps)
{
  GstKvsSnapshot *self = GST_KVS_SNAPSHOT (sink);
  GstVideoColorimetry *c = &self->in_info.colorimetry, given;
  const gchar *s;

  if (!gst_video_info_from_caps (&self->in_info, caps))
    return FALSE;
  if (!GST_VIDEO_INFO_IS_YUV (&self->in_info))
    return TRUE;
  s = gst_structure_get_string (gst_caps_get_structure (caps, 0),
      "colorimetry");
  if (s == NULL || !gst_video_colorimetry_from_string (&given, s))
    memset (&given, 0, sizeof (given));
  c->range = given.range != GST_VIDEO_COLOR_RANGE_UNKNOWN ? given.range :
      GST_VIDEO_COLOR_RANGE_16_235;
  c->matrix = given.matrix != GST_VIDEO_COLOR_MATRIX_UNKNOWN &&
      given.matrix != GST_VIDEO_COLOR_MATRIX_RGB ? given.matrix :
      GST_VIDEO_COLOR_MATRIX_BT601;
  if (given.transfer != GST_VIDEO_TRANSFER_UNKNOWN)
    c->transfer = given.transfer;
  if (given.primaries != GST_VIDEO_COLOR_PRIMARIES_UNKNOWN)
    c->primaries = given.primaries;
  GST_DEBUG_OBJECT (self, "colours: matrix %d, range %d (caps: %s)",
      c->matrix, c->range, GST_STR_NULL (s));
  return TRUE;
}

/* ---- images ------------------------------------------------------------- */

static GstVideoOrientationMethod
orientation (GstKvsSnapshot * self)
{
  return self->run.autorotate ? self->orientation :
      GST_VIDEO_ORIENTATION_IDENTITY;
}

/* The snapshot size: both given, or one from the other by the display
 * aspect ratio, or the source's; of the picture as displayed (turned
 * upright); even, for 4:2:0. */
static void
snapshot_size (GstKvsSnapshot * self, guint * w, guint * h)
{
  gint iw = GST_VIDEO_INFO_WIDTH (&self->in_info);
  gint ih = GST_VIDEO_INFO_HEIGHT (&self->in_info);
  gint pn = MAX (GST_VIDEO_INFO_PAR_N (&self->in_info), 1);
  gint pd = MAX (GST_VIDEO_INFO_PAR_D (&self->in_info), 1);

  if (kvs_image_orientation_swaps (orientation (self))) {
    gint t = iw;

    iw = ih;
    ih = t;
    t = pn;
    pn = pd;
    pd = t;
  }

  *w = self->run.width;
  *h = self->run.height;
  if (*w == 0 && *h == 0) {
    *w = iw;
    *h = ih;
  } else if (*h == 0) {
    *h = (guint) gst_util_uint64_scale_int_round (*w, ih * pd, iw * pn);
  } else if (*w == 0) {
    *w = (guint) gst_util_uint64_scale_int_round (*h, iw * pn, ih * pd);
  }
  *w = MAX (GST_ROUND_UP_2 (*w), 2);
  *h = MAX (GST_ROUND_UP_2 (*h), 2);
}

/* A JPEG's sampling is the stream's, as ffmpeg's JPEG encoder keeps it:
 * 4:2:0 (and for grey), 4:2:2, or 4:4:4 (and for RGB). A 4:2:2 picture
 * turned a quarter would have its chroma halved the other way: 4:4:4. */
static GstVideoFormat
jpeg_format (GstKvsSnapshot * self)
{
  const GstVideoFormatInfo *finfo = self->in_info.finfo;

  if (GST_VIDEO_FORMAT_INFO_IS_RGB (finfo))
    return GST_VIDEO_FORMAT_Y444;
  if (!GST_VIDEO_FORMAT_INFO_IS_YUV (finfo) ||
      GST_VIDEO_FORMAT_INFO_N_COMPONENTS (finfo) < 3)
    return GST_VIDEO_FORMAT_I420;
  if (GST_VIDEO_FORMAT_INFO_W_SUB (finfo, 1) == 0 &&
      GST_VIDEO_FORMAT_INFO_H_SUB (finfo, 1) == 0)
    return GST_VIDEO_FORMAT_Y444;
  if (GST_VIDEO_FORMAT_INFO_W_SUB (finfo, 1) == 1 &&
      GST_VIDEO_FORMAT_INFO_H_SUB (finfo, 1) == 0)
    return kvs_image_orientation_swaps (orientation (self)) ?
        GST_VIDEO_FORMAT_Y444 : GST_VIDEO_FORMAT_Y42B;
  return GST_VIDEO_FORMAT_I420;
}

/* A sprite sheet's JPEG sampling: the first tile's, for the whole run
 * (every tile is blitted into a sheet of that format, whatever the caps
 * or the orientation become); 4:2:2 as 4:4:4, so that any tile, turned or
 * not, has it. */
static GstVideoFormat
sheet_format (GstKvsSnapshot * self)
{
  if (self->sheet_format == GST_VIDEO_FORMAT_UNKNOWN) {
    GstVideoFormat f = jpeg_format (self);

    self->sheet_format = f == GST_VIDEO_FORMAT_Y42B ? GST_VIDEO_FORMAT_Y444 : f;
  }
  return self->sheet_format;
}

/* The images' raw format: JPEG's is JFIF's YCbCr, full range with
 * BT.601's matrix (what every JPEG decoder assumes), PNG's sRGB. The
 * stream's own transfer and primaries are kept: the colours are converted
 * between matrices and ranges, not between gamuts, as ffmpeg does. */
static void
image_info (GstKvsSnapshot * self, GstVideoInfo * info, guint w, guint h)
{
  if (self->run.format == GST_KVS_SNAPSHOT_FORMAT_JPEG) {
    gst_video_info_set_format (info, is_sprite (self) ? sheet_format (self) :
        jpeg_format (self), w, h);
    info->colorimetry.range = GST_VIDEO_COLOR_RANGE_0_255;
    info->colorimetry.matrix = GST_VIDEO_COLOR_MATRIX_BT601;
    /* the stream's chroma samples as they are, as ffmpeg writes them:
     * moved to JPEG's sites they would be resampled, and blurred */
    info->chroma_site = self->in_info.chroma_site;
  } else {
    gst_video_info_set_format (info, GST_VIDEO_FORMAT_RGB, w, h);
  }
  info->colorimetry.transfer = self->in_info.colorimetry.transfer;
  info->colorimetry.primaries = self->in_info.colorimetry.primaries;
  /* the converter wants the rates alike; the images have none */
  GST_VIDEO_INFO_FPS_N (info) = GST_VIDEO_INFO_FPS_N (&self->in_info);
  GST_VIDEO_INFO_FPS_D (info) = GST_VIDEO_INFO_FPS_D (&self->in_info);
}

/* @buf converted and scaled to a new buffer of @w x @h, as displayed:
 * scaled in the coded orientation, then turned. For JPEG the converter
 * keeps the stream's range, which is then stretched to full range here:
 * GstVideoConverter 1.22 takes its fast path between two YUV formats of
 * one matrix and ignores their ranges. */
static GstBuffer *
convert (GstKvsSnapshot * self, GstBuffer * buf, guint w, guint h,
    GstVideoInfo * out_info)
{
  GstVideoOrientationMethod method = orientation (self);
  gboolean swaps = kvs_image_orientation_swaps (method), expand;
  GstVideoInfo coded_info, in_info = self->in_info;
  GstVideoFrame in, out;
  GstVideoConverter *conv;
  GstBuffer *res;

  /* an interlaced frame is taken as the picture it is, both fields woven,
   * as ffmpeg takes it (it does not deinterlace either); the converter
   * wants the modes alike */
  GST_VIDEO_INFO_INTERLACE_MODE (&in_info) =
      GST_VIDEO_INTERLACE_MODE_PROGRESSIVE;

  image_info (self, out_info, w, h);
  image_info (self, &coded_info, swaps ? h : w, swaps ? w : h);
  expand = GST_VIDEO_INFO_IS_YUV (&coded_info) &&
      self->in_info.colorimetry.range != GST_VIDEO_COLOR_RANGE_0_255;
  if (expand)
    coded_info.colorimetry.range = GST_VIDEO_COLOR_RANGE_16_235;
  res = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&coded_info), NULL);
  if (!kvs_image_map_pair (&in, &in_info, buf, &out, &coded_info, res)) {
    gst_buffer_unref (res);
    return NULL;
  }
  /* chroma resampled (4:2:2 into 4:4:4) bicubically, as ffmpeg's scaler */
  conv = gst_video_converter_new (&in_info, &coded_info,
      gst_structure_new ("GstVideoConverter",
          GST_VIDEO_CONVERTER_OPT_CHROMA_RESAMPLER_METHOD,
          GST_TYPE_VIDEO_RESAMPLER_METHOD, GST_VIDEO_RESAMPLER_METHOD_CUBIC,
          NULL));
  if (conv != NULL) {
    gst_video_converter_frame (conv, &in, &out);
    gst_video_converter_free (conv);
    if (expand)
      kvs_image_expand_range (&out);
  }
  kvs_image_unmap_pair (&in, &out);
  if (conv == NULL) {
    gst_buffer_unref (res);
    return NULL;
  }

  if (method != GST_VIDEO_ORIENTATION_IDENTITY) {
    GstBuffer *turned = gst_buffer_new_allocate (NULL,
        GST_VIDEO_INFO_SIZE (out_info), NULL);
    gboolean mapped = kvs_image_map_pair (&in, &coded_info, res, &out,
        out_info, turned);

    if (mapped) {
      kvs_image_orient (&out, &in, method);
      kvs_image_unmap_pair (&in, &out);
    }
    gst_buffer_unref (res);
    if (!mapped) {
      gst_buffer_unref (turned);
      return NULL;
    }
    res = turned;
  }
  return res;
}

/* Encodes @raw and writes it as image @index; posts kvssnapshot-file. */
static gboolean
write_image (GstKvsSnapshot * self, GstBuffer * raw,
    const GstVideoInfo * info, guint index, GstClockTime ts, GArray * list)
{
  GError *err = NULL;
  GstBuffer *img;
  GstMapInfo map;
  KvsCapture c;
  gchar *shown;
  gboolean ok;

  if (self->run.format == GST_KVS_SNAPSHOT_FORMAT_JPEG) {
    GstBuffer *padded = kvs_image_pad_blocks (info, raw);

    if (padded == NULL) {
      g_set_error (&err, GST_STREAM_ERROR, GST_STREAM_ERROR_ENCODE,
          "the frame cannot be mapped");
      goto encode_failed;
    }
    img = kvs_image_encoder_encode (self->encoder, info, padded, &err);
    gst_buffer_unref (padded);
  } else {
    img = kvs_image_encoder_encode (self->encoder, info, raw, &err);
  }
  if (img == NULL)
    goto encode_failed;

  c.index = index;
  c.path = kvs_files_path (self->run.location, index);
  c.timestamp = ts;
  gst_buffer_map (img, &map, GST_MAP_READ);
  c.size = map.size;
  ok = g_file_set_contents (c.path, (const gchar *) map.data, map.size, &err);
  gst_buffer_unmap (img, &map);
  gst_buffer_unref (img);
  if (!ok)
    goto write_failed;

  g_array_append_val (list, c);
  shown = kvs_files_display (c.path);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self),
          gst_structure_new ("kvssnapshot-file", "fileindex", G_TYPE_INT,
              (gint) index, "location", G_TYPE_STRING, shown, "filesize",
              G_TYPE_UINT64, c.size, "timestamp", GST_TYPE_CLOCK_TIME, ts,
              NULL)));
  g_free (shown);
  return TRUE;

  /* ERRORS */
encode_failed:
  {
    KVS_ELEMENT_ERROR (self, STREAM, ENCODE, KVS_ERRNUM_SNAPSHOT_ENCODE,
        ("Could not encode image %u.", index), ("%s", err->message));
    g_clear_error (&err);
    return FALSE;
  }
write_failed:
  {
    KVS_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE, KVS_ERRNUM_SNAPSHOT_OUTPUT,
        ("Could not write \"%s\".", c.path), ("%s", err->message));
    g_clear_error (&err);
    g_free (c.path);
    return FALSE;
  }
}

static gboolean
flush_sheet (GstKvsSnapshot * self)
{
  guint tiles = self->run.columns * self->run.rows;
  guint first = self->sheets->len * tiles;
  GstClockTime ts = target (self, first);
  gboolean ok;

  if (self->sheet == NULL)
    return TRUE;
  ok = write_image (self, self->sheet, &self->sheet_info, self->sheets->len,
      ts, self->sheets);
  gst_clear_buffer (&self->sheet);
  self->tiles_in_sheet = 0;
  return ok;
}

/* The frame @buf (at stream time @ts) for the target @k. */
static gboolean
capture (GstKvsSnapshot * self, GstBuffer * buf, guint k, GstClockTime ts)
{
  GstVideoInfo info;
  GstBuffer *raw;
  gboolean ok = TRUE;

  GST_DEBUG_OBJECT (self, "target %u (%" GST_TIME_FORMAT ") from the frame "
      "at %" GST_TIME_FORMAT, k, GST_TIME_ARGS (target (self, k)),
      GST_TIME_ARGS (ts));
  self->last_ts = ts;

  if (!is_sprite (self)) {
    guint w, h;

    snapshot_size (self, &w, &h);
    raw = convert (self, buf, w, h, &info);
    if (raw == NULL)
      goto convert_failed;
    ok = write_image (self, raw, &info, self->captured->len, ts,
        self->captured);
    gst_buffer_unref (raw);
    return ok;
  } else {
    guint cols = self->run.columns, tw = self->run.tile_width;
    guint th = self->run.tile_height;
    guint slot = self->tiles_in_sheet;
    GstVideoFrame sheet, tile;
    KvsCapture c = { k, NULL, 0, ts };

    if (self->sheet == NULL) {
      image_info (self, &self->sheet_info, cols * tw, self->run.rows * th);
      self->sheet = gst_buffer_new_allocate (NULL,
          GST_VIDEO_INFO_SIZE (&self->sheet_info), NULL);
      /* black */
      if (!gst_video_frame_map (&sheet, &self->sheet_info, self->sheet,
              GST_MAP_WRITE))
        goto convert_failed;
      if (GST_VIDEO_INFO_IS_YUV (&self->sheet_info)) {
        gsize ysize = GST_VIDEO_FRAME_PLANE_STRIDE (&sheet, 0) *
            GST_VIDEO_FRAME_COMP_HEIGHT (&sheet, 0);

        /* full range: black is 0 */
        memset (GST_VIDEO_FRAME_PLANE_DATA (&sheet, 0), 0, ysize);
        memset (GST_VIDEO_FRAME_PLANE_DATA (&sheet, 1), 128,
            GST_VIDEO_FRAME_PLANE_STRIDE (&sheet, 1) *
            GST_VIDEO_FRAME_COMP_HEIGHT (&sheet, 1));
        memset (GST_VIDEO_FRAME_PLANE_DATA (&sheet, 2), 128,
            GST_VIDEO_FRAME_PLANE_STRIDE (&sheet, 2) *
            GST_VIDEO_FRAME_COMP_HEIGHT (&sheet, 2));
      } else {
        memset (GST_VIDEO_FRAME_PLANE_DATA (&sheet, 0), 0,
            GST_VIDEO_INFO_SIZE (&self->sheet_info));
      }
      gst_video_frame_unmap (&sheet);
    }

    raw = convert (self, buf, tw, th, &info);
    if (raw == NULL)
      goto convert_failed;
    if (!kvs_image_map_pair (&tile, &info, raw, &sheet, &self->sheet_info,
            self->sheet)) {
      gst_buffer_unref (raw);
      goto convert_failed;
    }
    kvs_image_blit (&sheet, &tile, (slot % cols) * tw, (slot / cols) * th);
    kvs_image_unmap_pair (&tile, &sheet);
    gst_buffer_unref (raw);

    g_array_append_val (self->captured, c);
    if (++self->tiles_in_sheet == cols * self->run.rows)
      ok = flush_sheet (self);
    return ok;
  }

  /* ERRORS */
convert_failed:
  {
    KVS_ELEMENT_ERROR (self, STREAM, FORMAT, KVS_ERRNUM_SNAPSHOT_SCALE,
        ("Could not convert the frame at %" GST_TIME_FORMAT ".",
            GST_TIME_ARGS (ts)), (NULL));
    return FALSE;
  }
}

/* ---- seeking ------------------------------------------------------------ */

/* The seek goes to the top-level pipeline, as an application's would: it
 * then takes the pipeline through the flush and the new preroll. (Pushed
 * from the sink pad, the sink could stay waiting for a preroll the
 * pipeline never asks for: measured, 8 hangs in 180 runs.) */
static void
do_seek (GstElement * element, gpointer user_data)
{
  GstKvsSnapshot *self = GST_KVS_SNAPSHOT (element);
  GstEvent *seek = user_data;
  guint32 seqnum = gst_event_get_seqnum (seek);
  GstObject *top, *parent;
  gboolean ok;

  if (g_atomic_int_get (&self->finished)) {
    GST_DEBUG_OBJECT (self, "done: no seek");
    return;
  }
  /* a seek of an earlier run, or one a newer seek replaced */
  if ((guint32) g_atomic_int_get (&self->seek_seqnum) != seqnum) {
    GST_DEBUG_OBJECT (self, "seek %u is stale", seqnum);
    return;
  }
  top = gst_object_ref (GST_OBJECT (self));
  while ((parent = gst_object_get_parent (top)) != NULL) {
    gst_object_unref (top);
    top = parent;
  }
  GST_DEBUG_OBJECT (self, "seeking %" GST_PTR_FORMAT ": %" GST_PTR_FORMAT,
      top, seek);
  if (top == GST_OBJECT (self))
    ok = gst_pad_push_event (GST_BASE_SINK_PAD (self), gst_event_ref (seek));
  else
    ok = gst_element_send_event (GST_ELEMENT (top), gst_event_ref (seek));
  if (!ok) {
    GST_INFO_OBJECT (self, "the seek was refused: waiting instead");
    if ((guint32) g_atomic_int_get (&self->seek_seqnum) == seqnum)
      g_atomic_int_set (&self->key_unit_seek, FALSE);
  }
  gst_object_unref (top);
}

/* The stream time (what a seek is in) of presentation time @p, through
 * the current segment. */
static GstClockTime
seek_position (GstKvsSnapshot * self, gint64 p)
{
  GstSegment *segment = &GST_BASE_SINK (self)->segment;
  gint64 pos = p;

  if (self->anchored)
    pos = p - self->pts_offset - (gint64) segment->start +
        (gint64) segment->time;
  return pos > 0 ? (GstClockTime) pos : 0;
}

/* From the streaming thread: a flushing seek would have to wait for this
 * very thread, so it is sent from another one. */
static void
seek_to (GstKvsSnapshot * self, guint k, GstClockTime from)
{
  GstSeekFlags flags = GST_SEEK_FLAG_FLUSH;
  gint64 t = target (self, k);
  GstEvent *seek;

  if (!is_sprite (self) || self->run.accurate) {
    flags |= GST_SEEK_FLAG_ACCURATE;
    t -= ACCURATE_SEEK_MARGIN;
  } else {
    flags |= GST_SEEK_FLAG_KEY_UNIT | GST_SEEK_FLAG_SNAP_BEFORE;
    g_atomic_int_set (&self->key_unit_seek, TRUE);
    t += KEY_UNIT_BIAS;
  }

  self->sought = k;
  self->seek_from = from;
  seek = gst_event_new_seek (1.0, GST_FORMAT_TIME, flags, GST_SEEK_TYPE_SET,
      seek_position (self, t), GST_SEEK_TYPE_NONE, GST_CLOCK_TIME_NONE);
  g_atomic_int_set (&self->seek_seqnum, (gint) gst_event_get_seqnum (seek));
  gst_element_call_async (GST_ELEMENT (self), do_seek, seek,
      (GDestroyNotify) gst_event_unref);
}

/* ---- the timeline ------------------------------------------------------- */

typedef struct
{
  GstKvsSnapshot *self;
  gint fd;
} TimelineFile;

static gint
file_read (gpointer user_data, guint64 offset, guint8 * buf, gint size)
{
  return kvs_av_read_fd (((TimelineFile *) user_data)->fd, offset, buf, size);
}

/* a flush (going to READY deactivates the pad) stops the reading */
static gboolean
file_interrupted (gpointer user_data)
{
  GstKvsSnapshot *self = ((TimelineFile *) user_data)->self;

  return g_atomic_int_get (&self->finished) ||
      GST_PAD_IS_FLUSHING (GST_BASE_SINK_PAD (self));
}

/* ffmpeg's timeline of the file upstream, when there is one: its start
 * and the first picture's time, which ties it to the buffers. */
static void
read_timeline (GstKvsSnapshot * self)
{
  GstQuery *q = gst_query_new_uri ();
  KvsAvInput input = { file_read, file_interrupted, NULL, -1, NULL };
  TimelineFile file = { self, -1 };
  KvsAvTimeline tl;
  gchar *uri = NULL, *path = NULL;
  GError *err = NULL;
  GStatBuf st;
  gint fd = -1;

  if (gst_pad_peer_query (GST_BASE_SINK_PAD (self), q))
    gst_query_parse_uri (q, &uri);
  gst_query_unref (q);
  if (uri != NULL && g_str_has_prefix (uri, "file:"))
    path = g_filename_from_uri (uri, NULL, NULL);
  /* a regular file only: opening a FIFO would wait for a writer */
  if (path != NULL && g_stat (path, &st) == 0 && S_ISREG (st.st_mode))
    fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    GST_INFO_OBJECT (self, "no file upstream (%s): times are stream times",
        GST_STR_NULL (uri));
    goto done;
  }

  file.fd = fd;
  input.user_data = &file;
  input.size = st.st_size;
  input.url = path;
  if (!kvs_av_timeline (&input, &tl, &err)) {
    GST_WARNING_OBJECT (self, "no timeline for %s (%s): times are stream "
        "times", path, err->message);
    g_clear_error (&err);
    goto done;
  }
  self->have_timeline = TRUE;
  self->first_frame = (tl.first_frame_us - tl.start_us) * GST_USECOND;
  if (tl.duration_us >= 0)
    self->duration = tl.duration_us * GST_USECOND;
  GST_INFO_OBJECT (self, "%s starts at %" G_GINT64_FORMAT " us, its first "
      "picture %" G_GINT64_FORMAT " ns later", path, tl.start_us,
      self->first_frame);

done:
  if (fd >= 0)
    close (fd);
  g_free (path);
  g_free (uri);
}

/* A frame the decoder cut at the segment's start: it began before it (a
 * movie's edit starts inside it), and ffmpeg does not show it. */
static gboolean
is_cut (GstKvsSnapshot * self, GstBuffer * buf)
{
  GstSegment *segment = &GST_BASE_SINK (self)->segment;
  GstClockTime frame;

  if (GST_BUFFER_PTS (buf) != segment->start ||
      !GST_BUFFER_DURATION_IS_VALID (buf) ||
      GST_VIDEO_INFO_FPS_N (&self->in_info) <= 0)
    return FALSE;
  frame = gst_util_uint64_scale_int (GST_SECOND,
      GST_VIDEO_INFO_FPS_D (&self->in_info),
      GST_VIDEO_INFO_FPS_N (&self->in_info));
  return GST_BUFFER_DURATION (buf) + GST_MSECOND < frame;
}

/* The frame's presentation time, or -1 before the start: on ffmpeg's
 * timeline when it is known, else the stream time. */
static gint64
presentation_time (GstKvsSnapshot * self, GstBuffer * buf)
{
  GstClockTime ts;

  if (self->anchored)
    return (gint64) GST_BUFFER_PTS (buf) + self->pts_offset;
  ts = gst_segment_to_stream_time (&GST_BASE_SINK (self)->segment,
      GST_FORMAT_TIME, GST_BUFFER_PTS (buf));
  return GST_CLOCK_TIME_IS_VALID (ts) ? (gint64) ts : -1;
}

static void
query_upstream (GstKvsSnapshot * self)
{
  GstPad *pad = GST_BASE_SINK_PAD (self);
  GstQuery *q = gst_query_new_seeking (GST_FORMAT_TIME);
  gint64 dur;

  if (gst_pad_peer_query (pad, q))
    gst_query_parse_seeking (q, NULL, &self->seekable, NULL, NULL);
  gst_query_unref (q);
  read_timeline (self);
  /* the end, on the targets' timeline: ffmpeg's (read_timeline), or the
   * stream's */
  if (!self->have_timeline &&
      gst_pad_peer_query_duration (pad, GST_FORMAT_TIME, &dur) && dur > 0)
    self->duration = dur;
  GST_INFO_OBJECT (self, "upstream seekable: %d, duration %" GST_TIME_FORMAT,
      self->seekable, GST_TIME_ARGS (self->duration));
}

/* ---- streaming ---------------------------------------------------------- */

static GstFlowReturn
gst_kvs_snapshot_render (GstBaseSink * sink, GstBuffer * buf)
{
  GstKvsSnapshot *self = GST_KVS_SNAPSHOT (sink);
  GstClockTime pts = GST_BUFFER_PTS (buf), dur, end;
  gboolean first = self->captured->len == 0 && self->next == 0;
  gint64 p;

  if (self->failed)
    return GST_FLOW_ERROR;
  if (!GST_CLOCK_TIME_IS_VALID (pts))
    return GST_FLOW_OK;

  if (first && !self->queried) {
    query_upstream (self);
    self->queried = TRUE;
  }

  /* ffmpeg's first picture is the first one here (but for one the edit
   * list cuts): the buffers' timestamps from then on are on its timeline */
  if (self->have_timeline && !self->anchored) {
    if (is_cut (self, buf)) {
      GST_DEBUG_OBJECT (self, "a frame cut by the segment's start: skipped");
      return GST_FLOW_OK;
    }
    self->pts_offset = self->first_frame - (gint64) pts;
    self->anchored = TRUE;
    GST_INFO_OBJECT (self, "the first picture, PTS %" GST_TIME_FORMAT
        ", is at %" G_GINT64_FORMAT " ns", GST_TIME_ARGS (pts),
        self->first_frame);
  }

  p = presentation_time (self, buf);
  if (p < 0)
    return GST_FLOW_OK;
  dur = GST_BUFFER_DURATION (buf);
  if (!GST_CLOCK_TIME_IS_VALID (dur))
    dur = GST_VIDEO_INFO_FPS_N (&self->in_info) > 0 ?
        gst_util_uint64_scale_int (GST_SECOND,
        GST_VIDEO_INFO_FPS_D (&self->in_info),
        GST_VIDEO_INFO_FPS_N (&self->in_info)) : GST_SECOND / 25;
  end = p + MAX (dur, 1);
  self->last_end = MAX (self->last_end, end);

  /* a time past the end is known before any work */
  if (self->run.times->len > 0 && GST_CLOCK_TIME_IS_VALID (self->duration)
      && target (self, self->run.times->len - 1) >= self->duration)
    goto past_end;

  /* after a key-unit seek, the key frame it lands on is the target's,
   * unless it is one already captured */
  if (self->landing && has_target (self, self->next)) {
    self->landing = FALSE;
    /* landed behind where it was: the target was in the GOP being decoded,
     * decoding on would have been cheaper; seek only further ahead */
    if ((GstClockTime) p < self->seek_from)
      self->min_seek = MIN (2 * self->min_seek + (self->seek_from - p),
          MAX_SEEK_THRESHOLD);
    if (!GST_CLOCK_TIME_IS_VALID (self->last_ts) ||
        (GstClockTime) p > self->last_ts) {
      if (!capture (self, buf, self->next, p))
        goto failed;
      self->next++;
    }
  }

  /* the frame for a target is ffmpeg's: the first one at or after it */
  while (has_target (self, self->next) &&
      target (self, self->next) <= (GstClockTime) p + TIME_TOLERANCE) {
    if (!capture (self, buf, self->next, p))
      goto failed;
    self->next++;
  }

  if (!has_target (self, self->next)) {
    g_atomic_int_set (&self->finished, TRUE);
    return GST_FLOW_EOS;        /* done: upstream may stop */
  }

  /* once per target: a seek that lands short is waited out */
  if (self->seekable && target (self, self->next) > end + self->min_seek &&
      (self->sought == G_MAXUINT || self->sought < self->next))
    seek_to (self, self->next, end);
  return GST_FLOW_OK;

  /* ERRORS */
past_end:
  {
    KVS_ELEMENT_ERROR (self, RESOURCE, SETTINGS, KVS_ERRNUM_SNAPSHOT_SEEK,
        ("Snapshot time %" GST_TIME_FORMAT " is past the stream's end (%"
            GST_TIME_FORMAT ").",
            GST_TIME_ARGS (target (self, self->run.times->len - 1)),
            GST_TIME_ARGS (self->duration)), (NULL));
    self->failed = TRUE;
    return GST_FLOW_ERROR;
  }
failed:
  {
    self->failed = TRUE;
    return GST_FLOW_ERROR;
  }
}

/* ---- the end ------------------------------------------------------------ */

static gchar *
vtt_time (GstClockTime t)
{
  guint64 ms = t / GST_MSECOND;

  return g_strdup_printf ("%02" G_GUINT64_FORMAT ":%02u:%02u.%03u",
      ms / 3600000, (guint) (ms / 60000 % 60), (guint) (ms / 1000 % 60),
      (guint) (ms % 1000));
}

static gboolean
write_vtt (GstKvsSnapshot * self, GstClockTime stream_end)
{
  guint tiles = self->run.columns * self->run.rows, i;
  GString *s = g_string_new ("WEBVTT\n");
  GError *err = NULL;
  gboolean ok;

  for (i = 0; i < self->captured->len; i++) {
    KvsCapture *c = &g_array_index (self->captured, KvsCapture, i);
    KvsCapture *sheet = &g_array_index (self->sheets, KvsCapture, i / tiles);
    GstClockTime from = target (self, c->index);
    GstClockTime to = from + self->run.interval;
    guint slot = i % tiles;
    gchar *a, *b, *path;

    if (GST_CLOCK_TIME_IS_VALID (stream_end) && to > stream_end)
      to = MAX (stream_end, from + GST_MSECOND);
    a = vtt_time (from);
    b = vtt_time (to);
    path = kvs_files_relative (self->run.vtt_location, sheet->path);
    g_string_append_printf (s, "\n%s --> %s\n%s#xywh=%u,%u,%u,%u\n", a, b,
        path, (slot % self->run.columns) * self->run.tile_width,
        (slot / self->run.columns) * self->run.tile_height,
        self->run.tile_width, self->run.tile_height);
    g_free (a);
    g_free (b);
    g_free (path);
  }

  ok = g_file_set_contents (self->run.vtt_location, s->str, s->len, &err);
  g_string_free (s, TRUE);
  if (!ok) {
    KVS_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE, KVS_ERRNUM_SNAPSHOT_OUTPUT,
        ("Could not write \"%s\".", self->run.vtt_location),
        ("%s", err->message));
    g_clear_error (&err);
  }
  return ok;
}

/* a path as the document's string: UTF-8, whatever the file name */
static void
add_path (JsonBuilder * b, const gchar * path)
{
  gchar *shown = kvs_files_display (path);

  json_builder_add_string_value (b, shown);
  g_free (shown);
}

static JsonNode *
build_document (GstKvsSnapshot * self)
{
  JsonBuilder *b = json_builder_new ();
  JsonNode *root;
  guint i;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "snapshotNum");
  json_builder_add_int_value (b, self->captured->len);
  if (!is_sprite (self)) {
    json_builder_set_member_name (b, "items");
    json_builder_begin_array (b);
    for (i = 0; i < self->captured->len; i++) {
      KvsCapture *c = &g_array_index (self->captured, KvsCapture, i);
      gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "fileindex");
      json_builder_add_int_value (b, c->index);
      json_builder_set_member_name (b, "path");
      add_path (b, c->path);
      json_builder_set_member_name (b, "filesize");
      json_builder_add_int_value (b, c->size);
      json_builder_set_member_name (b, "timestamp");
      json_builder_add_string_value (b, g_ascii_formatd (buf, sizeof (buf),
              "%.6f", (gdouble) c->timestamp / GST_SECOND));
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
  } else {
    json_builder_set_member_name (b, "thumnailsinfo");
    json_builder_begin_array (b);
    for (i = 0; i < self->sheets->len; i++) {
      KvsCapture *c = &g_array_index (self->sheets, KvsCapture, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "fileindex");
      json_builder_add_int_value (b, c->index);
      json_builder_set_member_name (b, "thumbnailpath");
      add_path (b, c->path);
      json_builder_set_member_name (b, "filesize");
      json_builder_add_int_value (b, c->size);
      json_builder_end_object (b);
    }
    json_builder_end_array (b);

    /* where each tile is, and the time of the frame it shows */
    json_builder_set_member_name (b, "tiles");
    json_builder_begin_array (b);
    for (i = 0; i < self->captured->len; i++) {
      KvsCapture *c = &g_array_index (self->captured, KvsCapture, i);
      guint tiles = self->run.columns * self->run.rows, slot = i % tiles;
      gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "fileindex");
      json_builder_add_int_value (b, i / tiles);
      json_builder_set_member_name (b, "x");
      json_builder_add_int_value (b, (slot % self->run.columns) *
          self->run.tile_width);
      json_builder_set_member_name (b, "y");
      json_builder_add_int_value (b, (slot / self->run.columns) *
          self->run.tile_height);
      json_builder_set_member_name (b, "timestamp");
      json_builder_add_string_value (b, g_ascii_formatd (buf, sizeof (buf),
              "%.6f", (gdouble) c->timestamp / GST_SECOND));
      json_builder_end_object (b);
    }
    json_builder_end_array (b);
  }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  g_object_unref (b);
  return root;
}

static void
gst_kvs_snapshot_finish (GstKvsSnapshot * self, GstClockTime stream_end)
{
  GstStructure *s;
  JsonNode *root;

  if (self->failed)
    return;
  if (self->run.times->len > 0 && self->next < self->run.times->len)
    goto past_end;
  if (is_sprite (self)) {
    if (!flush_sheet (self))
      return;
    if (self->run.vtt_location != NULL && !write_vtt (self, stream_end))
      return;
  }

  root = build_document (self);
  s = gst_structure_new ("kvssnapshot", "snapshot-num", G_TYPE_INT,
      (gint) self->captured->len, NULL);
  kvs_result_set_task (s, self->run.interval > 0 ? "avsample" :
      "avsnapshot", self->run.location, NULL);
  if (is_sprite (self)) {
    JsonNode *sheets = json_object_get_member (json_node_get_object (root),
        "thumnailsinfo");
    gchar *json = kvs_result_to_json (sheets);

    gst_structure_set (s, "thumnailsinfo", G_TYPE_STRING, json, NULL);
    g_free (json);
  }
  kvs_result_post (GST_ELEMENT (self), self->run.json_location, root, s,
      KVS_ERRNUM_SNAPSHOT_OUTPUT);
  json_node_unref (root);
  return;

  /* ERRORS */
past_end:
  {
    KVS_ELEMENT_ERROR (self, RESOURCE, SETTINGS, KVS_ERRNUM_SNAPSHOT_SEEK,
        ("Snapshot time %" GST_TIME_FORMAT " is past the stream's end.",
            GST_TIME_ARGS (target (self, self->next))), (NULL));
    self->failed = TRUE;
    return;
  }
}

static gboolean
gst_kvs_snapshot_event (GstBaseSink * sink, GstEvent * event)
{
  GstKvsSnapshot *self = GST_KVS_SNAPSHOT (sink);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_EOS:
      g_atomic_int_set (&self->finished, TRUE);
      gst_kvs_snapshot_finish (self, GST_CLOCK_TIME_IS_VALID (self->duration)
          ? self->duration : self->last_end);
      break;
    case GST_EVENT_TAG:{
      GstTagList *tags;
      GstVideoOrientationMethod method;

      gst_event_parse_tag (event, &tags);
      if (gst_video_orientation_from_tag (tags, &method)) {
        GST_INFO_OBJECT (self, "orientation %d", method);
        self->orientation = method;
      }
      break;
    }
    case GST_EVENT_FLUSH_STOP:
      /* the first frame after a key-unit seek is the key frame */
      self->landing = g_atomic_int_and (&self->key_unit_seek, 0) != 0;
      break;
    default:
      break;
  }
  return GST_BASE_SINK_CLASS (parent_class)->event (sink, event);
}
