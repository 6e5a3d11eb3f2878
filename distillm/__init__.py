"""distillm: a static site generator for curated link-digest blogs."""

__version__ = "0.1.0"
