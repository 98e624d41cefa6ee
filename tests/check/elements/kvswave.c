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

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/audio/audio.h>
#include <gst/app/gstappsrc.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "kvserrors.h"

/* ---- signals ------------------------------------------------------------ */

static const gchar *format_names[] = { "S16LE", "S32LE", "F32LE", "F64LE" };

static const gsize format_sizes[] = { 2, 4, 4, 8 };

/* @x (frames * channels values from -1 to 1) in format @f, and the same
 * values as the element reads them, as fractions of full scale */
static GstBuffer *
make_buffer (const gdouble * x, gsize n, guint f, gdouble * read_back)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, n * format_sizes[f], NULL);
  GstMapInfo map;
  gsize i;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (i = 0; i < n; i++) {
    switch (f) {
      case 0:{
        gint16 v = (gint16) CLAMP (lrint (x[i] * 32768.0), -32768, 32767);
        ((gint16 *) map.data)[i] = v;
        read_back[i] = v / 32768.0;
        break;
      }
      case 1:{
        gint32 v = (gint32) CLAMP (llrint (x[i] * 2147483648.0),
            G_MININT32, G_MAXINT32);
        ((gint32 *) map.data)[i] = v;
        read_back[i] = v / 2147483648.0;
        break;
      }
      case 2:
        ((gfloat *) map.data)[i] = (gfloat) x[i];
        read_back[i] = (gfloat) x[i];
        break;
      default:
        ((gdouble *) map.data)[i] = x[i];
        read_back[i] = x[i];
        break;
    }
  }
  gst_buffer_unmap (buf, &map);
  return buf;
}

/* a peak as the document writes it: ten-thousandths, halves up */
static gchar *
format_peak (gdouble p)
{
  return g_strdup_printf ("%.4f", floor (p * 10000.0 + 0.5) / 10000.0);
}

/* the definition, read literally */
static gdouble
reference_point (const gdouble * v, guint64 frames, guint channels, guint n,
    guint i, gint only_channel)
{
  guint64 a = i * frames / n, b = (i + 1) * frames / n, t;
  gdouble p = 0.0;
  guint c;

  for (t = a; t < b; t++)
    for (c = 0; c < channels; c++)
      if (only_channel < 0 || (gint) c == only_channel)
        p = MAX (p, fabs (v[t * channels + c]));
  return MIN (p, 1.0);
}

/* ---- running a pipeline ------------------------------------------------- */

typedef struct
{
  GstMessage *result;           /* the kvswave element message */
  GstMessage *error;
  gboolean result_before_eos;
  gboolean eos;
} Run;

static void
run_clear (Run * r)
{
  gst_clear_message (&r->result);
  gst_clear_message (&r->error);
}

static void
wait_for_end (GstElement * pipeline, Run * r)
{
  GstBus *bus = gst_element_get_bus (pipeline);

  memset (r, 0, sizeof (*r));
  while (TRUE) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 120 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);

    fail_unless (m != NULL, "pipeline timed out");
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT) {
      if (gst_message_has_name (m, "kvswave")) {
        fail_unless (r->result == NULL, "two results");
        r->result = m;
        r->result_before_eos = !r->eos;
        continue;
      }
    } else if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
      r->error = m;
      /* a result posted along with the error would be a defect: take what
       * is already queued */
      while ((m = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL) {
        if (gst_message_has_name (m, "kvswave") && r->result == NULL)
          r->result = gst_message_ref (m);
        gst_message_unref (m);
      }
      break;
    } else if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS) {
      r->eos = TRUE;
      gst_message_unref (m);
      break;
    }
    gst_message_unref (m);
  }
  gst_object_unref (bus);
}

/* Pushes @bufs through appsrc ! kvswave ! fakesink. @duration is what the
 * source answers to a duration query (GST_CLOCK_TIME_NONE: unknown, as
 * from a live source or a pipe). */
static void
run_appsrc (const gchar * caps_str, GstBuffer ** bufs, guint n_bufs,
    GstClockTime duration, gboolean live, const gchar * props, Run * r)
{
  gchar *desc = g_strdup_printf ("appsrc name=src format=time ! "
      "kvswave name=wave %s ! fakesink sync=false", props ? props : "");
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstCaps *caps = gst_caps_from_string (caps_str);
  GstAudioInfo info;
  GstClockTime ts = 0;
  guint i;

  fail_unless (pipeline != NULL);
  g_object_set (src, "caps", caps, "is-live", live, "duration", duration,
      "max-bytes", (guint64) 0, NULL);
  fail_unless (gst_audio_info_from_caps (&info, caps) || !bufs);

  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  for (i = 0; i < n_bufs; i++) {
    gsize frames = gst_buffer_get_size (bufs[i]) / GST_AUDIO_INFO_BPF (&info);

    GST_BUFFER_PTS (bufs[i]) = ts;
    GST_BUFFER_DURATION (bufs[i]) = gst_util_uint64_scale_int (frames,
        GST_SECOND, GST_AUDIO_INFO_RATE (&info));
    ts += GST_BUFFER_DURATION (bufs[i]);
    gst_app_src_push_buffer (GST_APP_SRC (src), bufs[i]);
  }
  gst_app_src_end_of_stream (GST_APP_SRC (src));

  wait_for_end (pipeline, r);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_caps_unref (caps);
  gst_object_unref (src);
  gst_object_unref (pipeline);
  g_free (desc);
}

static gchar *
caps_for (guint f, gint rate, guint channels)
{
  return g_strdup_printf ("audio/x-raw,format=%s,rate=%d,channels=%u,"
      "layout=interleaved%s", format_names[f], rate, channels,
      channels > 2 ? ",channel-mask=(bitmask)0" : "");
}

