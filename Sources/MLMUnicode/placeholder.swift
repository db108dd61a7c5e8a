enum PlaceholderMLMUnicode {}
