/// The ordering rules of strategic merge patch lists (Kubernetes `normalizeElementOrder` and
/// `mergeSortedSlice`): items named by the patch (or `$setElementOrder`) follow that order,
/// items only on the server keep theirs, and the two are interleaved by the server's order.
enum ListOrder {
    /// The identity of an element: its merge key value, or the element itself for primitives.
    static func identity(_ element: JSONValue, key: String?) -> JSONValue? {
        guard let key else { return element }
        return element[key]
    }

    /// Position of `element` in `list` by identity, or nil.
    static func position(of element: JSONValue, in list: [JSONValue], key: String?) -> Int? {
        guard let wanted = identity(element, key: key) else { return nil }
        return list.firstIndex { candidate in identity(candidate, key: key).map { JSONEquality.equal($0, wanted) } ?? false }
    }

    /// Orders `merged`: elements present in `patchOrder` sorted by it, the others by
    /// `serverOrder`, then interleaved.
    static func normalize(merged: [JSONValue], patchOrder: [JSONValue], serverOrder: [JSONValue], key: String?) -> [JSONValue] {
        var patchItems: [JSONValue] = []
        var serverOnly: [JSONValue] = []
        for element in merged {
            if position(of: element, in: patchOrder, key: key) != nil { patchItems.append(element) } else { serverOnly.append(element) }
        }
        patchItems = stableSorted(patchItems, by: patchOrder, key: key)
        serverOnly = stableSorted(serverOnly, by: serverOrder, key: key)
        return interleave(serverOnly: serverOnly, patchItems: patchItems, serverOrder: serverOrder, key: key)
    }

    private static func stableSorted(_ items: [JSONValue], by order: [JSONValue], key: String?) -> [JSONValue] {
        items.enumerated()
            .map { (offset: $0.offset, rank: position(of: $0.element, in: order, key: key) ?? Int.max, element: $0.element) }
            .sorted { ($0.rank, $0.offset) < ($1.rank, $1.offset) }
            .map(\.element)
    }

    /// Kubernetes `mergeSortedSlice`: take the server-only item first only when both items
    /// are known to the server and it comes first there.
    private static func interleave(serverOnly: [JSONValue], patchItems: [JSONValue], serverOrder: [JSONValue], key: String?) -> [JSONValue] {
        var result: [JSONValue] = []
        var left = 0
        var right = 0
        while left < serverOnly.count && right < patchItems.count {
            if let leftRank = position(of: serverOnly[left], in: serverOrder, key: key),
                let rightRank = position(of: patchItems[right], in: serverOrder, key: key), leftRank < rightRank
            {
                result.append(serverOnly[left])
                left += 1
            } else {
                result.append(patchItems[right])
                right += 1
            }
        }
        return result + serverOnly[left...] + patchItems[right...]
    }

    /// Kubernetes `validatePatchWithSetOrderList`: the patch's elements (deletions aside) must
    /// appear in `$setElementOrder` and in the same relative order.
    static func validate(patch: [JSONValue], against order: [JSONValue], key: String?, path: String) throws(PatchError) {
        guard !patch.isEmpty, !order.isEmpty else { return }
        let ordinary = patch.filter { $0[StrategicMergePatch.directiveMarker] == nil }
        var patchIndex = 0
        var orderIndex = 0
        while patchIndex < ordinary.count && orderIndex < order.count {
            let patchIdentity = identity(ordinary[patchIndex], key: key)
            let orderIdentity = identity(order[orderIndex], key: key)
            if let patchIdentity, let orderIdentity, JSONEquality.equal(patchIdentity, orderIdentity) { patchIndex += 1 }
            orderIndex += 1
        }
        if patchIndex < ordinary.count {
            throw PatchError(.malformedPatch, "\(path): the order of the patch list does not match $setElementOrder/\(path.split(separator: ".").last.map(String.init) ?? path)")
        }
    }
}
