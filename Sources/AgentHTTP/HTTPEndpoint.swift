/// Where an HTTP request goes: scheme, host, port and the path with its query, parsed from an
/// absolute `http://` or `https://` URL without Foundation.
public struct HTTPEndpoint: Sendable, Equatable {
    /// Whether the connection is TLS.
    public var isSecure: Bool
    /// The host name or address (brackets of an IPv6 literal removed).
    public var host: String
    /// The port (80 or 443 when the URL names none).
    public var port: Int
    /// The path and query (`/` when the URL has none).
    public var target: String

    /// Parses `url`; nil when it is not an absolute http or https URL with a host.
    public init?(url: String) {
        let secure: Bool
        let rest: Substring
        if url.hasPrefix("http://") {
            secure = false
            rest = url.dropFirst("http://".count)
        } else if url.hasPrefix("https://") {
            secure = true
            rest = url.dropFirst("https://".count)
        } else {
            return nil
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        // Credentials in a URL are never used here; refuse them rather than send them as a host.
        guard !authority.contains("@") else { return nil }
        var port = secure ? 443 : 80
        var host: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            authority = authority[authority.index(after: close)...]
            if authority.hasPrefix(":") {
                guard let parsed = Int(authority.dropFirst()), (1...65535).contains(parsed) else { return nil }
                port = parsed
            } else if !authority.isEmpty {
                return nil
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            guard let parsed = Int(authority[authority.index(after: colon)...]), (1...65535).contains(parsed) else { return nil }
            port = parsed
        } else {
            host = authority
        }
        guard !host.isEmpty else { return nil }
        let path = rest[authorityEnd...]
        isSecure = secure
        self.host = String(host)
        self.port = port
        target = path.isEmpty ? "/" : (path.hasPrefix("?") ? "/" + path : String(path))
    }

    /// The `Host` header's value: the host, with the port when it is not the scheme's default.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isSecure ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// Names the target of a kept-alive connection: scheme, host and port.
    var poolKey: String { "\(isSecure ? "https" : "http")://\(hostHeader)" }

    /// Whether `host` is an IP address literal (TLS then sends no server name).
    public var hostIsAddress: Bool {
        host.contains(":") || (host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil })
    }
}

/// Percent-encoding of a URL query value or path segment: everything but the unreserved
/// characters of RFC 3986 (`A-Z a-z 0-9 - . _ ~`) is encoded.
public func percentEncoded(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    let hexDigits = Array("0123456789ABCDEF")
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            result.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            result.append("%")
            result.append(hexDigits[Int(byte >> 4)])
            result.append(hexDigits[Int(byte & 0x0F)])
        }
    }
    return result
}
