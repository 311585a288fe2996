// The one owner of a libcurl easy handle: POSTs JSON bodies to one URL with TLS verification on.
import CCurl
import Foundation

/// How one POST ended.
enum PostOutcome: Equatable {
    /// The server answered with this HTTP status.
    case status(Int)
    /// No answer: refused, timed out, TLS failure (libcurl's message).
    case failed(String)
}

/// A reusable POST to one URL (keeps the connection alive between requests). Not thread-safe: one sink thread uses it.
final class CurlPost {
    private let handle: UnsafeMutableRawPointer
    private var headers: UnsafeMutablePointer<curl_slist>?
    private let sink: UnsafeMutablePointer<FILE>?

    private static let library: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    /// A POST to `url` that gives up after `timeoutSeconds`; `caFile` replaces the system's CA certificates.
    init(url: String, timeoutSeconds: Double, caFile: String?) throws(SinkError) {
        _ = Self.library
        guard let handle = curl_easy_init() else { throw .library("webhook: cannot create a libcurl handle") }
        self.handle = handle
        sink = fopen("/dev/null", "w")  // the response body is not needed
        headers = curl_slist_append(nil, "Content-Type: application/json")
        set(CURLOPT_URL, url)
        set(CURLOPT_HTTPHEADER, UnsafeRawPointer(headers))
        set(CURLOPT_WRITEDATA, UnsafeRawPointer(sink))
        set(CURLOPT_NOSIGNAL, 1)  // timeouts without SIGALRM (threads)
        set(CURLOPT_TIMEOUT_MS, Int(timeoutSeconds * 1000))
        set(CURLOPT_CONNECTTIMEOUT_MS, Int(min(timeoutSeconds, 5) * 1000))
        set(CURLOPT_SSL_VERIFYPEER, 1)
        set(CURLOPT_SSL_VERIFYHOST, 2)
        set(CURLOPT_PROTOCOLS_STR, "http,https")
        set(CURLOPT_USERAGENT, "vigil")
        if let caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw .input("webhook: cannot read CA file \(caFile)")
            }
            set(CURLOPT_CAINFO, caFile)
        }
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headers)
        if let sink { fclose(sink) }
    }

    /// POSTs `body`; blocks until the answer or the timeout.
    func post(_ body: Data) -> PostOutcome {
        body.withUnsafeBytes { bytes in
            _ = vigil_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, bytes.count)
            _ = vigil_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1))
        }
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else { return .failed(String(cString: curl_easy_strerror(code))) }
        var status = 0
        _ = vigil_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .status(status)
    }

    private func set(_ option: CURLoption, _ value: Int) { _ = vigil_curl_setopt_long(handle, option, value) }
    private func set(_ option: CURLoption, _ value: String) { _ = value.withCString { vigil_curl_setopt_pointer(handle, option, $0) } }
    private func set(_ option: CURLoption, _ value: UnsafeRawPointer?) { _ = vigil_curl_setopt_pointer(handle, option, value) }
}
