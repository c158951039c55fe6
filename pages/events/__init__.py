"""Events of activities: the meetups, the conference and the diabat, their calendars and their agenda.

`models` (District, EventPart, Event and the state calendars were last told), `series` (recurring series via
dateutil's rrule), `changes` (what changed, in the change list's words), `calendars` (RFC 5545 via `icalendar`),
`selectors` (reads in a fixed number of queries), `views` and `urls` (agenda/).
"""
