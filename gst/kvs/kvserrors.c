/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The two error-code tables of the service's API reference (2022-02-15),
 * complete: the public (request validation) errors and the callback errors
 * (`Details.errnum`). Messages are spelled exactly as documented, typos
 * included: they are what existing clients match on. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvserrors.h"

#include <gst/pbutils/pbutils.h>

#include <stdlib.h>

static const KvsPublicError public_errors[] = {
  {0, "成功", "success"},
  {1000, "缺少参数", "missing parameter"},
  {1001, "参数不合法", "illegal parameter"},
  {1002, "无效用户ID", "invalid user ID"},
  {1005, "无效模板名", "invalid preset name"},
  {1009, "无效任务ID", "invalid task ID"},
  {1010, "内容不合法", "illegal content"},
  {1011, "无效bucket", "invalid bucket"},
  {1012, "非北京bucket", "bucket not in Beijing"},
  {1013, "bucket无法访问", "bucket not accessible"},
  {1014, "无效文件名", "invalid file name"},
  {1015, "无效模板类型", "invalid preset type"},
  {1016, "源信息不合法", "illegal source information"},
  {1017, "源文件个数超限", "too many source files"},
  {1018, "扩展参数不合法", "illegal extended parameter"},
  {1019, "查询时间跨度太大", "query time span too large"},
  {1020, "无效目录名", "invalid directory name"},
  {1022, "无效队列名", "invalid queue name"},
  {1023, "队列未被初始化", "queue not initialized"},
  {1024, "队列状态不合法", "illegal queue state"},
  {1101, "用户未开通转码服务",
      "transcoding service not enabled for the user"},
  {1200, "记录不存在", "record does not exist"},
  {1201, "记录已存在", "record already exists"},
  {1202, "新增记录失败", "failed to add record"},
  {1203, "删除记录失败", "failed to delete record"},
  {1204, "更新记录失败", "failed to update record"},
  {1205, "任务已完成或已删除", "task already finished or deleted"},
  {1210, "文件不存在", "file does not exist"},
  {1212, "未授权桶策略", "bucket policy not authorized"},
  {1213, "源文件路径太长", "source path too long"},
};

