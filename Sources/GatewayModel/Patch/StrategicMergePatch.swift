/// Strategic merge patch (`application/strategic-merge-patch+json`), as kubectl sends it and
/// as Kubernetes' `apimachinery/pkg/util/strategicpatch` applies it.
///
/// Maps merge as in JSON merge patch; lists declared with a merge key merge element by element;
/// other lists are replaced. Directives: `$patch: replace|delete|merge` in maps and list
/// elements, `$retainKeys`, `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`.
///
/// Deliberate differences from Kubernetes, where its behaviour is an accident:
/// - `$patch: delete` in a nested map removes the member (as the design document says) rather
///   than leaving `{}`;
/// - `$patch: merge` is accepted in a map (a no-op) and, as a list element, asks for a merge of
///   a list that would otherwise be replaced;
/// - directives in values that have no counterpart in the target are applied to an empty
///   value instead of being stored verbatim, so no `$patch` key ever reaches storage.
public enum StrategicMergePatch {
    static let directiveMarker = "$patch"
    static let retainKeysDirective = "$retainKeys"
    static let deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/"
    static let setElementOrderPrefix = "$setElementOrder/"

    /// Whether Kubernetes accepts strategic merge patches for `kind` (built-in kinds only; for
    /// custom resources it answers 415 and kubectl falls back to a merge patch).
    public static func isSupported(for kind: ResourceKind) -> Bool {
        kind.group.isEmpty || kind.group == "discovery.k8s.io"
    }

    /// Applies `patch` to `target`, an object of `kind`.
    public static func apply(_ patch: JSONValue, to target: JSONValue, kind: ResourceKind) throws(PatchError) -> JSONValue {
        try apply(patch, to: target, schema: StrategicPatchField.schema(for: kind))
    }

    /// Applies `patch` to `target` with an explicit field schema.
    public static func apply(_ patch: JSONValue, to target: JSONValue, schema: StrategicPatchField) throws(PatchError) -> JSONValue {
        guard case .object(let patchMembers) = patch else {
            throw PatchError(.malformedPatch, "a strategic merge patch must be a JSON object, got \(patch.typeName)")
        }
        let original = target.objectValue ?? [:]
        let merger = StrategicMerger()
        return .object(try merger.mergeObject(original, patchMembers, schema: schema, path: "") ?? [:])
    }
}

/// The recursive merge. Keys are visited in sorted order so that errors and results are
/// deterministic.
struct StrategicMerger {
    typealias Members = [String: JSONValue]

    /// Merges a patch map into an original map; nil means the map is deleted (`$patch: delete`).
    func mergeObject(_ original: Members, _ patch: Members, schema: StrategicPatchField?, path: String) throws(PatchError) -> Members? {
        var patch = patch
        if let directive = patch.removeValue(forKey: StrategicMergePatch.directiveMarker) {
            switch directive.stringValue {
            case "replace": return try mergeObject([:], patch, schema: schema, path: path)
            case "delete": return nil
            case "merge": break
            default:
                throw PatchError(.malformedPatch, "\(at(path))unknown patch type \(JSONSerializer.string(directive)) in map (supported: replace, delete, merge)")
            }
        }
        var result = original
        if let retain = patch.removeValue(forKey: StrategicMergePatch.retainKeysDirective) {
            try applyRetainKeys(retain, patch: patch, to: &result, path: path)
        }
        var handled: Set<String> = []
        for key in patch.keys.sorted() where key.hasPrefix(StrategicMergePatch.setElementOrderPrefix) {
            let field = String(key.dropFirst(StrategicMergePatch.setElementOrderPrefix.count))
            try applySetElementOrder(patch[key] ?? .null, field: field, patch: patch, to: &result, schema: schema, path: path)
            handled.insert(key)
            handled.insert(field)
        }
        for key in patch.keys.sorted() where key.hasPrefix(StrategicMergePatch.deleteFromPrimitiveListPrefix) {
            let field = String(key.dropFirst(StrategicMergePatch.deleteFromPrimitiveListPrefix.count))
            guard case .array(let toDelete) = patch[key] ?? .null else {
                throw PatchError(.malformedPatch, "\(at(join(path, key)))must be a list of primitives to delete")
            }
            if case .array(let current) = result[field] ?? .null {
                result[field] = .array(current.filter { value in !toDelete.contains { JSONEquality.equal($0, value) } })
            }
            handled.insert(key)
        }
        for key in patch.keys.sorted() where !handled.contains(key) {
            guard let patchValue = patch[key] else { continue }
            let childPath = join(path, key)
            if patchValue.isNull {
                result.removeValue(forKey: key)
                continue
            }
            let merged = try mergeValue(result[key], patchValue, schema: schema?.field(key), path: childPath)
            result[key] = merged
        }
        return result
    }

