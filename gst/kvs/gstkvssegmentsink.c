/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/**
 * SECTION:element-kvssegmentsink
 * @title: kvssegmentsink
 *
 * kvssegmentsink cuts encoded, parsed streams into independent files (the
 * service's non-HLS segmenting task): `segmentfile-000.mp4`, … cut at key
 * frames near every #GstKvsSegmentSink:target-duration seconds, an m3u8
 * list of them (rewritten atomically after each segment, closed with
 * `#EXT-X-ENDLIST` at EOS) and the service's `segmentsinfo` document with
 * each segment's real duration and size. It is a sink bin around
 * splitmuxsink, with request pads `video` and `audio_%u`.
 *
 * With #GstKvsSegmentSink:muxer `mpegts` it puts its own h264parse or
 * h265parse (config-interval=-1) in front of the muxer, so that every
 * segment starts with its parameter sets and decodes alone.
 *
 * Per closed segment it posts `kvssegmentsink-segment`; at EOS, before the
 * pipeline's EOS, `kvssegmentsink` with the document.
 *
 * | message | field | type | meaning |
 * |---|---|---|---|
 * | kvssegmentsink-segment | fileindex | gint | the segment's number |
 * | kvssegmentsink-segment | filename | gchararray | its file name |
 * | kvssegmentsink-segment | location | gchararray | its path |
 * | kvssegmentsink-segment | duration | GstClockTime | its real duration |
 * | kvssegmentsink-segment | filesize | guint64 | its size on disk, closed |
 * | kvssegmentsink-segment | running-time | GstClockTime | where it starts |
 * | kvssegmentsink | json | gchararray | the segmentsinfo array |
 * | kvssegmentsink | playlist | gchararray | the m3u8 list's path (when written) |
 * | kvssegmentsink | location | gchararray | the sidecar's path (when written) |
 *
 * Errors carry the documented code: 3200 for a location that is not a
 * pattern with one number, 3203 when a segment, the list or the sidecar
 * cannot be written, 3150 when the stream ends with no segment written
 * (no key frame to start one at), and the missing-plugin error when
 * splitmuxsink or the muxer is missing.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=in.mp4 ! qtdemux name=d d.video_0 ! queue ! h264parse config-interval=-1 ! kvssegmentsink name=s target-duration=1 location=seg-%03d.mp4 playlist-location=list.m3u8 json-location=segments.json d.audio_0 ! queue ! aacparse ! s.audio_0
 * ]| One-second segments of an mp4, with its list and document.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstkvssegmentsink.h"
#include "kvserrors.h"
#include "kvsfiles.h"
#include "kvsresult.h"

#include <gst/pbutils/pbutils.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <math.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_kvs_segment_sink_debug);
#define GST_CAT_DEFAULT gst_kvs_segment_sink_debug

static GstStaticPadTemplate video_template = GST_STATIC_PAD_TEMPLATE ("video",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate audio_template =
GST_STATIC_PAD_TEMPLATE ("audio_%u", GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS_ANY);

#define DEFAULT_LOCATION "segmentfile-%03d.mp4"
#define DEFAULT_TARGET_DURATION 10
#define DEFAULT_MUXER GST_KVS_SEGMENT_MUXER_MP4
#define DEFAULT_START_INDEX 0


enum
{
  PROP_0,
  PROP_LOCATION,
  PROP_TARGET_DURATION,
  PROP_MUXER,
  PROP_PLAYLIST_LOCATION,
  PROP_JSON_LOCATION,
  PROP_START_INDEX,
  PROP_TASK_TYPE,
};

static const gchar *muxer_factories[] =
    { "mp4mux", "mpegtsmux", "matroskamux" };

#define GST_TYPE_KVS_SEGMENT_MUXER (gst_kvs_segment_muxer_get_type ())
static GType
gst_kvs_segment_muxer_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_KVS_SEGMENT_MUXER_MP4, "MP4 (mp4mux)", "mp4"},
    {GST_KVS_SEGMENT_MUXER_MPEGTS, "MPEG-TS (mpegtsmux)", "mpegts"},
    {GST_KVS_SEGMENT_MUXER_MATROSKA, "Matroska (matroskamux)", "matroska"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstKvsSegmentMuxer", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define gst_kvs_segment_sink_parent_class parent_class
G_DEFINE_TYPE (GstKvsSegmentSink, gst_kvs_segment_sink, GST_TYPE_BIN);
GST_ELEMENT_REGISTER_DEFINE (kvssegmentsink, "kvssegmentsink", GST_RANK_NONE,
    GST_TYPE_KVS_SEGMENT_SINK);

static void gst_kvs_segment_sink_finalize (GObject * object);
static void gst_kvs_segment_sink_set_property (GObject * object,
    guint prop_id, const GValue * value, GParamSpec * pspec);
static void gst_kvs_segment_sink_get_property (GObject * object,
    guint prop_id, GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_kvs_segment_sink_change_state (GstElement *
    element, GstStateChange transition);
static GstPad *gst_kvs_segment_sink_request_new_pad (GstElement * element,
    GstPadTemplate * templ, const gchar * name, const GstCaps * caps);
static void gst_kvs_segment_sink_release_pad (GstElement * element,
    GstPad * pad);
static void gst_kvs_segment_sink_handle_message (GstBin * bin,
    GstMessage * message);

static void
gst_kvs_segment_sink_class_init (GstKvsSegmentSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBinClass *bin_class = GST_BIN_CLASS (klass);

  gobject_class->set_property = gst_kvs_segment_sink_set_property;
  gobject_class->get_property = gst_kvs_segment_sink_get_property;
  gobject_class->finalize = gst_kvs_segment_sink_finalize;

  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "Segment path, a printf pattern with one number", DEFAULT_LOCATION,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_TARGET_DURATION,
      g_param_spec_uint ("target-duration", "Target duration",
          "Seconds a segment lasts at least: it is cut at the first key frame "
          "after", 1, 3600, DEFAULT_TARGET_DURATION, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_MUXER,
      g_param_spec_enum ("muxer", "Muxer", "The segments' container",
          GST_TYPE_KVS_SEGMENT_MUXER, DEFAULT_MUXER, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_PLAYLIST_LOCATION,
      g_param_spec_string ("playlist-location", "Playlist location",
          "Path of the m3u8 list (none: not written)", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_JSON_LOCATION,
      g_param_spec_string ("json-location", "JSON location",
          "Path of the segmentsinfo sidecar written at EOS (none: message "
          "only)", NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_START_INDEX,
      g_param_spec_uint ("start-index", "Start index",
          "The first segment's number", 0, G_MAXINT, DEFAULT_START_INDEX,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  kvs_result_install_task_type (gobject_class, PROP_TASK_TYPE);

  gst_element_class_add_static_pad_template (element_class, &video_template);
  gst_element_class_add_static_pad_template (element_class, &audio_template);
  gst_element_class_set_static_metadata (element_class, "KVS segment sink",
      "Sink/Muxer", "Cuts encoded streams into independent segment files at "
      "key frames, with an m3u8 list and the segmentsinfo document",
      "gst-plugins-kvs contributors");

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_kvs_segment_sink_change_state);
  element_class->request_new_pad =
      GST_DEBUG_FUNCPTR (gst_kvs_segment_sink_request_new_pad);
  element_class->release_pad =
      GST_DEBUG_FUNCPTR (gst_kvs_segment_sink_release_pad);
  bin_class->handle_message =
      GST_DEBUG_FUNCPTR (gst_kvs_segment_sink_handle_message);

  gst_type_mark_as_plugin_api (GST_TYPE_KVS_SEGMENT_MUXER, 0);

  GST_DEBUG_CATEGORY_INIT (gst_kvs_segment_sink_debug, "kvssegmentsink", 0,
      "KVS segments with an m3u8 list");
}

static void
clear_segments (GArray * a)
{
  guint i;

  for (i = 0; i < a->len; i++)
    g_free (g_array_index (a, KvsSegment, i).location);
  g_array_set_size (a, 0);
}

/* splitmuxsink makes its muxer when the first pad is requested, so the
 * muxer goes to it as soon as it is chosen */
