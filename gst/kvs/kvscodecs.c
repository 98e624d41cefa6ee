/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Codec headers as FFmpeg 5.1's decoders read them (H.264: h264_ps.c and
 * h264_slice.c; AAC: aacdec_template.c), reduced to what ffprobe prints. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvscodecs.h"
#include "kvsbits.h"

#include <gst/gst.h>

#include <string.h>

static const struct
{
  const gchar *name;
  const gchar *long_name;
} codec_names[] = {
  {"aac", "AAC (Advanced Audio Coding)"},
  {"ac3", "ATSC A/52A (AC-3)"},
  {"alac", "ALAC (Apple Lossless Audio Codec)"},
  {"av1", "Alliance for Open Media AV1"},
  {"dts", "DCA (DTS Coherent Acoustics)"},
  {"eac3", "ATSC A/52B (AC-3, E-AC-3)"},
  {"flac", "FLAC (Free Lossless Audio Codec)"},
  {"h264", "H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10"},
  {"hevc", "H.265 / HEVC (High Efficiency Video Coding)"},
  {"mjpeg", "Motion JPEG"},
  {"mp1", "MP1 (MPEG audio layer 1)"},
  {"mp2", "MP2 (MPEG audio layer 2)"},
  {"mp3", "MP3 (MPEG audio layer 3)"},
  {"mpeg1video", "MPEG-1 video"},
  {"mpeg2video", "MPEG-2 video"},
  {"mpeg4", "MPEG-4 part 2"},
  {"opus", "Opus (Opus Interactive Audio Codec)"},
  {"pcm_alaw", "PCM A-law / G.711 A-law"},
  {"pcm_f32le", "PCM 32-bit floating point little-endian"},
  {"pcm_f64le", "PCM 64-bit floating point little-endian"},
  {"pcm_mulaw", "PCM mu-law / G.711 mu-law"},
  {"pcm_s16le", "PCM signed 16-bit little-endian"},
  {"pcm_s24le", "PCM signed 24-bit little-endian"},
  {"pcm_s32le", "PCM signed 32-bit little-endian"},
  {"pcm_u8", "PCM unsigned 8-bit"},
  {"text", "raw UTF-8 text"},
  {"theora", "Theora"},
  {"truehd", "TrueHD"},
  {"vorbis", "Vorbis"},
  {"vp8", "On2 VP8"},
  {"vp9", "Google VP9"},
  {"wavpack", "WavPack"},
};

/**
 * kvs_codec_long_name:
 * @codec_name: ffprobe's codec name
 *
 * Returns: (nullable): ffprobe's long name of @codec_name
 */
const gchar *
kvs_codec_long_name (const gchar * codec_name)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (codec_names); i++)
    if (g_strcmp0 (codec_names[i].name, codec_name) == 0)
      return codec_names[i].long_name;
  return NULL;
}

/* ---- H.264 --------------------------------------------------------------- */

static const gchar *
h264_profile (guint profile_idc, guint constraints)
{
  gboolean set1 = (constraints >> 1) & 1, set3 = (constraints >> 3) & 1;

  switch (profile_idc) {
    case 66:
      return set1 ? "Constrained Baseline" : "Baseline";
    case 77:
      return "Main";
    case 88:
      return "Extended";
    case 100:
      return "High";
    case 110:
      return set3 ? "High 10 Intra" : "High 10";
    case 122:
      return set3 ? "High 4:2:2 Intra" : "High 4:2:2";
    case 144:
      return "High 4:4:4";
    case 244:
      return set3 ? "High 4:4:4 Intra" : "High 4:4:4 Predictive";
    case 44:
      return "CAVLC 4:4:4";
    case 118:
      return "Multiview High";
    case 128:
      return "Stereo High";
    default:
      return NULL;
  }
}

static const gchar *
h264_pix_fmt (guint chroma_format_idc, guint bit_depth, gboolean full_range)
{
  static const gchar *fmts[][4] = {
    /* 4:0:0, 4:2:0, 4:2:2, 4:4:4 */
    {"gray", "yuv420p", "yuv422p", "yuv444p"},
    {"gray9le", "yuv420p9le", "yuv422p9le", "yuv444p9le"},
    {"gray10le", "yuv420p10le", "yuv422p10le", "yuv444p10le"},
    {"gray12le", "yuv420p12le", "yuv422p12le", "yuv444p12le"},
    {NULL, "yuv420p14le", "yuv422p14le", "yuv444p14le"},
  };
  static const gchar *jpeg[] = { "gray", "yuvj420p", "yuvj422p", "yuvj444p" };
  guint row;

  if (chroma_format_idc > 3)
    return NULL;
  if (bit_depth == 8)
    return full_range ? jpeg[chroma_format_idc] : fmts[0][chroma_format_idc];
  row = bit_depth == 9 ? 1 : bit_depth == 10 ? 2 : bit_depth == 12 ? 3 :
      bit_depth == 14 ? 4 : 99;
  return row < G_N_ELEMENTS (fmts) ? fmts[row][chroma_format_idc] : NULL;
}

static const gchar *chroma_locations[] = {
  "unspecified", "left", "center", "topleft", "top", "bottomleft", "bottom"
};

static void
skip_scaling_list (KvsBits * b, guint size)
{
  gint last = 8, next = 8;
  guint j;

  for (j = 0; j < size; j++) {
    if (next != 0)
      next = (last + kvs_bits_read_se (b) + 256) % 256;
    last = next == 0 ? last : next;
  }
}

static const guint8 sar_table[17][2] = {
  {0, 1}, {1, 1}, {12, 11}, {10, 11}, {16, 11}, {40, 33}, {24, 11},
  {20, 11}, {32, 11}, {80, 33}, {18, 11}, {15, 11}, {64, 33}, {160, 99},
  {4, 3}, {3, 2}, {2, 1},
};

