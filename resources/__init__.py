"""Files shipped with the console: themes, translations, icons (read via console.paths)."""
