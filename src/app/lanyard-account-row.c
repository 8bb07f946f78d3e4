/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lanyard"

#include "config.h"

#include "lanyard-account-row.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lanyard-text.h"

/* Avatars are small: anything larger is not one. */
#define MAX_AVATAR_BYTES (1024 * 1024)

/**
 * LanyardAccountRow:
 *
 * One linked account in the window: avatar, name, user name, provider,
 * e-mail, a "Primary" tag on the account apps get as the current identity,
 * and, when it needs attention, the reason and a Sign In… button. Clicking
 * it opens the account's page (as GNOME Settings does). It follows the
 * daemon's account object live.
 */
struct _LanyardAccountRow
{
  AdwActionRow parent_instance;

  LanyardDBusAccount *account;
  char               *provider_name;
  GtkWidget          *avatar;
  GtkWidget          *primary_tag;
  GtkWidget          *identity_only_tag;
  GtkWidget          *sign_in_button;
  char               *avatar_url;
  GCancellable       *avatar_cancellable;
  gboolean            current;
};

G_DEFINE_FINAL_TYPE (LanyardAccountRow, lanyard_account_row, ADW_TYPE_ACTION_ROW)

static const char *
nonempty (const char *text,
          const char *fallback)
{
  return text != NULL && text[0] != '\0' ? text : fallback;
}

static char *
avatar_cache_path (const char *url)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
  return g_build_filename (g_get_user_cache_dir (), LANYARD_USER_DIR_NAME, "avatars", hash, NULL);
}

static void
show_avatar_file (LanyardAccountRow *self,
                  const char        *path)
{
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (path, NULL);

  /* Undecodable: the initials stay. */
  if (texture != NULL)
    adw_avatar_set_custom_image (ADW_AVATAR (self->avatar), GDK_PAINTABLE (texture));
}

static SoupSession *
avatar_session (void)
{
  static SoupSession *session;

  if (session == NULL)
    session = soup_session_new_with_options ("timeout", 20, "user-agent", "Lanyard/" PACKAGE_VERSION, NULL);
  return session;
}

/* One avatar download, read in pieces so that it can stop at
 * MAX_AVATAR_BYTES: a server may send anything, for ever. */
typedef struct
{
  LanyardAccountRow *row;
  char              *url;
  SoupMessage       *message;
  GInputStream      *stream;
  GByteArray        *buffer;
  GCancellable      *cancellable;
} AvatarDownload;

static void
avatar_download_free (AvatarDownload *download)
{
  /* Stopped early: cancelled first, so that closing the stream drops the
   * connection instead of reading the rest of the answer. */
  if (download->stream != NULL && !g_input_stream_is_closed (download->stream))
    g_cancellable_cancel (download->cancellable);
  g_clear_object (&download->stream);
  g_clear_object (&download->message);
  g_clear_object (&download->cancellable);
  g_clear_object (&download->row);
  g_byte_array_unref (download->buffer);
  g_free (download->url);
  g_free (download);
}

static void
avatar_downloaded (AvatarDownload *download)
{
  LanyardAccountRow *self = download->row;
  g_autofree char   *path = NULL;
  g_autofree char   *dir = NULL;

  if (download->buffer->len == 0 || g_strcmp0 (self->avatar_url, download->url) != 0)
    return;

  path = avatar_cache_path (download->url);
  dir = g_path_get_dirname (path);
  g_mkdir_with_parents (dir, 0700);
  if (g_file_set_contents (path, (const char *) download->buffer->data, download->buffer->len, NULL))
    show_avatar_file (self, path);
}

static void
avatar_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AvatarDownload *download = user_data;
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (chunk == NULL || download->buffer->len + g_bytes_get_size (chunk) > MAX_AVATAR_BYTES)
    {
      /* Offline, gone or too large: initials, and another try next time. */
      g_debug ("No avatar: %s", error != NULL ? error->message : "larger than an avatar can be");
      avatar_download_free (download);
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      g_input_stream_close (download->stream, NULL, NULL);
      avatar_downloaded (download);
      avatar_download_free (download);
      return;
    }

  g_byte_array_append (download->buffer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  g_input_stream_read_bytes_async (download->stream, 64 * 1024, G_PRIORITY_LOW, download->cancellable,
                                   avatar_read_cb, download);
}

static void
avatar_sent_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AvatarDownload *download = user_data;
  g_autoptr(GError) error = NULL;
  goffset length;

  download->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  length = soup_message_headers_get_content_length (soup_message_get_response_headers (download->message));
  if (download->stream == NULL ||
      !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (download->message)) ||
      length > MAX_AVATAR_BYTES)
    {
      g_debug ("No avatar: %s", error != NULL ? error->message : "unusable answer");
      avatar_download_free (download);
      return;
    }

  g_input_stream_read_bytes_async (download->stream, 64 * 1024, G_PRIORITY_LOW, download->cancellable,
                                   avatar_read_cb, download);
}