static void
apply_muxer (GstKvsSegmentSink * self)
{
  GstElement *muxer;
  guint kind;

  GST_OBJECT_LOCK (self);
  kind = self->muxer;
  GST_OBJECT_UNLOCK (self);
  if (self->splitmux == NULL)
    return;
  muxer = gst_element_factory_make (muxer_factories[kind], NULL);
  self->muxer_missing = (muxer == NULL);
  if (muxer != NULL)
    g_object_set (self->splitmux, "muxer", muxer, NULL);
}

/* An aggregator muxer (mp4mux, mpegtsmux) without latency holds one buffer
 * per pad, so every buffer waits for the muxer's thread to take it, and
 * each one costs two thread switches (profiled: most of the time of stock
 * splitmuxsink). splitmuxsink hands the muxer a whole GOP at a time: with
 * room for a segment's worth per pad, the GOP flows in without waits. */
static void
set_muxer_latency (GstKvsSegmentSink * self, guint target)
{
  GstElement *muxer = NULL;

  g_object_get (self->splitmux, "muxer", &muxer, NULL);
  if (muxer == NULL)
    return;
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (muxer), "latency"))
    g_object_set (muxer, "latency", (guint64) target * GST_SECOND, NULL);
  gst_object_unref (muxer);
}

static void
gst_kvs_segment_sink_init (GstKvsSegmentSink * self)
{
  self->location = g_strdup (DEFAULT_LOCATION);
  self->target_duration = DEFAULT_TARGET_DURATION;
  self->muxer = DEFAULT_MUXER;
  self->start_index = DEFAULT_START_INDEX;
  self->segments = g_array_new (FALSE, TRUE, sizeof (KvsSegment));
  g_mutex_init (&self->eos_lock);
  g_cond_init (&self->eos_cond);

  self->splitmux = gst_element_factory_make ("splitmuxsink", "splitmux");
  if (self->splitmux != NULL)
    gst_bin_add (GST_BIN (self), self->splitmux);
  apply_muxer (self);
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SINK);
}