static const KvsCallbackError callback_errors[] = {
  {0, "Success"},
  {2001, "Unknown Error"},
  {2002, "machine reach max rss"},
  {2003, "input param illegal"},
  {2004, "task not exist"},
  {2005, "task shutdown by user"},
  {2006, "task sniff error"},
  {2007, "channel not exist"},
  {2008, "CommonChan task type illegal"},
  {2009, "Parse url FAIL"},
  {2010, "String length illegal"},
  {2011, "Can not find what you want"},
  {2012, "Daemon exit"},
  {2013, "Call os function Error"},
  {2014, "no idle daemon for task"},
  {2015, "protobuf or json Unmarshal Error"},
  {2016, "jsonpb Marshal Error"},
  {2017, "variable in struct not set"},
  {2018, "object count illeagal"},
  {2019, "this is a fake"},
  {2020, "proto marshal to byte Error"},
  {2021, "Slave res illeagal"},
  {2022, "Retrytimes illeagal or reach thres"},
  {2023, "GlobalValue content illeagal"},
  {2024, "Module fail to report to tasks_loop"},
  {2025, "output_format parameter illeagal"},
  {2026, "taskvalue privMsg nil or illeagal"},
  {2027, "job operate data already exist"},
  {2028, "mkdir FAIL"},
  {2029, "doHttp input param lack or illegal"},
  {2030, "doHttp canceled by user"},
  {2031, "doHttp unknown error"},
  {2032, "HTTP download file fail"},
  {2033, "HTTP upload file fail"},
  {2034, "http callback fail"},
  {2035, "Slave already exist"},
  {2036, "input file not ready"},
  {2037, "not file or directory, or maybe wrong type"},
  {2038, "operation time out"},
  {2039, "httpd receive content illegal type"},
  {2040, "file or dir mode not proper"},
  {2041, "file not exist"},
  {2042, "Notify to kts fail"},
  {2043, "zmq socket allready exist"},
  {2044, "set paramset fail"},
  {2045, "form material illegal when POST"},
  {2046, "Pem file decode fail"},
  {2047, "init instance fail"},
  {2048, "multiUpload fail"},
  {2049, "Ban small to large"},
  {2050, "operation specified illegal"},
  {2051, "Extend Task Fail"},
  {2052, "do not have daemon ID in doneMsgRes"},
  {2053, "daemon response format illeagal"},
  {2054, "Module not exist"},
  {2055, "type of body illeagal"},
  {2056, "can not get disk name of current directory"},
  {2057, "slave fail to report to excutor or reach maxprocdura, maybe blocked"},
  {2058, "sniffer result has AV headers but no audio and video data"},
  {2301, "Snapshot Internal Error: read input file EOF"},
  {2302, "Snapshot Internal Error: encode video error"},
  {2303, "Snapshot Internal Error: codec context error"},
  {2304, "Snapshot Internal Error: write frame fail"},
  {2305, "Snapshot Internal Error: apply bitfilter fail"},
  {2306, "Snapshot Internal Error: slave task empty"},
  {2307, "Snapshot Internal Error: slave task full"},
  {2310, "Snapshot Internal Error: parse json fail"},
  {2311, "Snapshot Internal Error: json object null"},
  {2312, "Snapshot Internal Error: zmq send fail"},
  {2313, "Snapshot Internal Error: zmq recv error"},
  {2314, "Snapshot Internal Error: notify to tworker fail"},
  {2315, "Snapshot Internal Error: param check error"},
  {2319, "Snapshot Internal Error: add input stream fail"},
  {2320, "Snapshot Internal Error: open input file error"},
  {2321, "Snapshot Internal Error: find streaminfo fail"},
  {2322, "Snapshot Internal Error: new output stream fail"},
  {2323, "Snapshot Internal Error: new output file fail"},
  {2324, "Snapshot Internal Error: open output file fail"},
  {2325, "Snapshot Internal Error: input/output stream null"},
  {2326, "Snapshot Internal Error: dec/enc context null"},
  {2330, "Snapshot Internal Error: malloc error"},
  {2331, "Snapshot Internal Error: Sws GetContext error"},
  {2332, "Snapshot Internal Error: Sws Scale error"},
  {2333, "snapshot input lack param"},
  {2334, "snapshot input alter param"},
  {2335, "snapshot output path not set"},
  {2336, "snapshot output Num larger than 3"},
  {2337, "snapshot seek time maybe out of video duration"},
  {2350, "Snapshot Internal Error: Unknown error"},
  {2401, "probe inter error: read input file EOF"},
  {2403, "probe inter error: codec context error"},
  {2406, "probe inter error: slave task empty"},
  {2407, "probe inter error: slave task full"},
  {2410, "probe inter error: parse json fail"},
  {2411, "probe inter error: json object null"},
  {2412, "probe inter error: zmq send fail"},
  {2413, "probe inter error: zmq recv error"},
  {2414, "probe inter error: notify to tworker fail"},
  {2415, "probe inter error: param check error"},
  {2420, "probe inter error: open input file error"},
  {2421, "probe inter error: find streaminfo fail"},
  {2422, "probe inter error: new output stream fail"},
  {2423, "probe inter error: new output file fail"},
  {2424, "probe inter error: open output file fail"},
  {2425, "probe inter error: input/output stream null"},
  {2426, "probe inter error: dec/enc context null"},
  {2450, "probe inter error: unknown error"},
  {2501, "unknown request method"},
  {2502, "allocate channel failed"},
  {2503, "module not exist or unready"},
  {3022, "Trans Internal Error: Invalid Argument"},
  {3140, "Trans Internal Error: Bitstream filter not found"},
  {3141, "Trans Internal Error: Internal bug"},
  {3142, "Trans Internal Error: Buffer too small"},
  {3143, "Trans Internal Error: Decoder not found"},
  {3144, "Trans Internal Error: Demuxer not found"},
  {3145, "Trans Internal Error: Encoder not found"},
  {3146, "Trans Internal Error: End of file"},
  {3147, "Trans Internal Error: Immediate exit was requested; the called function should not be restarted"},
  {3148, "Trans Internal Error: Generic error in an external library"},
  {3149, "Trans Internal Error: Filter not found"},
  {3150, "Trans Internal Error: Invalid data found when processing input"},
  {3151, "Trans Internal Error: Muxer not found"},
  {3152, "Trans Internal Error: Option not found"},
  {3153, "Trans Internal Error: Not yet implemented in segtran, patches welcome"},
  {3154, "Trans Internal Error: Protocol not found"},
  {3155, "Trans Internal Error: Stream not found"},
  {3156, "Trans Internal Error: Internal bug2"},
  {3157, "Trans Internal Error: Unknown error, typically from an external library"},
  {3158, "Trans Internal Error: Requested feature is flagged experimental. Set strict_std_compliance if you really want to use it"},
  {3159, "Trans Internal Error: Input changed between calls. Reconfiguration is required."},
  {3160, "Trans Internal Error: Output changed between calls. Reconfiguration is required."},
  {3161, "Trans Internal Error: Http Request 400 Bad Request"},
  {3162, "Trans Internal Error: Http Request 401 Unauthorized"},
  {3163, "Trans Internal Error: Http Request 403 Forbidden"},
  {3164, "Trans Internal Error: Http Request 404 Not Found"},
  {3165, "Trans Internal Error: Http Request 4xx Other Error"},
  {3166, "Trans Internal Error: Http Request 5xx Server Error"},
  {3175, "Trans Internal Error: Internal Other Error"},
  {3177, "Trans Internal Error:first decoded frame pts_time > start_time. Maybe lead to non-precise timestamp seek"},
  {3178, "Trans Internal Error:Video/Audio Illegal: pts of first packet is more than zero!"},
  {3180, "slave connect to zmq error"},
  {3181, "slave argv too short"},
  {3182, "slave get bin path error"},
  {3183, "slave move mp4 file header error"},
  {3184, "slave input authentication expired"},
  {3186, "sniffer file unsupport seekable in AVIOContext structure"},
  {3187, "sniffer sniff time out"},
  {3188, "src m3u8 file has illegal segment num"},
  {3189, "sniffer pthread_create() fail!"},
  {3190, "sniffer reach proc duration thres"},
  {3200, "slave param error"},
  {3201, "the time seeking backward too large, exit!"},
  {3202, "input stream format changed, frame parameters mismatch context"},
  {3203, "slave open output file fail"},
  {3204, "error reinitializing filters!"},
  {3205, "error applying options to the filter"},
  {3235, "pthread_create fail!"},
  {3236, "init_msgchannel_context fail!"},
  {3240, "connection timeout"},
  {3241, "connection reset by peer"},
  {3242, "connection refused by server"},
  {3243, "server terminate the connection"},
  {3255, "Trans Internal Error: System Signal is caught and Slave proces is killed"},
};

