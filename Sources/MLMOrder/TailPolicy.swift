/// What happens to an epoch's last step when fewer than `R × B` sequences are left for it (`--tail`).
///
/// Either way every rank gets the same number of batches of exactly `B` rows (a rank with one batch more
/// hangs the collective calls), and no real sequence appears twice in an epoch.
public enum TailPolicy: String, Hashable, Sendable, CaseIterable {
    /// The partial step is not written; its sequences wait for the next epoch's (different) order.
    case drop
    /// The partial step is written, filled up with loss-free rows (`attention_mask` 0, `labels` −100).
    case pad
}