/* The VUI's aspect_ratio_info, the same in H.264 and H.265. */
static void
read_vui_aspect_ratio (KvsBits * b, KvsMediaStream * s)
{
  guint idc;

  if (!kvs_bits_read (b, 1))    /* aspect_ratio_info_present */
    return;
  idc = kvs_bits_read (b, 8);
  if (idc == 255) {
    s->sar_num = kvs_bits_read (b, 16);
    s->sar_den = kvs_bits_read (b, 16);
  } else if (idc < G_N_ELEMENTS (sar_table)) {
    s->sar_num = sar_table[idc][0];
    s->sar_den = sar_table[idc][1];
  }
}

/**
 * kvs_h264_parse_sps:
 * @s: the stream
 * @nal: a sequence parameter set NAL unit, header byte included
 * @size: its size
 */
gboolean
kvs_h264_parse_sps (KvsMediaStream * s, const guint8 * nal, gsize size)
{
  KvsBits b;
  guint profile_idc, constraints, level_idc, chroma = 1, depth = 8;
  guint mbs_w, mbs_h, frame_mbs_only, i;
  guint crop_l = 0, crop_r = 0, crop_t = 0, crop_b = 0;
  guint cx, cy;
  gboolean full_range = FALSE, restriction = FALSE, hrd = FALSE;
  guint reorder = 0, chroma_loc = 1;

  if (size < 4 || (nal[0] & 0x1f) != 7)
    return FALSE;

  kvs_bits_init (&b, nal + 1, size - 1, TRUE);
  profile_idc = kvs_bits_read (&b, 8);
  constraints = 0;
  for (i = 0; i < 6; i++)
    constraints |= kvs_bits_read (&b, 1) << i;
  kvs_bits_skip (&b, 2);
  level_idc = kvs_bits_read (&b, 8);
  kvs_bits_read_ue (&b);        /* seq_parameter_set_id */

  if (profile_idc == 100 || profile_idc == 110 || profile_idc == 122 ||
      profile_idc == 244 || profile_idc == 44 || profile_idc == 83 ||
      profile_idc == 86 || profile_idc == 118 || profile_idc == 128 ||
      profile_idc == 138 || profile_idc == 139 || profile_idc == 134 ||
      profile_idc == 135 || profile_idc == 144) {
    chroma = kvs_bits_read_ue (&b);
    if (chroma == 3)
      kvs_bits_skip (&b, 1);    /* separate_colour_plane_flag */
    depth = kvs_bits_read_ue (&b) + 8;
    kvs_bits_read_ue (&b);      /* bit_depth_chroma */
    kvs_bits_skip (&b, 1);      /* qpprime_y_zero_transform_bypass */
    if (kvs_bits_read (&b, 1)) {        /* seq_scaling_matrix_present */
      for (i = 0; i < (chroma != 3 ? 8u : 12u); i++)
        if (kvs_bits_read (&b, 1))
          skip_scaling_list (&b, i < 6 ? 16 : 64);
    }
  }

  kvs_bits_read_ue (&b);        /* log2_max_frame_num */
  {
    guint poc_type = kvs_bits_read_ue (&b);

    if (poc_type == 0) {
      kvs_bits_read_ue (&b);
    } else if (poc_type == 1) {
      guint n;

      kvs_bits_skip (&b, 1);
      kvs_bits_read_se (&b);
      kvs_bits_read_se (&b);
      n = kvs_bits_read_ue (&b);
      for (i = 0; i < n && !b.overrun; i++)
        kvs_bits_read_se (&b);
    }
  }
  kvs_bits_read_ue (&b);        /* max_num_ref_frames */
  kvs_bits_skip (&b, 1);        /* gaps_in_frame_num_allowed */
  mbs_w = kvs_bits_read_ue (&b) + 1;
  mbs_h = kvs_bits_read_ue (&b) + 1;
  frame_mbs_only = kvs_bits_read (&b, 1);
  if (!frame_mbs_only)
    kvs_bits_skip (&b, 1);      /* mb_adaptive_frame_field */
  kvs_bits_skip (&b, 1);        /* direct_8x8_inference */
  if (kvs_bits_read (&b, 1)) {  /* frame_cropping */
    crop_l = kvs_bits_read_ue (&b);
    crop_r = kvs_bits_read_ue (&b);
    crop_t = kvs_bits_read_ue (&b);
    crop_b = kvs_bits_read_ue (&b);
  }

  s->sar_num = 0;
  s->sar_den = 0;
  if (kvs_bits_read (&b, 1)) {  /* vui_parameters_present */
    read_vui_aspect_ratio (&b, s);
    if (kvs_bits_read (&b, 1))  /* overscan_info_present */
      kvs_bits_skip (&b, 1);
    if (kvs_bits_read (&b, 1)) {        /* video_signal_type_present */
      kvs_bits_skip (&b, 3);
      full_range = kvs_bits_read (&b, 1);
      if (kvs_bits_read (&b, 1))        /* colour_description_present */
        kvs_bits_skip (&b, 24);
    }
    if (kvs_bits_read (&b, 1)) {        /* chroma_loc_info_present */
      chroma_loc = kvs_bits_read_ue (&b) + 1;
      kvs_bits_read_ue (&b);
    }
    if (kvs_bits_read (&b, 1)) {        /* timing_info_present */
      kvs_bits_skip (&b, 32);
      kvs_bits_skip (&b, 32);
      kvs_bits_skip (&b, 1);
    }
    for (i = 0; i < 2; i++) {   /* nal and vcl hrd parameters */
      if (kvs_bits_read (&b, 1)) {
        guint cpb = kvs_bits_read_ue (&b) + 1, j;

        hrd = TRUE;
        kvs_bits_skip (&b, 8);
        for (j = 0; j < cpb && !b.overrun; j++) {
          kvs_bits_read_ue (&b);
          kvs_bits_read_ue (&b);
          kvs_bits_skip (&b, 1);
        }
        kvs_bits_skip (&b, 20);
      }
    }
    if (hrd)
      kvs_bits_skip (&b, 1);    /* low_delay_hrd_flag */
    kvs_bits_skip (&b, 1);      /* pic_struct_present */
    if (kvs_bits_read (&b, 1)) {        /* bitstream_restriction */
      restriction = TRUE;
      kvs_bits_skip (&b, 1);
      kvs_bits_read_ue (&b);
      kvs_bits_read_ue (&b);
      kvs_bits_read_ue (&b);
      kvs_bits_read_ue (&b);
      reorder = kvs_bits_read_ue (&b);
      kvs_bits_read_ue (&b);
    }
  }

  if (b.overrun)
    return FALSE;

  cx = chroma == 1 || chroma == 2 ? 2 : 1;
  cy = (chroma == 1 ? 2 : 1) * (2 - frame_mbs_only);
  s->width = mbs_w * 16 - cx * (crop_l + crop_r);
  s->height = (2 - frame_mbs_only) * mbs_h * 16 - cy * (crop_t + crop_b);
  s->coded_width = s->width;
  s->coded_height = s->height;

  g_free (s->profile);
  s->profile = g_strdup (h264_profile (profile_idc, constraints));
  s->level = level_idc;
  s->pix_fmt = h264_pix_fmt (chroma, depth, full_range);
  s->bits_per_raw_sample = depth;
  s->chroma_location = chroma_loc < G_N_ELEMENTS (chroma_locations) ?
      chroma_locations[chroma_loc] : NULL;
  /* ffprobe reports its decoder context's refs, which is never set
   * without decoding: 1 */
  s->refs = 1;
  s->has_b_frames = restriction ? reorder : 0;
  return TRUE;
}

