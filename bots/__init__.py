"""The browser side: launching Chromium, the request guard, and page objects that navigate and
return HTML. Nothing here parses a page or decides anything."""
