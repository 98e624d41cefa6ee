/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The waveform accumulator against a brute-force reading of the
 * definition: point i covers frames floor(i*S/N) .. floor((i+1)*S/N)-1 and
 * is the largest |sample| there. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <math.h>

#include "kvswaveform.h"

/* random S16 mono noise with a random amplitude per run of frames, so that
 * neighbouring points differ */
static gint16 *
make_noise (GRand * rand, guint64 frames)
{
  gint16 *d = g_new (gint16, frames);
  guint64 i = 0;

  while (i < frames) {
    guint64 run = g_rand_int_range (rand, 1, 5000);
    gint amp = g_rand_int_range (rand, 0, 32768);

    for (; run > 0 && i < frames; run--, i++)
      d[i] = amp ? g_rand_int_range (rand, -amp, amp) : 0;
  }
  return d;
}

static gint
peak_between (const gint16 * d, gint64 from, gint64 to, guint64 frames)
{
  gint64 i;
  gint p = 0;

  from = MAX (from, 0);
  to = MIN (to, (gint64) frames);
  for (i = from; i < to; i++)
    p = MAX (p, ABS ((gint) d[i]));
  return p;
}

/* |sample| as the documents write it: ten-thousandths, halves up */
static gint
to_peak (gint abs_sample)
{
  return (gint) floor (abs_sample / 32768.0 * 10000.0 + 0.5);
}

static void
push_in_chunks (KvsWaveform * wf, GRand * rand, const gint16 * d,
    guint64 frames)
{
  guint64 done = 0;

  while (done < frames) {
    guint64 n = (guint64) g_rand_int_range (rand, 1, 9000);

    n = MIN (n, frames - done);

    kvs_waveform_push (wf, KVS_SAMPLE_S16, (const guint8 *) (d + done), n, 1);
    done += n;
  }
}

/* Every point must be the peak of some window whose edges are within
 * `slack` frames of the exact ones. */
static void
check_points (const KvsWaveform * wf, const gint16 * d, guint64 frames,
    guint n, gint64 slack)
{
  guint16 *peaks = g_new (guint16, n);
  guint i;

  kvs_waveform_get_peaks (wf, 0, peaks);
  for (i = 0; i < n; i++) {
    gint64 a = (gint64) (i * frames / n), b = (gint64) ((i + 1) * frames / n);
    gint got = peaks[i];

    if (slack == 0) {
      fail_unless_equals_int (got, to_peak (peak_between (d, a, b, frames)));
    } else {
      gint outer = to_peak (peak_between (d, a - slack, b + slack, frames));
      gint inner = to_peak (peak_between (d, a + slack, b - slack, frames));

      fail_unless (got <= outer && got >= inner,
          "point %u: %d not in [%d, %d] (slack %" G_GINT64_FORMAT ")", i, got,
          inner, outer, slack);
    }
  }
  g_free (peaks);
}

GST_START_TEST (test_exact_when_length_known)
{
  GRand *rand = g_rand_new_with_seed (1);
  guint64 frames = 3 * 44100 * 7 + 13;
  gint16 *d = make_noise (rand, frames);
  guint n;

  for (n = 11; n <= 4095; n = n * 3 + 1) {
    KvsWaveform *wf = kvs_waveform_new (n, 1, KVS_WAVEFORM_PEAK, frames);

    push_in_chunks (wf, rand, d, frames);
    fail_unless (kvs_waveform_is_exact (wf));
    check_points (wf, d, frames, n, 0);
    kvs_waveform_free (wf);
  }
  g_free (d);
  g_rand_free (rand);
}

GST_END_TEST;

GST_START_TEST (test_window_error_when_length_unknown)
{
  GRand *rand = g_rand_new_with_seed (2);
  guint64 lengths[] = { 44100 * 30 + 7, 1000003, 352801 };
  guint points[] = { 11, 1000, 97 };
  guint k;

  for (k = 0; k < G_N_ELEMENTS (lengths); k++) {
    guint64 frames = lengths[k];
    guint n = points[k];
    gint16 *d = make_noise (rand, frames);
    /* a wrong guess must not matter either */
    KvsWaveform *unknown = kvs_waveform_new (n, 1, KVS_WAVEFORM_PEAK, 0);
    KvsWaveform *wrong = kvs_waveform_new (n, 1, KVS_WAVEFORM_PEAK,
        frames - 1105);
    gint64 slack = (gint64) (frames / n / 32);

    fail_unless (frames > 32 * n);
    push_in_chunks (unknown, rand, d, frames);
    push_in_chunks (wrong, rand, d, frames);
    fail_if (kvs_waveform_is_exact (unknown));
    fail_if (kvs_waveform_is_exact (wrong));
    check_points (unknown, d, frames, n, slack);
    check_points (wrong, d, frames, n, slack);

    kvs_waveform_free (unknown);
    kvs_waveform_free (wrong);
    g_free (d);
  }
  g_rand_free (rand);
}

