/// JSON Patch (RFC 6902): the `application/json-patch+json` content type.
public enum JSONPatch {
    /// Applies `operations` (a JSON array of operation objects) to `target`, in order.
    /// The whole patch fails if any operation fails; errors name the operation index and path,
    /// never a value of the target (a failed `test` does not say what it found).
    ///
    /// `copy` is the one operation that can grow a document beyond the size of the patch
    /// itself (each copy of a member into itself doubles it): the bytes all copies add are
    /// counted, and beyond `maximumSize` the patch fails with `tooLarge` before the copy is
    /// made, as Kubernetes bounds the accumulated copy size of JSON patches.
    public static func apply(
        _ operations: JSONValue, to target: JSONValue, maximumSize: Int = ObjectLimits.maximumObjectBytes
    ) throws(PatchError) -> JSONValue {
        guard case .array(let list) = operations else {
            throw PatchError(.malformedPatch, "a JSON patch must be an array of operations, got \(operations.typeName)")
        }
        guard list.count <= ObjectLimits.maximumPatchOperations else {
            throw PatchError(.tooLarge, "The allowed maximum operations in a JSON patch is \(ObjectLimits.maximumPatchOperations), got \(list.count)")
        }
        var document = target
        var copied = CopyBudget(limit: maximumSize)
        for (index, operation) in list.enumerated() {
            document = try applyOperation(operation, index: index, to: document, copied: &copied)
        }
        return document
    }

    /// The bytes `copy` operations have added so far, against the limit.
    struct CopyBudget {
        let limit: Int
        var used = 0

        /// Counts one copied value; fails once the copies add more than the limit.
        mutating func spend(_ value: JSONValue, _ context: OperationContext) throws(PatchError) {
            used += JSONSerializer.data(value).count
            if used > limit {
                throw context.error(.tooLarge, "the copies of this patch add \(used) bytes, more than the object size limit of \(limit) bytes")
            }
        }
    }

    private static func applyOperation(
        _ operation: JSONValue, index: Int, to document: JSONValue, copied: inout CopyBudget
    ) throws(PatchError) -> JSONValue {
        guard case .object(let members) = operation else {
            throw PatchError(.malformedPatch, "operation \(index): must be an object, got \(operation.typeName)")
        }
        guard let op = members["op"]?.stringValue else {
            throw PatchError(.malformedPatch, "operation \(index): missing string member \"op\"")
        }
        let context = OperationContext(index: index, op: op, path: members["path"]?.stringValue ?? "")
        guard let pathText = members["path"]?.stringValue else {
            throw context.error(.malformedPatch, "missing string member \"path\"")
        }
        let path = try context.pointer(pathText)
        switch op {
        case "add":
            return try add(try context.required(members, "value"), at: path, in: document, context)
        case "remove":
            return try remove(at: path, in: document, context)
        case "replace":
            let value = try context.required(members, "value")
            _ = try resolve(path, in: document, context)
            if path.tokens.isEmpty { return value }
            return try remove(at: path, in: document, context).applyingAdd(value, at: path, context)
        case "move":
            let from = try context.pointer(try context.fromText(members))
            if from == path { return document }
            if from.isProperPrefix(of: path) {
                throw context.error(.malformedPatch, "cannot move \"\(from)\" into one of its own children")
            }
            let value = try resolve(from, in: document, context)
            return try add(value, at: path, in: try remove(at: from, in: document, context), context)
        case "copy":
            let from = try context.pointer(try context.fromText(members))
            let value = try resolve(from, in: document, context)
            try copied.spend(value, context)
            return try add(value, at: path, in: document, context)
        case "test":
            let expected = try context.required(members, "value")
            let actual = try resolve(path, in: document, context)
            guard JSONEquality.equal(actual, expected) else {
                // Neither value is named: the target may hold data its reader may not see.
                throw context.error(.testFailed, "test failed: the value at \"\(path)\" is not the expected value")
            }
            return document
        default:
            throw context.error(.malformedPatch, "unsupported operation \"\(op)\" (supported: add, remove, replace, move, copy, test)")
        }
    }

    /// The value at `pointer`, or an error naming the operation.
    static func resolve(_ pointer: JSONPointer, in document: JSONValue, _ context: OperationContext) throws(PatchError) -> JSONValue {
        var current = document
        for (depth, token) in pointer.tokens.enumerated() {
            let here = JSONPointer(tokens: Array(pointer.tokens.prefix(depth + 1)))
            switch current {
            case .object(let members):
                guard let next = members[token] else { throw context.error(.pathNotFound, "no member at \"\(here)\"") }
                current = next
            case .array(let elements):
                guard let position = arrayIndex(token), position < elements.count else {
                    throw context.error(.pathNotFound, "no array element at \"\(here)\" (array has \(elements.count) elements)")
                }
                current = elements[position]
            default:
                throw context.error(.pathNotFound, "cannot descend into \(current.typeName) at \"\(here)\"")
            }
        }
        return current
    }

