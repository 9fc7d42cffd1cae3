"""Command-line commands of hangang-console (no window): each module has main(argv) -> int."""
