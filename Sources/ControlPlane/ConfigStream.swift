import GatewayModel

/// What one agent's config stream has delivered, and what to send it next: a push carries only
/// the files whose content changed since the previous push of the same stream (the first push
/// carries every file), plus the paths of every file of the version (the agent removes the
/// others after a delay). A value: the HTTP endpoint drives it, tests drive it without HTTP.
struct ConfigStream {
    /// Distinguishes this control-plane run's versions from an earlier run's (an agent that
    /// outlives a restart must not mistake a new version for one its Envoy already has).
    let runID: String
    private var sent: [String: [UInt8]] = [:]
    private var sentPaths: [String] = []
    private var sentRevision: UInt64?

    /// A stream that has sent nothing yet.
    init(runID: String) {
        self.runID = runID
    }

    /// The version name of a config revision: equal for every replica of a proxy.
    func version(of config: ProxyConfig) -> String { "\(runID)-\(config.revision)" }

    /// The push that brings the agent from what was sent to `config`, or nil when it already
    /// has it. Sending is assumed to succeed (a failed write ends the stream, and a new stream
    /// starts from nothing).
    mutating func next(_ config: ProxyConfig) -> ConfigPush? {
        let paths = config.files.map(\.path)
        let changed = config.files.filter { sent[$0.path] != $0.resources }
        // A new revision is announced even when this stream's files happen to be equal (it
        // missed a revision that a later one undid): replicas must report the same version.
        guard !changed.isEmpty || paths != sentPaths || sentRevision != config.revision else { return nil }
        for file in changed { sent[file.path] = file.resources }
        let current = Set(paths)
        sent = sent.filter { current.contains($0.key) }
        sentPaths = paths
        sentRevision = config.revision
        return ConfigPush(version: version(of: config), files: changed, paths: paths)
    }
}
