import GatewayModel

/// `metav1.LabelSelector` semantics (see `LabelSelector.matches`).
enum LabelSelection {
    /// Whether `labels` satisfy `selector`.
    static func matches(_ selector: LabelSelector, labels: [String: String]) -> Bool {
        selector.matches(labels)
    }
}
