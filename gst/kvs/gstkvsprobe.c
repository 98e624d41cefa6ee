/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/**
 * SECTION:element-kvsprobe
 * @title: kvsprobe
 *
 * kvsprobe describes a container (or elementary) byte stream the way
 * ffprobe does: the avinfo `metainfo` document (ffprobe's -show_streams
 * -show_format JSON, as the service documents it) or the `outMediainfo`
 * document of what a pipeline writes. It never decodes.
 *
 * As the last element, after a source that can be read at random
 * (filesrc), it reads only the headers and the index it needs, not the
 * media data. Inline, it passes the bytes through unchanged and describes
 * them at EOS, before EOS leaves it.
 *
 * It posts one element message named `kvsprobe` and, when
 * #GstKvsProbe:json-location is set, writes the same JSON document there
 * atomically.
 *
 * | field | type | meaning |
 * |---|---|---|
 * | format | gchararray | `metainfo` or `outmediainfo` |
 * | nb-streams | gint | the number of streams |
 * | duration | GstClockTime | the container's duration (when known) |
 * | size | guint64 | bytes in all |
 * | json | gchararray | the document, byte for byte as in the sidecar |
 * | location | gchararray | the sidecar's path (only when written) |
 *
 * Errors carry the documented code in their details (`kvs-errnum`,
 * `kvs-errmsg`): 2401 for an empty stream, 2420 for data it does not
 * recognise, 2421 when the headers are missing or cut short, 2403 for a
 * codec it does not know, 2424 when the sidecar cannot be written.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=in.mp4 ! kvsprobe json-location=meta.json
 * ]| The metainfo of a file, reading only its index.
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=60 ! video/x-raw,format=I420 ! x264enc ! h264parse ! mp4mux faststart=true ! kvsprobe format=outmediainfo json-location=out.json ! filesink location=out.mp4
 * ]| The outMediainfo of what a pipeline writes, as it passes.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstkvsprobe.h"
#include "kvsavinfo.h"
#include "kvserrors.h"
#include "kvsresult.h"

#include <gst/base/gsttypefindhelper.h>

GST_DEBUG_CATEGORY_STATIC (gst_kvs_probe_debug);
#define GST_CAT_DEFAULT gst_kvs_probe_debug

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

#define DEFAULT_FORMAT GST_KVS_PROBE_FORMAT_METAINFO
#define DEFAULT_JSON_LOCATION NULL

/* bytes the typefinder looks at, and a pull's size */
#define TYPEFIND_SIZE 4096
#define PULL_SIZE (64 * 1024)

enum
{
  PROP_0,
  PROP_FORMAT,
  PROP_JSON_LOCATION,
};

