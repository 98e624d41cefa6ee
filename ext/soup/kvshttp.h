/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_HTTP_H__
#define __KVS_HTTP_H__

#include <libsoup/soup.h>

G_BEGIN_DECLS
/**
 * KvsDelivery:
 * @delivered: a 2xx answer came
 * @attempts: the POSTs made
 * @http_status: the last HTTP status answered (0: none)
 * @error: (nullable): why it was not delivered
 *
 * How a callback's delivery went. Clear with kvs_delivery_clear().
 */
    typedef struct
{
  gboolean delivered;
  guint attempts;
  guint http_status;
  gchar *error;
} KvsDelivery;

SoupSession *kvs_http_session_new (guint timeout);

void kvs_http_deliver (SoupSession * session, const gchar * url,
    const gchar * body, guint max_retries, GAsyncQueue * wake,
    gconstpointer stop, GCancellable * cancellable, KvsDelivery * d);

void kvs_delivery_clear (KvsDelivery * d);

G_END_DECLS
#endif /* __KVS_HTTP_H__ */