GST_END_TEST;

GST_START_TEST (test_exact_when_short)
{
  GRand *rand = g_rand_new_with_seed (3);
  guint64 lengths[] = { 1, 5, 10, 11, 12, 1000, 32 * 1000 };
  guint k;

  for (k = 0; k < G_N_ELEMENTS (lengths); k++) {
    gint16 *d = make_noise (rand, lengths[k]);
    KvsWaveform *wf = kvs_waveform_new (1000, 1, KVS_WAVEFORM_PEAK, 0);

    push_in_chunks (wf, rand, d, lengths[k]);
    fail_unless (kvs_waveform_is_exact (wf));
    check_points (wf, d, lengths[k], 1000, 0);
    kvs_waveform_free (wf);
    g_free (d);
  }
  g_rand_free (rand);
}

GST_END_TEST;

GST_START_TEST (test_min_max_and_lanes)
{
  /* stereo: left ramps up, right is a negative spike per point */
  guint n = 11, i;
  guint64 frames = 110;
  gint16 *d = g_new0 (gint16, frames * 2);
  gint16 mm[2 * 11];
  KvsWaveform *split = kvs_waveform_new (n, 2, KVS_WAVEFORM_MIN_MAX, 0);
  KvsWaveform *merged = kvs_waveform_new (n, 1, KVS_WAVEFORM_MIN_MAX, 0);

  for (i = 0; i < frames; i++) {
    d[2 * i] = (gint16) (i * 100);
    d[2 * i + 1] = (i % 10 == 5) ? (gint16) - (gint) (i * 200) : 0;
  }
  kvs_waveform_push (split, KVS_SAMPLE_S16, (guint8 *) d, frames, 2);
  kvs_waveform_push (merged, KVS_SAMPLE_S16, (guint8 *) d, frames, 2);

  kvs_waveform_get_min_max (split, 0, mm);
  for (i = 0; i < n; i++) {
    fail_unless_equals_int (mm[2 * i], i * 1000);
    fail_unless_equals_int (mm[2 * i + 1], i * 1000 + 900);
  }
  kvs_waveform_get_min_max (split, 1, mm);
  for (i = 0; i < n; i++) {
    fail_unless_equals_int (mm[2 * i], -(gint) ((i * 10 + 5) * 200));
    fail_unless_equals_int (mm[2 * i + 1], 0);
  }
  kvs_waveform_get_min_max (merged, 0, mm);
  for (i = 0; i < n; i++) {
    fail_unless_equals_int (mm[2 * i], -(gint) ((i * 10 + 5) * 200));
    fail_unless_equals_int (mm[2 * i + 1], i * 1000 + 900);
  }

  kvs_waveform_free (split);
  kvs_waveform_free (merged);
  g_free (d);
}

GST_END_TEST;

GST_START_TEST (test_memory_is_flat)
{
  /* 10 hours of 48 kHz stereo in 1 s buffers of silence: the memory held is
   * fixed at creation and under 1 MiB for every N */
  static gint16 one_second[48000 * 2];
  guint ns[] = { 11, 1000, 4095 };
  guint k, s;
  guint hours = g_getenv ("KVS_UNDER_VALGRIND") ? 1 : 10;

  for (k = 0; k < G_N_ELEMENTS (ns); k++) {
    KvsWaveform *wf = kvs_waveform_new (ns[k], 1, KVS_WAVEFORM_PEAK,
        (guint64) 48000 * 3600 * 10);
    KvsWaveform *aw = kvs_waveform_new (ns[k], 1, KVS_WAVEFORM_MIN_MAX, 0);
    gsize before = kvs_waveform_get_memory_size (wf);

    fail_unless (before < 1024 * 1024, "%" G_GSIZE_FORMAT " bytes", before);
    fail_unless (kvs_waveform_get_memory_size (aw) < 1024 * 1024);
    if (k == 0) {
      for (s = 0; s < hours * 3600; s++) {
        kvs_waveform_push (wf, KVS_SAMPLE_S16, (guint8 *) one_second, 48000, 2);
        kvs_waveform_push (aw, KVS_SAMPLE_S16, (guint8 *) one_second, 48000, 2);
      }
      fail_unless_equals_uint64 (kvs_waveform_get_frames (wf),
          (guint64) 48000 * 3600 * hours);
      fail_unless_equals_uint64 (kvs_waveform_get_memory_size (wf), before);
    }
    kvs_waveform_free (wf);
    kvs_waveform_free (aw);
  }
}

GST_END_TEST;

static Suite *
kvswaveform_suite (void)
{
  Suite *s = suite_create ("kvswaveform");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_exact_when_length_known);
  tcase_add_test (tc, test_window_error_when_length_unknown);
  tcase_add_test (tc, test_exact_when_short);
  tcase_add_test (tc, test_min_max_and_lanes);
  tcase_add_test (tc, test_memory_is_flat);
  return s;
}

GST_CHECK_MAIN (kvswaveform);