#define GST_TYPE_KVS_PROBE_FORMAT (gst_kvs_probe_format_get_type ())
static GType
gst_kvs_probe_format_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_KVS_PROBE_FORMAT_METAINFO,
        "avinfo metainfo (ffprobe -show_streams -show_format)", "metainfo"},
    {GST_KVS_PROBE_FORMAT_OUTMEDIAINFO,
        "outMediainfo of what is written", "outmediainfo"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstKvsProbeFormat", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define gst_kvs_probe_parent_class parent_class
G_DEFINE_TYPE (GstKvsProbe, gst_kvs_probe, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (kvsprobe, "kvsprobe", GST_RANK_NONE,
    GST_TYPE_KVS_PROBE);

static void gst_kvs_probe_finalize (GObject * object);
static void gst_kvs_probe_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_kvs_probe_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_kvs_probe_change_state (GstElement * element,
    GstStateChange transition);
static gboolean gst_kvs_probe_sink_activate (GstPad * pad, GstObject * parent);
static gboolean gst_kvs_probe_sink_activate_mode (GstPad * pad,
    GstObject * parent, GstPadMode mode, gboolean active);
static GstFlowReturn gst_kvs_probe_chain (GstPad * pad, GstObject * parent,
    GstBuffer * buf);
static gboolean gst_kvs_probe_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
static void gst_kvs_probe_loop (GstPad * pad);

static void
gst_kvs_probe_class_init (GstKvsProbeClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = gst_kvs_probe_set_property;
  gobject_class->get_property = gst_kvs_probe_get_property;
  gobject_class->finalize = gst_kvs_probe_finalize;

  /**
   * GstKvsProbe:format:
   *
   * The document: `metainfo` (what was read) or `outmediainfo` (what a
   * pipeline wrote).
   */
  g_object_class_install_property (gobject_class, PROP_FORMAT,
      g_param_spec_enum ("format", "Format", "The result document",
          GST_TYPE_KVS_PROBE_FORMAT, DEFAULT_FORMAT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstKvsProbe:json-location:
   *
   * Where to write the document (atomically); none: message only.
   */
  g_object_class_install_property (gobject_class, PROP_JSON_LOCATION,
      g_param_spec_string ("json-location", "JSON location",
          "Path of the sidecar JSON file (none: message only)",
          DEFAULT_JSON_LOCATION,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "KVS probe",
      "Sink/Analyzer/Formatter",
      "Describes a container byte stream as ffprobe does (the avinfo "
      "metainfo or outMediainfo document), without decoding",
      "gst-plugins-kvs contributors");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_kvs_probe_change_state);

  gst_type_mark_as_plugin_api (GST_TYPE_KVS_PROBE_FORMAT, 0);

  GST_DEBUG_CATEGORY_INIT (gst_kvs_probe_debug, "kvsprobe", 0,
      "KVS avinfo probe");
}

static void
gst_kvs_probe_init (GstKvsProbe * self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_activate_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_kvs_probe_sink_activate));
  gst_pad_set_activatemode_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_kvs_probe_sink_activate_mode));
  gst_pad_set_chain_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_kvs_probe_chain));
  gst_pad_set_event_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_kvs_probe_sink_event));
  GST_PAD_SET_PROXY_CAPS (self->sinkpad);
  GST_PAD_SET_PROXY_ALLOCATION (self->sinkpad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  GST_PAD_SET_PROXY_CAPS (self->srcpad);
  GST_PAD_SET_PROXY_ALLOCATION (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  self->format = DEFAULT_FORMAT;
  self->json_location = g_strdup (DEFAULT_JSON_LOCATION);
  self->typefind = gst_adapter_new ();
  g_cond_init (&self->playing_cond);
}

static void
gst_kvs_probe_reset (GstKvsProbe * self)
{
  if (self->prober != NULL && self->state != NULL)
    self->prober->free_state (self->state);
  self->state = NULL;
  self->prober = NULL;
  gst_adapter_clear (self->typefind);
  self->typefound = FALSE;
  self->offset = 0;
  self->want = 0;
  self->size = 0;
  self->done = FALSE;
  self->failed = FALSE;
}

static void
gst_kvs_probe_finalize (GObject * object)
{
  GstKvsProbe *self = GST_KVS_PROBE (object);

  gst_kvs_probe_reset (self);
  g_object_unref (self->typefind);
  g_cond_clear (&self->playing_cond);
  g_free (self->json_location);
  g_free (self->run_location);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_kvs_probe_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstKvsProbe *self = GST_KVS_PROBE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_FORMAT:
      self->format = g_value_get_enum (value);
      break;
    case PROP_JSON_LOCATION:
      g_free (self->json_location);
      self->json_location = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_kvs_probe_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstKvsProbe *self = GST_KVS_PROBE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_FORMAT:
      g_value_set_enum (value, self->format);
      break;
    case PROP_JSON_LOCATION:
      g_value_set_string (value, self->json_location);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_kvs_probe_set_playing (GstKvsProbe * self, gboolean playing,
    gboolean flushing)
{
  GST_OBJECT_LOCK (self);
  self->playing = playing;
  self->flushing = flushing;
  g_cond_broadcast (&self->playing_cond);
  GST_OBJECT_UNLOCK (self);
}

/* As the pipeline's sink, kvsprobe ends the pipeline (its result, an
 * error, EOS) only once the pipeline plays, as a base sink does after
 * prerolling: an application (gst-launch-1.0 among them) that sees the end
 * while still bringing the pipeline up can miss it. Returns FALSE when the
 * element is shut down instead. */
static gboolean
gst_kvs_probe_wait_playing (GstKvsProbe * self)
{
  gboolean playing;

  if (!GST_OBJECT_FLAG_IS_SET (self, GST_ELEMENT_FLAG_SINK))
    return TRUE;
  GST_OBJECT_LOCK (self);
  while (!self->playing && !self->flushing)
    g_cond_wait (&self->playing_cond, GST_OBJECT_GET_LOCK (self));
  playing = self->playing;
  GST_OBJECT_UNLOCK (self);
  return playing;
}

/* A bin takes the sink flag of the children it is given; kvsprobe becomes
 * a sink only when it starts, so it tells its bins itself, as a sink added
 * then would have. Else a bin around it (kvstask, or any application bin)
 * is no sink to its pipeline, whose EOS then never comes. */
static void
mark_parents_sink (GstKvsProbe * self)
{
  GstObject *parent = gst_object_get_parent (GST_OBJECT (self));

  while (parent != NULL && GST_IS_BIN (parent) && !GST_IS_PIPELINE (parent)) {
    GstObject *next;

    GST_OBJECT_LOCK (parent);
    GST_OBJECT_FLAG_SET (parent, GST_ELEMENT_FLAG_SINK);
    next = GST_OBJECT_PARENT (parent) ? gst_object_ref (GST_OBJECT_PARENT
        (parent)) : NULL;
    GST_OBJECT_UNLOCK (parent);
    gst_object_unref (parent);
    parent = next;
  }
  gst_clear_object (&parent);
}

static GstStateChangeReturn
gst_kvs_probe_change_state (GstElement * element, GstStateChange transition)
{
  GstKvsProbe *self = GST_KVS_PROBE (element);
  GstStateChangeReturn ret;
  gboolean is_sink;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      /* with nothing downstream, kvsprobe is the pipeline's sink: the
       * pipeline ends when it has read what it needs */
      GST_OBJECT_LOCK (self);
      is_sink = !gst_pad_is_linked (self->srcpad);
      if (is_sink)
        GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SINK);
      else
        GST_OBJECT_FLAG_UNSET (self, GST_ELEMENT_FLAG_SINK);
      self->run_format = self->format;
      g_free (self->run_location);
      self->run_location = g_strdup (self->json_location);
      GST_OBJECT_UNLOCK (self);
      if (is_sink)
        mark_parents_sink (self);
      gst_kvs_probe_reset (self);
      break;
    default:
      break;
  }

  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      gst_kvs_probe_set_playing (self, TRUE, FALSE);
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      gst_kvs_probe_set_playing (self, FALSE, FALSE);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* release a streaming thread waiting for PLAYING */
      gst_kvs_probe_set_playing (self, FALSE, TRUE);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);

  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      gst_kvs_probe_reset (self);
      gst_kvs_probe_set_playing (self, FALSE, FALSE);
      break;
    default:
      break;
  }
  return ret;
}