    /// Merges one member value; nil removes the member.
    func mergeValue(_ original: JSONValue?, _ patch: JSONValue, schema: StrategicPatchField?, path: String) throws(PatchError) -> JSONValue? {
        switch (original, patch) {
        case (.object(let before)?, .object(let changes)):
            if schema == .replace { return try mergeObject([:], changes, schema: nil, path: path).map(JSONValue.object) }
            return try mergeObject(before, changes, schema: schema, path: path).map(JSONValue.object)
        case (.array(let before)?, .array(let changes)):
            return .array(try mergeList(before, changes, schema: schema, path: path))
        case (_, .object(let changes)):
            return try mergeObject([:], changes, schema: schema, path: path).map(JSONValue.object)
        case (_, .array(let changes)):
            return .array(try mergeList([], changes, schema: schema, path: path))
        default:
            return patch
        }
    }

    /// Merges a patch list into an original list according to the field's strategy.
    func mergeList(_ original: [JSONValue], _ patch: [JSONValue], schema: StrategicPatchField?, path: String) throws(PatchError) -> [JSONValue] {
        var mergeKey: String?
        var isMerge = false
        if case .mergeList(let key, _)? = schema {
            mergeKey = key
            isMerge = true
        }
        let elementSchema: StrategicPatchField? = if case .mergeList(_, let element)? = schema { element } else { nil }
        var items: [JSONValue] = []
        var replaceWhole = false
        var toDelete: [JSONValue] = []
        for (position, element) in patch.enumerated() {
            guard case .object(let members) = element, let directive = members[StrategicMergePatch.directiveMarker] else {
                items.append(element)
                continue
            }
            switch directive.stringValue {
            case "replace":
                replaceWhole = true
            case "merge":
                isMerge = true
            case "delete":
                guard let mergeKey, let keyValue = members[mergeKey] else {
                    throw PatchError(.malformedPatch, "\(at("\(path)[\(position)]"))a $patch: delete element needs the merge key\(mergeKey.map { " \"\($0)\"" } ?? " (this list has none)")")
                }
                toDelete.append(keyValue)
            default:
                throw PatchError(.malformedPatch, "\(at("\(path)[\(position)]"))unknown patch type \(JSONSerializer.string(directive)) in list (supported: replace, delete, merge)")
            }
        }
        if replaceWhole || !isMerge {
            var replaced: [JSONValue] = []
            for (position, element) in items.enumerated() {
                if let value = try fresh(element, schema: elementSchema, path: "\(path)[\(position)]") { replaced.append(value) }
            }
            return replaced
        }
        let isPrimitiveList = (original + items).allSatisfy { $0.objectValue == nil }
        if isPrimitiveList {
            var merged = original
            for item in items where !merged.contains(where: { JSONEquality.equal($0, item) }) { merged.append(item) }
            return ListOrder.normalize(merged: merged, patchOrder: items, serverOrder: original, key: nil)
        }
        guard let mergeKey else {
            throw PatchError(.invalidTarget, "\(at(path))cannot merge a list of objects without a merge key")
        }
        var base = original.filter { element in
            guard let value = element[mergeKey] else { return true }
            return !toDelete.contains { JSONEquality.equal($0, value) }
        }
        let serverOrder = base
        for (position, item) in items.enumerated() {
            let itemPath = "\(path)[\(position)]"
            guard case .object(let members) = item else {
                throw PatchError(.malformedPatch, "\(at(itemPath))elements of this list must be objects")
            }
            guard let keyValue = members[mergeKey] else {
                throw PatchError(.malformedPatch, "\(at(itemPath))element does not contain the declared merge key \"\(mergeKey)\"")
            }
            if let index = base.firstIndex(where: { $0[mergeKey].map { JSONEquality.equal($0, keyValue) } ?? false }),
                case .object(let existing) = base[index]
            {
                base[index] = .object(try mergeObject(existing, members, schema: elementSchema, path: itemPath) ?? [:])
            } else if let added = try fresh(item, schema: elementSchema, path: itemPath) {
                base.append(added)
            }
        }
        return ListOrder.normalize(merged: base, patchOrder: items, serverOrder: serverOrder, key: mergeKey)
    }

    /// A patch value that has no counterpart in the target, with its directives applied.
    func fresh(_ value: JSONValue, schema: StrategicPatchField?, path: String) throws(PatchError) -> JSONValue? {
        switch value {
        case .object(let members): return try mergeObject([:], members, schema: schema, path: path).map(JSONValue.object)
        case .array(let elements): return .array(try mergeList([], elements, schema: schema, path: path))
        default: return value
        }
    }

    private func applyRetainKeys(_ retain: JSONValue, patch: Members, to result: inout Members, path: String) throws(PatchError) {
        guard case .array(let list) = retain else {
            throw PatchError(.malformedPatch, "\(at(join(path, StrategicMergePatch.retainKeysDirective)))must be a list of field names")
        }
        let retained = Set(list.compactMap(\.stringValue))
        for key in patch.keys.sorted() {
            guard let value = patch[key], !value.isNull, !key.hasPrefix("$") else { continue }
            if !retained.contains(key) {
                throw PatchError(.malformedPatch, "\(at(path))field \"\(key)\" is in the patch but not in $retainKeys")
            }
        }
        for key in result.keys where !retained.contains(key) { result.removeValue(forKey: key) }
    }

    private func applySetElementOrder(
        _ order: JSONValue, field: String, patch: Members, to result: inout Members, schema: StrategicPatchField?, path: String
    ) throws(PatchError) {
        let fieldPath = join(path, field)
        guard case .array(let orderList) = order else {
            throw PatchError(.malformedPatch, "\(at(join(path, StrategicMergePatch.setElementOrderPrefix + field)))must be a list")
        }
        let fieldSchema = schema?.field(field)
        let mergeKey: String? = if case .mergeList(let key, _)? = fieldSchema { key } else { nil }
        let originalList = result[field]?.arrayValue
        let patchList = patch[field]?.arrayValue
        if patch[field] != nil && patchList == nil {
            throw PatchError(.malformedPatch, "\(at(fieldPath))must be a list when $setElementOrder/\(field) is given")
        }
        try ListOrder.validate(patch: patchList ?? [], against: orderList, key: mergeKey, path: fieldPath)
        let merged: [JSONValue]
        switch (originalList, patchList) {
        case (let before?, let changes?): merged = try mergeList(before, changes, schema: fieldSchema, path: fieldPath)
        case (nil, let changes?): merged = try mergeList([], changes, schema: fieldSchema, path: fieldPath)
        case (let before?, nil): merged = before
        case (nil, nil): return
        }
        result[field] = .array(ListOrder.normalize(merged: merged, patchOrder: orderList, serverOrder: originalList ?? [], key: mergeKey))
    }

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func at(_ path: String) -> String { path.isEmpty ? "" : "\(path): " }
}
