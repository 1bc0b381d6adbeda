"""What runs Pelican or stands beside it: the build driver and dev server,
the command drivers (check, new, krutidev, share), the benchmark and the
quality tools. tasks.py only parses arguments and calls into here.
"""