static void
gst_kvs_segment_sink_finalize (GObject * object)
{
  GstKvsSegmentSink *self = GST_KVS_SEGMENT_SINK (object);

  clear_segments (self->segments);
  g_array_unref (self->segments);
  g_free (self->location);
  g_free (self->playlist_location);
  g_free (self->json_location);
  g_free (self->open_location);
  gst_clear_object (&self->video_target);
  g_mutex_clear (&self->eos_lock);
  g_cond_clear (&self->eos_cond);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_kvs_segment_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstKvsSegmentSink *self = GST_KVS_SEGMENT_SINK (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_LOCATION:
      g_free (self->location);
      self->location = g_value_dup_string (value);
      break;
    case PROP_TARGET_DURATION:
      self->target_duration = g_value_get_uint (value);
      break;
    case PROP_MUXER:
      self->muxer = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      apply_muxer (self);
      return;
    case PROP_PLAYLIST_LOCATION:
      g_free (self->playlist_location);
      self->playlist_location = g_value_dup_string (value);
      break;
    case PROP_JSON_LOCATION:
      g_free (self->json_location);
      self->json_location = g_value_dup_string (value);
      break;
    case PROP_START_INDEX:
      self->start_index = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_kvs_segment_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstKvsSegmentSink *self = GST_KVS_SEGMENT_SINK (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_LOCATION:
      g_value_set_string (value, self->location);
      break;
    case PROP_TARGET_DURATION:
      g_value_set_uint (value, self->target_duration);
      break;
    case PROP_MUXER:
      g_value_set_enum (value, self->muxer);
      break;
    case PROP_PLAYLIST_LOCATION:
      g_value_set_string (value, self->playlist_location);
      break;
    case PROP_JSON_LOCATION:
      g_value_set_string (value, self->json_location);
      break;
    case PROP_START_INDEX:
      g_value_set_uint (value, self->start_index);
      break;
    case PROP_TASK_TYPE:
      g_value_set_string (value, "avtrans");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* ---- set up ------------------------------------------------------------- */

/* a new run: nothing written yet */
static void
gst_kvs_segment_sink_reset (GstKvsSegmentSink * self)
{
  GST_OBJECT_LOCK (self);
  clear_segments (self->segments);
  g_clear_pointer (&self->open_location, g_free);
  self->open_start = GST_CLOCK_TIME_NONE;
  self->max_end = 0;
  self->video_started = FALSE;
  self->dropped = 0;
  self->finished = FALSE;
  self->failed = FALSE;
  GST_OBJECT_UNLOCK (self);

  g_mutex_lock (&self->eos_lock);
  self->stopping = FALSE;
  self->got_data = FALSE;
  g_mutex_unlock (&self->eos_lock);
}

/* Whether the directory of @path can take new files; a directory with a
 * conversion in its name is known only once it is formatted */
static gboolean
dir_writable (const gchar * path, gchar ** dir, gint * err)
{
  *dir = g_path_get_dirname (path);
  *err = 0;
  if (strchr (*dir, '%') != NULL || g_access (*dir, W_OK | X_OK) == 0)
    return TRUE;
  *err = errno;
  return FALSE;
}

/* The child's settings, while it is still in NULL: splitmuxsink takes its
 * start index when it goes to READY. */
static gboolean
gst_kvs_segment_sink_configure (GstKvsSegmentSink * self)
{
  gchar *location, *paths[2], *dir = NULL;
  guint target, muxer_kind, start, i;
  gint err = 0;

  if (self->splitmux == NULL)
    goto no_splitmux;

  GST_OBJECT_LOCK (self);
  location = g_strdup (self->location);
  target = self->target_duration;
  muxer_kind = self->muxer;
  start = self->start_index;
  paths[0] = g_strdup (self->playlist_location);
  paths[1] = g_strdup (self->json_location);
  GST_OBJECT_UNLOCK (self);

  if (location == NULL || !kvs_files_is_pattern (location))
    goto bad_location;
  /* one clear error before any file is opened */
  if (!dir_writable (location, &dir, &err))
    goto unwritable;
  for (i = 0; i < 2; i++) {
    if (paths[i] == NULL)
      continue;
    g_free (dir);
    if (!dir_writable (paths[i], &dir, &err))
      goto unwritable;
  }
  g_free (dir);
  g_free (paths[0]);
  g_free (paths[1]);

  if (self->muxer_missing)
    goto no_muxer;

  g_object_set (self->splitmux, "location", location, "max-size-time",
      (guint64) target * GST_SECOND, "start-index", start, NULL);
  set_muxer_latency (self, target);
  g_free (location);
  return TRUE;

  /* ERRORS */
no_splitmux:
  {
    gst_element_post_message (GST_ELEMENT (self),
        gst_missing_element_message_new (GST_ELEMENT (self), "splitmuxsink"));
    GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN,
        ("splitmuxsink is missing (gstreamer1.0-plugins-good)."), (NULL));
    return FALSE;
  }
bad_location:
  {
    KVS_ELEMENT_ERROR (self, RESOURCE, SETTINGS, KVS_ERRNUM_SEGMENT_PARAM,
        ("location \"%s\" is not a pattern with one number "
            "(\"segmentfile-%%03d.mp4\").", location ? location : "(none)"),
        (NULL));
    g_free (location);
    g_free (paths[0]);
    g_free (paths[1]);
    return FALSE;
  }
unwritable:
  {
    KVS_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE, KVS_ERRNUM_OPEN_OUTPUT,
        ("Cannot write files in the directory \"%s\": %s.", dir,
            g_strerror (err)), (NULL));
    g_free (dir);
    g_free (location);
    g_free (paths[0]);
    g_free (paths[1]);
    return FALSE;
  }
no_muxer:
  {
    gst_element_post_message (GST_ELEMENT (self),
        gst_missing_element_message_new (GST_ELEMENT (self),
            muxer_factories[muxer_kind]));
    GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN,
        ("The muxer %s is missing.", muxer_factories[muxer_kind]), (NULL));
    g_free (location);
    return FALSE;
  }
}

