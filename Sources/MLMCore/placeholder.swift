public enum MLMCore {}
