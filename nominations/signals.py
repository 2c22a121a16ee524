"""Announced after a dossier's transition has committed. The notifications outbox (issue 6)
listens here, so that no message is ever queued for a change that was rolled back."""

import django.dispatch

nomination_transitioned = django.dispatch.Signal()
