extension LabelSelector {
    /// `metav1.LabelSelector` semantics: every `matchLabels` pair and every expression must
    /// hold; an empty selector matches everything.
    public func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels ?? [:] where labels[key] != value {
            return false
        }
        for requirement in matchExpressions ?? [] where !requirement.isSatisfied(by: labels) {
            return false
        }
        return true
    }

    /// True when the selector selects nothing in particular (no labels, no expressions).
    public var isEmpty: Bool { (matchLabels ?? [:]).isEmpty && (matchExpressions ?? []).isEmpty }
}

extension LabelSelectorRequirement {
    /// Whether `labels` satisfy this requirement (an unknown operator never matches; admission
    /// refuses it).
    public func isSatisfied(by labels: [String: String]) -> Bool {
        let value = labels[key]
        let allowed = values ?? []
        switch `operator` {
        case "In": return value.map(allowed.contains) ?? false
        case "NotIn": return value.map { !allowed.contains($0) } ?? true
        case "Exists": return value != nil
        case "DoesNotExist": return value == nil
        default: return false
        }
    }
}
