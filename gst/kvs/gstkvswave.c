/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/**
 * SECTION:element-kvswave
 * @title: kvswave
 *
 * kvswave computes the waveform of the audio passing through it: a fixed
 * number of points over the whole stream, each the peak of its stretch of
 * audio. It never changes the data (it works in place, in passthrough, like
 * `level`), so it can sit anywhere in an audio branch, and it does not need
 * to know the duration in advance: live sources, pipes and files with wrong
 * headers work, in memory that does not grow with the stream.
 *
 * With S samples per channel between the first buffer and EOS and N points,
 * point i covers samples floor(i*S/N) to floor((i+1)*S/N)-1, and its value
 * is the largest |sample| over those samples and all channels, as a
 * fraction of full scale. There are exactly N points, always. The result
 * follows this definition exactly when the length upstream announced (its
 * answer to the duration query) is the length that arrived, or when
 * S <= 32*N; otherwise each point's window is off by at most 1/32 of a
 * point's width.
 *
 * At EOS, before EOS leaves the element, it posts one element message named
 * `kvswave` and, when #GstKvsWave:json-location is set, writes the same JSON
 * document there atomically.
 *
 * | field | type | meaning |
 * |---|---|---|
 * | points | guint | N |
 * | duration | GstClockTime | S samples as time |
 * | sample-rate | gint | the audio's rate |
 * | channels | gint | the audio's channels |
 * | format | gchararray | `kvs` or `audiowaveform` |
 * | exact | gboolean | whether the points follow the definition exactly |
 * | json | gchararray | the document, byte for byte as in the sidecar |
 * | location | gchararray | the sidecar's path (only when written) |
 *
 * Errors carry the documented code in their details (`kvs-errnum`,
 * `kvs-errmsg`): 2058 when the stream ends with no sample, 3150 for audio
 * caps it cannot read, 3202 when rate or channels change mid-stream, 3203
 * when the sidecar cannot be written.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=in.mp3 ! decodebin ! audioconvert ! kvswave points=1000 json-location=wave.json ! fakesink
 * ]| The 1000-point waveform of an audio file, in the project's document.
 * |[
 * gst-launch-1.0 filesrc location=in.mp4 ! decodebin caps=audio/x-raw expose-all-streams=false ! audioconvert ! kvswave format=audiowaveform bits=8 json-location=peaks.json ! fakesink
 * ]| The waveform of a video file's audio as BBC audiowaveform's JSON, which
 * peaks.js loads as it is; the video stays undecoded.
 * |[
 * gst-launch-1.0 -m audiotestsrc num-buffers=100 ! audio/x-raw,channels=2 ! kvswave split-channels=true points=11 ! autoaudiosink
 * ]| While playing, one array per channel, posted on the bus only.
 * |[
 * gst-launch-1.0 filesrc location=in.wav ! wavparse ! kvswave json-location=wave.json ! kvswave format=audiowaveform bits=16 json-location=peaks16.json ! fakesink
 * ]| Both documents in one pass.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstkvswave.h"
#include "kvserrors.h"
#include "kvsresult.h"

GST_DEBUG_CATEGORY_STATIC (gst_kvs_wave_debug);
#define GST_CAT_DEFAULT gst_kvs_wave_debug

#define WAVE_CAPS \
    "audio/x-raw, format = (string) { S16LE, S32LE, F32LE, F64LE }, " \
    "rate = (int) [ 1, MAX ], channels = (int) [ 1, 64 ], " \
    "layout = (string) { interleaved, non-interleaved }"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS (WAVE_CAPS));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS (WAVE_CAPS));

#define MIN_POINTS 11
#define MAX_POINTS 4095
#define MAX_CHANNELS 64
#define DEFAULT_POINTS 1000
#define DEFAULT_JSON_LOCATION NULL
#define DEFAULT_FORMAT GST_KVS_WAVE_FORMAT_KVS
#define DEFAULT_BITS GST_KVS_WAVE_BITS_8
#define DEFAULT_SPLIT_CHANNELS FALSE

enum
{
  PROP_0,
  PROP_POINTS,
  PROP_JSON_LOCATION,
  PROP_FORMAT,
  PROP_BITS,
  PROP_SPLIT_CHANNELS,
  PROP_TASK_TYPE,
};

#define GST_TYPE_KVS_WAVE_FORMAT (gst_kvs_wave_format_get_type ())
static GType
gst_kvs_wave_format_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_KVS_WAVE_FORMAT_KVS, "One peak per point, from 0 to 1", "kvs"},
    {GST_KVS_WAVE_FORMAT_AUDIOWAVEFORM,
        "BBC audiowaveform JSON version 2 (peaks.js)", "audiowaveform"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstKvsWaveFormat", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define GST_TYPE_KVS_WAVE_BITS (gst_kvs_wave_bits_get_type ())
static GType
gst_kvs_wave_bits_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_KVS_WAVE_BITS_8, "8-bit values (peaks.js loads only these)", "8"},
    {GST_KVS_WAVE_BITS_16, "16-bit values", "16"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstKvsWaveBits", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define gst_kvs_wave_parent_class parent_class
G_DEFINE_TYPE (GstKvsWave, gst_kvs_wave, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (kvswave, "kvswave", GST_RANK_NONE,
    GST_TYPE_KVS_WAVE);

static void gst_kvs_wave_finalize (GObject * object);
static void gst_kvs_wave_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_kvs_wave_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);

static gboolean gst_kvs_wave_start (GstBaseTransform * trans);
static gboolean gst_kvs_wave_stop (GstBaseTransform * trans);
static gboolean gst_kvs_wave_set_caps (GstBaseTransform * trans,
    GstCaps * incaps, GstCaps * outcaps);
static gboolean gst_kvs_wave_sink_event (GstBaseTransform * trans,
    GstEvent * event);
static gboolean gst_kvs_wave_query (GstBaseTransform * trans,
    GstPadDirection direction, GstQuery * query);
static GstFlowReturn gst_kvs_wave_transform_ip (GstBaseTransform * trans,
    GstBuffer * buf);

static void
gst_kvs_wave_class_init (GstKvsWaveClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);

  gobject_class->set_property = gst_kvs_wave_set_property;
  gobject_class->get_property = gst_kvs_wave_get_property;
  gobject_class->finalize = gst_kvs_wave_finalize;

  /**
   * GstKvsWave:points:
   *
   * N, the number of points over the whole stream (the service's range).
   */
  g_object_class_install_property (gobject_class, PROP_POINTS,
      g_param_spec_uint ("points", "Points",
          "Number of waveform points over the whole stream",
          MIN_POINTS, MAX_POINTS, DEFAULT_POINTS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstKvsWave:json-location:
   *
   * Where to write the result document (written atomically at EOS). With
   * none, the result is only posted on the bus.
   */
  g_object_class_install_property (gobject_class, PROP_JSON_LOCATION,
      g_param_spec_string ("json-location", "JSON location",
          "Path of the sidecar JSON file written at EOS (none: message only)",
          DEFAULT_JSON_LOCATION,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstKvsWave:format:
   *
   * The document: `kvs` (one peak from 0 to 1 per point) or `audiowaveform`
   * (BBC audiowaveform JSON version 2, a minimum and maximum per point).
   */
  g_object_class_install_property (gobject_class, PROP_FORMAT,
      g_param_spec_enum ("format", "Format", "The result document's format",
          GST_TYPE_KVS_WAVE_FORMAT, DEFAULT_FORMAT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstKvsWave:bits:
   *
   * Resolution of the audiowaveform document's values: 8 (peaks.js loads
   * only these) or 16. The kvs document ignores it.
   */
  g_object_class_install_property (gobject_class, PROP_BITS,
      g_param_spec_enum ("bits", "Bits",
          "Bits per value in the audiowaveform document (8 or 16)",
          GST_TYPE_KVS_WAVE_BITS, DEFAULT_BITS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstKvsWave:split-channels:
   *
   * Keep one series of points per channel instead of one over all
   * channels.
   */
  g_object_class_install_property (gobject_class, PROP_SPLIT_CHANNELS,
      g_param_spec_boolean ("split-channels", "Split channels",
          "One series of points per channel instead of one for all",
          DEFAULT_SPLIT_CHANNELS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  kvs_result_install_task_type (gobject_class, PROP_TASK_TYPE);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "KVS waveform",
      "Filter/Analyzer/Audio",
      "Computes a fixed number of waveform points over the whole stream and "
      "posts them as a message and a JSON file at EOS",
      "gst-plugins-kvs contributors");

  trans_class->start = GST_DEBUG_FUNCPTR (gst_kvs_wave_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_kvs_wave_stop);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (gst_kvs_wave_set_caps);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_kvs_wave_sink_event);
  trans_class->query = GST_DEBUG_FUNCPTR (gst_kvs_wave_query);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (gst_kvs_wave_transform_ip);
  trans_class->passthrough_on_same_caps = TRUE;

  gst_type_mark_as_plugin_api (GST_TYPE_KVS_WAVE_FORMAT, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_KVS_WAVE_BITS, 0);

  GST_DEBUG_CATEGORY_INIT (gst_kvs_wave_debug, "kvswave", 0,
      "KVS waveform points");
}

static void
gst_kvs_wave_init (GstKvsWave * self)
{
  self->points = DEFAULT_POINTS;
  self->json_location = g_strdup (DEFAULT_JSON_LOCATION);
  self->format = DEFAULT_FORMAT;
  self->bits = DEFAULT_BITS;
  self->split_channels = DEFAULT_SPLIT_CHANNELS;

  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_gap_aware (GST_BASE_TRANSFORM (self), TRUE);
}

static void
gst_kvs_wave_finalize (GObject * object)
{
  GstKvsWave *self = GST_KVS_WAVE (object);

  g_free (self->json_location);
  g_free (self->run_location);
  kvs_waveform_free (self->waveform);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_kvs_wave_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstKvsWave *self = GST_KVS_WAVE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_POINTS:
      self->points = g_value_get_uint (value);
      break;
    case PROP_JSON_LOCATION:
      g_free (self->json_location);
      self->json_location = g_value_dup_string (value);
      break;
    case PROP_FORMAT:
      self->format = g_value_get_enum (value);
      break;
    case PROP_BITS:
      self->bits = g_value_get_enum (value);
      break;
    case PROP_SPLIT_CHANNELS:
      self->split_channels = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_kvs_wave_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstKvsWave *self = GST_KVS_WAVE (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_POINTS:
      g_value_set_uint (value, self->points);
      break;
    case PROP_JSON_LOCATION:
      g_value_set_string (value, self->json_location);
      break;
    case PROP_FORMAT:
      g_value_set_enum (value, self->format);
      break;
    case PROP_BITS:
      g_value_set_enum (value, self->bits);
      break;
    case PROP_SPLIT_CHANNELS:
      g_value_set_boolean (value, self->split_channels);
      break;
    case PROP_TASK_TYPE:
      g_value_set_string (value, "wave");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static gboolean
gst_kvs_wave_start (GstBaseTransform * trans)
{
  GstKvsWave *self = GST_KVS_WAVE (trans);

  GST_OBJECT_LOCK (self);
  self->run_points = self->points;
  g_free (self->run_location);
  self->run_location = g_strdup (self->json_location);
  self->run_format = self->format;
  self->run_bits = self->bits;
  self->run_split = self->split_channels;
  GST_OBJECT_UNLOCK (self);

  self->have_info = FALSE;
  self->eos = FALSE;
  return TRUE;
}

static gboolean
gst_kvs_wave_stop (GstBaseTransform * trans)
{
  GstKvsWave *self = GST_KVS_WAVE (trans);

  g_clear_pointer (&self->waveform, kvs_waveform_free);
  g_clear_pointer (&self->run_location, g_free);
  self->have_info = FALSE;
  return TRUE;
}

static gboolean
sample_format_from_audio (GstAudioFormat format, KvsSampleFormat * out)
{
  switch (format) {
    case GST_AUDIO_FORMAT_S16LE:
      *out = KVS_SAMPLE_S16;
      return TRUE;
    case GST_AUDIO_FORMAT_S32LE:
      *out = KVS_SAMPLE_S32;
      return TRUE;
    case GST_AUDIO_FORMAT_F32LE:
      *out = KVS_SAMPLE_F32;
      return TRUE;
    case GST_AUDIO_FORMAT_F64LE:
      *out = KVS_SAMPLE_F64;
      return TRUE;
    default:
      return FALSE;
  }
}

/* Caps arrive here before the base class sees them, so that audio kvswave
 * cannot read is reported with its documented code instead of a bare
 * not-negotiated flow. They are taken in set_caps, once negotiated. */
static gboolean
gst_kvs_wave_check_caps (GstKvsWave * self, GstCaps * caps)
{
  GstAudioInfo info;
  KvsSampleFormat sample_format;

  if (!gst_audio_info_from_caps (&info, caps))
    goto unreadable;
  if (!sample_format_from_audio (GST_AUDIO_INFO_FORMAT (&info), &sample_format)
      || GST_AUDIO_INFO_CHANNELS (&info) > MAX_CHANNELS)
    goto unsupported;

  if (self->waveform != NULL
      && (GST_AUDIO_INFO_RATE (&info) != GST_AUDIO_INFO_RATE (&self->info)
          || GST_AUDIO_INFO_CHANNELS (&info) !=
          GST_AUDIO_INFO_CHANNELS (&self->info)))
    goto changed;

  return TRUE;

  /* ERRORS */
unreadable:
  {
    KVS_ELEMENT_ERROR (self, STREAM, FORMAT, KVS_ERRNUM_INVALID_DATA,
        ("Unreadable audio format."), ("caps %" GST_PTR_FORMAT, caps));
    return FALSE;
  }
unsupported:
  {
    KVS_ELEMENT_ERROR (self, STREAM, FORMAT, KVS_ERRNUM_INVALID_DATA,
        ("Audio format %s with %d channels is not supported: kvswave reads "
            "S16LE, S32LE, F32LE or F64LE with 1 to %d channels; put "
            "audioconvert before it.",
            GST_AUDIO_INFO_NAME (&info) ? GST_AUDIO_INFO_NAME (&info) : "?",
            GST_AUDIO_INFO_CHANNELS (&info), MAX_CHANNELS),
        ("caps %" GST_PTR_FORMAT, caps));
    return FALSE;
  }
changed:
  {
    KVS_ELEMENT_ERROR (self, STREAM, FORMAT, KVS_ERRNUM_FORMAT_CHANGED,
        ("The audio changed from %d Hz, %d channels to %d Hz, %d channels "
            "in mid-stream; a waveform needs one rate and channel count.",
            GST_AUDIO_INFO_RATE (&self->info),
            GST_AUDIO_INFO_CHANNELS (&self->info),
            GST_AUDIO_INFO_RATE (&info), GST_AUDIO_INFO_CHANNELS (&info)),
        ("caps %" GST_PTR_FORMAT, caps));
    return FALSE;
  }
}

static gboolean
gst_kvs_wave_set_caps (GstBaseTransform * trans, GstCaps * incaps,
    GstCaps * outcaps)
{
  GstKvsWave *self = GST_KVS_WAVE (trans);
  GstAudioInfo info;

  /* gst_kvs_wave_check_caps() accepted these already */
  if (!gst_audio_info_from_caps (&info, incaps) ||
      !sample_format_from_audio (GST_AUDIO_INFO_FORMAT (&info),
          &self->sample_format))
    return FALSE;

  GST_DEBUG_OBJECT (self, "reading %" GST_PTR_FORMAT, incaps);
  self->info = info;
  self->have_info = TRUE;
  return TRUE;
}

/* The number of frames the stream will have, if upstream can tell. */
static guint64
gst_kvs_wave_expected_frames (GstKvsWave * self)
{
  GstBaseTransform *trans = GST_BASE_TRANSFORM (self);
  GstSegment *segment = &trans->segment;
  gint64 duration = -1;
  guint64 start, stop, expected;

  if (segment->format != GST_FORMAT_TIME || segment->rate < 0.0)
    return 0;

  if (GST_CLOCK_TIME_IS_VALID (segment->stop)) {
    stop = segment->stop;
  } else {
    if (!gst_pad_peer_query_duration (trans->sinkpad, GST_FORMAT_TIME,
            &duration) || duration <= 0)
      return 0;
    stop = duration;
  }

  start = segment->start;
  if (stop <= start)
    return 0;

  expected = gst_util_uint64_scale_int_round (stop - start,
      GST_AUDIO_INFO_RATE (&self->info), GST_SECOND);
  /* a length whose bins could not be laid out is no length */
  return expected <= G_MAXUINT64 / MAX_POINTS ? expected : 0;
}

/* Of @buf's @frames frames, the ones to analyse: what the decoder marked
 * for clipping (GstAudioClippingMeta) and what lies outside the segment
 * are left out, as a sink would leave them out. Both are counted in whole
 * frames on the stream's frame grid, so that edges between two frames
 * round the same way on both sides.
 *
 * A one-frame buffer stamped shorter than half a frame holds no frame of
 * the stream: GStreamer 1.22's audio decoders leave such a remnant (1
 * frame, 1 ns) when they clip an MP4 edit list's priming frame to the
 * segment, just before the first real frame, which has the same
 * timestamp. */
static gboolean
gst_kvs_wave_clip (GstKvsWave * self, GstBuffer * buf, guint64 frames,
    guint64 * first, guint64 * count)
{
  GstBaseTransform *trans = GST_BASE_TRANSFORM (self);
  GstSegment *segment = &trans->segment;
  GstAudioClippingMeta *meta;
  gint rate = GST_AUDIO_INFO_RATE (&self->info);
  guint64 front = 0, back = 0;
  GstClockTime pts = GST_BUFFER_PTS (buf);

  if (frames == 1 && GST_BUFFER_DURATION_IS_VALID (buf) &&
      gst_util_uint64_scale_int_round (GST_BUFFER_DURATION (buf), rate,
          GST_SECOND) == 0)
    return FALSE;

  meta = gst_buffer_get_audio_clipping_meta (buf);
  if (meta != NULL) {
    if (meta->format == GST_FORMAT_DEFAULT) {
      front = meta->start;
      back = meta->end;
    } else if (meta->format == GST_FORMAT_TIME) {
      front = gst_util_uint64_scale_int_round (meta->start, rate, GST_SECOND);
      back = gst_util_uint64_scale_int_round (meta->end, rate, GST_SECOND);
    }
    if (front + back >= frames)
      return FALSE;
  }

  if (segment->format == GST_FORMAT_TIME && GST_CLOCK_TIME_IS_VALID (pts)) {
    guint64 at = gst_util_uint64_scale_int_round (pts, rate, GST_SECOND);
    guint64 b0 = at + front, b1 = at + frames - back;
    guint64 s0 = gst_util_uint64_scale_int_round (segment->start, rate,
        GST_SECOND);
    guint64 s1 = GST_CLOCK_TIME_IS_VALID (segment->stop) ?
        gst_util_uint64_scale_int_round (segment->stop, rate, GST_SECOND) :
        G_MAXUINT64;

    if (b1 <= s0 || b0 >= s1)
      return FALSE;
    front += MAX (b0, s0) - b0;
    back += b1 - MIN (b1, s1);
  }

  *first = front;
  *count = frames - front - back;
  return TRUE;
}

static GstFlowReturn
gst_kvs_wave_transform_ip (GstBaseTransform * trans, GstBuffer * buf)
{
  GstKvsWave *self = GST_KVS_WAVE (trans);
  GstAudioMeta *meta;
  GstMapInfo map = GST_MAP_INFO_INIT;
  guint64 frames, first, count;
  gboolean planar;
  gint channels, bps;

  if (G_UNLIKELY (!self->have_info))
    goto not_negotiated;

  if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP) &&
      gst_buffer_get_size (buf) == 0)
    return GST_FLOW_OK;

  channels = GST_AUDIO_INFO_CHANNELS (&self->info);

  if (G_UNLIKELY (self->waveform == NULL)) {
    guint64 expected = gst_kvs_wave_expected_frames (self);

    self->waveform = kvs_waveform_new (self->run_points,
        self->run_split ? channels : 1,
        self->run_format == GST_KVS_WAVE_FORMAT_KVS ?
        KVS_WAVEFORM_PEAK : KVS_WAVEFORM_MIN_MAX, expected);
    GST_DEBUG_OBJECT (self, "expecting %" G_GUINT64_FORMAT " frames, "
        "holding %" G_GSIZE_FORMAT " bytes", expected,
        kvs_waveform_get_memory_size (self->waveform));
  }

  /* planar audio comes with GstAudioMeta, which also says how many samples
   * a clipped buffer holds, at which offsets (read here directly: a single
   * map costs a fraction of gst_audio_buffer_map) */
  meta = gst_buffer_get_audio_meta (buf);
  planar = GST_AUDIO_INFO_LAYOUT (&self->info) != GST_AUDIO_LAYOUT_INTERLEAVED;
  if (planar && meta == NULL)
    goto no_audio_meta;
  if (!gst_buffer_map (buf, &map, GST_MAP_READ))
    goto map_failed;

  bps = GST_AUDIO_INFO_BPS (&self->info);
  frames = meta ? meta->samples : map.size / GST_AUDIO_INFO_BPF (&self->info);

  if (frames > 0 && gst_kvs_wave_clip (self, buf, frames, &first, &count)) {
    if (!planar) {
      if ((first + count) * bps * channels > map.size)
        goto map_failed;
      kvs_waveform_push (self->waveform, self->sample_format,
          map.data + first * bps * channels, count, channels);
    } else {
      const guint8 *planes[MAX_CHANNELS];
      gint c;

      for (c = 0; c < channels; c++) {
        gsize offset = meta->offsets ? meta->offsets[c] : c * frames * bps;

        if (offset + (first + count) * bps > map.size)
          goto map_failed;
        planes[c] = map.data + offset + first * bps;
      }
      kvs_waveform_push_planar (self->waveform, self->sample_format, planes,
          count, channels);
    }
  }

  gst_buffer_unmap (buf, &map);
  return GST_FLOW_OK;

  /* ERRORS */
not_negotiated:
  {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL), ("buffer before caps"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
no_audio_meta:
  {
    KVS_ELEMENT_ERROR (self, STREAM, FORMAT, KVS_ERRNUM_INVALID_DATA,
        ("Non-interleaved audio without GstAudioMeta."),
        ("buffer %" GST_PTR_FORMAT, buf));
    return GST_FLOW_ERROR;
  }
map_failed:
  {
    KVS_ELEMENT_ERROR (self, STREAM, FORMAT, KVS_ERRNUM_INVALID_DATA,
        ("Could not read an audio buffer."), ("buffer %" GST_PTR_FORMAT, buf));
    if (map.memory != NULL)
      gst_buffer_unmap (buf, &map);
    return GST_FLOW_ERROR;
  }
}

static void
add_kvs_document (GstKvsWave * self, JsonBuilder * b, guint lanes)
{
  guint n = self->run_points, lane, i;
  guint16 *peaks = g_new (guint16, n);

  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  for (lane = 0; lane < lanes; lane++) {
    kvs_waveform_get_peaks (self->waveform, lane, peaks);
    if (self->run_split)
      json_builder_begin_array (b);
    for (i = 0; i < n; i++)
      kvs_json_builder_add_decimal (b, peaks[i] / 10000.0, 4);
    if (self->run_split)
      json_builder_end_array (b);
  }
  json_builder_end_array (b);
  g_free (peaks);
}

/* audiowaveform's 8-bit values are its 16-bit values divided by 256,
 * truncated toward zero. */
static void
add_audiowaveform_data (GstKvsWave * self, JsonBuilder * b, guint lanes)
{
  guint n = self->run_points, lane, i;
  gint16 *mm = g_new (gint16, 2 * n * lanes);
  gint divisor = self->run_bits == GST_KVS_WAVE_BITS_8 ? 256 : 1;

  for (lane = 0; lane < lanes; lane++)
    kvs_waveform_get_min_max (self->waveform, lane, mm + 2 * n * lane);

  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  for (i = 0; i < n; i++) {
    for (lane = 0; lane < lanes; lane++) {
      json_builder_add_int_value (b, mm[2 * n * lane + 2 * i] / divisor);
      json_builder_add_int_value (b, mm[2 * n * lane + 2 * i + 1] / divisor);
    }
  }
  json_builder_end_array (b);
  g_free (mm);
}

static JsonNode *
gst_kvs_wave_build_document (GstKvsWave * self, guint64 frames)
{
  JsonBuilder *b = json_builder_new ();
  JsonNode *root;
  gint rate = GST_AUDIO_INFO_RATE (&self->info);
  gint channels = GST_AUDIO_INFO_CHANNELS (&self->info);
  guint lanes = self->run_split ? channels : 1;

  json_builder_begin_object (b);
  if (self->run_format == GST_KVS_WAVE_FORMAT_KVS) {
    gchar duration[G_ASCII_DTOSTR_BUF_SIZE];

    json_builder_set_member_name (b, "points");
    json_builder_add_int_value (b, self->run_points);
    json_builder_set_member_name (b, "duration");
    json_builder_add_string_value (b, g_ascii_formatd (duration,
            sizeof (duration), "%.6f", (gdouble) frames / rate));
    json_builder_set_member_name (b, "sample_rate");
    json_builder_add_int_value (b, rate);
    json_builder_set_member_name (b, "channels");
    json_builder_add_int_value (b, channels);
    add_kvs_document (self, b, lanes);
  } else {
    /* audiowaveform's key order; samples_per_pixel is the nominal S/N */
    guint64 spp = MAX ((frames + self->run_points / 2) / self->run_points, 1);

    json_builder_set_member_name (b, "version");
    json_builder_add_int_value (b, 2);
    json_builder_set_member_name (b, "channels");
    json_builder_add_int_value (b, lanes);
    json_builder_set_member_name (b, "sample_rate");
    json_builder_add_int_value (b, rate);
    json_builder_set_member_name (b, "samples_per_pixel");
    json_builder_add_int_value (b, spp);
    json_builder_set_member_name (b, "bits");
    json_builder_add_int_value (b, self->run_bits);
    json_builder_set_member_name (b, "length");
    json_builder_add_int_value (b, self->run_points);
    add_audiowaveform_data (self, b, lanes);
  }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  g_object_unref (b);
  return root;
}

static void
gst_kvs_wave_finish (GstKvsWave * self)
{
  guint64 frames;
  GstStructure *s;
  JsonNode *root;
  gint rate;

  if (self->waveform == NULL || kvs_waveform_get_frames (self->waveform) == 0)
    goto no_samples;

  frames = kvs_waveform_get_frames (self->waveform);
  rate = GST_AUDIO_INFO_RATE (&self->info);
  root = gst_kvs_wave_build_document (self, frames);

  s = gst_structure_new ("kvswave",
      "points", G_TYPE_UINT, self->run_points,
      "duration", GST_TYPE_CLOCK_TIME,
      gst_util_uint64_scale_int (frames, GST_SECOND, rate),
      "sample-rate", G_TYPE_INT, rate,
      "channels", G_TYPE_INT, GST_AUDIO_INFO_CHANNELS (&self->info),
      "format", G_TYPE_STRING,
      self->run_format == GST_KVS_WAVE_FORMAT_KVS ? "kvs" : "audiowaveform",
      "exact", G_TYPE_BOOLEAN, kvs_waveform_is_exact (self->waveform), NULL);

  GST_INFO_OBJECT (self, "%" G_GUINT64_FORMAT " frames, exact: %d", frames,
      kvs_waveform_is_exact (self->waveform));

  kvs_result_set_task (s, "wave", self->run_location, NULL);
  kvs_result_post (GST_ELEMENT (self), self->run_location, root, s,
      KVS_ERRNUM_OPEN_OUTPUT);
  json_node_unref (root);
  return;

  /* ERRORS */
no_samples:
  {
    KVS_ELEMENT_ERROR (self, STREAM, FAILED, KVS_ERRNUM_NO_AV_DATA,
        ("The stream ended before any audio sample reached kvswave."),
        ("EOS with no samples%s", self->have_info ? "" : " and no caps"));
    return;
  }
}

static gboolean
gst_kvs_wave_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstKvsWave *self = GST_KVS_WAVE (trans);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:
    {
      GstCaps *caps;

      gst_event_parse_caps (event, &caps);
      if (!gst_kvs_wave_check_caps (self, caps)) {
        gst_event_unref (event);
        return FALSE;
      }
      break;
    }
    case GST_EVENT_STREAM_START:
      /* a new stream after EOS starts a new waveform; without EOS between
       * them (gapless playback) the audio goes on as one */
      if (self->eos) {
        g_clear_pointer (&self->waveform, kvs_waveform_free);
        self->eos = FALSE;
      }
      break;
    case GST_EVENT_FLUSH_STOP:
      /* a flushing seek starts a new waveform */
      g_clear_pointer (&self->waveform, kvs_waveform_free);
      self->eos = FALSE;
      break;
    case GST_EVENT_EOS:
      gst_kvs_wave_finish (self);
      self->eos = TRUE;
      break;
    default:
      break;
  }

  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}

static gboolean
gst_kvs_wave_query (GstBaseTransform * trans, GstPadDirection direction,
    GstQuery * query)
{
  /* Raw audio in system memory that GstAudioInfo can read is accepted when
   * it arrives, so that a format kvswave cannot read gets its documented
   * error in the caps event rather than a bare not-negotiated flow
   * upstream. The caps query still offers only what is read, so upstream
   * converters, which negotiate by the caps query, convert to it. */
  if (direction == GST_PAD_SINK && GST_QUERY_TYPE (query) ==
      GST_QUERY_ACCEPT_CAPS) {
    GstCaps *caps;
    GstAudioInfo info;

    gst_query_parse_accept_caps (query, &caps);
    if (gst_caps_is_fixed (caps) &&
        gst_caps_features_is_equal (gst_caps_get_features (caps, 0),
            GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY) &&
        gst_structure_has_name (gst_caps_get_structure (caps, 0),
            "audio/x-raw") && gst_audio_info_from_caps (&info, caps)) {
      gst_query_set_accept_caps_result (query, TRUE);
      return TRUE;
    }
  }

  return GST_BASE_TRANSFORM_CLASS (parent_class)->query (trans, direction,
      query);
}
