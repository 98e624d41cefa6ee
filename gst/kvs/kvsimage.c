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
