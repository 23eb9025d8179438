/// A JSON value the protobuf encoder cannot encode faithfully, and where it is:
/// `virtual_hosts[0].routes[3].route.timeout: not a duration ("5 s")`.
///
/// The caller falls back to delivering JSON; the encoder never guesses.
public struct ProtobufEncodingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// One step of the path from the encoded value to the problem.
    public enum PathComponent: Sendable, Equatable {
        /// A field, by its proto name (or the member name as written, for unknown fields).
        case field(String)
        /// An element of a repeated field or list.
        case index(Int)
        /// An entry of a map or `Struct`.
        case key(String)
    }

    /// Outermost first.
    public var path: [PathComponent]
    /// What is wrong there.
    public var problem: String

    init(_ problem: String, at path: [PathComponent] = []) {
        self.problem = problem
        self.path = path
    }

    /// The path as text: `virtual_hosts[0].typed_per_filter_config["envoy.filters.http.cors"]`.
    public var pathDescription: String {
        var text = ""
        for component in path {
            switch component {
            case .field(let name): text += text.isEmpty ? name : "." + name
            case .index(let index): text += "[\(index)]"
            case .key(let key): text += "[\"\(key)\"]"
            }
        }
        return text
    }

    public var description: String { path.isEmpty ? problem : "\(pathDescription): \(problem)" }

    /// The same error one level further out.
    func within(_ component: PathComponent) -> ProtobufEncodingError {
        var outer = self
        outer.path.insert(component, at: 0)
        return outer
    }
}
