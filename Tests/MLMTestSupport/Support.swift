public enum MLMTestSupport {}
