import GatewayModel

/// `metav1.LabelSelector` semantics: every `matchLabels` pair and every expression must hold;
/// an empty selector matches everything.
enum LabelSelection {
    /// Whether `labels` satisfy `selector`.
    static func matches(_ selector: LabelSelector, labels: [String: String]) -> Bool {
        for (key, value) in selector.matchLabels ?? [:] where labels[key] != value {
            return false
        }
        for requirement in selector.matchExpressions ?? [] where !satisfies(requirement, labels: labels) {
            return false
        }
        return true
    }

    private static func satisfies(_ requirement: LabelSelectorRequirement, labels: [String: String]) -> Bool {
        let value = labels[requirement.key]
        let values = requirement.values ?? []
        switch requirement.operator {
        case "In": return value.map(values.contains) ?? false
        case "NotIn": return value.map { !values.contains($0) } ?? true
        case "Exists": return value != nil
        case "DoesNotExist": return value == nil
        default: return false  // admission rejects other operators; never match on one
        }
    }
}
