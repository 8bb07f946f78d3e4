/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The caller model and the policy table, in-process: who a set of bus
 * credentials is (against a made-up /proc), and that every method and
 * property of every interface has a row. The policy on a real bus, from
 * real sandboxes, is tests/test-daemon-policy.c. */

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "lanyard-caller.h"
#include "lanyard-dbus-generated.h"
#include "lanyard-error.h"
#include "lanyard-policy.h"

static char *proc;

static LanyardCaller *
caller_for (guint32     uid,
            guint32     pid,
            const char *label)
{
  GVariantDict dict;
  g_autoptr(GVariant) credentials = NULL;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "UnixUserID", "u", uid);
  if (pid != 0)
    g_variant_dict_insert (&dict, "ProcessID", "u", pid);
  if (label != NULL)
    g_variant_dict_insert_value (&dict, "LinuxSecurityLabel", g_variant_new_bytestring (label));
  credentials = g_variant_ref_sink (g_variant_dict_end (&dict));
  return lanyard_caller_new_from_credentials (":1.42", credentials, NULL, proc, 1000);
}

static void
make_root (guint32     pid,
           const char *flatpak_info)
{
  g_autofree char *dir = g_strdup_printf ("%s/%u/root", proc, pid);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  if (flatpak_info != NULL)
    {
      g_autofree char *info = g_build_filename (dir, ".flatpak-info", NULL);
      g_assert_true (g_file_set_contents (info, flatpak_info, -1, NULL));
    }
}

static void
test_caller_kinds (void)
{
  g_autoptr(LanyardCaller) host = NULL;
  g_autoptr(LanyardCaller) flatpak = NULL;
  g_autoptr(LanyardCaller) no_app_id = NULL;
  g_autoptr(LanyardCaller) snap = NULL;
  g_autoptr(LanyardCaller) hook = NULL;
  g_autoptr(LanyardCaller) other = NULL;
  g_autoptr(LanyardCaller) gone = NULL;
  g_autoptr(LanyardCaller) no_pid = NULL;
  g_autoptr(LanyardCaller) unconfined = NULL;

  make_root (100, NULL);
  make_root (200, "[Application]\nname=org.example.App\nruntime=runtime/org.gnome.Platform/x86_64/46\n");
  make_root (201, "[Application]\nname=not an app id\n");

  host = caller_for (1000, 100, NULL);
  g_assert_cmpint (lanyard_caller_get_kind (host), ==, LANYARD_CALLER_HOST);
  g_assert_false (lanyard_caller_is_sandboxed (host));

  flatpak = caller_for (1000, 200, NULL);
  g_assert_cmpint (lanyard_caller_get_kind (flatpak), ==, LANYARD_CALLER_FLATPAK);
  g_assert_cmpstr (lanyard_caller_get_app_id (flatpak), ==, "org.example.App");
  g_assert_true (lanyard_caller_is_sandboxed (flatpak));

  /* A Flatpak all the same, whose name is not believed. */
  no_app_id = caller_for (1000, 201, NULL);
  g_assert_cmpint (lanyard_caller_get_kind (no_app_id), ==, LANYARD_CALLER_FLATPAK);
  g_assert_null (lanyard_caller_get_app_id (no_app_id));

  snap = caller_for (1000, 100, "snap.firefox.firefox (enforce)");
  g_assert_cmpint (lanyard_caller_get_kind (snap), ==, LANYARD_CALLER_SNAP);
  g_assert_cmpstr (lanyard_caller_get_app_id (snap), ==, "firefox");
  hook = caller_for (1000, 100, "snap.my-app.hook.configure (complain)");
  g_assert_cmpstr (lanyard_caller_get_app_id (hook), ==, "my-app");
  unconfined = caller_for (1000, 100, "unconfined");
  g_assert_cmpint (lanyard_caller_get_kind (unconfined), ==, LANYARD_CALLER_HOST);

  other = caller_for (0, 100, NULL);
  g_assert_cmpint (lanyard_caller_get_kind (other), ==, LANYARD_CALLER_OTHER_USER);

  /* Gone, or not to be looked at: sandboxed, with no app id. */
  gone = caller_for (1000, 300, NULL);
  g_assert_cmpint (lanyard_caller_get_kind (gone), ==, LANYARD_CALLER_UNKNOWN);
  g_assert_true (lanyard_caller_is_sandboxed (gone));
  no_pid = caller_for (1000, 0, NULL);
  g_assert_cmpint (lanyard_caller_get_kind (no_pid), ==, LANYARD_CALLER_UNKNOWN);
}

