/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __GST_KVS_WAVE_H__
#define __GST_KVS_WAVE_H__

#include <gst/gst.h>
#include <gst/base/gstbasetransform.h>
#include <gst/audio/audio.h>

#include "kvswaveform.h"

G_BEGIN_DECLS
#define GST_TYPE_KVS_WAVE (gst_kvs_wave_get_type ())
G_DECLARE_FINAL_TYPE (GstKvsWave, gst_kvs_wave, GST, KVS_WAVE,
    GstBaseTransform);

/**
 * GstKvsWaveFormat:
 * @GST_KVS_WAVE_FORMAT_KVS: the project's document: one peak per point,
 *     from 0 to 1
 * @GST_KVS_WAVE_FORMAT_AUDIOWAVEFORM: BBC audiowaveform's JSON, version 2:
 *     a minimum and a maximum per point, as 8- or 16-bit integers
 */
typedef enum
{
  GST_KVS_WAVE_FORMAT_KVS,
  GST_KVS_WAVE_FORMAT_AUDIOWAVEFORM,
} GstKvsWaveFormat;

/**
 * GstKvsWaveBits:
 * @GST_KVS_WAVE_BITS_8: 8-bit values, -128 to 127 (what peaks.js loads)
 * @GST_KVS_WAVE_BITS_16: 16-bit values, -32768 to 32767
 */
typedef enum
{
  GST_KVS_WAVE_BITS_8 = 8,
  GST_KVS_WAVE_BITS_16 = 16,
} GstKvsWaveBits;

struct _GstKvsWave
{
  GstBaseTransform parent;

  /* properties, under the object lock */
  guint points;
  gchar *json_location;
  GstKvsWaveFormat format;
  GstKvsWaveBits bits;
  gboolean split_channels;

  /* streaming state, owned by the streaming thread; the settings are
   * copied into it when the first buffer arrives */
  GstAudioInfo info;
  gboolean have_info;
  gboolean eos;
  KvsSampleFormat sample_format;
  KvsWaveform *waveform;
  guint run_points;
  gchar *run_location;
  GstKvsWaveFormat run_format;
  GstKvsWaveBits run_bits;
  gboolean run_split;
};

GST_ELEMENT_REGISTER_DECLARE (kvswave);

G_END_DECLS
#endif /* __GST_KVS_WAVE_H__ */
