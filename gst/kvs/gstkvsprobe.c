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
 * kvsprobe describes a byte stream the way ffprobe 5.1 does, with the
 * libraries ffprobe is built on (libavformat, libavcodec): the avinfo
 * `metainfo` document (ffprobe's -show_streams -show_format JSON, as the
 * service documents it) or the `outMediainfo` document of what a pipeline
 * writes. It never decodes.
 *
 * As the last element, after a source that can be read at random
 * (filesrc), it reads what libavformat reads of a file (the headers, the
 * index, the packets of its analysis), not the rest. Otherwise (after a
 * queue, or inline) it keeps the bytes that pass as a file would hold them
 * (a muxer going back to rewrite a header is followed), in an unlinked
 * temporary file in #GstKvsProbe:temp-dir, and describes them at EOS,
 * before EOS leaves it; inline, the bytes pass through unchanged.
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
 * `kvs-errmsg`), for the files ffprobe refuses: 2401 for an empty or
 * unreadable stream, 2420 for data no demuxer recognises, 2421 when the
 * headers are missing, damaged or cut short, 2403 when a stream's decoder
 * cannot be set up; 2424 when the sidecar cannot be written, 2450 when the
 * bytes cannot be kept.
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
#include "kvsavprobe.h"
#include "kvserrors.h"
#include "kvsresult.h"

#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

GST_DEBUG_CATEGORY_STATIC (gst_kvs_probe_debug);
#define GST_CAT_DEFAULT gst_kvs_probe_debug

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

#define DEFAULT_FORMAT GST_KVS_PROBE_FORMAT_METAINFO
#define DEFAULT_JSON_LOCATION NULL
#define DEFAULT_TEMP_DIR NULL

enum
{
  PROP_0,
  PROP_FORMAT,
  PROP_JSON_LOCATION,
  PROP_TEMP_DIR,
  PROP_TASK_TYPE,
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

