"""PAVE's cross-app journeys: browser tests that follow people through the programme.

Each journey drives Debian's Chromium (Playwright) through the pages one role uses — a
screening officer at a detention centre, a case worker, a partner's focal point, a case
manager, the M&E officer, a donor and an outsider — in English and in Arabic, checks every
page it visits with axe-core and keeps screenshots of the key ones in test-artifacts/.
The package holds tests only (no models, views or URLs); the apps' own browser tests stay
with the apps.
"""