/* This very process, through the real /proc. */
static void
test_caller_self (void)
{
  GVariantDict dict;
  g_autoptr(GVariant) credentials = NULL;
  g_autoptr(LanyardCaller) self = NULL;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "UnixUserID", "u", (guint32) getuid ());
  g_variant_dict_insert (&dict, "ProcessID", "u", (guint32) getpid ());
  credentials = g_variant_ref_sink (g_variant_dict_end (&dict));
  self = lanyard_caller_new_from_credentials (":1.1", credentials, NULL, "/proc", getuid ());
  g_assert_cmpint (lanyard_caller_get_kind (self), ==, LANYARD_CALLER_HOST);
}

static void
assert_every_member_has_a_row (GDBusInterfaceInfo *info)
{
  for (guint i = 0; info->methods != NULL && info->methods[i] != NULL; i++)
    if (lanyard_policy_lookup (info->name, LANYARD_POLICY_METHOD, info->methods[i]->name) == NULL)
      g_error ("%s.%s (a method) has no row in the policy table", info->name, info->methods[i]->name);
  for (guint i = 0; info->properties != NULL && info->properties[i] != NULL; i++)
    if (lanyard_policy_lookup (info->name, LANYARD_POLICY_PROPERTY, info->properties[i]->name) == NULL)
      g_error ("%s.%s (a property) has no row in the policy table", info->name, info->properties[i]->name);
}

/* Every member of every interface, from the generated introspection data;
 * and no row for a member that does not exist. */
static void
test_table_is_complete (void)
{
  GDBusInterfaceInfo *interfaces[] = {
    lanyard_dbus_manager_interface_info (),
    lanyard_dbus_account_interface_info (),
    lanyard_dbus_flow_interface_info (),
  };
  guint                    n_rules;
  const LanyardPolicyRule *rules = lanyard_policy_get_rules (&n_rules);

  for (guint i = 0; i < G_N_ELEMENTS (interfaces); i++)
    assert_every_member_has_a_row (interfaces[i]);

  for (guint r = 0; r < n_rules; r++)
    {
      gboolean found = g_str_equal (rules[r].interface, "org.freedesktop.DBus.ObjectManager") &&
        g_str_equal (rules[r].member, "GetManagedObjects");

      for (guint i = 0; !found && i < G_N_ELEMENTS (interfaces); i++)
        if (g_str_equal (interfaces[i]->name, rules[r].interface))
          found = rules[r].kind == LANYARD_POLICY_METHOD
            ? g_dbus_interface_info_lookup_method (interfaces[i], rules[r].member) != NULL
            : g_dbus_interface_info_lookup_property (interfaces[i], rules[r].member) != NULL;
      if (!found)
        g_error ("The row %s.%s names nothing the daemon serves", rules[r].interface, rules[r].member);
    }
}