/**
 * kvs_h264_parse_avcc:
 * @s: the stream
 * @avcc: an AVCDecoderConfigurationRecord (the avcC box's payload)
 * @size: its size
 */
gboolean
kvs_h264_parse_avcc (KvsMediaStream * s, const guint8 * avcc, gsize size)
{
  guint n_sps, len;

  if (size < 7 || avcc[0] != 1)
    return FALSE;

  s->is_avc = 1;
  n_sps = avcc[5] & 0x1f;
  if (n_sps == 0)
    return FALSE;
  len = (avcc[6] << 8) | avcc[7];
  if (8 + (gsize) len > size)
    return FALSE;
  return kvs_h264_parse_sps (s, avcc + 8, len);
}

/* ---- H.265 --------------------------------------------------------------- */

static void
h265_skip_profile_tier_level (KvsBits * b, guint max_sub_layers_minus1)
{
  gboolean profile_present[8], level_present[8];
  guint i;

  kvs_bits_skip (b, 96);        /* general profile, tier and level */
  for (i = 0; i < max_sub_layers_minus1; i++) {
    profile_present[i] = kvs_bits_read (b, 1);
    level_present[i] = kvs_bits_read (b, 1);
  }
  if (max_sub_layers_minus1 > 0)
    for (i = max_sub_layers_minus1; i < 8; i++)
      kvs_bits_skip (b, 2);
  for (i = 0; i < max_sub_layers_minus1; i++) {
    if (profile_present[i])
      kvs_bits_skip (b, 88);
    if (level_present[i])
      kvs_bits_skip (b, 8);
  }
}

static void
h265_skip_scaling_list_data (KvsBits * b)
{
  guint size_id, matrix_id, i;

  for (size_id = 0; size_id < 4; size_id++) {
    for (matrix_id = 0; matrix_id < 6; matrix_id += size_id == 3 ? 3 : 1) {
      if (!kvs_bits_read (b, 1)) {
        kvs_bits_read_ue (b);   /* pred_matrix_id_delta */
      } else {
        guint coefs = MIN (64, 1u << (4 + (size_id << 1)));

        if (size_id > 1)
          kvs_bits_read_se (b);
        for (i = 0; i < coefs && !b->overrun; i++)
          kvs_bits_read_se (b);
      }
    }
  }
}

/* st_ref_pic_set(); @num_delta_pocs holds each earlier set's count */
static gboolean
h265_skip_st_ref_pic_set (KvsBits * b, guint idx, guint * num_delta_pocs)
{
  guint i;

  if (idx != 0 && kvs_bits_read (b, 1)) {       /* inter_ref_pic_set_pred */
    guint ref = idx - 1, k = 0;

    kvs_bits_skip (b, 1);       /* delta_rps_sign */
    kvs_bits_read_ue (b);       /* abs_delta_rps_minus1 */
    for (i = 0; i <= num_delta_pocs[ref] && !b->overrun; i++) {
      gboolean used = kvs_bits_read (b, 1), use_delta = TRUE;

      if (!used)
        use_delta = kvs_bits_read (b, 1);
      if (used || use_delta)
        k++;
    }
    num_delta_pocs[idx] = k;
  } else {
    guint neg = kvs_bits_read_ue (b), pos = kvs_bits_read_ue (b);

    if (neg > 16 || pos > 16)
      return FALSE;
    for (i = 0; i < neg + pos && !b->overrun; i++) {
      kvs_bits_read_ue (b);
      kvs_bits_skip (b, 1);
    }
    num_delta_pocs[idx] = neg + pos;
  }
  return !b->overrun;
}

static const gchar *
h265_pix_fmt (guint chroma, guint depth, gboolean full_range)
{
  if (chroma == 1 && depth == 8 && full_range)
    return "yuvj420p";
  return h264_pix_fmt (chroma, depth, FALSE);
}

/**
 * kvs_h265_parse_sps:
 * @s: the stream
 * @nal: a sequence parameter set NAL unit, its 2-byte header included
 * @size: its size
 */