/* x split in buffers of @per_buf frames; read_back gets what is read */
static GstBuffer **
split_buffers (const gdouble * x, guint64 frames, guint channels, guint f,
    guint64 per_buf, gdouble * read_back, guint * n_bufs)
{
  guint n = (guint) ((frames + per_buf - 1) / per_buf), i;
  GstBuffer **bufs = g_new0 (GstBuffer *, n);

  for (i = 0; i < n; i++) {
    guint64 start = i * per_buf, len = MIN (per_buf, frames - start);

    bufs[i] = make_buffer (x + start * channels, len * channels, f,
        read_back + start * channels);
  }
  *n_bufs = n;
  return bufs;
}

/* Pushes @x (@frames interleaved frames of @channels values from -1 to 1)
 * through appsrc ! kvswave @props ! fakesink in format @f, in buffers of
 * @per_buf frames; @known_length: the source answers the duration query
 * (else it does not, like a live source or a pipe). @read_back gets the
 * values as kvswave reads them. */
static void
run_signal (const gdouble * x, guint64 frames, guint channels, guint f,
    gint rate, guint64 per_buf, gboolean known_length, gboolean live,
    const gchar * props, gdouble * read_back, Run * r)
{
  gchar *caps = caps_for (f, rate, channels);
  guint nb;
  GstBuffer **bufs = split_buffers (x, frames, channels, f, per_buf,
      read_back, &nb);

  run_appsrc (caps, bufs, nb, known_length ?
      gst_util_uint64_scale_int (frames, GST_SECOND, rate) :
      GST_CLOCK_TIME_NONE, live, props, r);
  g_free (bufs);
  g_free (caps);
}

static JsonNode *
result_json (Run * r)
{
  const GstStructure *s;
  JsonNode *node;

  fail_unless (r->error == NULL, "unexpected error");
  fail_unless (r->result != NULL, "no kvswave message");
  fail_unless (r->result_before_eos);
  s = gst_message_get_structure (r->result);
  node = json_from_string (gst_structure_get_string (s, "json"), NULL);
  fail_unless (node != NULL);
  return node;
}

/* every number in "data" has 4 decimals */
static void
check_decimals (const gchar * json)
{
  const gchar *data = strstr (json, "\"data\":[");
  GRegex *bad = g_regex_new ("[\\[,](?!\\[)(?![-]?[0-9]+\\.[0-9]{4}[,\\]])",
      0, 0, NULL);

  fail_unless (data != NULL);
  fail_if (g_regex_match (bad, data + 7, 0, NULL), "not 4 decimals: %s", data);
  g_regex_unref (bad);
}

/* Compares a kvs document's data with the definition (slack 0) or within
 * the stated window error. */
static void
check_kvs_points (Run * r, const gdouble * v, guint64 frames,
    guint channels, guint n, gboolean split, gboolean exact)
{
  JsonNode *root = result_json (r);
  JsonObject *o = json_node_get_object (root);
  JsonArray *data = json_object_get_array_member (o, "data");
  const GstStructure *s = gst_message_get_structure (r->result);
  guint lanes = split ? channels : 1, lane, i;
  gboolean got_exact;
  guint points;

  check_decimals (gst_structure_get_string (s, "json"));
  fail_unless_equals_int (json_object_get_int_member (o, "points"), n);
  fail_unless_equals_int (json_object_get_int_member (o, "channels"), channels);
  fail_unless (gst_structure_get_uint (s, "points", &points));
  fail_unless_equals_int (points, n);
  fail_unless (gst_structure_get_boolean (s, "exact", &got_exact));
  fail_unless_equals_int (got_exact, exact);

  fail_unless_equals_int (json_array_get_length (data), split ? channels : n);

  for (lane = 0; lane < lanes; lane++) {
    JsonArray *arr = split ? json_array_get_array_element (data, lane) : data;

    fail_unless_equals_int (json_array_get_length (arr), n);
    for (i = 0; i < n; i++) {
      gdouble got = json_array_get_double_element (arr, i);
      gint ch = split ? (gint) lane : -1;

      if (exact) {
        gdouble want = reference_point (v, frames, channels, n, i, ch);
        gchar *w = format_peak (want);
        gchar *g = g_strdup_printf ("%.4f", got);

        fail_unless_equals_string (g, w);
        g_free (w);
        g_free (g);
      } else {
        /* the peak of a window whose edges are off by <= P/32 */
        guint64 a = i * frames / n, b = (i + 1) * frames / n;
        guint64 slack = frames / n / 32, t;
        gdouble outer = 0, inner = 0;
        guint c;

        for (t = (a > slack ? a - slack : 0); t < MIN (b + slack, frames); t++)
          for (c = 0; c < channels; c++) {
            gdouble m = fabs (v[t * channels + c]);

            if (ch >= 0 && (gint) c != ch)
              continue;
            outer = MAX (outer, m);
            if (t >= a + slack && t + slack < b)
              inner = MAX (inner, m);
          }
        fail_unless (got <= outer + 0.00005 && got >= inner - 0.00005,
            "point %u: %f not in [%f, %f]", i, got, inner, outer);
      }
    }
  }
  json_node_unref (root);
}

/* ---- tests -------------------------------------------------------------- */

GST_START_TEST (test_silence)
{
  guint64 frames = 44100;
  gdouble *x = g_new0 (gdouble, frames * 2), *v = g_new (gdouble, frames * 2);
  Run r;
  JsonNode *root;
  GstClockTime duration;

  run_signal (x, frames, 2, 0, 44100, 1024, TRUE, FALSE, "points=11", v, &r);
  root = result_json (&r);
  fail_unless (gst_structure_get_clock_time (gst_message_get_structure
          (r.result), "duration", &duration));
  fail_unless_equals_uint64 (duration, GST_SECOND);
  fail_unless_equals_string (gst_structure_get_string
      (gst_message_get_structure (r.result), "json"),
      "{\"points\":11,\"duration\":\"1.000000\",\"sample_rate\":44100,"
      "\"channels\":2,\"data\":[0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,"
      "0.0000,0.0000,0.0000,0.0000,0.0000]}");

  json_node_unref (root);
  run_clear (&r);
  g_free (x);
  g_free (v);
}

GST_END_TEST;

