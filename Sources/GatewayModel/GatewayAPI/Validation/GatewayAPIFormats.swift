/// The string formats of the Gateway API (`apis/v1/shared_types.go` and friends), with the
/// OpenAPI patterns of the v1.6 CRDs.
enum GatewayAPIFormats {
    /// `Hostname`: RFC 1123, optionally prefixed with a single `*.` label.
    static let hostname = SchemaPattern(#"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"#)
    /// `PreciseHostname`: RFC 1123, no wildcard.
    static let preciseHostname = SchemaPattern(#"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"#)
    /// `Group`: empty or an RFC 1123 subdomain.
    static let group = SchemaPattern(#"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"#)
    /// `Kind`.
    static let kind = SchemaPattern(#"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$"#)
    /// `Namespace`: an RFC 1123 label.
    static let namespace = SchemaPattern(#"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"#)
    /// `SectionName`: an RFC 1123 subdomain.
    static let sectionName = SchemaPattern(#"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"#)
    /// `GatewayController`: a domain-prefixed path.
    static let controllerName = SchemaPattern(#"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$"#)
    /// `ProtocolType`: a core protocol name or a domain-prefixed one.
    static let protocolType = SchemaPattern(#"^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]+$"#)
    /// `AddressType`.
    static let addressType = SchemaPattern(#"^Hostname|IPAddress|NamedAddress|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$"#)
    /// `HeaderName` (also query parameter names).
    static let headerName = SchemaPattern(#"^[A-Za-z0-9!#$%&'*+\-.^_\x60|~]+$"#)
    /// Header values (the experimental channel's pattern, checked on every channel; see
    /// `SchemaChecks.headerValue`): printable US-ASCII, single tabs or spaces between.
    static let headerValue = SchemaPattern(#"^[!-~]+([\t ]?[!-~]+)*$"#)
    /// `Duration` (GEP-2257).
    static let duration = SchemaPattern(#"^([0-9]{1,5}(h|m|s|ms)){1,4}$"#)
    /// `AnnotationKey` / `LabelKey`: a Kubernetes qualified name.
    static let qualifiedKey = SchemaPattern(#"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$"#)
    /// `LabelValue`.
    static let labelValue = SchemaPattern(#"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"#)
    /// Path characters allowed in `Exact`/`PathPrefix` matches and external auth paths.
    static let pathCharacters = SchemaPattern(#"^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$"#)
    /// `CORSOrigin`: `*` or `scheme://host[:port]`.
    static let corsOrigin = SchemaPattern(#"(^\*$)|(^([a-zA-Z][a-zA-Z0-9+\-.]+):\/\/([^:/?#]+)(:([0-9]{1,5}))?$)"#)
    /// gRPC service names (`Exact` matches).
    static let grpcService = SchemaPattern(#"^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$"#)
    /// gRPC method names (`Exact` matches).
    static let grpcMethod = SchemaPattern(#"^[A-Za-z_][A-Za-z_0-9]*$"#)
    /// `metav1.Condition.type`.
    static let conditionType = SchemaPattern(#"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$"#)
    /// `metav1.Condition.reason`.
    static let conditionReason = SchemaPattern(#"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$"#)

    /// The milliseconds a GEP-2257 duration stands for, or nil when it is not one.
    static func milliseconds(ofDuration text: String) -> Int64? {
        guard duration.matches(text) else { return nil }
        var total: Int64 = 0
        var number: Int64 = 0
        var characters = Array(text)[...]
        while let first = characters.first {
            if let digit = first.wholeNumberValue {
                number = number * 10 + Int64(digit)
                characters = characters.dropFirst()
                continue
            }
            let unit: Int64
            if characters.starts(with: ["m", "s"]) {
                unit = 1
                characters = characters.dropFirst(2)
            } else {
                switch first {
                case "h": unit = 3_600_000
                case "m": unit = 60_000
                default: unit = 1_000
                }
                characters = characters.dropFirst()
            }
            total += number * unit
            number = 0
        }
        return total
    }

    /// Whether `text` is an IPv4 address in dotted-decimal form or an IPv6 address.
    static func isIPAddress(_ text: String) -> Bool {
        isIPv4(text) || isIPv6(text)
    }

    private static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = Int(part) else { return false }
            // Leading zeros are ambiguous (octal in some parsers) and refused, as Go's netip does.
            return value <= 255 && (part.count == 1 || part.first != "0")
        }
    }

    private static func isIPv6(_ text: String) -> Bool {
        guard text.contains(":") else { return false }
        // At most one `::`; each side is a list of 1-4 digit hex groups, the last group may be
        // an embedded IPv4 address (two groups' worth).
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        var groupCount = 0
        for (halfIndex, half) in halves.enumerated() where !half.isEmpty {
            let groups = half.components(separatedBy: ":")
            for (position, group) in groups.enumerated() {
                let isLastGroup = halfIndex == halves.count - 1 && position == groups.count - 1
                if isLastGroup && group.contains(".") {
                    guard isIPv4(group) else { return false }
                    groupCount += 2
                    continue
                }
                guard (1...4).contains(group.count), group.allSatisfy(\.isHexDigit) else { return false }
                groupCount += 1
            }
        }
        return halves.count == 2 ? groupCount < 8 : groupCount == 8
    }
}