static GstStateChangeReturn
gst_kvs_segment_sink_change_state (GstElement * element,
    GstStateChange transition)
{
  GstKvsSegmentSink *self = GST_KVS_SEGMENT_SINK (element);

  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!gst_kvs_segment_sink_configure (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      gst_kvs_segment_sink_reset (self);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* a held EOS goes on: the streaming threads must stop */
      g_mutex_lock (&self->eos_lock);
      self->stopping = TRUE;
      g_cond_broadcast (&self->eos_cond);
      g_mutex_unlock (&self->eos_lock);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  return ret;
}

/* the top-level pipeline, or @self when it stands alone (ref) */
static GstObject *
top_level (GstKvsSegmentSink * self)
{
  GstObject *top = gst_object_ref (GST_OBJECT (self)), *parent;

  while ((parent = gst_object_get_parent (top)) != NULL) {
    gst_object_unref (top);
    top = parent;
  }
  return top;
}

/* TRUE once @top has finished going to PLAYING */
static gboolean
is_playing (GstObject * top)
{
  gboolean playing;

  GST_OBJECT_LOCK (top);
  playing = GST_STATE (top) == GST_STATE_PLAYING &&
      GST_STATE_PENDING (top) == GST_STATE_VOID_PENDING;
  GST_OBJECT_UNLOCK (top);
  return playing;
}

/* EOS goes into splitmuxsink only once the whole pipeline is PLAYING. A
 * bin that gets its sinks' EOS while a state change is in progress
 * defers it, and GStreamer 1.22 sometimes never takes it up again: the
 * pipeline's EOS is not posted and gst-launch-1.0 never exits (measured:
 * 1 run in 20 with a one-second input). A sink that prerolled in PAUSED
 * likewise posts EOS only in PLAYING, so nothing is lost by waiting. The
 * pipeline's state is not signalled to its children, hence the polling. */
static GstPadProbeReturn
hold_eos (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstKvsSegmentSink *self = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

  if (GST_EVENT_TYPE (event) != GST_EVENT_EOS)
    return GST_PAD_PROBE_OK;

  /* with no data the pipeline waits for this EOS to preroll */
  g_mutex_lock (&self->eos_lock);
  while (self->got_data && !self->stopping) {
    GstObject *top;
    gboolean playing;
    gint64 until;

    g_mutex_unlock (&self->eos_lock);
    top = top_level (self);
    playing = is_playing (top);
    gst_object_unref (top);
    g_mutex_lock (&self->eos_lock);
    if (playing)
      break;
    GST_LOG_OBJECT (pad, "holding EOS until the pipeline is PLAYING");
    until = g_get_monotonic_time () + 10 * G_TIME_SPAN_MILLISECOND;
    g_cond_wait_until (&self->eos_cond, &self->eos_lock, until);
  }
  g_mutex_unlock (&self->eos_lock);
  return GST_PAD_PROBE_OK;
}

/* The latest buffer end in running time: the last segment ends there.
 * On the video pad, frames before the first key frame are dropped: no
 * segment could be decoded from them alone. */
static GstPadProbeReturn
track_end (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstKvsSegmentSink *self = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
    GstEvent *ev;
    GstClockTime pts = GST_BUFFER_PTS (buf);

    if (g_str_equal (GST_PAD_NAME (pad), "video")) {
      gboolean drop = FALSE;

      GST_OBJECT_LOCK (self);
      if (!self->video_started) {
        if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT)) {
          self->dropped++;
          drop = TRUE;
        } else {
          self->video_started = TRUE;
        }
      }
      GST_OBJECT_UNLOCK (self);
      if (drop) {
        GST_LOG_OBJECT (self, "dropping a frame before the first key frame");
        return GST_PAD_PROBE_DROP;
      }
    }
    g_mutex_lock (&self->eos_lock);
    self->got_data = TRUE;
    g_mutex_unlock (&self->eos_lock);
    ev = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);

    if (ev != NULL && GST_CLOCK_TIME_IS_VALID (pts)) {
      const GstSegment *seg;
      guint64 end = pts + (GST_BUFFER_DURATION_IS_VALID (buf) ?
          GST_BUFFER_DURATION (buf) : 0);
      guint64 rt;

      gst_event_parse_segment (ev, &seg);
      rt = gst_segment_to_running_time (seg, GST_FORMAT_TIME, end);
      if (GST_CLOCK_TIME_IS_VALID (rt)) {
        GST_OBJECT_LOCK (self);
        self->max_end = MAX (self->max_end, rt);
        GST_OBJECT_UNLOCK (self);
      }
    }
    if (ev)
      gst_event_unref (ev);
  }
  return GST_PAD_PROBE_OK;
}