/* a sine whose amplitude steps at known frames, in every lane of the
 * definition: known length (exact), unknown length and live (windowed) */
static gdouble *
make_steps (guint64 frames, guint channels)
{
  gdouble *x = g_new (gdouble, frames * channels);
  guint64 t;
  guint c;

  for (t = 0; t < frames; t++) {
    gdouble amp = 0.05 + 0.9 * (gdouble) ((t / 3001) % 17) / 16.0;

    for (c = 0; c < channels; c++)
      x[t * channels + c] = amp * sin (2 * G_PI * 440.0 * t / 48000.0 + c);
  }
  return x;
}

GST_START_TEST (test_steps_known_length)
{
  guint64 frames = 48000 * 3 + 17;
  gdouble *x = make_steps (frames, 1), *v = g_new (gdouble, frames);
  Run r;

  run_signal (x, frames, 1, 2, 48000, 1000, TRUE, FALSE, "points=100", v, &r);
  check_kvs_points (&r, v, frames, 1, 100, FALSE, TRUE);

  run_clear (&r);
  g_free (x);
  g_free (v);
}

GST_END_TEST;

GST_START_TEST (test_steps_live_unknown_length)
{
  guint64 frames = 48000 * 10 + 5;
  gdouble *x = make_steps (frames, 2), *v = g_new (gdouble, frames * 2);
  Run r;

  /* S > 32*N: within 1/32 of a point's width */
  run_signal (x, frames, 2, 0, 48000, 480, FALSE, TRUE, "points=1000", v, &r);
  check_kvs_points (&r, v, frames, 2, 1000, FALSE, FALSE);
  run_clear (&r);

  /* S <= 32*N: exact even so */
  run_signal (x, 32 * 1000, 2, 0, 48000, 480, FALSE, TRUE, "points=1000", v,
      &r);
  check_kvs_points (&r, v, 32 * 1000, 2, 1000, FALSE, TRUE);
  run_clear (&r);

  g_free (x);
  g_free (v);
}

GST_END_TEST;

GST_START_TEST (test_spike_on_boundary)
{
  guint64 frames = 100003;
  guint n = 11, k;

  for (k = 0; k < 2; k++) {
    gdouble *x = g_new0 (gdouble, frames), *v = g_new (gdouble, frames);
    guint64 edge = 5 * frames / n;      /* first frame of point 5 */
    JsonNode *root;
    JsonArray *data;
    guint i;
    Run r;

    x[edge] = -1.0;
    run_signal (x, frames, 1, 0, 44100, 777, k == 0, FALSE, "points=11", v, &r);
    root = result_json (&r);
    data = json_object_get_array_member (json_node_get_object (root), "data");
    /* known length: exactly point 5; unknown: point 5, or point 4 when
     * within 1/32 of a point's width of the edge */
    for (i = 0; i < n; i++) {
      gdouble p = json_array_get_double_element (data, i);

      if (k == 0 || (i != 4 && i != 5))
        fail_unless_equals_float (p, i == 5 ? 1.0 : 0.0);
    }
    fail_unless_equals_float (json_array_get_double_element (data, 4) +
        json_array_get_double_element (data, 5), 1.0);

    json_node_unref (root);
    run_clear (&r);
    g_free (x);
    g_free (v);
  }
}

GST_END_TEST;

GST_START_TEST (test_formats_and_channels)
{
  guint channel_counts[] = { 1, 2, 3, 6, 8, 17, 63, 64 };
  guint f, k;

  for (f = 0; f < 4; f++) {
    for (k = 0; k < G_N_ELEMENTS (channel_counts); k++) {
      guint ch = channel_counts[k];
      guint64 frames = 8000;
      gdouble *x = make_steps (frames, ch);
      gdouble *v = g_new (gdouble, frames * ch);
      Run r;

      /* a loud spike in the last channel only */
      x[(frames / 2) * ch + ch - 1] = 0.99;
      run_signal (x, frames, ch, f, 8000, 333, TRUE, FALSE, "points=50", v, &r);
      check_kvs_points (&r, v, frames, ch, 50, FALSE, TRUE);
      run_clear (&r);

      if (ch <= 6) {
        run_signal (x, frames, ch, f, 8000, 333, TRUE, FALSE,
            "points=50 split-channels=true", v, &r);
        check_kvs_points (&r, v, frames, ch, 50, TRUE, TRUE);
        run_clear (&r);
      }

      g_free (x);
      g_free (v);
    }
  }
}

GST_END_TEST;

GST_START_TEST (test_point_limits)
{
  guint ns[] = { 11, 4095 };
  guint k;

  for (k = 0; k < G_N_ELEMENTS (ns); k++) {
    guint64 frames = 44100 * 5;
    gdouble *x = make_steps (frames, 2), *v = g_new (gdouble, frames * 2);
    gchar *props = g_strdup_printf ("points=%u", ns[k]);
    Run r;

    run_signal (x, frames, 2, 0, 44100, 4096, TRUE, FALSE, props, v, &r);
    check_kvs_points (&r, v, frames, 2, ns[k], FALSE, TRUE);
    run_clear (&r);
    g_free (props);
    g_free (x);
    g_free (v);
  }
}

GST_END_TEST;

GST_START_TEST (test_much_shorter_than_points)
{
  guint64 frames = 100;
  gdouble *x = make_steps (frames, 1), *v = g_new (gdouble, frames);
  Run r;

  /* the last frame is the loudest: it lands in the last point */
  x[99] = 0.99;
  run_signal (x, frames, 1, 0, 44100, 30, FALSE, FALSE, "points=1000", v, &r);
  check_kvs_points (&r, v, frames, 1, 1000, FALSE, TRUE);
  run_clear (&r);
  g_free (x);
  g_free (v);
}

GST_END_TEST;

/* BBC audiowaveform JSON version 2, as audiowaveform writes it and
 * waveform-data.js / peaks.js read it */