gboolean
kvs_h265_parse_sps (KvsMediaStream * s, const guint8 * nal, gsize size)
{
  KvsBits b;
  guint max_sub, chroma, width, height, depth, log2_poc, i, n_sets;
  guint cl = 0, cr = 0, ct = 0, cb = 0, reorder = 0, profile_idc, level;
  guint num_delta_pocs[65];
  gboolean full_range = FALSE;
  guint chroma_loc = 1;

  if (size < 4 || ((nal[0] >> 1) & 0x3f) != 33)
    return FALSE;

  kvs_bits_init (&b, nal + 2, size - 2, TRUE);
  kvs_bits_skip (&b, 4);
  max_sub = kvs_bits_read (&b, 3);
  kvs_bits_skip (&b, 1);
  /* the general profile and level, then the rest of profile_tier_level */
  {
    KvsBits p = b;

    kvs_bits_skip (&p, 3);
    profile_idc = kvs_bits_read (&p, 5);
    kvs_bits_skip (&p, 32 + 48);
    level = kvs_bits_read (&p, 8);
  }
  h265_skip_profile_tier_level (&b, max_sub);
  kvs_bits_read_ue (&b);        /* sps_seq_parameter_set_id */
  chroma = kvs_bits_read_ue (&b);
  if (chroma == 3)
    kvs_bits_skip (&b, 1);
  width = kvs_bits_read_ue (&b);
  height = kvs_bits_read_ue (&b);
  if (kvs_bits_read (&b, 1)) {  /* conformance_window */
    cl = kvs_bits_read_ue (&b);
    cr = kvs_bits_read_ue (&b);
    ct = kvs_bits_read_ue (&b);
    cb = kvs_bits_read_ue (&b);
  }
  depth = kvs_bits_read_ue (&b) + 8;
  kvs_bits_read_ue (&b);        /* bit_depth_chroma */
  log2_poc = kvs_bits_read_ue (&b) + 4;
  {
    gboolean all = kvs_bits_read (&b, 1);

    for (i = all ? 0 : max_sub; i <= max_sub && !b.overrun; i++) {
      kvs_bits_read_ue (&b);
      reorder = kvs_bits_read_ue (&b);
      kvs_bits_read_ue (&b);
    }
  }
  for (i = 0; i < 6; i++)       /* block and transform sizes, depths */
    kvs_bits_read_ue (&b);
  if (kvs_bits_read (&b, 1) && kvs_bits_read (&b, 1))   /* scaling lists */
    h265_skip_scaling_list_data (&b);
  kvs_bits_skip (&b, 2);        /* amp, sample_adaptive_offset */
  if (kvs_bits_read (&b, 1)) {  /* pcm */
    kvs_bits_skip (&b, 8);
    kvs_bits_read_ue (&b);
    kvs_bits_read_ue (&b);
    kvs_bits_skip (&b, 1);
  }
  n_sets = kvs_bits_read_ue (&b);
  if (n_sets > 64)
    return FALSE;
  for (i = 0; i < n_sets; i++)
    if (!h265_skip_st_ref_pic_set (&b, i, num_delta_pocs))
      return FALSE;
  if (kvs_bits_read (&b, 1)) {  /* long_term_ref_pics_present */
    guint n = kvs_bits_read_ue (&b);

    for (i = 0; i < n && !b.overrun; i++)
      kvs_bits_skip (&b, log2_poc + 1);
  }
  kvs_bits_skip (&b, 2);        /* temporal_mvp, strong_intra_smoothing */

  s->sar_num = s->sar_den = 0;
  if (kvs_bits_read (&b, 1)) {  /* vui_parameters_present */
    read_vui_aspect_ratio (&b, s);
    if (kvs_bits_read (&b, 1))
      kvs_bits_skip (&b, 1);
    if (kvs_bits_read (&b, 1)) {
      kvs_bits_skip (&b, 3);
      full_range = kvs_bits_read (&b, 1);
      if (kvs_bits_read (&b, 1))
        kvs_bits_skip (&b, 24);
    }
    if (kvs_bits_read (&b, 1)) {
      chroma_loc = kvs_bits_read_ue (&b) + 1;
      kvs_bits_read_ue (&b);
    }
  }
  if (b.overrun)
    return FALSE;

  {
    guint sub_w = chroma == 1 || chroma == 2 ? 2 : 1;
    guint sub_h = chroma == 1 ? 2 : 1;

    s->width = s->coded_width = width - sub_w * (cl + cr);
    s->height = s->coded_height = height - sub_h * (ct + cb);
  }
  g_free (s->profile);
  s->profile = g_strdup (profile_idc == 1 ? "Main" : profile_idc == 2 ?
      "Main 10" : profile_idc == 3 ? "Main Still Picture" :
      profile_idc == 4 ? "Rext" : NULL);
  s->level = level;
  s->pix_fmt = h265_pix_fmt (chroma, depth, full_range);
  /* 4:2:0 only: the VUI's location, else left */
  s->chroma_location = chroma == 1 && chroma_loc < G_N_ELEMENTS
      (chroma_locations) ? chroma_locations[chroma_loc] : NULL;
  s->refs = 1;
  s->has_b_frames = reorder;
  return TRUE;
}

/**
 * kvs_h265_parse_hvcc:
 * @s: the stream
 * @hvcc: an HEVCDecoderConfigurationRecord (the hvcC box's payload)
 * @size: its size
 */
