enum PlaceholderMLMShards {}