    private static func add(_ value: JSONValue, at pointer: JSONPointer, in document: JSONValue, _ context: OperationContext) throws(PatchError) -> JSONValue {
        try document.applyingAdd(value, at: pointer, context)
    }

    private static func remove(at pointer: JSONPointer, in document: JSONValue, _ context: OperationContext) throws(PatchError) -> JSONValue {
        guard let last = pointer.tokens.last else {
            throw context.error(.malformedPatch, "cannot remove the whole document")
        }
        let parentPointer = JSONPointer(tokens: Array(pointer.tokens.dropLast()))
        var parent = try resolve(parentPointer, in: document, context)
        switch parent {
        case .object(var members):
            guard members.removeValue(forKey: last) != nil else { throw context.error(.pathNotFound, "no member at \"\(pointer)\"") }
            parent = .object(members)
        case .array(var elements):
            guard let position = arrayIndex(last), position < elements.count else {
                throw context.error(.pathNotFound, "no array element at \"\(pointer)\" (array has \(elements.count) elements)")
            }
            elements.remove(at: position)
            parent = .array(elements)
        default:
            throw context.error(.pathNotFound, "cannot remove from \(parent.typeName) at \"\(parentPointer)\"")
        }
        return document.replacing(at: parentPointer.tokens[...], with: parent)
    }

    /// A decimal array index without leading zeros (`0`, `12`), as RFC 6901 requires.
    static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if token.count > 1 && token.hasPrefix("0") { return nil }
        return Int(token)
    }
}

/// Which operation of a patch is running, so every error can say so.
struct OperationContext {
    var index: Int
    var op: String
    var path: String

    func error(_ code: PatchError.Code, _ detail: String) -> PatchError {
        PatchError(code, "operation \(index) (\(op) \"\(path)\"): \(detail)")
    }

    func pointer(_ text: String) throws(PatchError) -> JSONPointer {
        do {
            return try JSONPointer(text)
        } catch {
            throw self.error(.malformedPatch, error.message)
        }
    }

    func required(_ members: [String: JSONValue], _ name: String) throws(PatchError) -> JSONValue {
        guard let value = members[name] else { throw error(.malformedPatch, "missing member \"\(name)\"") }
        return value
    }

    func fromText(_ members: [String: JSONValue]) throws(PatchError) -> String {
        guard let from = members["from"]?.stringValue else { throw error(.malformedPatch, "missing string member \"from\"") }
        return from
    }
}

extension JSONValue {
    /// This document with `value` added at `pointer` (RFC 6902 `add`: members are set, array
    /// elements inserted, `-` appends).
    fileprivate func applyingAdd(_ value: JSONValue, at pointer: JSONPointer, _ context: OperationContext) throws(PatchError) -> JSONValue {
        guard let last = pointer.tokens.last else { return value }
        let parentPointer = JSONPointer(tokens: Array(pointer.tokens.dropLast()))
        var parent: JSONValue
        do {
            parent = try JSONPatch.resolve(parentPointer, in: self, context)
        } catch {
            throw context.error(.pathNotFound, "parent \"\(parentPointer)\" does not exist")
        }
        switch parent {
        case .object(var members):
            members[last] = value
            parent = .object(members)
        case .array(var elements):
            if last == "-" {
                elements.append(value)
            } else {
                guard let position = JSONPatch.arrayIndex(last), position <= elements.count else {
                    throw context.error(.pathNotFound, "array index \"\(last)\" out of bounds (array has \(elements.count) elements)")
                }
                elements.insert(value, at: position)
            }
            parent = .array(elements)
        default:
            throw context.error(.pathNotFound, "cannot add a member to \(parent.typeName) at \"\(parentPointer)\"")
        }
        return replacing(at: parentPointer.tokens[...], with: parent)
    }

    /// This document with the value at an existing path (checked by the caller) replaced.
    fileprivate func replacing(at tokens: ArraySlice<String>, with replacement: JSONValue) -> JSONValue {
        guard let first = tokens.first else { return replacement }
        switch self {
        case .object(var members):
            let child = members[first] ?? .null
            members[first] = child.replacing(at: tokens.dropFirst(), with: replacement)
            return .object(members)
        case .array(var elements):
            guard let position = JSONPatch.arrayIndex(first), position < elements.count else { return self }
            elements[position] = elements[position].replacing(at: tokens.dropFirst(), with: replacement)
            return .array(elements)
        default:
            return self
        }
    }
}

/// JSON value equality as RFC 6902 `test` defines it: numbers compare by value (`1` equals
/// `1.0`), objects ignore member order, arrays compare element by element.
public enum JSONEquality {
    /// Whether two JSON values are equal.
    public static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.integer(let a), .number(let b)), (.number(let b), .integer(let a)):
            return Double(a) == b
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            return a.allSatisfy { key, value in b[key].map { equal(value, $0) } ?? false }
        default:
            return lhs == rhs
        }
    }
}
