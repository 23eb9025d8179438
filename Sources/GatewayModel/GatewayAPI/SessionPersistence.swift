/// `SessionPersistence` (experimental): sticky sessions by cookie or header.
public struct SessionPersistence: Codable, Sendable, Hashable {
    /// Name of the cookie or header (at most 128 characters).
    public var sessionName: String?
    /// Absolute lifetime of a session (Gateway API duration).
    public var absoluteTimeout: String?
    /// Idle lifetime of a session (Gateway API duration).
    public var idleTimeout: String?
    /// `Cookie` (default) or `Header`.
    public var type: String?
    /// Cookie settings.
    public var cookieConfig: CookieConfig?
}

/// Cookie settings of a `SessionPersistence`.
public struct CookieConfig: Codable, Sendable, Hashable {
    /// `Session` (default) or `Permanent`.
    public var lifetimeType: String?
}

/// A fraction `numerator/denominator` (denominator defaults to 100).
public struct Fraction: Codable, Sendable, Hashable {
    /// Numerator, at least 0.
    public var numerator: Int32
    /// Denominator, at least 1; nil means 100.
    public var denominator: Int32?
}
