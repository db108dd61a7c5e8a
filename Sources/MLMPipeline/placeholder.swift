enum PlaceholderMLMPipeline {}