GST_START_TEST (test_audiowaveform_document)
{
  guint64 frames = 22050 * 3;
  guint n = 300, bits_k;

  for (bits_k = 0; bits_k < 4; bits_k++) {
    guint bits = (bits_k % 2) ? 16 : 8;
    gboolean split = bits_k >= 2;
    gdouble *x = make_steps (frames, 2), *v = g_new (gdouble, frames * 2);
    guint i, c, lanes = split ? 2 : 1;
    gchar *props = g_strdup_printf ("points=%u format=audiowaveform bits=%u "
        "split-channels=%d", n, bits, split);
    const gchar *json;
    JsonNode *root;
    JsonObject *o;
    JsonArray *data;
    GList *members, *l;
    const gchar *order[] = { "version", "channels", "sample_rate",
      "samples_per_pixel", "bits", "length", "data"
    };
    Run r;

    run_signal (x, frames, 2, 0, 22050, 1000, TRUE, FALSE, props, v, &r);
    root = result_json (&r);
    json = gst_structure_get_string (gst_message_get_structure (r.result),
        "json");
    o = json_node_get_object (root);

    /* the keys, in audiowaveform's order, and nothing else */
    members = json_object_get_members (o);
    fail_unless_equals_int (g_list_length (members), G_N_ELEMENTS (order));
    for (l = members, i = 0; l; l = l->next, i++)
      fail_unless_equals_string (l->data, order[i]);
    g_list_free (members);
    fail_unless (g_str_has_prefix (json, "{\"version\":2,\"channels\":"));

    fail_unless_equals_int (json_object_get_int_member (o, "version"), 2);
    fail_unless_equals_int (json_object_get_int_member (o, "channels"), lanes);
    fail_unless_equals_int (json_object_get_int_member (o, "sample_rate"),
        22050);
    fail_unless_equals_int (json_object_get_int_member (o,
            "samples_per_pixel"), (frames + n / 2) / n);
    fail_unless_equals_int (json_object_get_int_member (o, "bits"), bits);
    fail_unless_equals_int (json_object_get_int_member (o, "length"), n);
    data = json_object_get_array_member (o, "data");
    fail_unless_equals_int (json_array_get_length (data), n * 2 * lanes);

    for (i = 0; i < n; i++) {
      for (c = 0; c < lanes; c++) {
        guint64 a = i * frames / n, b = (i + 1) * frames / n, t;
        gint lo = G_MAXINT, hi = G_MININT, div = bits == 8 ? 256 : 1;
        guint cc;
        JsonNode *mn = json_array_get_element (data, (i * lanes + c) * 2);
        JsonNode *mx = json_array_get_element (data, (i * lanes + c) * 2 + 1);

        fail_unless_equals_int (json_node_get_value_type (mn), G_TYPE_INT64);
        for (t = a; t < b; t++)
          for (cc = 0; cc < 2; cc++) {
            gint s = (gint) lrint (v[t * 2 + cc] * 32768.0);

            if (split && cc != c)
              continue;
            lo = MIN (lo, s);
            hi = MAX (hi, s);
          }
        fail_unless_equals_int (json_node_get_int (mn), lo / div);
        fail_unless_equals_int (json_node_get_int (mx), hi / div);
        if (bits == 8)
          fail_unless (lo / div >= -128 && hi / div <= 127);
      }
    }

    json_node_unref (root);
    run_clear (&r);
    g_free (props);
    g_free (x);
    g_free (v);
  }
}

GST_END_TEST;

