import Synchronization

/// Hands out one shared instance for equal values: the arrays and dictionaries inside equal
/// values then share their storage. A snapshot decodes every route's status on its own, though
/// thousands of routes on one Gateway have equal ones; `ValueInterner` pools JSON parts here.
///
/// Bounded: when `capacity` distinct values are held, the pool starts over (values handed out
/// stay valid; only later sharing is lost).
final class SharedValues<Value: Hashable & Sendable>: Sendable {
    private let pool = Mutex<[Value: Value]>([:])
    /// The most distinct values held.
    let capacity: Int

    /// An empty pool.
    init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    /// The shared instance equal to `value` (`value` itself the first time it is seen).
    func shared(_ value: Value) -> Value {
        pool.withLock { pool in
            if let known = pool[value] { return known }
            if pool.count >= capacity { pool.removeAll(keepingCapacity: true) }
            pool[value] = value
            return value
        }
    }
}
