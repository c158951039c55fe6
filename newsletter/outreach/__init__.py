"""Outreach to candidates and party leaders (call to action 1): the pleidooi by email, their answers to the request
for a dialogue, reminders, the per-party overview for editors and the public progress counts.

It rides on the newsletter pipeline: candidates and party leaders are audiences whose email templates are
`candidate` and `party_leader`; what differs per person (name, party, list place, answer links) is personalisation.
"""
