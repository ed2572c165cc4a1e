#include "labels.h"
#include "error.h"

#include <string.h>

#define SYNSET_ID_LEN 9         /* "n01440764" */

static gboolean
is_synset_line (const gchar * line)
{
  if (line[0] != 'n' || strlen (line) <= SYNSET_ID_LEN
      || line[SYNSET_ID_LEN] != ' ')
    return FALSE;
  for (guint i = 1; i < SYNSET_ID_LEN; i++)
    if (!g_ascii_isdigit (line[i]))
      return FALSE;
  return TRUE;
}

static gchar **
load (const gchar * path, GError ** error)
{
  gchar *contents = NULL;
  gsize len = 0;
  gchar **lines;
  GPtrArray *out;
  gint last = -1;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
        "labels file %s: not found or not a regular file", path);
    return NULL;
  }
  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  if (len > GST_VK_INCEPTION_LABELS_MAX_BYTES || memchr (contents, 0, len)
      || !g_utf8_validate (contents, len, NULL)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
        "labels file %s: not a UTF-8 text file under 16 MiB", path);
    g_free (contents);
    return NULL;
  }

  lines = g_strsplit (contents, "\n", -1);
  g_free (contents);
  out = g_ptr_array_new ();
  for (guint i = 0; lines[i]; i++) {
    gchar *line = g_strstrip (lines[i]);
    g_ptr_array_add (out, g_strdup (is_synset_line (line) ?
            line + SYNSET_ID_LEN + 1 : line));
    if (*line)
      last = (gint) i;
  }
  g_strfreev (lines);
  /* Trailing blank lines are not classes. */
  while ((gint) out->len > last + 1)
    g_free (g_ptr_array_steal_index (out, out->len - 1));
  if (out->len == 0) {
    g_ptr_array_unref (out);
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
        "labels file %s: no labels", path);
    return NULL;
  }
  g_ptr_array_add (out, NULL);
  return (gchar **) g_ptr_array_free (out, FALSE);
}

gchar **
gst_vk_inception_labels_load (const gchar * path, GError ** error)
{
  gchar **labels = load (path, error);

  /* The path is quoted as given, in whatever bytes. */
  if (!labels && error)
    vki_error_make_printable (*error);
  return labels;
}
