import APIServer
import Foundation
import GatewayModel
import Hummingbird

/// `POST /apis/authentication.k8s.io/v1/tokenreviews` of standalone as a cluster: reviews a
/// service-account token its local runtime projected (`ServiceAccountTokens`), answering the
/// TokenReview with its `status` as kube-apiserver does. Behind the API's authentication.
public struct TokenReviewEndpoint: APIExtension {
    let tokens: ServiceAccountTokens

    /// An endpoint reviewing `tokens`.
    public init(tokens: ServiceAccountTokens) {
        self.tokens = tokens
    }

    public var pathPrefix: String { "/apis/authentication.k8s.io/v1/tokenreviews" }

    public func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        guard request.method == .post, request.uri.path == pathPrefix else {
            return Self.status(405, reason: "MethodNotAllowed", "only create (POST) is served for tokenreviews")
        }
        var request = request
        let body = try await request.collectBody(upTo: 64 * 1024)
        guard let review = try? JSONParser.parse(Array(buffer: body)), let token = review[path: ["spec", "token"]]?.stringValue,
              !token.isEmpty else {
            return Self.status(422, reason: "Invalid", "TokenReview.authentication.k8s.io is invalid: spec.token: Required value")
        }
        var answer = review
        answer["apiVersion"] = "authentication.k8s.io/v1"
        answer["kind"] = "TokenReview"
        answer["status"] = tokens.review(token)
        // The token is not echoed back.
        answer[path: ["spec", "token"]] = nil
        return Response(status: .created, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONSerializer.data(answer))))
    }

    private static func status(_ code: Int, reason: String, _ message: String) -> Response {
        let status: JSONValue = ["kind": "Status", "apiVersion": "v1", "metadata": .emptyObject, "status": "Failure",
                                 "message": .string(message), "reason": .string(reason), "code": .integer(Int64(code))]
        return Response(status: .init(code: code), headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONSerializer.data(status))))
    }
}
