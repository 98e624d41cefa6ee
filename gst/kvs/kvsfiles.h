/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_FILES_H__
#define __KVS_FILES_H__

#include <glib.h>

G_BEGIN_DECLS
/* numbered output files: "name-%03d.jpg" and the like */
    gboolean kvs_files_is_pattern (const gchar * pattern);

gchar *kvs_files_path (const gchar * pattern, guint index);

gchar *kvs_files_relative (const gchar * from_file, const gchar * path);

gchar *kvs_files_display (const gchar * path);

G_END_DECLS
#endif /* __KVS_FILES_H__ */
