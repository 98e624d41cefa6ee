/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_MP4_H__
#define __KVS_MP4_H__

#include "kvsmedia.h"

G_BEGIN_DECLS gboolean kvs_mp4_box_is_header (guint32 fourcc);

gboolean kvs_mp4_parse_moov (const guint8 * moov, gsize size,
    guint64 file_size, guint32 major_brand, KvsMediaInfo * info,
    GError ** error);

G_END_DECLS
#endif /* __KVS_MP4_H__ */