gboolean
kvs_h265_parse_hvcc (KvsMediaStream * s, const guint8 * hvcc, gsize size)
{
  gsize pos = 23;
  guint arrays, i, j;

  if (size < 23)
    return FALSE;
  arrays = hvcc[22];
  for (i = 0; i < arrays; i++) {
    guint type, count;

    if (pos + 3 > size)
      return FALSE;
    type = hvcc[pos] & 0x3f;
    count = (hvcc[pos + 1] << 8) | hvcc[pos + 2];
    pos += 3;
    for (j = 0; j < count; j++) {
      guint len;

      if (pos + 2 > size)
        return FALSE;
      len = (hvcc[pos] << 8) | hvcc[pos + 1];
      pos += 2;
      if (pos + len > size)
        return FALSE;
      if (type == 33)
        return kvs_h265_parse_sps (s, hvcc + pos, len);
      pos += len;
    }
  }
  return FALSE;
}

/* ---- MPEG-4 part 2 -------------------------------------------------------- */

static const gchar *mpeg4_profiles[] = {
  "Simple Profile", "Simple Scalable Profile", "Core Profile",
  "Main Profile", "N-bit Profile", "Scalable Texture Profile",
  "Simple Face Animation Profile", "Basic Animated Texture Profile",
  "Hybrid Profile", "Advanced Real Time Simple Profile",
  "Code Scalable Profile", "Advanced Coding Profile", "Advanced Core Profile",
  "Advanced Scalable Texture Profile", "Simple Studio Profile",
  "Advanced Simple Profile",
};

static gboolean
mpeg4_parse_vol (KvsMediaStream * s, const guint8 * d, gsize size)
{
  KvsBits b;
  guint type, verid = 1, ar, shape, res, bits;
  gboolean low_delay_known = FALSE, low_delay = FALSE;

  kvs_bits_init (&b, d, size, FALSE);
  kvs_bits_skip (&b, 1);        /* random_accessible_vol */
  type = kvs_bits_read (&b, 8);
  if (kvs_bits_read (&b, 1)) {  /* is_object_layer_identifier */
    verid = kvs_bits_read (&b, 4);
    kvs_bits_skip (&b, 3);
  }
  ar = kvs_bits_read (&b, 4);
  if (ar == 15) {
    s->sar_num = kvs_bits_read (&b, 8);
    s->sar_den = kvs_bits_read (&b, 8);
  } else if (ar >= 1 && ar <= 5) {
    static const guint8 pars[][2] = { {1, 1}, {12, 11}, {10, 11}, {16, 11},
    {40, 33}
    };
    s->sar_num = pars[ar - 1][0];
    s->sar_den = pars[ar - 1][1];
  }
  if (kvs_bits_read (&b, 1)) {  /* vol_control_parameters */
    kvs_bits_skip (&b, 2);
    low_delay = kvs_bits_read (&b, 1);
    low_delay_known = TRUE;
    if (kvs_bits_read (&b, 1))  /* vbv_parameters */
      kvs_bits_skip (&b, 79);
  }
  shape = kvs_bits_read (&b, 2);
  if (shape == 3 && verid != 1)
    kvs_bits_skip (&b, 4);
  kvs_bits_skip (&b, 1);
  res = kvs_bits_read (&b, 16);
  kvs_bits_skip (&b, 1);
  if (kvs_bits_read (&b, 1)) {  /* fixed_vop_rate */
    for (bits = 1; bits < 16 && (1u << bits) < res; bits++);
    kvs_bits_skip (&b, bits);
  }
  if (shape == 0) {
    kvs_bits_skip (&b, 1);
    s->width = s->coded_width = kvs_bits_read (&b, 13);
    kvs_bits_skip (&b, 1);
    s->height = s->coded_height = kvs_bits_read (&b, 13);
  }
  if (b.overrun)
    return FALSE;

  /* FFmpeg's decoder: B-frames unless the layer says low delay, or is of
   * the simple object type, which has none */
  s->has_b_frames = low_delay_known ? !low_delay : type != 1;
  s->pix_fmt = "yuv420p";
  s->chroma_location = "left";
  s->refs = 1;
  return TRUE;
}

/**
 * kvs_mpeg4_parse_config:
 * @s: the stream
 * @config: the decoder configuration: visual object sequence and video
 *     object layer headers
 * @size: its size
 */
gboolean
kvs_mpeg4_parse_config (KvsMediaStream * s, const guint8 * config, gsize size)
{
  gboolean vol = FALSE;
  gsize i;

  s->codec_name = "mpeg4";
  for (i = 0; i + 4 < size; i++) {
    if (config[i] != 0 || config[i + 1] != 0 || config[i + 2] != 1)
      continue;
    if (config[i + 3] == 0xb0) {        /* visual object sequence */
      guint pli = config[i + 4], profile = pli >> 4, level = pli & 0xf;

      g_free (s->profile);
      s->profile = g_strdup (mpeg4_profiles[profile]);
      s->level = (profile == 0 && level == 8) ? 0 : level;
    } else if (config[i + 3] >= 0x20 && config[i + 3] <= 0x2f && !vol) {
      vol = mpeg4_parse_vol (s, config + i + 4, size - i - 4);
    }
  }
  return vol;
}

/* ---- AAC ----------------------------------------------------------------- */

static const gint aac_rates[] = {
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
  11025, 8000, 7350
};

static const gchar *aac_layouts[] = {
  NULL, "mono", "stereo", "3.0", "4.0", "5.0", "5.1", "7.1(wide)"
};

static const gchar *
aac_profile (guint aot)
{
  switch (aot) {
    case 1:
      return "Main";
    case 2:
      return "LC";
    case 3:
      return "SSR";
    case 4:
      return "LTP";
    case 5:
      return "HE-AAC";
    case 29:
      return "HE-AACv2";
    case 23:
      return "LD";
    case 39:
      return "ELD";
    default:
      return NULL;
  }
}

static guint
aac_object_type (KvsBits * b)
{
  guint aot = kvs_bits_read (b, 5);

  return aot == 31 ? 32 + kvs_bits_read (b, 6) : aot;
}

