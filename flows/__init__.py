"""The flows: sign-in state machine (signin.py) and the check from capture to report (check.py)."""