/* MPEG-TS carries H.264/H.265 parameter sets in band: a segment decodes
 * alone only if its first key frame has them in front. The bin's own
 * parser puts them in front of every key frame, whatever the upstream
 * parser does. Other containers keep them in each file's header. With
 * @caps NULL: whether a parser may be needed at all. */
static const gchar *
video_parser_for (GstKvsSegmentSink * self, GstCaps * caps)
{
  const gchar *name;
  gboolean ts;

  GST_OBJECT_LOCK (self);
  ts = (self->muxer == GST_KVS_SEGMENT_MUXER_MPEGTS);
  GST_OBJECT_UNLOCK (self);
  if (!ts)
    return NULL;
  if (caps == NULL)
    return "";                  /* a parser may come */
  if (gst_caps_get_size (caps) == 0)
    return NULL;
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  if (g_str_equal (name, "video/x-h264"))
    return "h264parse";
  if (g_str_equal (name, "video/x-h265"))
    return "h265parse";
  return NULL;
}

/* What the video pad takes besides the muxer's own formats: any H.264 or
 * H.265, which the bin's parser turns into what MPEG-TS wants */
static void
add_parser_caps (GstKvsSegmentSink * self, GstQuery * query)
{
  GstCaps *filter, *result, *extra;

  if (video_parser_for (self, NULL) == NULL)
    return;
  gst_query_parse_caps (query, &filter);
  gst_query_parse_caps_result (query, &result);
  extra = gst_caps_from_string ("video/x-h264; video/x-h265");
  if (filter != NULL) {
    GstCaps *t = gst_caps_intersect_full (filter, extra,
        GST_CAPS_INTERSECT_FIRST);

    gst_caps_unref (extra);
    extra = t;
  }
  result = result ? gst_caps_merge (gst_caps_ref (result), extra) : extra;
  gst_query_set_caps_result (query, result);
  gst_caps_unref (result);
}

/* At the video pad's first caps, a parser goes in front of splitmuxsink
 * when the container needs one. Until then the pad leads to splitmuxsink
 * directly, so that upstream negotiates the muxer's format. The caps come
 * first in an ACCEPT_CAPS query (the parser takes what the muxer alone
 * refuses: H.264 from qtdemux is avc, MPEG-TS wants byte-stream) or in the
 * CAPS event. */
static GstPadProbeReturn
link_video (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstKvsSegmentSink *self = user_data;
  GstPad *target = self->video_target;
  GstElement *parser = NULL;
  const gchar *factory;
  GstCaps *caps;

  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

    if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
      return GST_PAD_PROBE_OK;
    gst_event_parse_caps (event, &caps);
  } else if (info->type & GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM) {
    GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);

    if (GST_QUERY_TYPE (query) == GST_QUERY_CAPS) {
      if (info->type & GST_PAD_PROBE_TYPE_PULL)
        add_parser_caps (self, query);
      return GST_PAD_PROBE_OK;
    }
    if (GST_QUERY_TYPE (query) != GST_QUERY_ACCEPT_CAPS)
      return GST_PAD_PROBE_OK;
    gst_query_parse_accept_caps (query, &caps);
  } else {
    return GST_PAD_PROBE_OK;
  }
  if (target == NULL || self->video_parser != NULL)
    return GST_PAD_PROBE_REMOVE;

  factory = video_parser_for (self, caps);
  if (factory != NULL && (parser = gst_element_factory_make (factory,
              NULL)) == NULL)
    GST_WARNING_OBJECT (self, "%s is missing: segments after the first may "
        "not decode alone", factory);
  if (parser != NULL) {
    GstPad *sink = gst_element_get_static_pad (parser, "sink");
    GstPad *src = gst_element_get_static_pad (parser, "src");

    GST_INFO_OBJECT (self, "%s with config-interval=-1 in front of the "
        "MPEG-TS muxer", factory);
    g_object_set (parser, "config-interval", -1, NULL);
    gst_bin_add (GST_BIN (self), parser);
    self->video_parser = parser;
    gst_ghost_pad_set_target (GST_GHOST_PAD (pad), NULL);
    gst_pad_link (src, target);
    gst_element_sync_state_with_parent (parser);
    gst_ghost_pad_set_target (GST_GHOST_PAD (pad), sink);
    gst_object_unref (sink);
    gst_object_unref (src);
  }
  return GST_PAD_PROBE_REMOVE;
}