static gint
aac_rate (KvsBits * b)
{
  guint idx = kvs_bits_read (b, 4);

  if (idx == 15)
    return kvs_bits_read (b, 24);
  return idx < G_N_ELEMENTS (aac_rates) ? aac_rates[idx] : 0;
}

/**
 * kvs_aac_parse_config:
 * @s: the stream
 * @asc: an AudioSpecificConfig
 * @size: its size
 */
gboolean
kvs_aac_parse_config (KvsMediaStream * s, const guint8 * asc, gsize size)
{
  KvsBits b;
  guint aot, channels;
  gint rate;

  kvs_bits_init (&b, asc, size, FALSE);
  aot = aac_object_type (&b);
  rate = aac_rate (&b);
  channels = kvs_bits_read (&b, 4);
  if (aot == 5 || aot == 29) {
    /* explicit SBR: the decoder outputs the extension's rate */
    rate = aac_rate (&b);
    aac_object_type (&b);
  }
  if (b.overrun || aot == 0 || rate == 0)
    return FALSE;

  g_free (s->profile);
  s->profile = g_strdup (aac_profile (aot));
  s->sample_rate = rate;
  if (channels > 0 && channels < G_N_ELEMENTS (aac_layouts)) {
    s->channels = channels == 7 ? 8 : channels;
    s->channel_layout = aac_layouts[channels];
  }
  s->sample_fmt = "fltp";
  return TRUE;
}

/* ---- VP8 and VP9 (vp8_parser.c, vp8.c, vp9.c) ---------------------------- */

/**
 * kvs_vp8_parse_frame:
 * @s: the stream
 * @frame: a VP8 frame, a key frame for the size
 * @size: its size
 *
 * The profile as the vp8 parser reports it (the frame tag's version), the
 * size from a key frame's header.
 */
gboolean
kvs_vp8_parse_frame (KvsMediaStream * s, const guint8 * frame, gsize size)
{
  guint profile;

  if (size < 3)
    return FALSE;
  profile = (frame[0] >> 1) & 7;
  if (profile > 3)
    return FALSE;
  g_free (s->profile);
  s->profile = g_strdup_printf ("%u", profile);
  s->pix_fmt = "yuv420p";
  if (!(frame[0] & 1) && size >= 10 && frame[3] == 0x9d && frame[4] == 0x01
      && frame[5] == 0x2a) {
    s->width = s->coded_width = GST_READ_UINT16_LE (frame + 6) & 0x3fff;
    s->height = s->coded_height = GST_READ_UINT16_LE (frame + 8) & 0x3fff;
  }
  return TRUE;
}

static const gchar *
vp9_pix_fmt (guint bits, gboolean rgb, guint ss_h, guint ss_v)
{
  static const gchar *rgb_fmts[] = { "gbrp", "gbrp10le", "gbrp12le" };
  /* [bits][ss_v][ss_h] */
  static const gchar *yuv_fmts[3][2][2] = {
    {{"yuv444p", "yuv422p"}, {"yuv440p", "yuv420p"}},
    {{"yuv444p10le", "yuv422p10le"}, {"yuv440p10le", "yuv420p10le"}},
    {{"yuv444p12le", "yuv422p12le"}, {"yuv440p12le", "yuv420p12le"}},
  };

  return rgb ? rgb_fmts[bits] : yuv_fmts[bits][ss_v][ss_h];
}

/* color_config(): the pixel format */
static gboolean
vp9_read_color_config (KvsMediaStream * s, KvsBits * b, guint profile)
{
  guint bits = profile <= 1 ? 0 : 1 + kvs_bits_read (b, 1);
  guint space = kvs_bits_read (b, 3);
  guint ss_h = 1, ss_v = 1;

  if (space == 7) {             /* RGB */
    if (!(profile & 1) || kvs_bits_read (b, 1))
      return FALSE;
    s->pix_fmt = vp9_pix_fmt (bits, TRUE, 0, 0);
    return TRUE;
  }
  kvs_bits_skip (b, 1);         /* color_range */
  if (profile & 1) {
    ss_h = kvs_bits_read (b, 1);
    ss_v = kvs_bits_read (b, 1);
    if ((ss_h && ss_v) || kvs_bits_read (b, 1))
      return FALSE;
  }
  s->pix_fmt = vp9_pix_fmt (bits, FALSE, ss_h, ss_v);
  return TRUE;
}

/**
 * kvs_vp9_parse_frame:
 * @s: the stream
 * @frame: a VP9 frame (or superframe), a key frame for the size
 * @size: its size
 *
 * The profile, pixel format and size from the uncompressed header, as
 * the vp9 decoder reads them.
 */
gboolean
kvs_vp9_parse_frame (KvsMediaStream * s, const guint8 * frame, gsize size)
{
  KvsBits b;
  guint profile, keyframe, show_frame, error_resilient, intra_only = 0;

  kvs_bits_init (&b, frame, size, FALSE);
  if (kvs_bits_read (&b, 2) != 2)
    return FALSE;
  profile = kvs_bits_read (&b, 1);
  profile |= kvs_bits_read (&b, 1) << 1;
  if (profile == 3)
    profile += kvs_bits_read (&b, 1);
  if (profile > 3 || kvs_bits_read (&b, 1))     /* show_existing_frame */
    return FALSE;
  g_free (s->profile);
  s->profile = g_strdup_printf ("Profile %u", profile);
  keyframe = !kvs_bits_read (&b, 1);
  show_frame = kvs_bits_read (&b, 1);
  error_resilient = kvs_bits_read (&b, 1);
  if (!keyframe) {
    intra_only = show_frame ? 0 : kvs_bits_read (&b, 1);
    if (!intra_only)
      return !b.overrun;
    if (!error_resilient)
      kvs_bits_skip (&b, 2);    /* reset_frame_context */
  }
  if (kvs_bits_read (&b, 24) != 0x498342)
    return FALSE;
  if (keyframe || profile > 0) {
    if (!vp9_read_color_config (s, &b, profile))
      return FALSE;
  } else {
    s->pix_fmt = "yuv420p";
  }
  if (intra_only)
    kvs_bits_skip (&b, 8);      /* refresh_frame_flags */
  s->width = s->coded_width = kvs_bits_read (&b, 16) + 1;
  s->height = s->coded_height = kvs_bits_read (&b, 16) + 1;
  return !b.overrun;
}

