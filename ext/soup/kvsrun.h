/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_RUN_H__
#define __KVS_RUN_H__

#include "kvsrequest.h"

#include <gst/gst.h>

G_BEGIN_DECLS
/**
 * KvsRunResult:
 * @status: the callback's `Status`: 3 success, 4 failure
 * @errnum: 0 or the task's callback error code
 * @body: the final callback body
 * @delivered: the callback was answered with a 2xx
 * @attempts: POSTs made (0 without `CbUrl`)
 */
    typedef struct
{
  gint status;
  gint errnum;
  gchar *body;
  gboolean delivered;
  guint attempts;
  gchar *error;
} KvsRunResult;

typedef void (*KvsRunProgress) (gint percent, gpointer user_data);

gchar *kvs_run_description (const KvsRequest * request, gboolean has_video,
    gboolean has_audio);

gboolean kvs_run_task (const KvsRequest * request, const gchar * src_path,
    const gchar * dst_dir, const gchar * task_id, KvsRunProgress progress,
    gpointer user_data, KvsRunResult * result);

void kvs_run_result_clear (KvsRunResult * result);

G_END_DECLS
#endif /* __KVS_RUN_H__ */