GST_START_TEST (test_sidecar_is_the_message)
{
  gchar *dir = g_dir_make_tmp ("kvswave-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "wave.json", NULL);
  gchar *props = g_strdup_printf ("points=20 json-location=%s", path);
  guint64 frames = 10000;
  gdouble *x = make_steps (frames, 1), *v = g_new (gdouble, frames);
  gchar *contents;
  const GstStructure *s;
  GDir *d;
  Run r;

  run_signal (x, frames, 1, 0, 10000, 1000, TRUE, FALSE, props, v, &r);
  fail_unless (r.result != NULL && r.result_before_eos);
  s = gst_message_get_structure (r.result);
  fail_unless (g_file_get_contents (path, &contents, NULL, NULL));
  fail_unless_equals_string (contents, gst_structure_get_string (s, "json"));
  fail_unless_equals_string (gst_structure_get_string (s, "location"), path);
  fail_unless_equals_string (gst_structure_get_string (s, "format"), "kvs");

  /* nothing but the sidecar is left behind (no temporary file) */
  d = g_dir_open (dir, 0, NULL);
  fail_unless_equals_string (g_dir_read_name (d), "wave.json");
  fail_unless (g_dir_read_name (d) == NULL);
  g_dir_close (d);

  g_unlink (path);
  g_rmdir (dir);
  run_clear (&r);
  g_free (contents);
  g_free (x);
  g_free (v);
  g_free (props);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

static void
check_error_code (Run * r, gint want, GQuark domain, gint code)
{
  GError *err = NULL;
  gint errnum = 0;
  const gchar *errmsg = NULL;

  fail_unless (r->error != NULL, "no error, want %d", want);
  fail_unless (r->result == NULL);
  gst_message_parse_error (r->error, &err, NULL);
  fail_unless (g_error_matches (err, domain, code), "%s", err->message);
  fail_unless (kvs_error_message_parse_errnum (r->error, &errnum, &errmsg));
  fail_unless_equals_int (errnum, want);
  fail_unless_equals_string (errmsg, kvs_callback_error_message (want));
  fail_unless (g_str_has_prefix (GST_OBJECT_NAME (GST_MESSAGE_SRC (r->error)),
          "wave"));
  g_error_free (err);
}

GST_START_TEST (test_error_no_samples)
{
  gchar *caps = caps_for (0, 44100, 2);
  Run r;

  run_appsrc (caps, NULL, 0, GST_CLOCK_TIME_NONE, FALSE, NULL, &r);
  check_error_code (&r, 2058, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED);
  run_clear (&r);
  g_free (caps);
}

GST_END_TEST;

GST_START_TEST (test_error_unsupported_caps)
{
  const gchar *bad[] = {
    "audio/x-raw,format=S24LE,rate=44100,channels=2,layout=interleaved",
    "audio/x-raw,format=U8,rate=8000,channels=1,layout=interleaved",
    "audio/x-raw,format=S16LE,rate=8000,channels=65,layout=interleaved,"
        "channel-mask=(bitmask)0",
    /* planar buffers must carry GstAudioMeta */
    "audio/x-raw,format=F32LE,rate=44100,channels=2,layout=non-interleaved",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    GstBuffer *buf = gst_buffer_new_allocate (NULL, 4096 * 6, NULL);
    Run r;

    gst_buffer_memset (buf, 0, 0, 4096 * 6);
    run_appsrc (bad[i], &buf, 1, GST_CLOCK_TIME_NONE, FALSE, NULL, &r);
    check_error_code (&r, 3150, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT);
    run_clear (&r);
  }
}

GST_END_TEST;

GST_START_TEST (test_error_rate_change)
{
  GstHarness *h = gst_harness_new ("kvswave");
  GstBus *bus = gst_bus_new ();
  GstBuffer *buf;
  GstMessage *m;
  gint errnum = 0;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, "audio/x-raw,format=S16LE,rate=44100,"
      "channels=1,layout=interleaved");
  buf = gst_harness_create_buffer (h, 882);
  gst_buffer_memset (buf, 0, 0, 882);
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  gst_harness_set_src_caps_str (h, "audio/x-raw,format=S16LE,rate=48000,"
      "channels=1,layout=interleaved");

  m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (m != NULL);
  fail_unless (kvs_error_message_parse_errnum (m, &errnum, NULL));
  fail_unless_equals_int (errnum, 3202);
  gst_message_unref (m);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_error_unwritable_sidecar)
{
  gchar *dir = g_dir_make_tmp ("kvswave-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "missing-dir", "wave.json", NULL);
  gchar *props = g_strdup_printf ("json-location=%s", path);
  gdouble x[2000] = { 0 }, v[2000];
  Run r;

  run_signal (x, 2000, 1, 0, 8000, 500, FALSE, FALSE, props, v, &r);
  check_error_code (&r, 3203, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_WRITE);
  fail_if (g_file_test (path, G_FILE_TEST_EXISTS));

  run_clear (&r);
  g_rmdir (dir);
  g_free (props);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

/* Planar audio, as decoders output it, with GstAudioMeta; a clipped
 * buffer's samples are where its meta says. */
GST_START_TEST (test_planar)
{
  guint64 frames = 44100 * 2, per_buf = 1024, t;
  guint channels = 2, nb = 0, f;
  gdouble *x = make_steps (frames, channels);
  gdouble *v = g_new (gdouble, frames * channels);
  gdouble *kept = g_new (gdouble, frames * channels);
  guint64 n_kept = 0;

  for (f = 0; f < 4; f++) {
    gchar *caps = g_strdup_printf ("audio/x-raw,format=%s,rate=44100,"
        "channels=2,layout=non-interleaved", format_names[f]);
    GstBuffer **bufs = g_new0 (GstBuffer *, frames / per_buf + 1);
    GstAudioInfo info;
    Run r;

    gst_audio_info_set_format (&info,
        gst_audio_format_from_string (format_names[f]), 44100, channels, NULL);
    info.layout = GST_AUDIO_LAYOUT_NON_INTERLEAVED;
    nb = 0;
    n_kept = 0;
    for (t = 0; t < frames; t += per_buf) {
      guint64 n = MIN (per_buf, frames - t), i;
      gdouble *planar = g_new (gdouble, n * channels);
      gdouble *back = g_new (gdouble, n * channels);
      guint c;
      GstBuffer *buf;

      for (i = 0; i < n; i++)
        for (c = 0; c < channels; c++)
          planar[c * n + i] = x[(t + i) * channels + c];
      buf = make_buffer (planar, n * channels, f, back);
      gst_buffer_add_audio_meta (buf, &info, n, NULL);
      for (i = 0; i < n; i++)
        for (c = 0; c < channels; c++)
          v[(t + i) * channels + c] = back[c * n + i];

      /* every third buffer loses 100 samples at the front and 50 at the
       * end, as a decoder's clipping leaves it */
      if (nb % 3 == 1 && n > 150) {
        buf = gst_audio_buffer_truncate (buf, GST_AUDIO_INFO_BPF (&info),
            100, n - 150);
        memcpy (kept + n_kept * channels, v + (t + 100) * channels,
            (n - 150) * channels * sizeof (gdouble));
        n_kept += n - 150;
      } else {
        memcpy (kept + n_kept * channels, v + t * channels,
            n * channels * sizeof (gdouble));
        n_kept += n;
      }
      bufs[nb++] = buf;
      g_free (planar);
      g_free (back);
    }

    run_appsrc (caps, bufs, nb, GST_CLOCK_TIME_NONE, FALSE, "points=200", &r);
    check_kvs_points (&r, kept, n_kept, channels, 200, FALSE, FALSE);
    run_clear (&r);
    g_free (bufs);
    g_free (caps);
  }
  g_free (x);
  g_free (v);
  g_free (kept);
}

GST_END_TEST;

/* What a decoder marks for clipping and what lies outside the segment is
 * not part of the waveform. */
GST_START_TEST (test_clipping_meta_and_segment)
{
  GstHarness *h = gst_harness_new_parse ("kvswave points=11");
  GstBus *bus = gst_bus_new ();
  GstSegment seg;
  GstBuffer *buf;
  GstMapInfo map;
  GstMessage *m;
  const gchar *json;
  guint i;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, "audio/x-raw,format=S16LE,rate=1000,"
      "channels=1,layout=interleaved");
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.start = 100 * GST_MSECOND;        /* the first 100 frames are out */
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&seg)));

  /* 1100 frames from t=0 at 0.25, with loud frames outside the segment
   * (0..99) and in the part a decoder marks for clipping (the last 50) */
  buf = gst_buffer_new_allocate (NULL, 1150 * 2, NULL);
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (i = 0; i < 1150; i++)
    ((gint16 *) map.data)[i] = (i < 100 || i >= 1100) ? 32767 : 8192;
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = 0;
  GST_BUFFER_DURATION (buf) = 1150 * GST_MSECOND;
  gst_buffer_add_audio_clipping_meta (buf, GST_FORMAT_DEFAULT, 0, 50);
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));

  m = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  fail_unless (m != NULL);
  json = gst_structure_get_string (gst_message_get_structure (m), "json");
  fail_unless_equals_string (json, "{\"points\":11,\"duration\":\"1.000000\","
      "\"sample_rate\":1000,\"channels\":1,\"data\":[0.2500,0.2500,0.2500,"
      "0.2500,0.2500,0.2500,0.2500,0.2500,0.2500,0.2500,0.2500]}");
  gst_message_unref (m);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Pushes @frames frames of S16 mono at 1 kHz, all at @value, from @pts. */