/* ---- Opus, Vorbis, FLAC --------------------------------------------------- */

/* ff_vorbis_ch_layouts, used by the vorbis and opus decoders */
static const gchar *vorbis_layouts[] = {
  NULL, "mono", "stereo", "3.0", "quad", "5.0", "5.1", "6.1", "7.1"
};

/**
 * kvs_opus_parse_head:
 * @s: the stream
 * @head: an OpusHead packet
 * @size: its size
 *
 * The opus decoder's output: 48 kHz float planar, the channel layout of
 * mapping families 0 and 1.
 */
gboolean
kvs_opus_parse_head (KvsMediaStream * s, const guint8 * head, gsize size)
{
  guint channels, family;

  if (size < 19 || memcmp (head, "OpusHead", 8) != 0)
    return FALSE;
  channels = head[9];
  family = head[18];
  if (channels == 0)
    return FALSE;
  s->channels = channels;
  s->sample_rate = 48000;
  s->sample_fmt = "fltp";
  s->channel_layout = NULL;
  if ((family == 0 && channels <= 2) || (family == 1 && channels <= 8))
    s->channel_layout = vorbis_layouts[channels];
  return TRUE;
}

/**
 * kvs_vorbis_parse_id:
 * @s: the stream
 * @id: a Vorbis identification header
 * @size: its size
 */
gboolean
kvs_vorbis_parse_id (KvsMediaStream * s, const guint8 * id, gsize size)
{
  guint channels;

  if (size < 30 || id[0] != 1 || memcmp (id + 1, "vorbis", 6) != 0)
    return FALSE;
  channels = id[11];
  if (channels == 0)
    return FALSE;
  s->channels = channels;
  s->sample_rate = GST_READ_UINT32_LE (id + 12);
  s->sample_fmt = "fltp";
  s->channel_layout = channels < G_N_ELEMENTS (vorbis_layouts) ?
      vorbis_layouts[channels] : NULL;
  return TRUE;
}

/* ---- channel layouts ------------------------------------------------------ */

static const struct
{
  guint64 mask;
  const gchar *name;
} layouts[] = {
  /* av_channel_layout_describe()'s names, in FFmpeg's table order */
  {0x4, "mono"}, {0x3, "stereo"}, {0xb, "2.1"}, {0x7, "3.0"},
  {0x103, "3.0(back)"}, {0x107, "4.0"}, {0x33, "quad"}, {0x603, "quad(side)"},
  {0xf, "3.1"}, {0x37, "5.0"}, {0x607, "5.0(side)"}, {0x10f, "4.1"},
  {0x3f, "5.1"}, {0x60f, "5.1(side)"}, {0x707, "6.0"}, {0x6c7, "6.0(front)"},
  {0x137, "hexagonal"}, {0x70f, "6.1"}, {0x13f, "6.1(back)"},
  {0x6cf, "6.1(front)"}, {0x637, "7.0"}, {0x6f7, "7.0(front)"},
  {0x63f, "7.1"}, {0xff, "7.1(wide)"}, {0x6cf | 0x30, "7.1(wide-side)"},
  {0x2d63f, "7.1(top)"}, {0x737, "octagonal"},
};

/**
 * kvs_channel_layout_name:
 * @mask: a WAVEFORMATEXTENSIBLE channel mask (FFmpeg's channel bits)
 *
 * Returns: (nullable): ffprobe's name of the layout, or %NULL when FFmpeg
 *     has no name for it
 */
const gchar *
kvs_channel_layout_name (guint64 mask)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (layouts); i++)
    if (layouts[i].mask == mask)
      return layouts[i].name;
  return NULL;
}

/**
 * kvs_channel_layout_default:
 * @channels: a channel count
 * @table: the codec's layout per count, from 1 channel, NULL-terminated
 *
 * Returns: (nullable): the name of the codec's layout for @channels
 */
const gchar *
kvs_channel_layout_default (gint64 channels, const gchar * const *table)
{
  gint64 i;

  for (i = 1; table[i - 1] != NULL; i++)
    if (i == channels)
      return table[i - 1];
  return NULL;
}

/* ---- FLAC ---------------------------------------------------------------- */

/* libavcodec/flac.c: the layouts of 1 to 8 channels */
static const gchar *const flac_layouts[] = {
  "mono", "stereo", "3.0", "quad", "5.0(side)", "5.1(side)", "6.1", "7.1",
  NULL
};

/**
 * kvs_flac_parse_streaminfo:
 * @s: the stream
 * @si: a STREAMINFO block's 34 bytes
 * @size: their size
 * @total_samples: (out) (optional): the stream's length in samples, 0 if
 *     unknown
 */
