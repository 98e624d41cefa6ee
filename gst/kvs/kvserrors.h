/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __KVS_ERRORS_H__
#define __KVS_ERRORS_H__

#include <gst/gst.h>

G_BEGIN_DECLS
/**
 * KvsErrnum:
 *
 * The callback error codes (`Details.errnum`) that the elements raise
 * themselves. The complete documented table, with every code and its
 * message, is available through kvs_callback_errors().
 */
    typedef enum
{
  KVS_ERRNUM_SUCCESS = 0,
  KVS_ERRNUM_UNKNOWN = 2001,
  KVS_ERRNUM_PARSE_URL = 2009,
  KVS_ERRNUM_HTTP_CALLBACK = 2034,
  KVS_ERRNUM_NO_AV_DATA = 2058,
  KVS_ERRNUM_SNAPSHOT_ENCODE = 2302,
  KVS_ERRNUM_SNAPSHOT_PARAM = 2315,
  KVS_ERRNUM_SNAPSHOT_OUTPUT = 2324,
  KVS_ERRNUM_SNAPSHOT_SCALE = 2332,
  KVS_ERRNUM_SNAPSHOT_LACK_PARAM = 2333,
  KVS_ERRNUM_SNAPSHOT_NO_OUTPUT = 2335,
  KVS_ERRNUM_SNAPSHOT_SEEK = 2337,
  KVS_ERRNUM_PROBE_EOF = 2401,
  KVS_ERRNUM_PROBE_CODEC = 2403,
  KVS_ERRNUM_PROBE_OPEN = 2420,
  KVS_ERRNUM_PROBE_STREAMINFO = 2421,
  KVS_ERRNUM_PROBE_OUTPUT = 2424,
  KVS_ERRNUM_PROBE_UNKNOWN = 2450,
  KVS_ERRNUM_DECODER_NOT_FOUND = 3143,
  KVS_ERRNUM_DEMUXER_NOT_FOUND = 3144,
  KVS_ERRNUM_ENCODER_NOT_FOUND = 3145,
  KVS_ERRNUM_EXTERNAL = 3148,
  KVS_ERRNUM_INVALID_DATA = 3150,
  KVS_ERRNUM_MUXER_NOT_FOUND = 3151,
  KVS_ERRNUM_PROTOCOL_NOT_FOUND = 3154,
  KVS_ERRNUM_HTTP_FORBIDDEN = 3163,
  KVS_ERRNUM_HTTP_NOT_FOUND = 3164,
  KVS_ERRNUM_INPUT_UNREADABLE = 3165,
  KVS_ERRNUM_SEGMENT_PARAM = 3200,
  KVS_ERRNUM_FORMAT_CHANGED = 3202,
  KVS_ERRNUM_OPEN_OUTPUT = 3203,
} KvsErrnum;

/**
 * KvsCallbackError:
 * @code: the callback error code (`Details.errnum`)
 * @message: its documented message, spelled as documented
 */
typedef struct
{
  gint code;
  const gchar *message;
} KvsCallbackError;

/**
 * KvsPublicError:
 * @code: the public (request validation) error code
 * @message: its documented message (Chinese, as documented)
 * @message_en: an English rendering of @message
 */
typedef struct
{
  gint code;
  const gchar *message;
  const gchar *message_en;
} KvsPublicError;

const KvsCallbackError *kvs_callback_errors (guint * n_errors);

const KvsPublicError *kvs_public_errors (guint * n_errors);

const gchar *kvs_callback_error_message (gint code);

const KvsPublicError *kvs_public_error_lookup (gint code);

gboolean kvs_error_message_parse_errnum (GstMessage * message,
    gint * errnum, const gchar ** errmsg);

gint kvs_errnum_for_error (GstMessage * error, GstMessage * missing);

/**
 * KVS_ELEMENT_ERROR:
 * @el: the element that posts the error
 * @domain: the GStreamer error domain, like `RESOURCE` or `STREAM`
 * @code: the code in that domain, like `OPEN_WRITE` or `FORMAT`
 * @errnum: the documented callback error code (a #KvsErrnum)
 * @text: the user-facing message, in parentheses, as for GST_ELEMENT_ERROR
 * @debug: the debug message, in parentheses, as for GST_ELEMENT_ERROR
 *
 * The one place that attaches a documented code to an error message: posts
 * GST_ELEMENT_ERROR_WITH_DETAILS() whose details structure carries
 * `kvs-errnum` (int) and `kvs-errmsg` (string, the documented message).
 */
#define KVS_ELEMENT_ERROR(el, domain, code, errnum, text, debug)          \
  GST_ELEMENT_ERROR_WITH_DETAILS (el, domain, code, text, debug,          \
      ("kvs-errnum", G_TYPE_INT, (gint) (errnum),                         \
          "kvs-errmsg", G_TYPE_STRING,                                    \
          kvs_callback_error_message (errnum), NULL))

G_END_DECLS
#endif /* __KVS_ERRORS_H__ */
