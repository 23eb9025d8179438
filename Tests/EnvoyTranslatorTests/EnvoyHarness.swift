import EnvoyTranslator
import Foundation
import GatewayModel

#if canImport(Glibc)
import Glibc
#endif

/// Runs the real Envoy on generated resources delivered as filesystem xDS, the way the
/// dataplane agent delivers them, and reads its admin API.
struct EnvoyHarness {
    /// Where Envoy is: `$GATEHOUSE_ENVOY`, else the project's venv (scripts/setup.sh).
    static func envoyPath() -> String? {
        if let explicit = ProcessInfo.processInfo.environment["GATEHOUSE_ENVOY"], FileManager.default.isExecutableFile(atPath: explicit) {
            return explicit
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let venv = packageRoot.appendingPathComponent(".venv/bin/envoy").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    /// Writes `files` (the `XDSFiles` layout, as `EnvoyTranslator.files` makes them) under
    /// their paths, stamped with `version`, as the dataplane agent does.
    static func writeXDSFiles(_ files: [XDSFile], version: String, in directory: String) throws {
        for type in XDSFiles.ResourceType.allCases {
            try FileManager.default.createDirectory(atPath: "\(directory)/\(XDSFiles.directory(type))", withIntermediateDirectories: true)
        }
        for file in files {
            try Data(file.content(version: version)).write(to: URL(fileURLWithPath: "\(directory)/\(file.path)"))
        }
    }

    /// Writes `resources` as JSON files in the `XDSFiles` layout under `directory`.
    static func writeXDSFiles(_ resources: EnvoyResources, version: String, in directory: String) throws {
        try writeXDSFiles(XDSFiles.files(for: resources), version: version, in: directory)
    }

    /// A bootstrap that takes listeners and clusters from the files (paths relative to Envoy's
    /// working directory, the config directory), with the admin API on an ephemeral loopback
    /// port (Envoy writes the address it got to `adminAddressPath`).
    static func bootstrap() -> JSONValue {
        [
            "node": ["id": "envoy-translator-test", "cluster": "envoy-translator-test"],
            "admin": ["address": ["socket_address": ["address": "127.0.0.1", "port_value": 0]]],
            "dynamic_resources": [
                "lds_config": XDSFiles.configSource(.listeners),
                "cds_config": XDSFiles.configSource(.clusters),
            ],
        ]
    }

    let process: Process
    let directory: String
    let adminAddress: (host: String, port: Int)

    var logPath: String { directory + "/envoy.log" }

    /// Starts Envoy on the files in `directory` and waits (at most `timeout` seconds) until its
    /// admin API answers.
    static func start(envoy: String, directory: String, timeout: Double = 30) async throws -> EnvoyHarness {
        let bootstrapPath = directory + "/bootstrap.json"
        try Data(JSONSerializer.data(bootstrap())).write(to: URL(fileURLWithPath: bootstrapPath))
        let adminPath = directory + "/admin-address.txt"
        let logPath = directory + "/envoy.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: envoy)
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.arguments = ["-c", bootstrapPath, "--reject-unknown-dynamic-fields", "--disable-hot-restart",
                             "--concurrency", "1", "--log-level", "warning", "--admin-address-path", adminPath]
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: adminPath, encoding: .utf8),
               let colon = text.lastIndex(of: ":"),
               let port = Int(text[text.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)) {
                return EnvoyHarness(process: process, directory: directory, adminAddress: (String(text[..<colon]), port))
            }
            guard process.isRunning else { break }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        let harness = EnvoyHarness(process: process, directory: directory, adminAddress: ("127.0.0.1", 0))
        harness.stop()
        throw HarnessError("Envoy's admin API did not come up within \(timeout) s:\n\(harness.logTail())")
    }

    /// Stops Envoy by PID and waits for it: SIGTERM, then SIGKILL after 0.3 s. (Envoy 1.40
    /// takes about 2 s to exit on SIGTERM; a test Envoy has nothing to drain or flush.)
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(0.3)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// The end of Envoy's log, for failure messages.
    func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// `GET path` on the admin API.
    func admin(_ path: String) throws -> HTTPResponse {
        try HTTPResponse.get(host: adminAddress.host, port: adminAddress.port, path: path)
    }

    /// The xDS update counters that must stay 0: `update_rejected` (Envoy refused the
    /// content) and `update_failure` (it could not read or parse it), of every subscription.
    func failedUpdateCounters() throws -> [String: Int] {
        let body = try admin("/stats?filter=update_(rejected|failure)").body
        var failed: [String: Int] = [:]
        for line in body.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let value = Int(parts[1].trimmingCharacters(in: .whitespaces)), value > 0 else { continue }
            failed[String(parts[0])] = value
        }
        return failed
    }
}

/// A harness failure, with Envoy's words where there are any.
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A minimal HTTP/1.1 client over a blocking socket (the tests need nothing more, and no
/// HTTP library): one request per connection, `Connection: close`, chunked bodies decoded.
struct HTTPResponse {
    var status: Int
    /// Header names lower-cased, in arrival order.
    var headers: [(name: String, value: String)]
    var body: String

    /// The first value of a header.
    func header(_ name: String) -> String? { headers.first { $0.name == name.lowercased() }?.value }

    /// Sends one request and reads the whole response (5 s socket timeouts).
    static func get(host: String, port: Int, path: String, hostHeader: String? = nil, method: String = "GET",
                    extraHeaders: [(String, String)] = []) throws -> HTTPResponse {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket() failed") }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = try socketAddress(host: host, port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect to \(host):\(port) failed (errno \(errno))") }
        var request = "\(method) \(path) HTTP/1.1\r\nHost: \(hostHeader ?? "\(host):\(port)")\r\nConnection: close\r\n"
        for (name, value) in extraHeaders { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, 0) }) == bytes.count else {
            throw HarnessError("send to \(host):\(port) failed")
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 { throw HarnessError("recv from \(host):\(port) failed (errno \(errno))") }
            if count == 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return try parse(received)
    }

    /// The IPv4 socket address of `host:port`.
    static func socketAddress(host: String, port: Int) throws -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw HarnessError("not an IPv4 address: \(host)") }
        return address
    }

    private static func parse(_ bytes: [UInt8]) throws -> HTTPResponse {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headerEnd = bytes.firstRange(of: separator) else { throw HarnessError("incomplete HTTP response") }
        let head = String(decoding: bytes[..<headerEnd.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw HarnessError("bad status line") }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var body = Array(bytes[headerEnd.upperBound...])
        if headers.contains(where: { $0.name == "transfer-encoding" && $0.value.lowercased() == "chunked" }) {
            body = dechunk(body)
        }
        return HTTPResponse(status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var position = 0
        let crlf: [UInt8] = [13, 10]
        while position < bytes.count, let lineEnd = bytes[position...].firstRange(of: crlf) {
            let sizeText = String(decoding: bytes[position..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            let end = min(start + size, bytes.count)
            output.append(contentsOf: bytes[start..<end])
            position = end + 2
        }
        return output
    }
}

/// A TCP port nobody listens on at `host` right now (the kernel's pick for port 0).
func freePort(host: String = "127.0.0.1") throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw HarnessError("socket() failed") }
    defer { close(descriptor) }
    var address = try HTTPResponse.socketAddress(host: host, port: 0)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw HarnessError("bind failed (errno \(errno))") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard named == 0 else { throw HarnessError("getsockname failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}