gboolean
kvs_flac_parse_streaminfo (KvsMediaStream * s, const guint8 * si, gsize size,
    guint64 * total_samples)
{
  KvsBits b;
  guint rate, channels, bps;
  guint64 total;

  if (size < 34)
    return FALSE;
  kvs_bits_init (&b, si, size, FALSE);
  kvs_bits_skip (&b, 16 + 16 + 24 + 24);
  rate = kvs_bits_read (&b, 20);
  channels = kvs_bits_read (&b, 3) + 1;
  bps = kvs_bits_read (&b, 5) + 1;
  total = (guint64) kvs_bits_read (&b, 4) << 32;
  total |= kvs_bits_read (&b, 32);
  if (b.overrun || rate == 0)
    return FALSE;

  s->codec_name = "flac";
  s->sample_rate = rate;
  s->channels = channels;
  s->channel_layout = kvs_channel_layout_default (channels, flac_layouts);
  s->bits_per_raw_sample = bps;
  /* the decoder's output: 16 bits or less in s16, more in s32 */
  s->sample_fmt = bps <= 16 ? "s16" : "s32";
  if (total_samples)
    *total_samples = total;
  return TRUE;
}

/* ---- MPEG audio (mpegaudiodecheader.c) ------------------------------------ */

static const guint16 mpa_bit_rates[2][3][15] = {
  {{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
      {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
      {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}},
  {{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
      {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
      {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}},
};

static const guint16 mpa_rates[3] = { 44100, 48000, 32000 };

/**
 * kvs_mpa_frame_bit_rate:
 * @frame: an MPEG audio frame
 * @size: the bytes available from it
 * @frame_size: (out): the frame's size in bytes
 *
 * Returns: the frame header's bit rate in bit/s, 0 if it is not a frame
 *     header (or free format)
 */
guint
kvs_mpa_frame_bit_rate (const guint8 * frame, gsize size, guint * frame_size)
{
  KvsMpaHeader h;

  if (size < 4 || !kvs_mpa_read_header (GST_READ_UINT32_BE (frame), &h))
    return 0;
  *frame_size = h.frame_bytes;
  return (guint) h.bit_rate;
}

/**
 * kvs_mpa_read_header:
 * @header: the four header bytes, big-endian
 * @h: (out): the frame's header
 *
 * Returns: %TRUE for a valid header (free-format frames are not)
 */
gboolean
kvs_mpa_read_header (guint32 header, KvsMpaHeader * h)
{
  guint version = (header >> 19) & 3, layer = 4 - ((header >> 17) & 3);
  guint br = (header >> 12) & 15, sr = (header >> 10) & 3;
  guint pad = (header >> 9) & 1;
  gboolean lsf = version != 3;
  gint64 rate;

  if ((header & 0xffe00000) != 0xffe00000 || version == 1 || layer == 4 ||
      br == 0 || br == 15 || sr == 3)
    return FALSE;
  h->layer = layer;
  h->sample_rate =
      (gint) mpa_rates[sr] >> (version == 3 ? 0 : version == 2 ? 1 : 2);
  h->bit_rate = (gint64) mpa_bit_rates[lsf][layer - 1][br] * 1000;
  h->channels = ((header >> 6) & 3) == 3 ? 1 : 2;
  rate = h->sample_rate;
  switch (layer) {
    case 1:
      h->frame_bytes = (guint) ((12 * h->bit_rate / rate + pad) * 4);
      h->samples = 384;
      break;
    case 2:
      h->frame_bytes = (guint) (144 * h->bit_rate / rate + pad);
      h->samples = 1152;
      break;
    default:
      h->frame_bytes = (guint) ((lsf ? 72 : 144) * h->bit_rate / rate + pad);
      h->samples = lsf ? 576 : 1152;
      break;
  }
  return TRUE;
}

/**
 * kvs_mpa_fill:
 * @s: the stream
 * @h: its first frame's header
 *
 * What FFmpeg's float MPEG audio decoders report.
 */
void
kvs_mpa_fill (KvsMediaStream * s, const KvsMpaHeader * h)
{
  static const gchar *names[] = { "mp1", "mp2", "mp3" };

  s->codec_name = names[h->layer - 1];
  s->sample_fmt = "fltp";
  s->sample_rate = h->sample_rate;
  s->channels = h->channels;
  s->channel_layout = h->channels == 1 ? "mono" : "stereo";
}

/* ---- ADTS ---------------------------------------------------------------- */

/**
 * kvs_adts_read_header:
 * @data: the bytes at a frame's start
 * @size: at least 7
 * @h: (out): the frame's header
 *
 * Returns: %TRUE if @data starts with a valid ADTS header
 */
gboolean
kvs_adts_read_header (const guint8 * data, gsize size, KvsAdtsHeader * h)
{
  guint sr, blocks;

  if (size < 7 || data[0] != 0xff || (data[1] & 0xf6) != 0xf0)
    return FALSE;
  sr = (data[2] >> 2) & 0x0f;
  if (sr >= G_N_ELEMENTS (aac_rates))
    return FALSE;
  h->frame_bytes = ((data[3] & 0x03) << 11) | (data[4] << 3) | (data[5] >> 5);
  if (h->frame_bytes < 7)
    return FALSE;
  blocks = (data[6] & 0x03) + 1;
  h->sample_rate = aac_rates[sr];
  h->samples = blocks * 1024;
  h->bit_rate = (gint64) h->frame_bytes * 8 * h->sample_rate / h->samples;
  return TRUE;
}

/**
 * kvs_aac_parse_adts:
 * @s: the stream
 * @data: an ADTS frame header
 * @size: its size, at least 7
 *
 * Fills @s as the AudioSpecificConfig the header stands for would.
 */
gboolean
kvs_aac_parse_adts (KvsMediaStream * s, const guint8 * data, gsize size)
{
  KvsAdtsHeader h;
  guint8 asc[2];
  guint aot, sr, ch;

  if (!kvs_adts_read_header (data, size, &h))
    return FALSE;
  aot = (data[2] >> 6) + 1;
  sr = (data[2] >> 2) & 0x0f;
  ch = ((data[2] & 0x01) << 2) | (data[3] >> 6);
  asc[0] = (aot << 3) | (sr >> 1);
  asc[1] = ((sr & 1) << 7) | (ch << 3);
  return kvs_aac_parse_config (s, asc, sizeof (asc));
}
