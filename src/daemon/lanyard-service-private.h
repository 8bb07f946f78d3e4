/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* LanyardService is a star: lanyard-service.c is the main file, and each
 * satellite is hooked in once by its _init and uses only the main file's
 * struct and the public API of the other classes, never another
 * satellite. Today there is one: the accounts on the bus
 * (lanyard-service-accounts.c). */

#include "lanyard-account-manager.h"
#include "lanyard-attention-notifier.h"
#include "lanyard-caller-tracker.h"
#include "lanyard-consent.h"
#include "lanyard-manager-service.h"
#include "lanyard-service.h"

G_BEGIN_DECLS

struct _LanyardService
{
  GObject parent_instance;

  /* Owned references */
  LanyardAccountManager    *accounts;
  LanyardServerRegistrar   *servers; /* servers added by their address */
  GDBusObjectManagerServer *objects; /* the manager and one object per account */
  GDBusConnection          *connection; /* the rest: once on the bus */
  LanyardCallerTracker     *callers;
  LanyardManagerService    *manager;
  LanyardAttentionNotifier *notifier;
  LanyardConsent           *consent;
  char                     *usage_path; /* when sandboxed applications last got tokens */
};

void _lanyard_service_accounts_init (LanyardService *self);
void _lanyard_service_accounts_export (LanyardService *self);

G_END_DECLS