/* ---- the result --------------------------------------------------------- */

static gboolean
gst_kvs_probe_check_codecs (GstKvsProbe * self, KvsMediaInfo * info)
{
  guint i;

  for (i = 0; i < info->streams->len; i++) {
    KvsMediaStream *s = g_ptr_array_index (info->streams, i);

    if ((s->type == KVS_MEDIA_VIDEO || s->type == KVS_MEDIA_AUDIO) &&
        s->codec_name == NULL) {
      gchar fourcc[5];

      fourcc[0] = s->codec_tag & 0xff;
      fourcc[1] = (s->codec_tag >> 8) & 0xff;
      fourcc[2] = (s->codec_tag >> 16) & 0xff;
      fourcc[3] = (s->codec_tag >> 24) & 0xff;
      fourcc[4] = '\0';
      KVS_ELEMENT_ERROR (self, STREAM, CODEC_NOT_FOUND,
          KVS_ERRNUM_PROBE_CODEC, ("Stream %u has a codec kvsprobe does not "
              "know (tag \"%s\").", i, g_strcanon (fourcc,
                  G_CSET_A_2_Z G_CSET_a_2_z G_CSET_DIGITS " .-_", '?')),
          (NULL));
      return FALSE;
    }
  }
  return TRUE;
}

/* Builds the document and posts it; called once, from the streaming
 * thread, without locks. */
