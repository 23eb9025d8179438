/// Hands out one shared instance for equal JSON values, so that values repeated across
/// thousands of objects (a route's status is the same for every route accepted by the same
/// Gateway) are held once instead of once per object. A `JSONValue`'s arrays and dictionaries
/// are copy-on-write: equal values returned from here share their storage until one is changed.
///
/// Bounded: when `capacity` distinct values are held, the pool starts over (values handed out
/// stay valid; only later sharing is lost).
public final class ValueInterner: Sendable {
    private let pool: SharedValues<JSONValue>
    /// The most distinct values held.
    public var capacity: Int { pool.capacity }

    /// An empty pool.
    public init(capacity: Int = 4096) {
        pool = SharedValues(capacity: capacity)
    }

    /// `value` rebuilt from shared instances of its parts, bottom up: objects and arrays, and
    /// strings too long to be stored inline (over 15 bytes). The parts one object has in common
    /// with others (labels, a parentRef, backendRefs, a condition) are then held once. `value`'s
    /// own root is not pooled: it is usually unique (its name), and would only crowd the pool.
    public func internParts(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members): return .object(members.mapValues(sharedPart))
        case .array(let elements): return .array(elements.map(sharedPart))
        default: return value
        }
    }

    private func sharedPart(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object, .array: return intern(internParts(value))
        case .string(let text) where text.utf8.count > 15: return intern(value)
        default: return value
        }
    }

    /// The shared instance equal to `value` (`value` itself the first time it is seen).
    public func intern(_ value: JSONValue) -> JSONValue { pool.shared(value) }
}
