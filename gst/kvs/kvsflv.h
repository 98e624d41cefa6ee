/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_FLV_H__
#define __KVS_FLV_H__

#include <glib.h>

G_BEGIN_DECLS
/* the last timestamp of an FLV file's end, found by walking back from its
 * last PreviousTagSize as FFmpeg's flv demuxer does; -1 if none */
    gint64 kvs_flv_last_timestamp (const guint8 * tail, gsize size);

G_END_DECLS
#endif /* __KVS_FLV_H__ */