static GstPad *
gst_kvs_segment_sink_request_new_pad (GstElement * element,
    GstPadTemplate * templ, const gchar * name, const GstCaps * caps)
{
  GstKvsSegmentSink *self = GST_KVS_SEGMENT_SINK (element);
  gboolean video = g_str_equal (GST_PAD_TEMPLATE_NAME_TEMPLATE (templ),
      "video");
  GstPad *target, *ghost;

  if (self->splitmux == NULL)
    return NULL;
  target = gst_element_request_pad_simple (self->splitmux,
      video ? "video" : "audio_%u");
  if (target == NULL)
    return NULL;
  ghost = gst_ghost_pad_new (video ? "video" : GST_PAD_NAME (target), target);
  if (video) {
    /* its caps may ask for a parser in front of splitmuxsink */
    self->video_target = target;        /* owns the ref */
    gst_pad_add_probe (ghost, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
        GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM, link_video, self, NULL);
  } else {
    gst_object_unref (target);
  }
  gst_pad_add_probe (ghost, GST_PAD_PROBE_TYPE_BUFFER, track_end, self, NULL);
  gst_pad_add_probe (ghost, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, hold_eos,
      self, NULL);
  gst_pad_set_active (ghost, TRUE);
  gst_element_add_pad (element, ghost);
  return ghost;
}

static void
gst_kvs_segment_sink_release_pad (GstElement * element, GstPad * pad)
{
  GstKvsSegmentSink *self = GST_KVS_SEGMENT_SINK (element);
  GstPad *target;

  if (g_str_equal (GST_PAD_NAME (pad), "video")) {
    target = g_steal_pointer (&self->video_target);
    if (self->video_parser != NULL) {
      gst_element_set_state (self->video_parser, GST_STATE_NULL);
      gst_bin_remove (GST_BIN (self), self->video_parser);
      self->video_parser = NULL;
    }
  } else {
    target = gst_ghost_pad_get_target (GST_GHOST_PAD (pad));
  }
  if (target != NULL) {
    gst_element_release_request_pad (self->splitmux, target);
    gst_object_unref (target);
  }
  gst_element_remove_pad (element, pad);
}

/* ---- the list and the document ------------------------------------------ */

static gchar *
duration_string (GstClockTime d)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof (buf), "%.4f",
          (gdouble) d / GST_SECOND));
}

/* RFC 8216: every EXTINF, rounded, at most EXT-X-TARGETDURATION */
static gchar *
build_playlist (GArray * segments, const gchar * list, guint target,
    gboolean ended)
{
  GString *s = g_string_new ("#EXTM3U\n#EXT-X-VERSION:3\n");
  guint64 max_target = target;
  guint i;

  for (i = 0; i < segments->len; i++) {
    KvsSegment *seg = &g_array_index (segments, KvsSegment, i);

    max_target = MAX (max_target, (guint64) llround ((gdouble) seg->duration /
            GST_SECOND));
  }
  g_string_append_printf (s, "#EXT-X-TARGETDURATION:%" G_GUINT64_FORMAT "\n"
      "#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n", max_target);
  for (i = 0; i < segments->len; i++) {
    KvsSegment *seg = &g_array_index (segments, KvsSegment, i);
    gchar *d = duration_string (seg->duration);
    gchar *path = kvs_files_relative (list, seg->location);

    g_string_append_printf (s, "#EXTINF:%s,\n%s\n", d, path);
    g_free (d);
    g_free (path);
  }
  if (ended)
    g_string_append (s, "#EXT-X-ENDLIST\n");
  return g_string_free (s, FALSE);
}

static JsonNode *
build_segmentsinfo (GArray * segments)
{
  JsonBuilder *b = json_builder_new ();
  JsonNode *root;
  guint i;

  json_builder_begin_array (b);
  for (i = 0; i < segments->len; i++) {
    KvsSegment *seg = &g_array_index (segments, KvsSegment, i);
    gchar *base = g_path_get_basename (seg->location);
    gchar *name = kvs_files_display (base);
    gchar *d = duration_string (seg->duration);

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "fileindex");
    json_builder_add_int_value (b, seg->index);
    json_builder_set_member_name (b, "filename");
    json_builder_add_string_value (b, name);
    json_builder_set_member_name (b, "duration");
    json_builder_add_string_value (b, d);
    json_builder_set_member_name (b, "filesize");
    json_builder_add_int_value (b, seg->size);
    json_builder_end_object (b);
    g_free (base);
    g_free (name);
    g_free (d);
  }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  g_object_unref (b);
  return root;
}

