/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __GST_KVS_TASK_H__
#define __GST_KVS_TASK_H__

#include <gst/gst.h>

G_BEGIN_DECLS
/* the bin that reports its kvs elements' results as the task callback */
#define GST_TYPE_KVS_TASK (gst_kvs_task_get_type ())
G_DECLARE_FINAL_TYPE (GstKvsTask, gst_kvs_task, GST, KVS_TASK, GstBin);

GST_ELEMENT_REGISTER_DECLARE (kvstask);

G_END_DECLS
#endif /* __GST_KVS_TASK_H__ */
