/// One message of the control plane's config stream to a dataplane agent: the files that
/// changed since the previous message of the same stream, and the paths of every file the
/// version consists of (files no longer named are removed by the agent after a delay).
///
/// Wire form: a JSON header line
/// `{"version": v, "paths": [...], "files": [{"type": "rds", "name": n, "path": p, "format": "json", "size": s}, ...]}`
/// followed by the files' serialized resources back to back (`size` bytes each, no separator).
/// The first message of a stream carries every file. Between messages the control plane may
/// send heartbeats, empty lines (`heartbeat`), which carry nothing: writing them is how it
/// notices an agent that went away without closing its connection.
public struct ConfigPush: Sendable, Equatable {
    /// The dataplane protocol this build speaks: an agent names it in its config request
    /// (`protocol=`), and a control plane refuses any other (400, naming both), so an agent of
    /// another version fails clearly instead of misreading the stream.
    public static let protocolVersion = 1

    /// A heartbeat: an empty line.
    public static let heartbeat: [UInt8] = [0x0A]

    /// The version (this control plane run's id and a counter).
    public var version: String
    /// The changed files.
    public var files: [XDSFile]
    /// Every file of this version.
    public var paths: [String]

    /// Creates a message.
    public init(version: String, files: [XDSFile], paths: [String]) {
        self.version = version
        self.files = files
        self.paths = paths
    }

    /// The wire form.
    public func encoded() -> [UInt8] {
        let header: JSONValue = [
            "version": .string(version),
            "paths": .array(paths.map(JSONValue.string)),
            "files": .array(files.map { file in
                ["type": .string(file.type.rawValue), "name": .string(file.name), "path": .string(file.path),
                 "format": .string(file.format.rawValue), "size": .integer(Int64(file.resources.count))]
            }),
        ]
        var out = JSONSerializer.data(header)
        out.append(0x0A)
        for file in files { out += file.resources }
        return out
    }

    /// Takes every complete message off the front of `buffer` (bytes received so far), leaving
    /// an incomplete one in place. A malformed header throws: the stream cannot be resynchronized.
    public static func takeMessages(from buffer: inout [UInt8]) throws(ConfigPushError) -> [ConfigPush] {
        var messages: [ConfigPush] = []
        var start = 0
        while let newline = buffer[start...].firstIndex(of: 0x0A) {
            if newline == start {
                start += 1  // a heartbeat
                continue
            }
            let header: JSONValue
            do {
                header = try JSONParser.parse(Array(buffer[start..<newline]))
            } catch {
                throw ConfigPushError("config stream header is not JSON: \(error)")
            }
            guard let version = header["version"]?.stringValue,
                  let entries = header["files"]?.arrayValue, let paths = header["paths"]?.arrayValue else {
                throw ConfigPushError("config stream header lacks version, files or paths")
            }
            var described: [(XDSFile, Int)] = []
            for entry in entries {
                guard let typeName = entry["type"]?.stringValue, let type = XDSFiles.ResourceType(rawValue: typeName),
                      let path = entry["path"]?.stringValue, let size = entry["size"]?.integerValue, size >= 0,
                      let format = XDSFile.Format(rawValue: entry["format"]?.stringValue ?? "json") else {
                    throw ConfigPushError("config stream header has a malformed file entry: \(JSONSerializer.string(entry))")
                }
                described.append((XDSFile(type: type, name: entry["name"]?.stringValue ?? "", path: path, format: format, resources: []),
                                  Int(size)))
            }
            let payloadSize = described.reduce(0) { $0 + $1.1 }
            let payloadStart = newline + 1
            guard buffer.count - payloadStart >= payloadSize else { break }
            var offset = payloadStart
            var files: [XDSFile] = []
            for (file, size) in described {
                var complete = file
                complete.resources = Array(buffer[offset..<offset + size])
                files.append(complete)
                offset += size
            }
            messages.append(ConfigPush(version: version, files: files, paths: paths.compactMap(\.stringValue)))
            start = offset
        }
        buffer.removeFirst(start)
        return messages
    }
}

/// A config stream that cannot be read.
public struct ConfigPushError: Error, CustomStringConvertible {
    /// What cannot be read.
    public var description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
