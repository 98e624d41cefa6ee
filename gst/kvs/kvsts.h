/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_TS_H__
#define __KVS_TS_H__

#include <glib.h>

G_BEGIN_DECLS
/* the score FFmpeg's MPEG-TS probe gives the first bytes of a stream */
    gint kvs_ts_probe_score (const guint8 * data, gsize size);

G_END_DECLS
#endif /* __KVS_TS_H__ */
