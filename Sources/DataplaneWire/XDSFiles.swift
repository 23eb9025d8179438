/// The layout of a proxy's filesystem-xDS files, one watched directory per resource type (a
/// rename re-reads every file of its directory, so types do not share one).
///
/// Every path is relative to the proxy's config directory: where that directory is, is the
/// agent's business (it runs Envoy with the config directory as its working directory), so
/// the control plane's output does not depend on it and one translation serves every replica.
public enum XDSFiles {
    /// Resource types, each with its own directory.
    public enum ResourceType: String, Sendable, CaseIterable {
        case listeners = "lds"
        case clusters = "cds"
        case routes = "rds"
        case endpoints = "eds"
        case secrets = "sds"
    }

    /// The directory of one type, relative to the config directory.
    public static func directory(_ type: ResourceType) -> String { type.rawValue }

    /// The file of one resource, relative to the config directory: LDS and CDS have a single
    /// file for all resources; RDS, EDS and SDS one file per resource name. The extension
    /// tells Envoy the `format`.
    public static func path(_ type: ResourceType, name: String? = nil, format: XDSFile.Format = .json) -> String {
        let fileExtension = format == .protobuf ? "pb" : "json"
        switch type {
        case .listeners: return "\(directory(type))/listeners.\(fileExtension)"
        case .clusters: return "\(directory(type))/clusters.\(fileExtension)"
        default: return "\(directory(type))/\(fileName(for: name ?? "default")).\(fileExtension)"
        }
    }

    /// True for a path this layout can produce (`<type directory>/<file name>`, no other
    /// segments): an agent writes nothing else, whatever a stream says.
    public static func isValidPath(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, ResourceType(rawValue: String(parts[0])) != nil else { return false }
        let file = parts[1]
        guard !file.isEmpty, file != ".", file != "..", !file.hasPrefix(".") else { return false }
        return file.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "%"):
                return true
            default:
                return false
            }
        }
    }

    /// A file name for a resource name: letters, digits, `.`, `-` and `_` kept, every other
    /// byte written as `%XX`, so distinct names never collide and `/` never nests. A leading
    /// `.` is escaped too (temporary files start with one).
    public static func fileName(for name: String) -> String {
        var out = ""
        for (position, byte) in name.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "."):
                out += position == 0 ? "%2E" : "."
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// The `config_source` that points Envoy at one resource's file.
    public static func configSource(_ type: ResourceType, name: String? = nil, format: XDSFile.Format = .json) -> JSONValue {
        ["resource_api_version": "V3",
         "path_config_source": ["path": .string(path(type, name: name, format: format)),
                                "watched_directory": ["path": .string(directory(type))]]]
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