static GstBuffer *
constant_s16 (guint frames, gint16 value, GstClockTime pts)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, frames * 2, NULL);
  GstMapInfo map;
  guint i;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (i = 0; i < frames; i++)
    ((gint16 *) map.data)[i] = value;
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = frames * GST_MSECOND;
  return buf;
}

static const gchar *
harness_result (GstBus * bus, GstMessage ** keep)
{
  GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT |
      GST_MESSAGE_ERROR);

  fail_unless (m != NULL, "no result");
  fail_unless (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ELEMENT, "an error");
  *keep = m;
  return gst_structure_get_string (gst_message_get_structure (m), "json");
}

#define MONO_1K "audio/x-raw,rate=1000,channels=1,layout=interleaved,format="

/* The sample format may change in mid-stream (same rate and channels);
 * each buffer is read in its own format. */
GST_START_TEST (test_format_change_midstream)
{
  GstHarness *h = gst_harness_new_parse ("kvswave points=11");
  GstBus *bus = gst_bus_new ();
  GstBuffer *buf;
  GstMapInfo map;
  GstMessage *m;
  guint i;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, MONO_1K "S16LE");
  fail_unless_equals_int (gst_harness_push (h, constant_s16 (550, 8192, 0)),
      GST_FLOW_OK);
  gst_harness_set_src_caps_str (h, MONO_1K "F32LE");
  buf = gst_buffer_new_allocate (NULL, 550 * 4, NULL);
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (i = 0; i < 550; i++)
    ((gfloat *) map.data)[i] = -0.5f;
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = 550 * GST_MSECOND;
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));

  fail_unless_equals_string (harness_result (bus, &m),
      "{\"points\":11,\"duration\":\"1.100000\",\"sample_rate\":1000,"
      "\"channels\":1,\"data\":[0.2500,0.2500,0.2500,0.2500,0.2500,0.5000,"
      "0.5000,0.5000,0.5000,0.5000,0.5000]}");
  gst_message_unref (m);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Infinities are full scale; a NaN never reaches the document. */
GST_START_TEST (test_float_specials)
{
  GstHarness *h = gst_harness_new_parse ("kvswave points=11");
  GstBus *bus = gst_bus_new ();
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 1100 * 4, NULL);
  GstMapInfo map;
  GstMessage *m;
  JsonNode *root;
  guint i;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, MONO_1K "F32LE");
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (i = 0; i < 1100; i++)
    ((gfloat *) map.data)[i] = 0.25f;
  ((gfloat *) map.data)[150] = INFINITY;
  ((gfloat *) map.data)[250] = -INFINITY;
  ((gfloat *) map.data)[1050] = NAN;
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_PTS (buf) = 0;
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));

  root = json_from_string (harness_result (bus, &m), NULL);
  fail_unless (root != NULL);
  fail_unless (g_str_has_prefix (gst_structure_get_string
          (gst_message_get_structure (m), "json"),
          "{\"points\":11,\"duration\":\"1.100000\",\"sample_rate\":1000,"
          "\"channels\":1,\"data\":[0.2500,1.0000,1.0000,0.2500,"));
  json_node_unref (root);
  gst_message_unref (m);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* A new stream after EOS gets a waveform of its own, even at another
 * rate. */
GST_START_TEST (test_new_stream_after_eos)
{
  GstHarness *h = gst_harness_new_parse ("kvswave points=11");
  GstBus *bus = gst_bus_new ();
  GstSegment seg;
  GstMessage *m;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, MONO_1K "S16LE");
  fail_unless_equals_int (gst_harness_push (h, constant_s16 (1000, 32767,
              0)), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  fail_unless (g_str_has_suffix (harness_result (bus, &m),
          "\"data\":[1.0000,1.0000,1.0000,1.0000,1.0000,1.0000,1.0000,"
          "1.0000,1.0000,1.0000,1.0000]}"));
  gst_message_unref (m);

  fail_unless (gst_harness_push_event (h,
          gst_event_new_stream_start ("second")));
  gst_harness_set_src_caps_str (h, "audio/x-raw,rate=2000,channels=1,"
      "layout=interleaved,format=S16LE");
  gst_segment_init (&seg, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&seg)));
  fail_unless_equals_int (gst_harness_push (h, constant_s16 (500, 16384,
              0)), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  fail_unless_equals_string (harness_result (bus, &m),
      "{\"points\":11,\"duration\":\"0.250000\",\"sample_rate\":2000,"
      "\"channels\":1,\"data\":[0.5000,0.5000,0.5000,0.5000,0.5000,0.5000,"
      "0.5000,0.5000,0.5000,0.5000,0.5000]}");
  gst_message_unref (m);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Only a one-frame buffer stamped shorter than half a frame is left out
 * (the 1.22 decoders' priming remnant); a buffer of many frames with a
 * zero duration is audio. A segment whose edges fall between frames cuts
 * on the frame grid, like a sink. */
GST_START_TEST (test_edges_on_the_frame_grid)
{
  GstHarness *h = gst_harness_new_parse ("kvswave points=11");
  GstBus *bus = gst_bus_new ();
  GstSegment seg;
  GstBuffer *buf;
  GstMessage *m;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, MONO_1K "S16LE");
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.start = 100 * GST_MSECOND + 400 * GST_USECOND;    /* frame 100.4 */
  seg.stop = 1200 * GST_MSECOND + 400 * GST_USECOND;    /* frame 1200.4 */
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&seg)));

  /* the remnant: one loud frame, 1 ns long, at the segment's start */
  buf = constant_s16 (1, 32767, seg.start);
  GST_BUFFER_DURATION (buf) = 1;
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  /* 1300 frames from 0, stamped with no duration at all */
  buf = constant_s16 (1300, 8192, 0);
  GST_BUFFER_DURATION (buf) = 0;
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));

  /* frames 100 to 1199: exactly 1100 */
  fail_unless_equals_string (harness_result (bus, &m),
      "{\"points\":11,\"duration\":\"1.100000\",\"sample_rate\":1000,"
      "\"channels\":1,\"data\":[0.2500,0.2500,0.2500,0.2500,0.2500,0.2500,"
      "0.2500,0.2500,0.2500,0.2500,0.2500]}");
  gst_message_unref (m);

  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ---- real encoded files ------------------------------------------------- */

