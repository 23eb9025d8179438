import GatewayModel

/// Stage 1 of the pipeline (DESIGN.md section 2): Gateway API objects -> status report, mesh
/// resources (the IR) and infra IR. Pure: no I/O, no clock, no logging.
public enum GatewayTranslator {
    /// Translates one snapshot.
    public static func translate(_ snapshot: ResourceSnapshot, options: TranslationOptions) -> Translation {
        Translation()
    }
}