  /**
   * GstKvsProbe:temp-dir:
   *
   * Where push mode keeps the bytes that pass until EOS (an unlinked file,
   * as big as the stream); none: the system's temporary directory
   * (`TMPDIR`).
   */
  g_object_class_install_property (gobject_class, PROP_TEMP_DIR,
      g_param_spec_string ("temp-dir", "Temporary directory",
          "Directory where push mode keeps the stream until EOS, in an "
          "unlinked file (none: TMPDIR)", DEFAULT_TEMP_DIR,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  kvs_result_install_task_type (gobject_class, PROP_TASK_TYPE);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "KVS probe",
      "Sink/Analyzer/Formatter",
      "Describes a byte stream as ffprobe does, through libavformat (the "
      "avinfo metainfo or outMediainfo document), without decoding",
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
  self->spool = -1;
  g_cond_init (&self->playing_cond);
}

static void
gst_kvs_probe_reset (GstKvsProbe * self)
{
  if (self->spool >= 0)
    close (self->spool);
  self->spool = -1;
  self->pull_flow = GST_FLOW_OK;
  self->offset = 0;
  self->size = 0;
  self->done = FALSE;
  self->failed = FALSE;
}

static void
gst_kvs_probe_finalize (GObject * object)
{
  GstKvsProbe *self = GST_KVS_PROBE (object);

  gst_kvs_probe_reset (self);
  g_cond_clear (&self->playing_cond);
  g_free (self->json_location);
  g_free (self->run_location);
  g_free (self->temp_dir);
  g_free (self->run_temp_dir);

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
    case PROP_TEMP_DIR:
      g_free (self->temp_dir);
      self->temp_dir = g_value_dup_string (value);
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
    case PROP_TEMP_DIR:
      g_value_set_string (value, self->temp_dir);
      break;
    case PROP_TASK_TYPE:
      g_value_set_string (value, self->format == GST_KVS_PROBE_FORMAT_METAINFO
          ? "avinfo" : "avtrans");
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
      g_free (self->run_temp_dir);
      self->run_temp_dir = g_strdup (self->temp_dir ? self->temp_dir :
          g_get_tmp_dir ());
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

/* libavformat's stopping points, as GStreamer errors with the documented
 * codes (docs/errors.md); the last row is for anything else */
static const struct
{
  KvsAvProbeError error;
  GstStreamError gst_code;
  KvsErrnum errnum;
  const gchar *text;
} probe_errors[] = {
  {KVS_AV_PROBE_ERROR_EMPTY, GST_STREAM_ERROR_TYPE_NOT_FOUND,
      KVS_ERRNUM_PROBE_EOF, "The stream is empty."},
  {KVS_AV_PROBE_ERROR_READ, GST_STREAM_ERROR_FAILED, KVS_ERRNUM_PROBE_EOF,
      "Reading the stream failed."},
  {KVS_AV_PROBE_ERROR_FORMAT, GST_STREAM_ERROR_TYPE_NOT_FOUND,
      KVS_ERRNUM_PROBE_OPEN, "No demuxer recognises this stream's format."},
  {KVS_AV_PROBE_ERROR_HEADERS, GST_STREAM_ERROR_DEMUX,
        KVS_ERRNUM_PROBE_STREAMINFO,
      "Could not read the stream's headers: they are missing, damaged or "
        "cut short."},
  {KVS_AV_PROBE_ERROR_CODEC, GST_STREAM_ERROR_CODEC_NOT_FOUND,
        KVS_ERRNUM_PROBE_CODEC,
      "A stream's decoder cannot be set up from its parameters."},
  {KVS_AV_PROBE_ERROR_FAILED, GST_STREAM_ERROR_FAILED,
      KVS_ERRNUM_PROBE_UNKNOWN, "Could not describe the stream."},
};

static gboolean
gst_kvs_probe_interrupted (gpointer user_data)
{
  GstKvsProbe *self = user_data;
  gboolean flushing;

  GST_OBJECT_LOCK (self);
  flushing = self->flushing;
  GST_OBJECT_UNLOCK (self);
  return flushing;
}

/* The name of what is described, for the format probe (an extension
 * counts there, as in ffprobe's): the peer's URI, upstream for metainfo
 * (filesrc), downstream for outMediainfo (filesink) */
static gchar *
gst_kvs_probe_url (GstKvsProbe * self)
{
  GstPad *pad = self->run_format == GST_KVS_PROBE_FORMAT_OUTMEDIAINFO &&
      gst_pad_is_linked (self->srcpad) ? self->srcpad : self->sinkpad;
  GstQuery *query = gst_query_new_uri ();
  gchar *uri = NULL, *url = NULL;

  if (gst_pad_peer_query (pad, query))
    gst_query_parse_uri (query, &uri);
  gst_query_unref (query);
  if (uri != NULL) {
    url = g_filename_from_uri (uri, NULL, NULL);
    if (url == NULL)
      url = g_strdup (uri);
  }
  g_free (uri);
  return url;
}

/* Probes the bytes with libavformat, builds the document and posts it, or
 * the error; called once, from the streaming thread, without locks.
 * Returns FALSE when the element is shut down meanwhile (nothing is
 * posted). */
/* The file an outMediainfo describes: the file sink downstream (the output
 * being written), else the source upstream; %NULL when neither answers a
 * URI query with a local file. */
static gchar *
probed_file (GstKvsProbe * self)
{
  GstPad *pads[] = { self->srcpad, self->sinkpad };
  gchar *path = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (pads) && path == NULL; i++) {
    GstQuery *query = gst_query_new_uri ();
    gchar *uri = NULL;

    if (pads[i] != NULL && gst_pad_peer_query (pads[i], query))
      gst_query_parse_uri (query, &uri);
    if (uri != NULL)
      path = g_filename_from_uri (uri, NULL, NULL);
    g_free (uri);
    gst_query_unref (query);
  }
  return path;
}

static gboolean
gst_kvs_probe_run (GstKvsProbe * self, KvsAvInput * input)
{
  g_autoptr (KvsMediaInfo) info = kvs_media_info_new ();
  GError *err = NULL;
  GstStructure *s;
  JsonNode *root;
  gchar *url;
  gboolean ok;
  guint i;

  if (self->done || self->failed)
    return TRUE;

  url = gst_kvs_probe_url (self);
  input->url = url;
  input->interrupted = gst_kvs_probe_interrupted;
  input->user_data = self;
  ok = kvs_av_probe (input, info, &err);
  g_free (url);

  if (!ok && (err->code == KVS_AV_PROBE_ERROR_INTERRUPTED ||
          self->pull_flow == GST_FLOW_FLUSHING)) {
    g_clear_error (&err);
    return FALSE;
  }
  if (!gst_kvs_probe_wait_playing (self)) {
    g_clear_error (&err);
    return FALSE;
  }
  self->done = TRUE;
  if (!ok)
    goto probe_failed;

  if (self->run_format == GST_KVS_PROBE_FORMAT_METAINFO)
    root = kvs_avinfo_metainfo (info);
  else
    root = kvs_avinfo_outmediainfo (info);

  s = gst_structure_new ("kvsprobe",
      "format", G_TYPE_STRING,
      self->run_format == GST_KVS_PROBE_FORMAT_METAINFO ? "metainfo" :
      "outmediainfo", "nb-streams", G_TYPE_INT, (gint) info->streams->len,
      "size", G_TYPE_UINT64, (guint64) MAX (info->size, 0), NULL);
  if (info->duration_us != KVS_UNKNOWN && info->duration_us >= 0)
    gst_structure_set (s, "duration", GST_TYPE_CLOCK_TIME,
        (GstClockTime) info->duration_us * GST_USECOND, NULL);

  if (self->run_format == GST_KVS_PROBE_FORMAT_METAINFO) {
    kvs_result_set_task (s, "avinfo", NULL, "metainfo");
  } else {
    gchar *path = probed_file (self);

    kvs_result_set_task (s, "avtrans", path, "outMediainfo");
    g_free (path);
  }

  if (!kvs_result_post (GST_ELEMENT (self), self->run_location, root, s,
          KVS_ERRNUM_PROBE_OUTPUT))
    self->failed = TRUE;
  json_node_unref (root);
  return TRUE;

  /* ERRORS */
probe_failed:
  {
    for (i = 0; i < G_N_ELEMENTS (probe_errors); i++)
      if ((gint) probe_errors[i].error == err->code)
        break;
    if (i == G_N_ELEMENTS (probe_errors))
      i = G_N_ELEMENTS (probe_errors) - 1;
    /* KVS_ELEMENT_ERROR, with the code taken from the table */
    gst_element_message_full_with_details (GST_ELEMENT (self),
        GST_MESSAGE_ERROR, GST_STREAM_ERROR, probe_errors[i].gst_code,
        g_strdup (probe_errors[i].text),
        g_strdup_printf ("%s (%" G_GUINT64_FORMAT " bytes)", err->message,
            self->size), __FILE__, GST_FUNCTION, __LINE__,
        gst_structure_new ("details", "kvs-errnum", G_TYPE_INT,
            (gint) probe_errors[i].errnum, "kvs-errmsg", G_TYPE_STRING,
            kvs_callback_error_message (probe_errors[i].errnum), NULL));
    g_clear_error (&err);
    self->failed = TRUE;
    return TRUE;
  }
}

/* ---- pull mode: libavformat reads upstream at random -------------------- */

static gboolean
gst_kvs_probe_sink_activate (GstPad * pad, GstObject * parent)
{
  GstKvsProbe *self = GST_KVS_PROBE (parent);
  GstQuery *query;
  gboolean pull = FALSE;

  /* a last element reads as ffprobe reads a file when upstream lets it */
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

static gint
gst_kvs_probe_pull_read (gpointer user_data, guint64 offset, guint8 * data,
    gint size)
{
  GstKvsProbe *self = user_data;
  GstBuffer *buf = NULL;
  GstFlowReturn ret;
  gsize n;

  if (offset >= self->size)
    return 0;
  size = (gint) MIN ((guint64) size, self->size - offset);
  ret = gst_pad_pull_range (self->sinkpad, offset, size, &buf);
  if (ret == GST_FLOW_EOS)
    return 0;
  if (ret != GST_FLOW_OK) {
    GST_DEBUG_OBJECT (self, "pull at %" G_GUINT64_FORMAT ": %s", offset,
        gst_flow_get_name (ret));
    self->pull_flow = ret;
    return -1;
  }
  n = gst_buffer_extract (buf, 0, data, size);
  gst_buffer_unref (buf);
  return (gint) n;
}

static void
gst_kvs_probe_loop (GstPad * pad)
{
  GstKvsProbe *self = GST_KVS_PROBE (GST_PAD_PARENT (pad));
  KvsAvInput input = { gst_kvs_probe_pull_read, NULL, NULL, -1, NULL };
  gint64 size = -1;

  if (self->done || self->failed) {
    gst_pad_pause_task (pad);
    return;
  }
  if (!gst_pad_peer_query_duration (pad, GST_FORMAT_BYTES, &size) || size < 0)
    goto no_size;
  self->size = size;
  input.size = size;

  if (!gst_kvs_probe_run (self, &input)) {
    gst_pad_pause_task (pad);
    return;
  }

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
    if (!gst_kvs_probe_wait_playing (self)) {
      gst_pad_pause_task (pad);
      return;
    }
    KVS_ELEMENT_ERROR (self, STREAM, FAILED, KVS_ERRNUM_PROBE_OPEN,
        ("Upstream does not tell the stream's size."), (NULL));
    self->failed = TRUE;
    goto done;
  }
}

/* ---- push mode: the bytes pass by, and are kept as a file -------------- */

static gint
gst_kvs_probe_spool_read (gpointer user_data, guint64 offset, guint8 * data,
    gint size)
{
  GstKvsProbe *self = user_data;
  gssize n;

  do {
    n = pread (self->spool, data, size, (off_t) offset);
  } while (n < 0 && errno == EINTR);
  return n < 0 ? -1 : (gint) n;
}

static gboolean
gst_kvs_probe_spool_write (GstKvsProbe * self, GstBuffer * buf)
{
  GError *err = NULL;
  GstMapInfo map;
  gsize done = 0;

  if (self->spool < 0) {
    gchar *name = g_build_filename (self->run_temp_dir, "kvsprobe-XXXXXX",
        NULL);

    self->spool = g_mkstemp_full (name, O_RDWR | O_CLOEXEC, 0600);
    if (self->spool < 0) {
      g_set_error (&err, G_FILE_ERROR, g_file_error_from_errno (errno),
          "%s: %s", name, g_strerror (errno));
      g_free (name);
      goto open_failed;
    }
    /* nothing to clean up, whatever happens to the process */
    g_unlink (name);
    g_free (name);
  }

  gst_buffer_map (buf, &map, GST_MAP_READ);
  while (done < map.size) {
    gssize n = pwrite (self->spool, map.data + done, map.size - done,
        (off_t) (self->offset + done));

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      gst_buffer_unmap (buf, &map);
      goto write_failed;
    }
    done += n;
  }
  gst_buffer_unmap (buf, &map);
  self->offset += done;
  self->size = MAX (self->size, self->offset);
  return TRUE;

  /* ERRORS */
open_failed:
  {
    KVS_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE, KVS_ERRNUM_PROBE_UNKNOWN,
        ("Could not make a temporary file to keep the stream in."),
        ("%s", err->message));
    g_clear_error (&err);
    self->failed = TRUE;
    return FALSE;
  }
write_failed:
  {
    KVS_ELEMENT_ERROR (self, RESOURCE, WRITE, KVS_ERRNUM_PROBE_UNKNOWN,
        ("Could not keep the stream in a temporary file."), GST_ERROR_SYSTEM);
    self->failed = TRUE;
    return FALSE;
  }
}

