/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The HTTP delivery of a callback, apart from any element: one POST of
 * the body with an Idempotency-Key (the same for every attempt of one
 * callback) and X-Kvs-Attempt, retried with capped, jittered exponential
 * backoff on no answer, 429 and 5xx, and never past a redirect. Used by
 * kvstask; a long-lived service delivers through the same code. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvshttp.h"

#include <gst/gst.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (kvs_http_debug);
#define GST_CAT_DEFAULT kvs_http_debug

#define BACKOFF_FIRST_MS 500
#define BACKOFF_MAX_MS 30000
#define RETRY_AFTER_MAX_S 60

static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (kvs_http_debug, "kvshttp", 0,
        "KVS callback delivery over HTTP");
    g_once_init_leave (&done, 1);
  }
}

/**
 * kvs_http_session_new:
 * @timeout: seconds an attempt may take (0: none)
 *
 * Returns: (transfer full): a session for kvs_http_deliver()
 */
SoupSession *
kvs_http_session_new (guint timeout)
{
  init_debug ();
  return soup_session_new_with_options ("timeout", timeout,
      "user-agent", PACKAGE "/" VERSION, NULL);
}

/* One POST. Returns the HTTP status, 0 when no answer came (@error set). */
static guint
post_once (SoupSession * session, const gchar * url, GBytes * body,
    const gchar * key, guint attempt, GCancellable * cancellable,
    guint * retry_after, GError ** error)
{
  SoupMessage *msg = soup_message_new (SOUP_METHOD_POST, url);
  SoupMessageHeaders *headers;
  GBytes *answer;
  const gchar *value;
  gchar *n;
  guint status = 0;
  guint64 secs;

  *retry_after = 0;
  if (msg == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "not an http or https URL");
    return 0;
  }
  headers = soup_message_get_request_headers (msg);
  n = g_strdup_printf ("%u", attempt);
  soup_message_headers_replace (headers, "Idempotency-Key", key);
  soup_message_headers_replace (headers, "X-Kvs-Attempt", n);
  g_free (n);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);

  answer = soup_session_send_and_read (session, msg, cancellable, error);
  if (answer != NULL) {
    status = soup_message_get_status (msg);
    value = soup_message_headers_get_one (soup_message_get_response_headers
        (msg), "Retry-After");
    if (value != NULL && g_ascii_string_to_unsigned (value, 10, 0,
            RETRY_AFTER_MAX_S, &secs, NULL))
      *retry_after = secs;
    g_bytes_unref (answer);
  }
  g_object_unref (msg);
  return status;
}

/* The wait before retry @attempt + 1: 0.5 s doubling to 30 s, each drawn
 * between half and all of it, and at least what Retry-After asked. */
static gint64
backoff_us (guint attempt, guint retry_after)
{
  gint64 ms = BACKOFF_FIRST_MS;
  guint i;

  for (i = 1; i < attempt && ms < BACKOFF_MAX_MS; i++)
    ms *= 2;
  ms = MIN (ms, BACKOFF_MAX_MS);
  ms = g_random_int_range (ms / 2, ms + 1);
  ms = MAX (ms, (gint64) retry_after * 1000);
  return ms * 1000;
}

/**
 * kvs_http_deliver:
 * @session: from kvs_http_session_new()
 * @url: where to POST
 * @body: the JSON body
 * @max_retries: retries after the first attempt
 * @wake: (nullable): waited on between attempts; @stop popped from it
 *   ends the retries early
 * @stop: the marker that stops
 * @cancellable: (nullable): cancels an attempt in flight
 * @d: (out caller-allocates): how it went; kvs_delivery_clear() it
 *
 * POSTs @body until it is answered with 2xx, a final status, or the
 * retries run out.
 */
void
kvs_http_deliver (SoupSession * session, const gchar * url,
    const gchar * body, guint max_retries, GAsyncQueue * wake,
    gconstpointer stop, GCancellable * cancellable, KvsDelivery * d)
{
  GBytes *bytes = g_bytes_new (body, strlen (body));
  gchar *key = g_uuid_string_random ();

  init_debug ();
  memset (d, 0, sizeof (*d));
  while (TRUE) {
    GError *err = NULL;
    guint retry_after, status;
    gboolean retry;

    d->attempts++;
    status = post_once (session, url, bytes, key, d->attempts, cancellable,
        &retry_after, &err);
    GST_INFO ("%s: attempt %u: %u %s", url, d->attempts, status,
        err ? err->message : "");
    if (status != 0)
      d->http_status = status;
    if (SOUP_STATUS_IS_SUCCESSFUL (status)) {
      d->delivered = TRUE;
      g_clear_pointer (&d->error, g_free);
      break;
    }
    g_free (d->error);
    d->error = err != NULL ? g_strdup (err->message) :
        g_strdup_printf ("HTTP %u %s", status, soup_status_get_phrase (status));
    retry = (status == 0 && !g_error_matches (err, G_IO_ERROR,
            G_IO_ERROR_CANCELLED) && !g_error_matches (err, G_IO_ERROR,
            G_IO_ERROR_INVALID_ARGUMENT)) || status == 429 || status >= 500;
    g_clear_error (&err);
    if (!retry || d->attempts > max_retries)
      break;
    if (wake == NULL) {
      g_usleep (backoff_us (d->attempts, retry_after));
    } else if (g_async_queue_timeout_pop (wake, backoff_us (d->attempts,
                retry_after)) == stop) {
      g_free (d->error);
      d->error = g_strdup ("the pipeline was stopped");
      break;
    }
  }
  g_free (key);
  g_bytes_unref (bytes);
}

/**
 * kvs_delivery_clear:
 * @d: a delivery's outcome
 *
 * Frees what @d holds.
 */
void
kvs_delivery_clear (KvsDelivery * d)
{
  g_clear_pointer (&d->error, g_free);
}
