/// JSON Merge Patch (RFC 7386): the `application/merge-patch+json` content type.
public enum JSONMergePatch {
    /// Applies `patch` to `target` as RFC 7386 section 2 defines it: an object patch merges
    /// member by member (`null` deletes a member), any other patch replaces the target.
    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result: [String: JSONValue]
        if case .object(let existing) = target { result = existing } else { result = [:] }
        for (key, value) in patchMembers {
            if value.isNull {
                result[key] = nil
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }

    /// The merge patch that turns `original` into `modified` (the inverse of `apply`):
    /// changed members, `null` for removed ones; arrays and scalars are replaced whole.
    public static func diff(from original: JSONValue, to modified: JSONValue) -> JSONValue {
        guard case .object(let before) = original, case .object(let after) = modified else { return modified }
        var patch: [String: JSONValue] = [:]
        for (key, value) in after where before[key] != value {
            if let old = before[key], case .object = old, case .object = value {
                patch[key] = diff(from: old, to: value)
            } else {
                patch[key] = value
            }
        }
        for key in before.keys where after[key] == nil { patch[key] = .null }
        return .object(patch)
    }
}