static GstFlowReturn
gst_kvs_probe_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstKvsProbe *self = GST_KVS_PROBE (parent);

  if (!self->failed && !self->done && !gst_kvs_probe_spool_write (self, buf)) {
    gst_buffer_unref (buf);
    return GST_FLOW_ERROR;
  }

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
       * bytes: they go where it says, as a file sink writes them */
      gst_event_parse_segment (event, &segment);
      if (segment->format == GST_FORMAT_BYTES)
        self->offset = segment->start;
      break;
    }
    case GST_EVENT_EOS:
    {
      KvsAvInput input = { gst_kvs_probe_spool_read, NULL, NULL, 0, NULL };

      input.size = self->spool >= 0 ? (gint64) self->size : 0;
      if (!gst_kvs_probe_run (self, &input)) {
        gst_event_unref (event);
        return FALSE;
      }
      if (GST_OBJECT_FLAG_IS_SET (self, GST_ELEMENT_FLAG_SINK)) {
        /* the pipeline's sink: it ends here */
        if (!self->failed)
          gst_element_post_message (GST_ELEMENT (self),
              gst_message_new_eos (GST_OBJECT (self)));
        gst_event_unref (event);
        return TRUE;
      }
      break;
    }
    default:
      break;
  }

  return gst_pad_event_default (pad, parent, event);
}
