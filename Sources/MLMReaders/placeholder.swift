enum PlaceholderMLMReaders {}
