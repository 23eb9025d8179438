/// One filesystem-xDS file of a proxy, ready to write: which subscription reads it, and its
/// resources already serialized. The control plane serializes; the dataplane agent only adds
/// the version and writes, so a push of one changed route costs no parsing on either side.
public struct XDSFile: Sendable, Equatable {
    /// How the file is encoded (Envoy picks the parser by the file name's extension).
    public enum Format: String, Sendable {
        /// `.json`: a JSON `DiscoveryResponse`.
        case json
        /// `.pb`: a binary `envoy.service.discovery.v3.DiscoveryResponse`.
        case protobuf
    }

    /// The subscription type.
    public var type: XDSFiles.ResourceType
    /// The resource name for per-resource files (RDS, EDS, SDS); empty for LDS and CDS.
    public var name: String
    /// Where the file lives, relative to the proxy's config directory (`XDSFiles`).
    public var path: String
    /// The encoding of `resources`.
    public var format: Format
    /// The serialized resources: for JSON the array text (`[{...},...]`), for protobuf the
    /// encoded repeated `resources` field (2) of the `DiscoveryResponse`.
    public var resources: [UInt8]

    /// Creates a file description.
    public init(type: XDSFiles.ResourceType, name: String, path: String, format: Format = .json, resources: [UInt8]) {
        self.type = type
        self.name = name
        self.path = path
        self.format = format
        self.resources = resources
    }

    /// The whole file for `version`: the `DiscoveryResponse` with `version_info` and the resources.
    public func content(version: String) -> [UInt8] {
        switch format {
        case .json:
            var out = Array(#"{"version_info":"#.utf8)
            out += JSONSerializer.data(.string(version))
            out += Array(#","resources":"#.utf8)
            out += resources
            out.append(UInt8(ascii: "}"))
            return out
        case .protobuf:
            // Field 1 (`version_info`, a string), then the encoded resources: protobuf fields
            // may come in any order.
            var out: [UInt8] = [0x0A]
            let versionBytes = Array(version.utf8)
            var length = UInt64(versionBytes.count)
            while length >= 0x80 {
                out.append(UInt8(truncatingIfNeeded: length) | 0x80)
                length >>= 7
            }
            out.append(UInt8(length))
            return out + versionBytes + resources
        }
    }
}

extension XDSFiles.ResourceType {
    /// Files are written in this order: what others refer to first (RDS, EDS and SDS before
    /// the clusters and listeners naming them), LDS last.
    public var writeRank: Int {
        switch self {
        case .routes: return 0
        case .endpoints: return 1
        case .secrets: return 2
        case .clusters: return 3
        case .listeners: return 4
        }
    }
}