/* Rewrites the list (atomically); FALSE after posting an error. */
static gboolean
write_playlist (GstKvsSegmentSink * self, gboolean ended)
{
  gchar *list, *text;
  GError *err = NULL;
  guint target;
  gboolean ok;

  GST_OBJECT_LOCK (self);
  list = g_strdup (self->playlist_location);
  target = self->target_duration;
  text = list ? build_playlist (self->segments, list, target, ended) : NULL;
  GST_OBJECT_UNLOCK (self);
  if (list == NULL)
    return TRUE;

  ok = g_file_set_contents (list, text, -1, &err);
  if (!ok) {
    KVS_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE, KVS_ERRNUM_OPEN_OUTPUT,
        ("Could not write the list \"%s\".", list), ("%s", err->message));
    g_clear_error (&err);
  }
  g_free (text);
  g_free (list);
  return ok;
}

/* The segment that closed last, once known whether it was the last one:
 * it ends where the next one starts, or where the last buffer ends. */
static void
finalize_segment (GstKvsSegmentSink * self, const gchar * location,
    GstClockTime start, GstClockTime end)
{
  KvsSegment seg;
  GStatBuf st;
  gchar *base, *name, *shown;

  seg.location = g_strdup (location);
  seg.start = start;
  seg.duration = end > start ? end - start : 0;
  seg.size = g_stat (location, &st) == 0 ? (guint64) st.st_size : 0;

  GST_OBJECT_LOCK (self);
  seg.index = self->start_index + self->segments->len;
  g_array_append_val (self->segments, seg);
  GST_OBJECT_UNLOCK (self);

  base = g_path_get_basename (location);
  name = kvs_files_display (base);
  shown = kvs_files_display (location);
  GST_INFO_OBJECT (self, "segment %u: %s, %" GST_TIME_FORMAT ", %"
      G_GUINT64_FORMAT " bytes", seg.index, location,
      GST_TIME_ARGS (seg.duration), seg.size);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self),
          gst_structure_new ("kvssegmentsink-segment", "fileindex",
              G_TYPE_INT, (gint) seg.index, "filename", G_TYPE_STRING, name,
              "location", G_TYPE_STRING, shown, "duration",
              GST_TYPE_CLOCK_TIME, seg.duration, "filesize", G_TYPE_UINT64,
              seg.size, "running-time", GST_TYPE_CLOCK_TIME, start, NULL)));
  g_free (base);
  g_free (name);
  g_free (shown);
  write_playlist (self, FALSE);
}

/* a closed fragment waits for the next one to open (or EOS) */
typedef struct
{
  gchar *location;
  GstClockTime start, end;
} Pending;

static Pending *
take_pending (GstKvsSegmentSink * self)
{
  Pending *p = g_object_steal_data (G_OBJECT (self), "kvs-pending");

  return p;
}

static void
pending_free (Pending * p)
{
  g_free (p->location);
  g_free (p);
}

static void
gst_kvs_segment_sink_finish (GstKvsSegmentSink * self)
{
  Pending *p = take_pending (self);
  gchar *json_location, *list;
  GstStructure *s;
  JsonNode *root;
  gboolean got_data;
  guint n;

  g_mutex_lock (&self->eos_lock);
  got_data = self->got_data;
  g_mutex_unlock (&self->eos_lock);
  if (p != NULL && !got_data) {
    /* splitmuxsink opens a file even when no frame came: the muxer's
     * headers alone are no segment */
    GST_DEBUG_OBJECT (self, "removing %s: no frame in it", p->location);
    g_unlink (p->location);
    pending_free (p);
    p = NULL;
  }
  if (p != NULL) {
    GstClockTime end;

    GST_OBJECT_LOCK (self);
    end = MAX (p->end, self->max_end);
    GST_OBJECT_UNLOCK (self);
    finalize_segment (self, p->location, p->start, end);
    pending_free (p);
  }

  GST_OBJECT_LOCK (self);
  n = self->segments->len;
  root = build_segmentsinfo (self->segments);
  json_location = g_strdup (self->json_location);
  list = g_strdup (self->playlist_location);
  GST_OBJECT_UNLOCK (self);

  if (n == 0)
    goto no_segment;
  if (!write_playlist (self, TRUE))
    goto done;

  s = gst_structure_new_empty ("kvssegmentsink");
  kvs_result_set_task (s, "avtrans", list, "segmentsinfo");
  gst_structure_set (s, "segmentlisttype", G_TYPE_STRING, "m3u8", NULL);
  if (list) {
    gchar *shown = kvs_files_display (list);

    gst_structure_set (s, "playlist", G_TYPE_STRING, shown, NULL);
    g_free (shown);
  }
  kvs_result_post (GST_ELEMENT (self), json_location, root, s,
      KVS_ERRNUM_OPEN_OUTPUT);

done:
  json_node_unref (root);
  g_free (json_location);
  g_free (list);
  return;

  /* ERRORS */
no_segment:
  {
    KVS_ELEMENT_ERROR (self, STREAM, FORMAT, KVS_ERRNUM_INVALID_DATA,
        ("No segment was written: the stream has no key frame to start one "
            "at."), (NULL));
    goto done;
  }
}

