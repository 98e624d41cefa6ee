/* gst-plugins-kvs
 * Copyright (C) 2026 gst-plugins-kvs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Numbered output files: printf patterns with one number, checked before
 * use, and paths as a list file beside them names them. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "kvsfiles.h"

#include <string.h>

/**
 * kvs_files_is_pattern:
 * @pattern: a path pattern
 *
 * Returns: %TRUE if @pattern is a printf pattern with exactly one integer
 *     conversion (`%d`, `%05d`, `%x`…, a width up to 99) and nothing else
 *     but literal text and `%%`
 */
gboolean
kvs_files_is_pattern (const gchar * s)
{
  guint conversions = 0, digits;

  for (; *s; s++) {
    if (*s != '%')
      continue;
    if (s[1] == '%') {
      s++;
      continue;
    }
    s++;
    while (*s && strchr ("-+ 0#", *s))
      s++;
    for (digits = 0; g_ascii_isdigit (*s); s++)
      if (++digits > 2)
        return FALSE;
    if (*s == '\0' || !strchr ("diuxXo", *s))
      return FALSE;
    conversions++;
  }
  return conversions == 1;
}

/**
 * kvs_files_path:
 * @pattern: a pattern kvs_files_is_pattern() accepted
 * @index: the number
 *
 * Returns: (transfer full): the path of file @index
 */
gchar *
kvs_files_path (const gchar * pattern, guint index)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  return g_strdup_printf (pattern, index);
#pragma GCC diagnostic pop
}

/**
 * kvs_files_relative:
 * @from_file: a list file (playlist, WebVTT track)
 * @path: a file it names
 *
 * Returns: (transfer full): @path as @from_file names it: its base name
 *     when both are in the same directory, else @path as it is
 */
gchar *
kvs_files_relative (const gchar * from_file, const gchar * path)
{
  gchar *a = g_path_get_dirname (from_file), *b = g_path_get_dirname (path);
  gchar *res = g_strcmp0 (a, b) == 0 ? g_path_get_basename (path) :
      g_strdup (path);

  g_free (a);
  g_free (b);
  return res;
}

/**
 * kvs_files_display:
 * @path: a file path, in the file system's bytes
 *
 * GStreamer structures and JSON take UTF-8 only, and a path need not be
 * UTF-8 (a Latin-1 file name): messages and documents carry this.
 *
 * Returns: (transfer full): @path with every byte that is not UTF-8
 *     replaced by U+FFFD; @path itself when it is UTF-8
 */
gchar *
kvs_files_display (const gchar * path)
{
  return g_utf8_make_valid (path, -1);
}
