/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Still images with GStreamer's own encoders: one small pipeline
 * (appsrc ! ENCODER ! appsink), kept for an element's lifetime, takes one
 * raw frame at a time and gives back its encoded image. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvsimage.h"

#include <gst/app/app.h>
#include <math.h>
#include <string.h>

struct _KvsImageEncoder
{
  GstElement *pipeline;
  GstAppSrc *src;
  GstAppSink *sink;
  GstBus *bus;
  GstVideoInfo info;
  gboolean have_info;
};

/**
 * kvs_image_encoder_new:
 * @encoder_desc: the encoder, as a launch fragment: `jpegenc quality=85`
 * @error: where to report a missing encoder
 *
 * Returns: (transfer full) (nullable): an encoder, playing
 */
KvsImageEncoder *
kvs_image_encoder_new (const gchar * encoder_desc, GError ** error)
{
  KvsImageEncoder *enc;
  gchar *desc;
  GstElement *pipeline;

  desc = g_strdup_printf ("appsrc name=src format=time ! %s ! "
      "appsink name=sink sync=false", encoder_desc);
  pipeline = gst_parse_launch_full (desc, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
      error);
  g_free (desc);
  if (pipeline == NULL)
    return NULL;

  enc = g_new0 (KvsImageEncoder, 1);
  enc->pipeline = pipeline;
  enc->src = GST_APP_SRC (gst_bin_get_by_name (GST_BIN (pipeline), "src"));
  enc->sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (pipeline), "sink"));
  enc->bus = gst_element_get_bus (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
        "the encoder (%s) did not start", encoder_desc);
    kvs_image_encoder_free (enc);
    return NULL;
  }
  return enc;
}

/**
 * kvs_image_encoder_encode:
 * @enc: the encoder
 * @info: @raw's format
 * @raw: (transfer none): one raw frame
 * @error: where to report a failure
 *
 * Returns: (transfer full) (nullable): the encoded image
 */
GstBuffer *
kvs_image_encoder_encode (KvsImageEncoder * enc, const GstVideoInfo * info,
    GstBuffer * raw, GError ** error)
{
  GstSample *sample = NULL;
  GstClockTime waited;
  GstBuffer *out;

  if (!enc->have_info || !gst_video_info_is_equal (&enc->info, info)) {
    GstCaps *caps = gst_video_info_to_caps (info);

    gst_app_src_set_caps (enc->src, caps);
    gst_caps_unref (caps);
    enc->info = *info;
    enc->have_info = TRUE;
  }

  raw = gst_buffer_copy (raw);
  GST_BUFFER_PTS (raw) = 0;
  GST_BUFFER_DURATION (raw) = GST_SECOND;
  if (gst_app_src_push_buffer (enc->src, raw) != GST_FLOW_OK)
    goto failed;

  /* the image, unless the encoder fails first (its pipeline's bus says) */
  for (waited = 0; waited < 30 * GST_SECOND; waited += 100 * GST_MSECOND) {
    GstMessage *m;

    sample = gst_app_sink_try_pull_sample (enc->sink, 100 * GST_MSECOND);
    if (sample != NULL)
      break;
    m = gst_bus_pop_filtered (enc->bus, GST_MESSAGE_ERROR);
    if (m != NULL) {
      gst_message_parse_error (m, error, NULL);
      gst_message_unref (m);
      return NULL;
    }
  }
  if (sample == NULL)
    goto failed;
  out = gst_buffer_ref (gst_sample_get_buffer (sample));
  gst_sample_unref (sample);
  return out;

failed:
  g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_ENCODE,
      "the image encoder gave no image");
  return NULL;
}

void
kvs_image_encoder_free (KvsImageEncoder * enc)
{
  if (enc == NULL)
    return;
  gst_element_set_state (enc->pipeline, GST_STATE_NULL);
  gst_object_unref (enc->src);
  gst_object_unref (enc->sink);
  gst_object_unref (enc->bus);
  gst_object_unref (enc->pipeline);
  g_free (enc);
}

/**
 * kvs_image_map_pair:
 * @src: (out caller-allocates): mapped for reading
 * @src_info: @src_buf's format
 * @src_buf: the frame read from
 * @dst: (out caller-allocates): mapped for writing
 * @dst_info: @dst_buf's format
 * @dst_buf: the frame written to
 *
 * Maps both frames, or neither.
 *
 * Returns: whether both are mapped; unmap them with kvs_image_unmap_pair()
 */
gboolean
kvs_image_map_pair (GstVideoFrame * src, const GstVideoInfo * src_info,
    GstBuffer * src_buf, GstVideoFrame * dst, const GstVideoInfo * dst_info,
    GstBuffer * dst_buf)
{
  if (!gst_video_frame_map (src, (GstVideoInfo *) src_info, src_buf,
          GST_MAP_READ))
    return FALSE;
  if (!gst_video_frame_map (dst, (GstVideoInfo *) dst_info, dst_buf,
          GST_MAP_WRITE)) {
    gst_video_frame_unmap (src);
    return FALSE;
  }
  return TRUE;
}

