"""Two-step login for editors (django-otp): a code from an authenticator app (TOTP) or a one-time backup code.

Optional per editor: whoever turns it on in Account → Tweestapsverificatie reaches the admin only after entering a
code in each new session (`RequireVerifiedMiddleware`). A lost phone is solved with a backup code, or by a manager
with `manage.py two_factor_reset <username>`.
"""
