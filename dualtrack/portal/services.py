"""What the portal (总览) offers other apps: nothing of its own yet; the command picture lives with the
resumption map (``resumption.services.picture``), so that no app depends on the portal."""
