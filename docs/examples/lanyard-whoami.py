#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""lanyard-whoami, in Python: who the user is in Lanyard, the linked
accounts, and an access token for one of them, of which it shows only the
length and the expiry (a token is a secret: never print or log it).

usage: lanyard-whoami.py [PROVIDER:ACCOUNT-ID]   (default: the current identity)

Needs PyGObject and liblanyard's typelib (Lanyard-1.typelib); see
docs/app-developers.md. The test suite runs it as lanyard-whoami.c, and
expects the same output."""

import sys

import gi

gi.require_version("Lanyard", "1")
from gi.repository import GLib, Lanyard  # noqa: E402


def main(argv):
    try:
        client = Lanyard.Client.get_default_sync(None)
    except GLib.Error as error:
        print(f"Lanyard is not available: {error.message}", file=sys.stderr)
        return 2

    me = client.props.current_identity
    if me is not None:
        print(f"Current identity: {me.props.key} ({me.props.username or '-'}, {me.props.display_name or '-'})")
    else:
        print("Current identity: none")

    accounts = client.props.accounts
    print(f"Linked accounts: {accounts.get_n_items()}")
    for i in range(accounts.get_n_items()):
        account = accounts.get_item(i)
        flags = (" primary" if account.props.primary else "") + (
            " needs-attention" if account.props.needs_attention else ""
        )
        print(f"  {account.props.key} {account.props.username or '-'} <{account.props.email or '-'}>{flags}")

    wanted = argv[1] if len(argv) > 1 else None
    chosen = client.find_account(wanted) if wanted else me
    if chosen is None:
        if wanted:
            print(f"No linked account {wanted}", file=sys.stderr)
            return 1
        return 0

    loop = GLib.MainLoop()
    status = 0

    def got_token(account, result):
        nonlocal status
        try:
            token, expires_at = account.get_access_token_finish(result)
        except GLib.Error as error:
            print(f"No token for {account.props.key}: {error.message}", file=sys.stderr)
            denied = error.matches(Lanyard.ClientError.quark(), Lanyard.ClientError.PERMISSION_DENIED)
            status = 3 if denied else 1
        else:
            when = (
                GLib.DateTime.new_from_unix_utc(expires_at).format_iso8601() if expires_at != 0 else "never"
            )
            print(f"Token for {account.props.key}: {len(token)} characters, expires {when}")
            del token
        loop.quit()

    chosen.get_access_token_async(None, got_token)
    loop.run()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
