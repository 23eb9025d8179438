/// An IPv4 CIDR block from which standalone Gateways get their addresses.
public struct AddressPool: Sendable, Hashable, CustomStringConvertible {
    /// The network address as a 32-bit number.
    public let network: UInt32
    /// Prefix length, 0...32.
    public let prefixLength: Int

    /// Parses `a.b.c.d/n`; the error says what is wrong.
    public init(cidr: String) throws(AddressPoolError) {
        let parts = cidr.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = Int(parts[1]), (0...32).contains(prefix) else {
            throw AddressPoolError("invalid CIDR \"\(cidr)\": expected a.b.c.d/n with n between 0 and 32")
        }
        guard let address = Self.parseIPv4(String(parts[0])) else {
            throw AddressPoolError("invalid CIDR \"\(cidr)\": \"\(parts[0])\" is not an IPv4 address")
        }
        let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << (32 - prefix)
        network = address & mask
        prefixLength = prefix
    }

    /// Usable host addresses in order (network and broadcast excluded for prefixes up to /30).
    public var hostAddresses: [String] {
        let size = UInt64(1) << (32 - prefixLength)
        let (first, last): (UInt64, UInt64) = size <= 2 ? (0, size - 1) : (1, size - 2)
        guard first <= last else { return [] }
        return (first...min(last, first + 65_535)).map { Self.format(network + UInt32($0)) }
    }

    /// True when every address of the pool is in 127.0.0.0/8.
    public var isLoopback: Bool { prefixLength >= 8 && network >> 24 == 127 }

    public var description: String { "\(Self.format(network))/\(prefixLength)" }

    /// Parses dotted-quad IPv4 text.
    public static func parseIPv4(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isASCII), let number = UInt32(octet), number <= 255 else { return nil }
            value = value << 8 | number
        }
        return value
    }

    /// Formats a 32-bit address as dotted-quad text.
    public static func format(_ address: UInt32) -> String {
        "\(address >> 24).\(address >> 16 & 0xFF).\(address >> 8 & 0xFF).\(address & 0xFF)"
    }
}

/// A malformed address pool.
public struct AddressPoolError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var description: String

    init(_ description: String) { self.description = description }
}