/* An error of a child (the file sink, the muxer) with the documented
 * code: the file cannot be written, or the data is not what the muxer
 * takes. */
static void
post_child_error (GstKvsSegmentSink * self, GstMessage * message)
{
  GError *err = NULL;
  gchar *debug = NULL;

  gst_message_parse_error (message, &err, &debug);
  if (err->domain == GST_RESOURCE_ERROR) {
    KVS_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE, KVS_ERRNUM_OPEN_OUTPUT,
        ("%s", err->message), ("%s", debug ? debug : ""));
  } else {
    KVS_ELEMENT_ERROR (self, STREAM, FORMAT, KVS_ERRNUM_INVALID_DATA,
        ("%s", err->message), ("%s", debug ? debug : ""));
  }
  g_error_free (err);
  g_free (debug);
}

/* GStreamer 1.22's GstBin forwards its sinks' EOS only after it has
 * posted its own state change to PLAYING; when gst-launch-1.0 sets
 * PLAYING while the message of the preroll is still being posted, the
 * late PAUSED message clears that mark and the pipeline's EOS is never
 * posted (the process hangs with every file written). A PLAYING to
 * PLAYING state change posts the mark again and lets the EOS through;
 * a bin that already posted its EOS does not post it twice. */
static void
nudge_pipeline (GstElement * element, gpointer user_data)
{
  GstObject *top = top_level (GST_KVS_SEGMENT_SINK (element));

  if (top != GST_OBJECT (element) && is_playing (top)) {
    GST_DEBUG_OBJECT (element, "PLAYING again, for the EOS");
    gst_element_post_message (GST_ELEMENT (top),
        gst_message_new_state_changed (top, GST_STATE_PLAYING,
            GST_STATE_PLAYING, GST_STATE_VOID_PENDING));
  }
  gst_object_unref (top);
}

static void
gst_kvs_segment_sink_handle_message (GstBin * bin, GstMessage * message)
{
  GstKvsSegmentSink *self = GST_KVS_SEGMENT_SINK (bin);
  const GstStructure *s = gst_message_get_structure (message);

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ELEMENT:
      if (gst_structure_has_name (s, "splitmuxsink-fragment-opened")) {
        Pending *p = take_pending (self);
        GstClockTime rt = GST_CLOCK_TIME_NONE;

        gst_structure_get_clock_time (s, "running-time", &rt);
        if (p != NULL) {
          finalize_segment (self, p->location, p->start, rt);
          pending_free (p);
        }
      } else if (gst_structure_has_name (s, "splitmuxsink-fragment-closed")) {
        Pending *p = g_new0 (Pending, 1);

        p->location = g_strdup (gst_structure_get_string (s, "location"));
        gst_structure_get_clock_time (s, "running-time", &p->end);
        GST_OBJECT_LOCK (self);
        p->start = self->segments->len == 0 ? 0 : self->open_start;
        GST_OBJECT_UNLOCK (self);
        g_object_set_data_full (G_OBJECT (self), "kvs-pending", p,
            (GDestroyNotify) pending_free);
      }
      if (gst_structure_has_name (s, "splitmuxsink-fragment-opened")) {
        GstClockTime rt = 0;

        gst_structure_get_clock_time (s, "running-time", &rt);
        GST_OBJECT_LOCK (self);
        self->open_start = rt;
        GST_OBJECT_UNLOCK (self);
      }
      break;
    case GST_MESSAGE_EOS:
      /* the list and the document before the pipeline's EOS */
      gst_kvs_segment_sink_finish (self);
      GST_BIN_CLASS (parent_class)->handle_message (bin, message);
      gst_element_call_async (GST_ELEMENT (self), nudge_pipeline, NULL, NULL);
      return;
    case GST_MESSAGE_ERROR:{
      gboolean first;

      /* a failed file fails its sink, the muxer and splitmuxsink in turn:
       * the first error tells why, the others only echo it */
      GST_OBJECT_LOCK (self);
      first = !self->failed;
      self->failed = TRUE;
      GST_OBJECT_UNLOCK (self);
      if (!first) {
        GST_DEBUG_OBJECT (self, "dropping a follow-up error: %"
            GST_PTR_FORMAT, message);
        gst_message_unref (message);
        return;
      }
      if (!kvs_error_message_parse_errnum (message, NULL, NULL)) {
        post_child_error (self, message);
        gst_message_unref (message);
        return;
      }
      break;
    }
    default:
      break;
  }

  GST_BIN_CLASS (parent_class)->handle_message (bin, message);
}