/**
 * kvs_image_unmap_pair:
 * @src: mapped by kvs_image_map_pair()
 * @dst: mapped by kvs_image_map_pair()
 */
void
kvs_image_unmap_pair (GstVideoFrame * src, GstVideoFrame * dst)
{
  gst_video_frame_unmap (dst);
  gst_video_frame_unmap (src);
}

/**
 * kvs_image_blit:
 * @dst: a frame
 * @src: a smaller frame of the same format
 * @x: where in @dst, in pixels (even for subsampled formats)
 * @y: where in @dst, in pixels (even for subsampled formats)
 *
 * Copies @src into @dst at (@x, @y), plane by plane.
 */
void
kvs_image_blit (GstVideoFrame * dst, const GstVideoFrame * src, guint x,
    guint y)
{
  const GstVideoFormatInfo *finfo = dst->info.finfo;
  guint p;

  g_return_if_fail (GST_VIDEO_FRAME_FORMAT (dst) ==
      GST_VIDEO_FRAME_FORMAT (src));
  g_return_if_fail (x + GST_VIDEO_FRAME_WIDTH (src) <=
      (guint) GST_VIDEO_FRAME_WIDTH (dst));
  g_return_if_fail (y + GST_VIDEO_FRAME_HEIGHT (src) <=
      (guint) GST_VIDEO_FRAME_HEIGHT (dst));

  for (p = 0; p < GST_VIDEO_FRAME_N_PLANES (dst); p++) {
    guint comp = p;             /* planar formats: a component per plane */
    gint w = GST_VIDEO_FRAME_COMP_WIDTH (src, comp);
    gint h = GST_VIDEO_FRAME_COMP_HEIGHT (src, comp);
    gint ps = GST_VIDEO_FRAME_COMP_PSTRIDE (src, comp);
    gint px = GST_VIDEO_FORMAT_INFO_SCALE_WIDTH (finfo, comp, x);
    gint py = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (finfo, comp, y);
    guint8 *d = GST_VIDEO_FRAME_PLANE_DATA (dst, p);
    const guint8 *s = GST_VIDEO_FRAME_PLANE_DATA (src, p);
    gint ds = GST_VIDEO_FRAME_PLANE_STRIDE (dst, p);
    gint ss = GST_VIDEO_FRAME_PLANE_STRIDE (src, p);
    gint row;

    for (row = 0; row < h; row++)
      memcpy (d + (py + row) * ds + px * ps, s + row * ss, w * ps);
  }
}

/**
 * kvs_image_orientation_swaps:
 * @method: an orientation
 *
 * Returns: whether @method turns the picture a quarter (width and height
 *   swap)
 */
gboolean
kvs_image_orientation_swaps (GstVideoOrientationMethod method)
{
  switch (method) {
    case GST_VIDEO_ORIENTATION_90R:
    case GST_VIDEO_ORIENTATION_90L:
    case GST_VIDEO_ORIENTATION_UL_LR:
    case GST_VIDEO_ORIENTATION_UR_LL:
      return TRUE;
    default:
      return FALSE;
  }
}

/**
 * kvs_image_orient:
 * @dst: a frame of @src's format, its width and height swapped when
 *   @method turns it a quarter
 * @src: a frame of a planar or packed format whose planes each hold one
 *   component, subsampled alike both ways (I420, Y444, RGB, GRAY8)
 * @method: how to turn (or mirror) it
 *
 * Writes @src turned by @method into @dst, plane by plane.
 */
void
kvs_image_orient (GstVideoFrame * dst, const GstVideoFrame * src,
    GstVideoOrientationMethod method)
{
  guint p;

  for (p = 0; p < GST_VIDEO_FRAME_N_PLANES (src); p++) {
    gint sw = GST_VIDEO_FRAME_COMP_WIDTH (src, p);
    gint sh = GST_VIDEO_FRAME_COMP_HEIGHT (src, p);
    gint dw = GST_VIDEO_FRAME_COMP_WIDTH (dst, p);
    gint dh = GST_VIDEO_FRAME_COMP_HEIGHT (dst, p);
    gint ps = GST_VIDEO_FRAME_COMP_PSTRIDE (src, p);
    const guint8 *s = GST_VIDEO_FRAME_PLANE_DATA (src, p);
    guint8 *d = GST_VIDEO_FRAME_PLANE_DATA (dst, p);
    gint ss = GST_VIDEO_FRAME_PLANE_STRIDE (src, p);
    gint ds = GST_VIDEO_FRAME_PLANE_STRIDE (dst, p);
    gint x, y;

    for (y = 0; y < dh; y++) {
      guint8 *row = d + y * ds;

      for (x = 0; x < dw; x++) {
        gint sx, sy;

        switch (method) {
          case GST_VIDEO_ORIENTATION_90R:
            sx = y;
            sy = sh - 1 - x;
            break;
          case GST_VIDEO_ORIENTATION_180:
            sx = sw - 1 - x;
            sy = sh - 1 - y;
            break;
          case GST_VIDEO_ORIENTATION_90L:
            sx = sw - 1 - y;
            sy = x;
            break;
          case GST_VIDEO_ORIENTATION_HORIZ:
            sx = sw - 1 - x;
            sy = y;
            break;
          case GST_VIDEO_ORIENTATION_VERT:
            sx = x;
            sy = sh - 1 - y;
            break;
          case GST_VIDEO_ORIENTATION_UL_LR:
            sx = y;
            sy = x;
            break;
          case GST_VIDEO_ORIENTATION_UR_LL:
            sx = sw - 1 - y;
            sy = sh - 1 - x;
            break;
          default:
            sx = x;
            sy = y;
            break;
        }
        memcpy (row + x * ps, s + sy * ss + sx * ps, ps);
      }
    }
  }
}

