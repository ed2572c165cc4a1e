/* Class labels files. */
#ifndef GST_VK_INCEPTION_LABELS_H
#define GST_VK_INCEPTION_LABELS_H

#include <glib.h>

G_BEGIN_DECLS

/* Largest labels file read (ImageNet's synset_words.txt is 31 KiB). */
#define GST_VK_INCEPTION_LABELS_MAX_BYTES (16 * 1024 * 1024)

/**
 * gst_vk_inception_labels_load:
 * Reads one label per line. ImageNet synset lines ("n01440764 tench, Tinca
 * tinca") lose their WordNet id. Blank lines at the end are ignored; a blank
 * line inside the file is an (empty) label, since line numbers are class ids.
 * Returns: (transfer full): a NULL-terminated array, or NULL with @error set.
 */
gchar **gst_vk_inception_labels_load (const gchar * path, GError ** error);

G_END_DECLS

#endif