static void
gst_kvs_probe_finish (GstKvsProbe * self)
{
  g_autoptr (KvsMediaInfo) info = kvs_media_info_new ();
  GError *err = NULL;
  GstStructure *s;
  JsonNode *root;

  if (self->done || self->failed)
    return;
  self->done = TRUE;

  if (self->prober == NULL) {
    if (self->size == 0 && gst_adapter_available (self->typefind) == 0)
      goto empty;
    goto unknown;
  }
  if (!self->prober->finish (self->state, self->size, info, &err))
    goto no_info;
  if (!gst_kvs_probe_check_codecs (self, info))
    return;

  if (self->run_format == GST_KVS_PROBE_FORMAT_METAINFO)
    root = kvs_avinfo_metainfo (info);
  else
    root = kvs_avinfo_outmediainfo (info);

  s = gst_structure_new ("kvsprobe",
      "format", G_TYPE_STRING,
      self->run_format == GST_KVS_PROBE_FORMAT_METAINFO ? "metainfo" :
      "outmediainfo", "nb-streams", G_TYPE_INT, (gint) info->streams->len,
      "size", G_TYPE_UINT64, self->size, NULL);
  if (info->duration_us != KVS_UNKNOWN && info->duration_us >= 0)
    gst_structure_set (s, "duration", GST_TYPE_CLOCK_TIME,
        (GstClockTime) info->duration_us * GST_USECOND, NULL);

  kvs_result_post (GST_ELEMENT (self), self->run_location, root, s,
      KVS_ERRNUM_PROBE_OUTPUT);
  json_node_unref (root);
  return;

  /* ERRORS */
empty:
  {
    KVS_ELEMENT_ERROR (self, STREAM, TYPE_NOT_FOUND, KVS_ERRNUM_PROBE_EOF,
        ("The stream is empty."), (NULL));
    self->failed = TRUE;
    return;
  }
unknown:
  {
    KVS_ELEMENT_ERROR (self, STREAM, TYPE_NOT_FOUND, KVS_ERRNUM_PROBE_OPEN,
        ("kvsprobe does not recognise this stream's format."), (NULL));
    self->failed = TRUE;
    return;
  }
no_info:
  {
    KVS_ELEMENT_ERROR (self, STREAM, DEMUX, KVS_ERRNUM_PROBE_STREAMINFO,
        ("Could not read the stream's headers: %s.", err->message),
        ("%s prober, %" G_GUINT64_FORMAT " bytes", self->prober->name,
            self->size));
    g_clear_error (&err);
    self->failed = TRUE;
    return;
  }
}

/* Chooses the prober from the first bytes. */
static gboolean
gst_kvs_probe_typefind (GstKvsProbe * self, const guint8 * data, gsize size)
{
  GstTypeFindProbability prob = GST_TYPE_FIND_NONE;
  GstCaps *caps;

  caps = gst_type_find_helper_for_data (GST_OBJECT (self), data, size, &prob);
  GST_DEBUG_OBJECT (self, "typefound %" GST_PTR_FORMAT ", probability %d",
      caps, prob);
  self->prober = kvs_prober_find (caps);
  if (caps)
    gst_caps_unref (caps);
  if (self->prober == NULL)
    return FALSE;
  self->state = self->prober->new_state (self->pull);
  if (self->pull && self->prober->set_size != NULL)
    self->prober->set_size (self->state, self->size);
  return TRUE;
}

/* ---- pull mode: read what the prober asks for --------------------------- */