/**
 * kvs_image_expand_range:
 * @frame: a planar YUV frame (I420, Y42B, Y444) in limited range (luma
 *   16–235, chroma 16–240)
 *
 * Stretches @frame to full range (0–255), in place, as JFIF wants it.
 */
void
kvs_image_expand_range (GstVideoFrame * frame)
{
  guint8 luma[256], chroma[256];
  guint p;
  gint v;

  for (v = 0; v < 256; v++) {
    luma[v] = CLAMP ((gint) floor ((v - 16) * 255.0 / 219.0 + 0.5), 0, 255);
    chroma[v] = CLAMP ((gint) floor ((v - 128) * 255.0 / 224.0 + 128.5), 0,
        255);
  }
  for (p = 0; p < GST_VIDEO_FRAME_N_PLANES (frame); p++) {
    const guint8 *lut = p == 0 ? luma : chroma;
    gint w = GST_VIDEO_FRAME_COMP_WIDTH (frame, p);
    gint h = GST_VIDEO_FRAME_COMP_HEIGHT (frame, p);
    gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, p);
    guint8 *d = GST_VIDEO_FRAME_PLANE_DATA (frame, p);
    gint x, y;

    for (y = 0; y < h; y++)
      for (x = 0; x < w; x++)
        d[y * stride + x] = lut[d[y * stride + x]];
  }
}

/**
 * kvs_image_pad_blocks:
 * @info: @raw's format, a planar YUV one
 * @raw: (transfer none): one frame
 *
 * A JPEG encoder reads whole blocks: rows as long as the next multiple of
 * 16 luma (8 chroma) samples, read straight from the frame by jpegenc,
 * so a width that is not such a multiple would fill the right edge's
 * blocks with the start of the next row (and, on the last row, past the
 * frame). This copies @raw with its rows that long, each padded with its
 * last sample, as JPEG encoders pad.
 *
 * Returns: (transfer full) (nullable): the padded frame, with a
 *   #GstVideoMeta saying its strides; %NULL if @raw cannot be mapped
 */
GstBuffer *
kvs_image_pad_blocks (const GstVideoInfo * info, GstBuffer * raw)
{
  GstVideoInfo padded = *info;
  GstVideoFrame in, out;
  GstBuffer *buf;
  gsize offset = 0;
  guint p;

  for (p = 0; p < GST_VIDEO_INFO_N_PLANES (info); p++) {
    gint w = GST_VIDEO_INFO_COMP_WIDTH (info, p);
    gint h = GST_VIDEO_INFO_COMP_HEIGHT (info, p);
    gint stride = p == 0 ? GST_ROUND_UP_16 (w) : GST_ROUND_UP_8 (w);

    GST_VIDEO_INFO_PLANE_STRIDE (&padded, p) = stride;
    GST_VIDEO_INFO_PLANE_OFFSET (&padded, p) = offset;
    offset += (gsize) stride *h;
  }
  GST_VIDEO_INFO_SIZE (&padded) = offset;

  buf = gst_buffer_new_allocate (NULL, offset, NULL);
  gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_INFO_FORMAT (&padded), GST_VIDEO_INFO_WIDTH (&padded),
      GST_VIDEO_INFO_HEIGHT (&padded), GST_VIDEO_INFO_N_PLANES (&padded),
      padded.offset, padded.stride);
  if (!kvs_image_map_pair (&in, info, raw, &out, &padded, buf)) {
    gst_buffer_unref (buf);
    return NULL;
  }
  for (p = 0; p < GST_VIDEO_INFO_N_PLANES (info); p++) {
    gint w = GST_VIDEO_FRAME_COMP_WIDTH (&in, p);
    gint h = GST_VIDEO_FRAME_COMP_HEIGHT (&in, p);
    gint ss = GST_VIDEO_FRAME_PLANE_STRIDE (&in, p);
    gint ds = GST_VIDEO_FRAME_PLANE_STRIDE (&out, p);
    const guint8 *s = GST_VIDEO_FRAME_PLANE_DATA (&in, p);
    guint8 *d = GST_VIDEO_FRAME_PLANE_DATA (&out, p);
    gint y;

    for (y = 0; y < h; y++) {
      memcpy (d + y * ds, s + y * ss, w);
      memset (d + y * ds + w, s[y * ss + w - 1], ds - w);
    }
  }
  kvs_image_unmap_pair (&in, &out);
  return buf;
}