/**
 * kvs_callback_errors:
 * @n_errors: (out): the number of entries
 *
 * Returns: the callback error table, sorted by code
 */
const KvsCallbackError *
kvs_callback_errors (guint * n_errors)
{
  *n_errors = G_N_ELEMENTS (callback_errors);
  return callback_errors;
}

/**
 * kvs_public_errors:
 * @n_errors: (out): the number of entries
 *
 * Returns: the public error table, sorted by code
 */
const KvsPublicError *
kvs_public_errors (guint * n_errors)
{
  *n_errors = G_N_ELEMENTS (public_errors);
  return public_errors;
}

static int
compare_code (const void *key, const void *entry)
{
  gint code = *(const gint *) key;
  gint other = *(const gint *) entry;

  return (code > other) - (code < other);
}

/**
 * kvs_callback_error_message:
 * @code: a callback error code
 *
 * Returns: (nullable): the documented message of @code, or %NULL when @code
 * is not a documented callback error code
 */
const gchar *
kvs_callback_error_message (gint code)
{
  const KvsCallbackError *e;

  e = bsearch (&code, callback_errors, G_N_ELEMENTS (callback_errors),
      sizeof (callback_errors[0]), compare_code);
  return e ? e->message : NULL;
}

/**
 * kvs_public_error_lookup:
 * @code: a public error code
 *
 * Returns: (nullable): the entry of @code, or %NULL when @code is not a
 * documented public error code
 */
const KvsPublicError *
kvs_public_error_lookup (gint code)
{
  return bsearch (&code, public_errors, G_N_ELEMENTS (public_errors),
      sizeof (public_errors[0]), compare_code);
}

/**
 * kvs_error_message_parse_errnum:
 * @message: a %GST_MESSAGE_ERROR or %GST_MESSAGE_WARNING
 * @errnum: (out) (optional): the documented code
 * @errmsg: (out) (optional) (transfer none): the documented message, valid
 *     as long as @message is
 *
 * Reads the documented code that KVS_ELEMENT_ERROR() attached to @message.
 *
 * Returns: %TRUE if @message carries a documented code
 */
gboolean
kvs_error_message_parse_errnum (GstMessage * message, gint * errnum,
    const gchar ** errmsg)
{
  const GstStructure *details = NULL;
  gint code;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error_details (message, &details);
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning_details (message, &details);
      break;
    default:
      return FALSE;
  }

  if (details == NULL || !gst_structure_get_int (details, "kvs-errnum", &code))
    return FALSE;

  if (errnum)
    *errnum = code;
  if (errmsg)
    *errmsg = gst_structure_get_string (details, "kvs-errmsg");
  return TRUE;
}

