"""`distillm check`: what a build cannot tell, checked on a built copy of the site."""
