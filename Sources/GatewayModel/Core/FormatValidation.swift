import Foundation

/// The string formats of Kubernetes `apimachinery/pkg/util/validation`, with the API server's
/// exact messages. Each check returns the problems found (empty when valid).
public enum KubernetesFormats {
    static let dns1123LabelMaxLength = 63
    static let dns1123SubdomainMaxLength = 253
    static let qualifiedNameMaxLength = 63
    static let labelValueMaxLength = 63

    static let dns1123LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    static let dns1123SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let dns1035LabelMessage =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
    static let qualifiedNamePartMessage =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    static let labelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    static let configKeyMessage =
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"

    /// `must be no more than N characters`.
    static func maxLengthMessage(_ limit: Int) -> String { "must be no more than \(limit) characters" }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (byte >= 0x41 && byte <= 0x5A)
    }

    /// Whether `text` matches `[a-z0-9]([-a-z0-9]*[a-z0-9])?` (or the DNS-1035 variant that starts with a letter).
    private static func matchesLabel(_ text: String, firstMustBeLetter: Bool = false) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, let last = bytes.last else { return false }
        if firstMustBeLetter ? !(first >= 0x61 && first <= 0x7A) : !isLowerAlphanumeric(first) { return false }
        guard isLowerAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == 0x2D }
    }

    /// RFC 1123 label (`my-name`), at most 63 characters.
    public static func dns1123Label(_ text: String) -> [String] {
        var problems: [String] = []
        if text.utf8.count > dns1123LabelMaxLength { problems.append(maxLengthMessage(dns1123LabelMaxLength)) }
        if !matchesLabel(text) { problems.append(dns1123LabelMessage) }
        return problems
    }

    /// RFC 1123 subdomain (`example.com`), at most 253 characters.
    public static func dns1123Subdomain(_ text: String) -> [String] {
        var problems: [String] = []
        if text.utf8.count > dns1123SubdomainMaxLength { problems.append(maxLengthMessage(dns1123SubdomainMaxLength)) }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        if !labels.allSatisfy({ matchesLabel(String($0)) }) { problems.append(dns1123SubdomainMessage) }
        return problems
    }

    /// RFC 1035 label (`my-name`, starting with a letter), at most 63 characters: Service names.
    public static func dns1035Label(_ text: String) -> [String] {
        var problems: [String] = []
        if text.utf8.count > dns1123LabelMaxLength { problems.append(maxLengthMessage(dns1123LabelMaxLength)) }
        if !matchesLabel(text, firstMustBeLetter: true) { problems.append(dns1035LabelMessage) }
        return problems
    }

    /// Whether `text` matches `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
    private static func matchesQualifiedNamePart(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }

    /// A qualified name (`example.com/MyName` or `MyName`): label keys, annotation keys, finalizers.
    public static func qualifiedName(_ text: String) -> [String] {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let name: String
        var problems: [String] = []
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            let prefix = parts[0]
            name = parts[1]
            if prefix.isEmpty {
                problems.append("prefix part must be non-empty")
            } else {
                problems += dns1123Subdomain(prefix).map { "prefix part \($0)" }
            }
        default:
            return ["a qualified name " + qualifiedNamePartMessage + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        if name.isEmpty {
            problems.append("name part must be non-empty")
        } else if name.utf8.count > qualifiedNameMaxLength {
            problems.append("name part " + maxLengthMessage(qualifiedNameMaxLength))
        }
        if !name.isEmpty && !matchesQualifiedNamePart(name) { problems.append("name part " + qualifiedNamePartMessage) }
        return problems
    }

    /// A label value: empty, or a qualified-name part of at most 63 characters.
    public static func labelValue(_ text: String) -> [String] {
        var problems: [String] = []
        if text.utf8.count > labelValueMaxLength { problems.append(maxLengthMessage(labelValueMaxLength)) }
        if !text.isEmpty && !matchesQualifiedNamePart(text) { problems.append(labelValueMessage) }
        return problems
    }

    /// A key of Secret or ConfigMap data: `[-._a-zA-Z0-9]+`, at most 253 characters, not `.`/`..`.
    public static func configMapKey(_ text: String) -> [String] {
        var problems: [String] = []
        if text.utf8.count > dns1123SubdomainMaxLength { problems.append(maxLengthMessage(dns1123SubdomainMaxLength)) }
        let bytes = Array(text.utf8)
        if bytes.isEmpty || !bytes.allSatisfy({ isAlphanumeric($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }) {
            problems.append(configKeyMessage)
        }
        if text == "." {
            problems.append("must not be '.'")
        } else if text == ".." {
            problems.append("must not be '..'")
        } else if text.hasPrefix("..") {
            problems.append("must not start with '..'")
        }
        return problems
    }

    /// An IANA service name (`http`, `metrics-port`): port names referenced by `targetPort`.
    public static func ianaServiceName(_ text: String) -> [String] {
        var problems: [String] = []
        if text.utf8.count > 15 { problems.append(maxLengthMessage(15)) }
        let bytes = Array(text.utf8)
        if !bytes.allSatisfy({ isLowerAlphanumeric($0) || $0 == 0x2D }) {
            problems.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
        }
        if !bytes.contains(where: { $0 >= 0x61 && $0 <= 0x7A }) { problems.append("must contain at least one letter (a-z)") }
        if text.contains("--") { problems.append("must not contain consecutive hyphens") }
        if bytes.first == 0x2D || bytes.last == 0x2D { problems.append("must not begin or end with a hyphen") }
        return problems
    }

    /// A TCP/UDP port number.
    public static func portNumber(_ port: Int) -> [String] {
        (1...65535).contains(port) ? [] : ["must be between 1 and 65535, inclusive"]
    }

    /// An IPv4 address in dotted-quad form (no leading zeros, as Kubernetes 1.3x requires).
    public static func isIPv4(_ text: String) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        return octets.allSatisfy { octet in
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            if octet.count > 1 && octet.hasPrefix("0") { return false }
            return (Int(octet) ?? 256) <= 255
        }
    }

    /// An IPv6 address in any textual form (`::1`, `fd00::10`, `::ffff:1.2.3.4`); no zone.
    public static func isIPv6(_ text: String) -> Bool {
        guard text.contains(":"), !text.contains("%") else { return false }
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    /// An IPv4 or IPv6 address.
    public static func isIP(_ text: String) -> Bool { isIPv4(text) || isIPv6(text) }

    /// A CIDR (`10.0.0.0/8`, `fd00::/64`).
    public static func isCIDR(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let bits = Int(parts[1]), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        let address = String(parts[0])
        if isIPv4(address) { return (0...32).contains(bits) }
        if isIPv6(address) { return (0...128).contains(bits) }
        return false
    }
}
