/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_IMAGE_H__
#define __KVS_IMAGE_H__

#include <gst/gst.h>
#include <gst/video/video.h>

G_BEGIN_DECLS typedef struct _KvsImageEncoder KvsImageEncoder;

KvsImageEncoder *kvs_image_encoder_new (const gchar * encoder_desc,
    GError ** error);

GstBuffer *kvs_image_encoder_encode (KvsImageEncoder * enc,
    const GstVideoInfo * info, GstBuffer * raw, GError ** error);

void kvs_image_encoder_free (KvsImageEncoder * enc);

void kvs_image_blit (GstVideoFrame * dst, const GstVideoFrame * src,
    guint x, guint y);

gboolean kvs_image_map_pair (GstVideoFrame * src, const GstVideoInfo * src_info,
    GstBuffer * src_buf, GstVideoFrame * dst, const GstVideoInfo * dst_info,
    GstBuffer * dst_buf);

void kvs_image_unmap_pair (GstVideoFrame * src, GstVideoFrame * dst);

void kvs_image_expand_range (GstVideoFrame * frame);

GstBuffer *kvs_image_pad_blocks (const GstVideoInfo * info, GstBuffer * raw);

gboolean kvs_image_orientation_swaps (GstVideoOrientationMethod method);

void kvs_image_orient (GstVideoFrame * dst, const GstVideoFrame * src,
    GstVideoOrientationMethod method);

G_END_DECLS
#endif /* __KVS_IMAGE_H__ */