/* Downloaded once, then read from $XDG_CACHE_HOME/lanyard/avatars;
 * initials meanwhile and whenever there is no picture. */
static void
load_avatar (LanyardAccountRow *self,
             const char        *url)
{
  g_autofree char *path = NULL;
  AvatarDownload  *download;

  if (g_strcmp0 (url, self->avatar_url) == 0)
    return;

  g_cancellable_cancel (self->avatar_cancellable);
  g_clear_object (&self->avatar_cancellable);
  g_free (self->avatar_url);
  self->avatar_url = url != NULL && url[0] != '\0' ? g_strdup (url) : NULL;
  adw_avatar_set_custom_image (ADW_AVATAR (self->avatar), NULL);

  if (self->avatar_url == NULL ||
      !(g_str_has_prefix (self->avatar_url, "https://") || g_str_has_prefix (self->avatar_url, "http://")))
    return;

  path = avatar_cache_path (self->avatar_url);
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      show_avatar_file (self, path);
      return;
    }

  download = g_new0 (AvatarDownload, 1);
  download->message = soup_message_new (SOUP_METHOD_GET, self->avatar_url);
  if (download->message == NULL)
    {
      g_free (download);
      return;
    }
  self->avatar_cancellable = g_cancellable_new ();
  download->row = g_object_ref (self);
  download->url = g_strdup (self->avatar_url);
  download->buffer = g_byte_array_new ();
  download->cancellable = g_object_ref (self->avatar_cancellable);
  soup_session_send_async (avatar_session (), download->message, G_PRIORITY_LOW, download->cancellable,
                           avatar_sent_cb, download);
}

/**
 * lanyard_account_row_get_name:
 *
 * Returns: what the person is called here: the display name, else the user
 *   name, else the provider's account id
 */
const char *
lanyard_account_row_get_name (LanyardDBusAccount *account)
{
  return nonempty (lanyard_dbus_account_get_display_name (account),
                   nonempty (lanyard_dbus_account_get_username (account), lanyard_dbus_account_get_account_id (account)));
}

static void
update (LanyardAccountRow *self)
{
  LanyardDBusAccount *account = self->account;
  const char         *username = lanyard_dbus_account_get_username (account);
  const char         *name = lanyard_account_row_get_name (account);
  const char         *email = lanyard_dbus_account_get_email (account);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  gboolean attention = lanyard_dbus_account_get_needs_attention (account);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name);
  adw_avatar_set_text (ADW_AVATAR (self->avatar), name);
  load_avatar (self, lanyard_dbus_account_get_avatar_url (account));

  if (username != NULL && username[0] != '\0' && g_strcmp0 (username, name) != 0)
    g_string_append (subtitle, username);
  g_string_append_printf (subtitle, "%s%s", subtitle->len > 0 ? " · " : "", self->provider_name);
  if (email != NULL && email[0] != '\0' && g_strcmp0 (email, username) != 0)
    g_string_append_printf (subtitle, " · %s", email);

  /* The reason in the row itself, on a line of its own, where it can be
   * read and acted on. */
  if (attention)
    {
      g_autofree char *reason = lanyard_text_without_protocol_codes (lanyard_dbus_account_get_attention_reason (account));

      g_string_append_printf (subtitle, "\n%s", nonempty (reason, _ ("Sign in again to keep using this account.")));
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle->str);

  gtk_widget_set_visible (self->sign_in_button, attention);
  gtk_widget_set_visible (self->primary_tag, self->current);
  gtk_widget_set_visible (self->identity_only_tag, lanyard_dbus_account_get_identity_only (account));
}

static void
lanyard_account_row_dispose (GObject *object)
{
  LanyardAccountRow *self = LANYARD_ACCOUNT_ROW (object);

  g_cancellable_cancel (self->avatar_cancellable);
  g_clear_object (&self->avatar_cancellable);
  g_clear_object (&self->account);
  g_clear_pointer (&self->provider_name, g_free);
  g_clear_pointer (&self->avatar_url, g_free);

  G_OBJECT_CLASS (lanyard_account_row_parent_class)->dispose (object);
}

static void
lanyard_account_row_class_init (LanyardAccountRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = lanyard_account_row_dispose;
}

