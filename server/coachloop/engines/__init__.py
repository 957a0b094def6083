"""Model engines: resident models behind small interfaces."""