static void
test_decisions (void)
{
  g_autoptr(LanyardCaller) host = caller_for (1000, 100, NULL);
  g_autoptr(LanyardCaller) flatpak = caller_for (1000, 200, NULL);
  g_autoptr(LanyardCaller) other = caller_for (0, 100, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (lanyard_policy_allows (flatpak, "io.github.lanyard.Manager", LANYARD_POLICY_METHOD, "GetCurrentIdentity", NULL, NULL));
  g_assert_false (lanyard_policy_allows (flatpak, "io.github.lanyard.Manager", LANYARD_POLICY_METHOD, "StartFlow", NULL, &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "org.example.App"));
  g_clear_error (&error);

  /* Tokens: through to the handler, which asks for consent. */
  g_assert_true (lanyard_policy_allows (flatpak, "io.github.lanyard.Account", LANYARD_POLICY_METHOD, "GetAccessToken", NULL, NULL));
  g_assert_false (lanyard_policy_allows (flatpak, "io.github.lanyard.Account", LANYARD_POLICY_METHOD, "SetAppAccess", NULL, &error));
  g_assert_nonnull (strstr (error->message, "org.example.App"));
  g_clear_error (&error);
  g_assert_false (lanyard_policy_allows (other, "io.github.lanyard.Account", LANYARD_POLICY_METHOD, "GetAccessToken", NULL, &error));
  g_assert_nonnull (strstr (error->message, "another user"));
  g_clear_error (&error);

  g_assert_false (lanyard_policy_allows (other, "io.github.lanyard.Manager", LANYARD_POLICY_PROPERTY, "CurrentIdentity", NULL, &error));
  g_assert_nonnull (strstr (error->message, "another user"));
  g_clear_error (&error);

  /* A sign-in: its starter only. */
  g_assert_true (lanyard_policy_allows (host, "io.github.lanyard.Flow", LANYARD_POLICY_PROPERTY, "AuthorizeUrl", ":1.42", NULL));
  g_assert_false (lanyard_policy_allows (host, "io.github.lanyard.Flow", LANYARD_POLICY_PROPERTY, "AuthorizeUrl", ":1.7", NULL));

  /* No row: refused. */
  g_assert_false (lanyard_policy_allows (host, "io.github.lanyard.Manager", LANYARD_POLICY_METHOD, "Frobnicate", NULL, &error));
  g_assert_error (error, LANYARD_ERROR, LANYARD_ERROR_PERMISSION_DENIED);
}

static void
test_arguments (void)
{
  g_autofree char *long_string = g_strnfill (LANYARD_POLICY_MAX_STRING_LENGTH + 1, 'x');
  g_autoptr(GVariant) fine = g_variant_ref_sink (g_variant_new ("(s)", "github:583231"));
  g_autoptr(GVariant) too_long = g_variant_ref_sink (g_variant_new ("(s)", long_string));
  g_autoptr(GVariantBuilder) options = g_variant_builder_new (G_VARIANT_TYPE ("a{sv}"));
  g_autoptr(GVariant) nested = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_builder_add (options, "{sv}", "hint", g_variant_new_string (long_string));
  nested = g_variant_ref_sink (g_variant_new ("(sa{sv})", "work", options));

  g_assert_true (lanyard_policy_check_arguments (fine, NULL));
  g_assert_false (lanyard_policy_check_arguments (too_long, &error));
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_assert_null (strstr (error->message, "xxxx"));
  g_clear_error (&error);
  g_assert_false (lanyard_policy_check_arguments (nested, &error));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  int              status;

  g_test_init (&argc, &argv, NULL);
  proc = g_dir_make_tmp ("lanyard-proc-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/Lanyard/AccessPolicy/caller-kinds", test_caller_kinds);
  g_test_add_func ("/Lanyard/AccessPolicy/caller-self", test_caller_self);
  g_test_add_func ("/Lanyard/AccessPolicy/table-is-complete", test_table_is_complete);
  g_test_add_func ("/Lanyard/AccessPolicy/decisions", test_decisions);
  g_test_add_func ("/Lanyard/AccessPolicy/arguments", test_arguments);
  status = g_test_run ();

  command = g_strdup_printf ("rm -rf '%s'", proc);
  g_assert_cmpint (system (command), ==, 0);
  g_free (proc);
  return status;
}
