enum PlaceholderMLMTokenizer {}