/* The encoders and ffmpeg are dependencies of the test suite (scripts/setup
 * installs them): a missing one fails the test rather than skipping it. */
static void
require_elements (const gchar * names)
{
  gchar **v = g_strsplit (names, " ", -1), **p;

  for (p = v; *p; p++) {
    GstElementFactory *f = gst_element_factory_find (*p);

    fail_unless (f != NULL, "element %s is missing: run scripts/setup", *p);
    gst_object_unref (f);
  }
  g_strfreev (v);
}

static void
run_launch (const gchar * desc, Run * r)
{
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);

  fail_unless (pipeline != NULL, "%s: %s", desc, err ? err->message : "");
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  wait_for_end (pipeline, r);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}

static void
require_program (const gchar * name)
{
  gchar *path = g_find_program_in_path (name);

  fail_unless (path != NULL, "%s is not installed: run scripts/setup", name);
  g_free (path);
}

/* The frames ffmpeg's decode of @file gives, as 44.1 kHz stereo. */
static guint64
ffmpeg_frames (const gchar * file)
{
  GSubprocess *proc;
  GBytes *out = NULL;
  GError *err = NULL;
  guint64 frames;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
      G_SUBPROCESS_FLAGS_STDERR_SILENCE, &err, "ffmpeg", "-v", "error", "-i",
      file, "-f", "s16le", "-ac", "2", "-ar", "44100", "-", NULL);
  fail_unless (proc != NULL, "ffmpeg: %s", err ? err->message : "");
  fail_unless (g_subprocess_communicate (proc, NULL, NULL, &out, NULL, &err));
  fail_unless (g_subprocess_get_successful (proc), "ffmpeg failed on %s", file);
  frames = g_bytes_get_size (out) / 4;
  fail_unless (frames > 0);

  g_bytes_unref (out);
  g_object_unref (proc);
  return frames;
}

static void
run_command (const gchar * const *argv)
{
  gint status;

  fail_unless (g_spawn_sync (NULL, (gchar **) argv, NULL,
          G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
          G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL));
  fail_unless (g_spawn_check_wait_status (status, NULL), "%s failed", argv[0]);
}

typedef struct
{
  gchar *dir;
  gchar *wav;                   /* 3 s of a 0.5 sine, 44.1 kHz stereo */
} Clip;

static void
clip_make (Clip * c)
{
  gchar *desc;
  Run r;

  c->dir = g_dir_make_tmp ("kvswave-XXXXXX", NULL);
  c->wav = g_build_filename (c->dir, "source.wav", NULL);
  desc = g_strdup_printf ("audiotestsrc num-buffers=300 samplesperbuffer=441 "
      "volume=0.5 freq=441 ! audio/x-raw,format=S16LE,rate=44100,channels=2 "
      "! wavenc ! filesink location=%s", c->wav);
  run_launch (desc, &r);
  fail_unless (r.error == NULL && r.eos);
  run_clear (&r);
  g_free (desc);
}

static void
clip_clear (Clip * c)
{
  GDir *d = g_dir_open (c->dir, 0, NULL);
  const gchar *name;

  while ((name = g_dir_read_name (d)) != NULL) {
    gchar *f = g_build_filename (c->dir, name, NULL);

    g_unlink (f);
    g_free (f);
  }
  g_dir_close (d);
  g_rmdir (c->dir);
  g_free (c->wav);
  g_free (c->dir);
}

/* Decodes @file with decodebin into kvswave; checks the points against the
 * sine's amplitude and returns the frames kvswave counted. */
static guint64
kvswave_frames (const gchar * file)
{
  gchar *desc = g_strdup_printf ("filesrc location=%s ! decodebin ! "
      "audioconvert ! kvswave name=wave points=30 ! fakesink", file);
  const GstStructure *s;
  GstClockTime duration;
  JsonNode *root;
  JsonArray *data;
  guint i;
  Run r;

  run_launch (desc, &r);
  root = result_json (&r);
  s = gst_message_get_structure (r.result);
  fail_unless (gst_structure_get_clock_time (s, "duration", &duration));

  /* away from the edges, the sine's amplitude within the codec's error */
  data = json_object_get_array_member (json_node_get_object (root), "data");
  for (i = 2; i < 28; i++) {
    gdouble p = json_array_get_double_element (data, i);

    fail_unless (p > 0.4 && p < 0.6, "%s point %u: %f", file, i, p);
  }

  json_node_unref (root);
  run_clear (&r);
  g_free (desc);
  return gst_util_uint64_scale_round (duration, 44100, GST_SECOND);
}