/* the documented code for a missing plugin the pipeline reported */
static gint
errnum_for_missing (const GstStructure * s)
{
  const gchar *type = gst_structure_get_string (s, "type");
  const gchar *name;
  GstCaps *caps = NULL;
  gint code;

  if (type == NULL)
    return KVS_ERRNUM_DECODER_NOT_FOUND;
  if (g_str_equal (type, "element")) {
    name = gst_structure_get_string (s, "detail");
    if (name && (g_str_has_suffix (name, "demux")
            || g_str_has_suffix (name, "parse")))
      return KVS_ERRNUM_DEMUXER_NOT_FOUND;
    if (name && g_str_has_suffix (name, "mux"))
      return KVS_ERRNUM_MUXER_NOT_FOUND;
    if (name && g_str_has_suffix (name, "enc"))
      return KVS_ERRNUM_ENCODER_NOT_FOUND;
    return KVS_ERRNUM_DECODER_NOT_FOUND;
  }
  if (!g_str_equal (type, "decoder") && !g_str_equal (type, "encoder"))
    return KVS_ERRNUM_PROTOCOL_NOT_FOUND;       /* urisource, urisink */
  gst_structure_get (s, "detail", GST_TYPE_CAPS, &caps, NULL);
  /* a container's "decoder" is its demuxer, its "encoder" its muxer */
  if (caps != NULL && (gst_pb_utils_get_caps_description_flags (caps) &
          GST_PBUTILS_CAPS_DESCRIPTION_FLAG_CONTAINER))
    code = g_str_equal (type, "decoder") ? KVS_ERRNUM_DEMUXER_NOT_FOUND :
        KVS_ERRNUM_MUXER_NOT_FOUND;
  else
    code = g_str_equal (type, "decoder") ? KVS_ERRNUM_DECODER_NOT_FOUND :
        KVS_ERRNUM_ENCODER_NOT_FOUND;
  if (caps)
    gst_caps_unref (caps);
  return code;
}

/**
 * kvs_errnum_for_error:
 * @error: an ERROR message
 * @missing: (nullable): the missing-plugin message the pipeline posted
 *   before it, if any
 *
 * The documented callback code for an error (docs/errors.md): the code
 * the element attached (#KVS_ELEMENT_ERROR), else one mapped from the
 * missing plugin or from the GStreamer error.
 *
 * Returns: the code, never 0
 */
gint
kvs_errnum_for_error (GstMessage * error, GstMessage * missing)
{
  GError *err = NULL;
  gint code;

  g_return_val_if_fail (GST_MESSAGE_TYPE (error) == GST_MESSAGE_ERROR,
      KVS_ERRNUM_UNKNOWN);

  if (kvs_error_message_parse_errnum (error, &code, NULL) && code != 0)
    return code;

  gst_message_parse_error (error, &err, NULL);
  if (missing != NULL && gst_is_missing_plugin_message (missing)
      && (err->domain == GST_CORE_ERROR || err->domain == GST_STREAM_ERROR)) {
    code = errnum_for_missing (gst_message_get_structure (missing));
    goto done;
  }

  code = KVS_ERRNUM_UNKNOWN;
  if (err->domain == GST_CORE_ERROR) {
    if (err->code == GST_CORE_ERROR_MISSING_PLUGIN)
      code = KVS_ERRNUM_DECODER_NOT_FOUND;
    else if (err->code == GST_CORE_ERROR_NEGOTIATION)
      code = KVS_ERRNUM_INVALID_DATA;
  } else if (err->domain == GST_STREAM_ERROR) {
    switch (err->code) {
      case GST_STREAM_ERROR_CODEC_NOT_FOUND:
        code = KVS_ERRNUM_DECODER_NOT_FOUND;
        break;
      case GST_STREAM_ERROR_ENCODE:
        code = KVS_ERRNUM_EXTERNAL;
        break;
      default:
        /* not recognised, not decodable, not demuxable, bad format */
        code = KVS_ERRNUM_INVALID_DATA;
        break;
    }
  } else if (err->domain == GST_RESOURCE_ERROR) {
    switch (err->code) {
      case GST_RESOURCE_ERROR_NOT_FOUND:
        code = KVS_ERRNUM_HTTP_NOT_FOUND;
        break;
      case GST_RESOURCE_ERROR_NOT_AUTHORIZED:
        code = KVS_ERRNUM_HTTP_FORBIDDEN;
        break;
      case GST_RESOURCE_ERROR_OPEN_READ:
      case GST_RESOURCE_ERROR_READ:
      case GST_RESOURCE_ERROR_SEEK:
        code = KVS_ERRNUM_INPUT_UNREADABLE;
        break;
      case GST_RESOURCE_ERROR_OPEN_WRITE:
      case GST_RESOURCE_ERROR_OPEN_READ_WRITE:
      case GST_RESOURCE_ERROR_WRITE:
      case GST_RESOURCE_ERROR_NO_SPACE_LEFT:
        code = KVS_ERRNUM_OPEN_OUTPUT;
        break;
      default:
        break;
    }
  }
done:
  g_error_free (err);
  return code;
}
