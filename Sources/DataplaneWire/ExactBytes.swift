extension Array where Element == UInt8 {
    /// The same bytes in an array of their size. Arrays filled by appending (the serializers')
    /// grow by doubling and may hold up to twice their size; bytes kept for long (a store's
    /// objects, serialized routes) are worth one copy into an exact one.
    public var exactlySized: [UInt8] {
        guard capacity > count + 32 else { return self }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = buffer.initialize(fromContentsOf: self)
        }
    }
}
