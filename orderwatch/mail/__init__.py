"""Judging a saved order mail without opening its links.

read.py     bytes → MailFacts (headers, bodies, links, order numbers); bad input is a UsageError
sender.py   who really sent it: From / Reply-To / Return-Path and the topmost Authentication-Results
links.py    where each link really goes: redirect wrappers unwrapped, registrable domain, look-alikes
verdict.py  genuine / phishing / suspicious, per-order results and advice (pure)
"""