static gboolean
gst_kvs_probe_sink_activate (GstPad * pad, GstObject * parent)
{
  GstKvsProbe *self = GST_KVS_PROBE (parent);
  GstQuery *query;
  gboolean pull = FALSE;

  /* a last element reads by the index when upstream lets it */
  if (!gst_pad_is_linked (self->srcpad)) {
    query = gst_query_new_scheduling ();
    if (gst_pad_peer_query (pad, query)) {
      pull = gst_query_has_scheduling_mode_with_flags (query,
          GST_PAD_MODE_PULL, GST_SCHEDULING_FLAG_SEEKABLE);
    }
    gst_query_unref (query);
  }

  GST_DEBUG_OBJECT (self, "activating in %s mode", pull ? "pull" : "push");
  return gst_pad_activate_mode (pad, pull ? GST_PAD_MODE_PULL :
      GST_PAD_MODE_PUSH, TRUE);
}

static gboolean
gst_kvs_probe_sink_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active)
{
  GstKvsProbe *self = GST_KVS_PROBE (parent);

  switch (mode) {
    case GST_PAD_MODE_PULL:
      self->pull = active;
      if (active)
        return gst_pad_start_task (pad, (GstTaskFunction) gst_kvs_probe_loop,
            pad, NULL);
      return gst_pad_stop_task (pad);
    case GST_PAD_MODE_PUSH:
      self->pull = FALSE;
      return TRUE;
    default:
      return FALSE;
  }
}

static void
gst_kvs_probe_loop (GstPad * pad)
{
  GstKvsProbe *self = GST_KVS_PROBE (GST_PAD_PARENT (pad));
  gint64 size = -1;
  GstFlowReturn ret = GST_FLOW_OK;
  GstBuffer *buf = NULL;
  GstMapInfo map;

  if (self->done || self->failed) {
    gst_pad_pause_task (pad);
    return;
  }
  if (!gst_pad_peer_query_duration (pad, GST_FORMAT_BYTES, &size) || size < 0)
    goto no_size;
  self->size = size;

  if (self->size > 0) {
    ret = gst_pad_pull_range (pad, 0, MIN (TYPEFIND_SIZE, self->size), &buf);
    if (ret != GST_FLOW_OK)
      goto pull_failed;
    gst_buffer_map (buf, &map, GST_MAP_READ);
    if (gst_kvs_probe_typefind (self, map.data, map.size))
      self->want = 0;
    gst_buffer_unmap (buf, &map);
    gst_buffer_unref (buf);
    buf = NULL;
  }
  self->typefound = TRUE;

  while (self->prober != NULL && self->want < self->size) {
    guint64 at = self->want;
    guint len = (guint) MIN (PULL_SIZE, self->size - at);

    ret = gst_pad_pull_range (pad, at, len, &buf);
    if (ret != GST_FLOW_OK)
      goto pull_failed;
    gst_buffer_map (buf, &map, GST_MAP_READ);
    self->want = self->prober->feed (self->state, at, map.data, map.size);
    gst_buffer_unmap (buf, &map);
    gst_buffer_unref (buf);
    buf = NULL;
    if (self->want < at + len && self->want != KVS_PROBER_DONE &&
        self->want <= at)
      goto no_progress;
  }

  if (!gst_kvs_probe_wait_playing (self)) {
    gst_pad_pause_task (pad);
    return;
  }
  gst_kvs_probe_finish (self);

done:
  /* as a sink would, once everything is read */
  gst_pad_pause_task (pad);
  if (!self->failed)
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_eos (GST_OBJECT (self)));
  return;

  /* ERRORS */
no_size:
  {
    gst_kvs_probe_wait_playing (self);
    KVS_ELEMENT_ERROR (self, STREAM, FAILED, KVS_ERRNUM_PROBE_OPEN,
        ("Upstream does not tell the stream's size."), (NULL));
    self->failed = TRUE;
    goto done;
  }
pull_failed:
  {
    if (ret == GST_FLOW_FLUSHING) {
      gst_pad_pause_task (pad);
      return;
    }
    gst_kvs_probe_wait_playing (self);
    KVS_ELEMENT_ERROR (self, STREAM, FAILED, KVS_ERRNUM_PROBE_EOF,
        ("Could not read the stream at byte %" G_GUINT64_FORMAT ": %s.",
            self->want, gst_flow_get_name (ret)), (NULL));
    self->failed = TRUE;
    goto done;
  }