static void
lanyard_account_row_init (LanyardAccountRow *self)
{
  GtkWidget *chevron;

  /* Title and subtitle are what the provider calls the account: text, not
   * Pango markup (AdwPreferencesRow's default), which could restyle the
   * window or, unparseable, leave the row blank. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), TRUE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self), 0);

  self->avatar = adw_avatar_new (40, NULL, TRUE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (self), self->avatar);

  self->sign_in_button = gtk_button_new_with_mnemonic (_ ("Sign _In…"));
  gtk_widget_set_valign (self->sign_in_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->sign_in_button, "suggested-action");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sign_in_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Sign In Again"), -1);
  gtk_widget_set_visible (self->sign_in_button, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), self->sign_in_button);

  /* A tag, not a star: a star looks like a toggle, and this is a fact the
   * daemon states (CurrentIdentity), changed on the account's page. */
  self->primary_tag = gtk_label_new (_ ("Primary"));
  gtk_widget_set_valign (self->primary_tag, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->primary_tag, "tag");
  gtk_widget_set_tooltip_text (self->primary_tag, _ ("The account your apps see as you"));
  gtk_widget_set_visible (self->primary_tag, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), self->primary_tag);

  /* Linked with store_tokens=false: apps learn who you are, never act as
   * you; said where the person looks, as "Primary" is. */
  self->identity_only_tag = gtk_label_new (_ ("Identity Only"));
  gtk_widget_set_valign (self->identity_only_tag, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->identity_only_tag, "tag");
  gtk_widget_set_tooltip_text (self->identity_only_tag, _ ("Apps can see who you are, but Lanyard keeps no token to act as you"));
  gtk_widget_set_visible (self->identity_only_tag, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), self->identity_only_tag);

  chevron = g_object_new (GTK_TYPE_IMAGE, "icon-name", "go-next-symbolic", "accessible-role",
                          GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), chevron);
}

/**
 * lanyard_account_row_new:
 * @provider_name: the provider's display name
 */
GtkWidget *
lanyard_account_row_new (LanyardDBusAccount *account,
                         const char         *provider_name)
{
  LanyardAccountRow *self = g_object_new (LANYARD_TYPE_ACCOUNT_ROW, NULL);

  self->account = g_object_ref (account);
  self->provider_name = g_strdup (provider_name);
  /* Any property the daemon changes shows at once. */
  g_signal_connect_object (account, "g-properties-changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  /* The target before the name: the action takes a path. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->sign_in_button), "s",
                                    g_dbus_proxy_get_object_path (G_DBUS_PROXY (account)));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->sign_in_button), "win.sign-in-again");
  update (self);

  return GTK_WIDGET (self);
}

LanyardDBusAccount *
lanyard_account_row_get_account (LanyardAccountRow *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_ROW (self), NULL);
  return self->account;
}

const char *
lanyard_account_row_get_path (LanyardAccountRow *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_ROW (self), NULL);
  return g_dbus_proxy_get_object_path (G_DBUS_PROXY (self->account));
}

static gboolean
unhighlight_cb (gpointer user_data)
{
  gtk_widget_remove_css_class (GTK_WIDGET (user_data), "highlighted");
  return G_SOURCE_REMOVE;
}

/**
 * lanyard_account_row_highlight:
 *
 * Draws the eye to a just-linked account for a few seconds.
 */
void
lanyard_account_row_highlight (LanyardAccountRow *self)
{
  g_return_if_fail (LANYARD_IS_ACCOUNT_ROW (self));

  gtk_widget_add_css_class (GTK_WIDGET (self), "highlighted");
  gtk_widget_grab_focus (GTK_WIDGET (self));
  g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 3, unhighlight_cb, g_object_ref (self), g_object_unref);
}

/**
 * lanyard_account_row_set_current:
 * @current: whether the daemon's CurrentIdentity is this account
 */
void
lanyard_account_row_set_current (LanyardAccountRow *self,
                                 gboolean           current)
{
  g_return_if_fail (LANYARD_IS_ACCOUNT_ROW (self));

  self->current = !!current;
  gtk_widget_set_visible (self->primary_tag, self->current);
}

gboolean
lanyard_account_row_get_current (LanyardAccountRow *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_ROW (self), FALSE);
  return self->current;
}

/**
 * lanyard_account_row_get_primary_tag:
 *
 * Returns: (transfer none): the "Primary" tag, shown on the current identity
 */
GtkWidget *
lanyard_account_row_get_primary_tag (LanyardAccountRow *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_ROW (self), NULL);
  return self->primary_tag;
}

/**
 * lanyard_account_row_get_identity_only_tag:
 *
 * Returns: (transfer none): the "Identity Only" tag, shown on accounts
 *   linked with store_tokens=false
 */
GtkWidget *
lanyard_account_row_get_identity_only_tag (LanyardAccountRow *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_ROW (self), NULL);
  return self->identity_only_tag;
}

/**
 * lanyard_account_row_get_sign_in_button:
 *
 * Returns: (transfer none): the Sign In… button, shown when the account
 *   needs attention
 */
GtkWidget *
lanyard_account_row_get_sign_in_button (LanyardAccountRow *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_ROW (self), NULL);
  return self->sign_in_button;
}

const char *
lanyard_account_row_get_provider_name (LanyardAccountRow *self)
{
  g_return_val_if_fail (LANYARD_IS_ACCOUNT_ROW (self), NULL);
  return self->provider_name;
}