/* What remains between GStreamer's decode and ffmpeg's, in frames, must be
 * from @min_extra to @max_extra; each figure is explained in
 * docs/kvswave.md, "Faithful to the source". */
static void
check_against_ffmpeg (const gchar * file, gint64 min_extra, gint64 max_extra)
{
  guint64 ours = kvswave_frames (file), theirs = ffmpeg_frames (file);
  gint64 extra = (gint64) ours - (gint64) theirs;

  GST_INFO ("%s: kvswave %" G_GUINT64_FORMAT ", ffmpeg %" G_GUINT64_FORMAT,
      file, ours, theirs);
  fail_unless (extra >= min_extra && extra <= max_extra,
      "%s: kvswave %" G_GUINT64_FORMAT " frames, ffmpeg %" G_GUINT64_FORMAT,
      file, ours, theirs);
}

GST_START_TEST (test_decoded_mp3)
{
  Clip c;
  gchar *gst_mp3, *ff_mp3, *desc;
  Run r;

  require_elements ("lamemp3enc xingmux mpegaudioparse");
  require_program ("ffmpeg");
  clip_make (&c);
  gst_mp3 = g_build_filename (c.dir, "gst.mp3", NULL);
  ff_mp3 = g_build_filename (c.dir, "ffmpeg.mp3", NULL);

  /* GStreamer's LAME writes no gapless header: neither decoder can trim
   * the encoder delay, both give the same frames */
  desc = g_strdup_printf ("filesrc location=%s ! wavparse ! audioconvert ! "
      "lamemp3enc target=bitrate bitrate=192 cbr=true ! xingmux ! "
      "filesink location=%s", c.wav, gst_mp3);
  run_launch (desc, &r);
  fail_unless (r.error == NULL && r.eos);
  run_clear (&r);
  check_against_ffmpeg (gst_mp3, 0, 0);

  /* ffmpeg's LAME header (encoder id "Lavc…") is ignored by 1.22's
   * mpegaudioparse: the 1105 frames of delay remain, and the padding less
   * the decoder's 529 (under one 1152-frame MP3 frame) */
  {
    const gchar *argv[] = { "ffmpeg", "-y", "-v", "error", "-i", c.wav,
      "-c:a", "libmp3lame", "-b:a", "192k", ff_mp3, NULL
    };

    run_command (argv);
    check_against_ffmpeg (ff_mp3, 1105, 1105 + 1152);
  }

  g_free (desc);
  g_free (gst_mp3);
  g_free (ff_mp3);
  clip_clear (&c);
}

GST_END_TEST;

GST_START_TEST (test_decoded_aac)
{
  Clip c;
  gchar *gst_m4a, *ff_m4a, *desc;
  guint64 ours, theirs;
  Run r;

  require_elements ("avenc_aac aacparse mp4mux qtdemux");
  require_program ("ffmpeg");
  clip_make (&c);
  gst_m4a = g_build_filename (c.dir, "gst.m4a", NULL);
  ff_m4a = g_build_filename (c.dir, "ffmpeg.m4a", NULL);

  /* ffmpeg's m4a has an edit list: the priming is trimmed at the start
   * (exactly, once the 1-sample remnant is left out); qtdemux 1.22 never
   * delivers the last AAC frame while ffmpeg 5.1 delivers all of it, its
   * padding included: one frame, 1024, fewer */
  {
    const gchar *argv[] = { "ffmpeg", "-y", "-v", "error", "-i", c.wav,
      "-c:a", "aac", "-b:a", "128k", ff_m4a, NULL
    };

    run_command (argv);
    check_against_ffmpeg (ff_m4a, -1024, -1024);
  }

  /* mp4mux records no priming (ffmpeg keeps it too) and an edit that ends
   * on the last real sample, where ffmpeg decodes the whole last frame:
   * fewer frames, by less than one AAC frame */
  desc = g_strdup_printf ("filesrc location=%s ! wavparse ! audioconvert ! "
      "avenc_aac ! aacparse ! mp4mux ! filesink location=%s", c.wav, gst_m4a);
  run_launch (desc, &r);
  fail_unless (r.error == NULL && r.eos);
  run_clear (&r);
  ours = kvswave_frames (gst_m4a);
  theirs = ffmpeg_frames (gst_m4a);
  fail_unless (ours <= theirs && ours + 1024 > theirs,
      "kvswave %" G_GUINT64_FORMAT ", ffmpeg %" G_GUINT64_FORMAT, ours, theirs);

  g_free (desc);
  g_free (gst_m4a);
  g_free (ff_m4a);
  clip_clear (&c);
}

GST_END_TEST;

static Suite *
kvswave_suite (void)
{
  Suite *s = suite_create ("kvswave");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_silence);
  tcase_add_test (tc, test_steps_known_length);
  tcase_add_test (tc, test_steps_live_unknown_length);
  tcase_add_test (tc, test_spike_on_boundary);
  tcase_add_test (tc, test_formats_and_channels);
  tcase_add_test (tc, test_point_limits);
  tcase_add_test (tc, test_planar);
  tcase_add_test (tc, test_much_shorter_than_points);
  tcase_add_test (tc, test_audiowaveform_document);
  tcase_add_test (tc, test_sidecar_is_the_message);
  tcase_add_test (tc, test_error_no_samples);
  tcase_add_test (tc, test_error_unsupported_caps);
  tcase_add_test (tc, test_error_rate_change);
  tcase_add_test (tc, test_error_unwritable_sidecar);
  tcase_add_test (tc, test_clipping_meta_and_segment);
  tcase_add_test (tc, test_format_change_midstream);
  tcase_add_test (tc, test_float_specials);
  tcase_add_test (tc, test_new_stream_after_eos);
  tcase_add_test (tc, test_edges_on_the_frame_grid);
  tcase_add_test (tc, test_decoded_mp3);
  tcase_add_test (tc, test_decoded_aac);
  return s;
}

GST_CHECK_MAIN (kvswave);