no_progress:
  {
    gst_kvs_probe_wait_playing (self);
    KVS_ELEMENT_ERROR (self, STREAM, DEMUX, KVS_ERRNUM_PROBE_STREAMINFO,
        ("The stream's headers are damaged."), (NULL));
    self->failed = TRUE;
    goto done;
  }
}

/* ---- push mode: the bytes pass by --------------------------------------- */

static void
gst_kvs_probe_feed (GstKvsProbe * self, const guint8 * data, gsize size)
{
  guint64 start = self->offset, end = start + size;

  self->offset = end;
  self->size = MAX (self->size, end);
  if (self->prober == NULL || self->done || self->want == KVS_PROBER_DONE)
    return;
  if (self->want >= end || self->want < start)
    return;                     /* skipped, or rewritten (a muxer seeking) */
  self->want = self->prober->feed (self->state, self->want,
      data + (self->want - start), end - self->want);
}

/* Typefinds the first bytes, kept so far, and feeds them to the prober. */
static void
gst_kvs_probe_start_prober (GstKvsProbe * self)
{
  gsize avail = gst_adapter_available (self->typefind);
  const guint8 *data;

  self->typefound = TRUE;
  if (avail == 0)
    return;
  data = gst_adapter_map (self->typefind, avail);
  if (gst_kvs_probe_typefind (self, data, avail)) {
    self->offset -= avail;
    self->want = self->offset;
    gst_kvs_probe_feed (self, data, avail);
  }
  gst_adapter_unmap (self->typefind);
  gst_adapter_clear (self->typefind);
}

static void
gst_kvs_probe_push_bytes (GstKvsProbe * self, GstBuffer * buf)
{
  GstMapInfo map;

  if (!self->typefound) {
    gsize n = gst_buffer_get_size (buf);

    gst_adapter_push (self->typefind, gst_buffer_ref (buf));
    self->offset += n;
    self->size = MAX (self->size, self->offset);
    if (gst_adapter_available (self->typefind) >= TYPEFIND_SIZE)
      gst_kvs_probe_start_prober (self);
    return;
  }

  gst_buffer_map (buf, &map, GST_MAP_READ);
  gst_kvs_probe_feed (self, map.data, map.size);
  gst_buffer_unmap (buf, &map);
}

static GstFlowReturn
gst_kvs_probe_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstKvsProbe *self = GST_KVS_PROBE (parent);

  gst_kvs_probe_push_bytes (self, buf);

  if (GST_OBJECT_FLAG_IS_SET (self, GST_ELEMENT_FLAG_SINK)) {
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  return gst_pad_push (self->srcpad, buf);
}

static gboolean
gst_kvs_probe_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstKvsProbe *self = GST_KVS_PROBE (parent);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEGMENT:
    {
      const GstSegment *segment;

      /* a muxer that goes back to rewrite a header, or a demuxer after
       * kvsprobe seeking to an index, sends a byte segment before the
       * bytes: they are placed there (what the prober has passed is not
       * read again) */
      gst_event_parse_segment (event, &segment);
      if (segment->format == GST_FORMAT_BYTES && segment->start != self->offset) {
        if (!self->typefound)
          gst_kvs_probe_start_prober (self);
        self->offset = segment->start;
      }
      break;
    }
    case GST_EVENT_EOS:
      if (!self->typefound)
        gst_kvs_probe_start_prober (self);
      if (!gst_kvs_probe_wait_playing (self)) {
        gst_event_unref (event);
        return FALSE;
      }
      gst_kvs_probe_finish (self);
      if (GST_OBJECT_FLAG_IS_SET (self, GST_ELEMENT_FLAG_SINK)) {
        /* the pipeline's sink: it ends here */
        if (!self->failed)
          gst_element_post_message (GST_ELEMENT (self),
              gst_message_new_eos (GST_OBJECT (self)));
        gst_event_unref (event);
        return TRUE;
      }
      break;
    case GST_EVENT_FLUSH_STOP:
      /* the same bytes go on, from where the next segment says */
      break;
    default:
      break;
  }

  return gst_pad_event_default (pad, parent, event);
}
