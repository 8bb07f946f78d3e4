/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "lanyard-account-manager.h"
#include "lanyard-caller-tracker.h"
#include "lanyard-consent.h"
#include "lanyard-dbus-generated.h"

G_BEGIN_DECLS

#define LANYARD_DAEMON_ACCOUNTS_PATH "/io/github/lanyard/Lanyard/Accounts"

#define LANYARD_TYPE_BUS_ACCOUNT (lanyard_bus_account_get_type ())
G_DECLARE_FINAL_TYPE (LanyardBusAccount, lanyard_bus_account, LANYARD, BUS_ACCOUNT, LanyardDBusAccountSkeleton)

LanyardBusAccount *lanyard_bus_account_new (LanyardAccountManager *manager,
                                            LanyardAccount        *account,
                                            LanyardCallerTracker  *callers,
                                            LanyardConsent        *consent);
LanyardAccount    *lanyard_bus_account_get_account (LanyardBusAccount *self);
char              *lanyard_bus_account_path (LanyardAccount *account);

G_END_DECLS
